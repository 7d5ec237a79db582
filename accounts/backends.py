"""The signed-in person, read once per request with what every request asks about them."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import router
from django.db.models import OuterRef, QuerySet, Subquery
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

# The confirmed TOTP device read with the person: OTPMiddleware (accounts.middleware) trusts
# the session's device without a query of its own when it is this one.
TOTP_DEVICE_ID = "stafett_totp_device_id"
# Whether the person has a membership (a staff role), when a subclass reads it with the
# person: the second factor's rule (accounts.middleware) then needs no query of its own.
HAS_MEMBERSHIP = "stafett_has_membership"
# Stands for the person's id while the query is compiled (see UserBackend._sql).
_SOME_ID = -7_319_004_211

_compiled: dict[tuple[type, str], tuple[str, tuple, int]] = {}


class UserBackend(ModelBackend):
    """Django's ModelBackend (same passwords, same `is_active` rule), but `get_user`, which
    runs on every signed-in request, reads the person in one query together with their
    confirmed second factor. Subclasses add what else every request needs in `user_query`.

    Nothing is cached between requests but the SQL text: a deactivated person, a changed
    password (the session hash) or a removed device takes effect on the very next request.
    """

    def user_query(self, user_id: int) -> QuerySet[User]:
        device = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True).order_by("pk")
        return User._default_manager.filter(pk=user_id).annotate(
            **{TOTP_DEVICE_ID: Subquery(device.values("pk")[:1])}
        )

    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        sql, params, at = self._sql()
        params = (*params[:at], pk, *params[at + 1 :])
        user = next(iter(User._default_manager.raw(sql, params)), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        return user

    def _sql(self) -> tuple[str, tuple, int]:
        """The query's SQL, compiled once per process: compiling its subqueries costs the
        ORM about a millisecond, five times what running it does. The person's id is its
        one parameter that changes."""
        using = router.db_for_read(User)
        key = (type(self), using)
        if key not in _compiled:
            query = self.user_query(_SOME_ID)[:1].query
            sql, params = query.get_compiler(using).as_sql()
            positions = [i for i, value in enumerate(params) if value == _SOME_ID]
            if len(positions) != 1:
                raise RuntimeError("The person's id must appear once in the user query.")
            _compiled[key] = (sql, tuple(params), positions[0])
        return _compiled[key]
