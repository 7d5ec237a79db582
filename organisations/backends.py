"""The signed-in person with their roles, in the one query of `accounts.backends`."""

from typing import Any

from django.apps import apps
from django.db.models import Aggregate, Exists, OuterRef, QuerySet, Subquery, TextField

from accounts.backends import HAS_MEMBERSHIP, UserBackend
from accounts.models import User
from organisations.enums import Role
from organisations.models import Membership, Municipality

ROLE_FLAG = "stafett_has_{}"
# Whether the person administers a municipality: read with the roles, so that the header's
# navigation (organisations.navigation) knows the leader's pages of an administrator with no
# role without a query of its own (organisations.queries.administers_a_municipality).
ADMINISTERS_FLAG = "stafett_administers"
# The person's memberships as the header names them, [[role, unit, municipality], …] in JSON:
# read with the roles, so that the header (organisations.context_processors) asks nothing
# on each page (issue 9).
PLACES = "stafett_places"


class JSONRows(Aggregate):
    """The aggregated rows' values as one JSON array of arrays, as text (PostgreSQL,
    SQLite)."""

    output_field = TextField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "JSON_AGG(JSON_BUILD_ARRAY(%(expressions)s))::text"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "JSON_GROUP_ARRAY(JSON_ARRAY(%(expressions)s))"
        return self.as_sql(compiler, connection, template=template, **extra)


class RoleBackend(UserBackend):
    """Reads the person's roles with the person (one EXISTS per role, each an index probe),
    so the role switcher, the active role and the audit context cost no query of their own
    (`organisations.queries.roles_of` finds them on the user). Read fresh on every request:
    a role removed is gone on the next one (R-ROLE-01)."""

    def user_query(self, user_id: int) -> QuerySet[User]:
        flags = {
            ROLE_FLAG.format(role.value): Exists(
                Membership.objects.filter(user=OuterRef("pk"), role=role.value)
            )
            for role in (Role.LEADER, Role.HOLDER, Role.ACTOR)
        }
        if apps.is_installed("logs"):
            # As in roles_of: the guardian model belongs to logs, above this app.
            guardian = apps.get_model("logs", "Guardian")
            flags[ROLE_FLAG.format(Role.GUARDIAN.value)] = Exists(
                guardian.objects.filter(user=OuterRef("pk"))
            )
        flags[ADMINISTERS_FLAG] = Exists(
            Municipality.administrators.through.objects.filter(user=OuterRef("pk"))
        )
        places = (
            Membership.objects.filter(user=OuterRef("pk"))
            .order_by()
            .values("user")
            .annotate(rows=JSONRows("role", "unit__name", "unit__municipality__name"))
            .values("rows")
        )
        return super().user_query(user_id).annotate(**flags, **{PLACES: Subquery(places)})

    def get_user(self, user_id: Any) -> User | None:
        user = super().get_user(user_id)
        if user is not None:
            roles = [role for role in Role if getattr(user, ROLE_FLAG.format(role.value), False)]
            user._stafett_roles = roles  # type: ignore[attr-defined]  # read by roles_of
            # A membership gives every role but the guardian's.
            setattr(user, HAS_MEMBERSHIP, any(role != Role.GUARDIAN for role in roles))
        return user
