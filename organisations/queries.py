"""What roles and units a person has: the one place that answers it."""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.apps import apps
from django.db import connection
from django.db.models import Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.http import HttpRequest

from accounts.enums import ACTIVE_ROLE_SESSION_KEY
from accounts.models import RequestUser, User, full_name
from common.compiled import CompiledRows
from organisations.enums import Role
from organisations.models import Membership, Municipality, Unit

# Municipalities as a queryset or by id.
Municipalities = QuerySet[Municipality] | Iterable[int]


def roles_of(user: RequestUser) -> list[Role]:
    """The roles a person holds, in menu order (R-ROLE-01).

    Leader, holder and actor come from memberships; guardian from being a guardian with a
    login on at least one log.
    """
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_stafett_roles", None)
    if cached is not None:
        return cached
    held = set(Membership.objects.filter(user=user).values_list("role", flat=True).distinct())
    if apps.is_installed("logs"):
        guardian_model = apps.get_model("logs", "Guardian")
        if guardian_model.objects.filter(user=user).exists():
            held.add(Role.GUARDIAN.value)
    roles = [role for role in Role if role.value in held]
    user._stafett_roles = roles  # type: ignore[attr-defined]  # kept on the person for the request
    return roles


def active_role(request: HttpRequest) -> Role | None:
    """The role the person works in now: the one chosen in the switcher, else the first."""
    roles = roles_of(request.user)
    if not roles:
        return None
    chosen = request.session.get(ACTIVE_ROLE_SESSION_KEY)
    for role in roles:
        if role.value == chosen:
            return role
    return roles[0]


def units_of(user: RequestUser, role: Role) -> QuerySet[Unit]:
    if not user.is_authenticated:
        return Unit.objects.none()
    return Unit.objects.filter(memberships__user=user, memberships__role=role).distinct()


def units_of_municipality(municipality_id: int) -> QuerySet[Unit]:
    """Every unit of one municipality, by name: what a person working there may choose
    among (actor registration and search, R-MEET-03/04; a transfer's new unit, R-TRAN-01).
    Never a unit of another municipality."""
    return Unit.objects.filter(municipality_id=municipality_id).order_by("name")


def unit_choices_of_municipality(municipality_id: int) -> list[tuple[int, str]]:
    """The (id, name) of every unit of the municipality, by name (units_of_municipality):
    a drop-down's choices, in one query compiled once (issue 9)."""
    return _UNIT_CHOICES.rows(None, municipality_id)


def _unit_choices(_shape: None, municipality_id: int) -> QuerySet[Unit, tuple[int, str]]:
    return units_of_municipality(municipality_id).values_list("pk", "name")


_UNIT_CHOICES = CompiledRows(Unit, _unit_choices)


def municipality_id_of(user: RequestUser, role: Role) -> int | None:
    """The municipality a person works in for `role`: the one the header shows. Compiled
    once: every actor page and every keystroke of a picker's search asks it."""
    if not user.is_authenticated:
        return None
    rows = _MUNICIPALITY_OF.rows(role, user.pk)
    return rows[0][0] if rows else None


def _municipality_of(role: Role, user_id: int) -> QuerySet[Unit, tuple[int]]:
    units = units_of(User(pk=user_id), role).order_by("name")
    return units.values_list("municipality_id")[:1]


_MUNICIPALITY_OF = CompiledRows(Unit, _municipality_of)


def actors_of_units(units: QuerySet[Unit]) -> QuerySet[Membership]:
    """Active actors in the given units, with person and unit (R-HOLD-03)."""
    return (
        Membership.objects.filter(role=Role.ACTOR, unit__in=units, user__is_active=True)
        .select_related("user", "unit")
        .order_by("user__last_name", "user__first_name", "unit__name", "pk")
    )


@dataclass(frozen=True)
class ActorRow:
    """An actor's role in a unit as *Aktører* lists it: name, unit and how to reach them."""

    FIELDS: ClassVar = (
        "pk",
        "user__first_name",
        "user__last_name",
        "unit__name",
        "user__email",
        "user__phone",
    )
    pk: int
    first_name: str
    last_name: str
    unit_name: str
    email: str
    phone: str


def actor_rows(memberships: QuerySet[Membership]) -> list[ActorRow]:
    """`memberships` as *Aktører* rows, reading only the columns shown."""
    return [ActorRow(*row) for row in memberships.values_list(*ActorRow.FIELDS)]


def actor_rows_of_own_units(user: RequestUser, role: Role) -> list[ActorRow]:
    """The active actors of the units the person works in for `role` (R-HOLD-03), by name,
    as actors_of_units: what *Aktører* lists before a search. One query, compiled once."""
    if not user.is_authenticated:
        return []
    return [ActorRow(*row) for row in _ACTORS_OF_OWN_UNITS.rows(role, user.pk)]


def _actors_of_own_units(role: Role, user_id: int) -> QuerySet[Membership, Any]:
    return actors_of_units(units_of(User(pk=user_id), role)).values_list(*ActorRow.FIELDS)


_ACTORS_OF_OWN_UNITS = CompiledRows(Membership, _actors_of_own_units)


def actors_in_municipality(municipality_id: int) -> QuerySet[Membership]:
    """Actor memberships of a municipality, with person and unit, for lists and search."""
    return (
        Membership.objects.filter(role=Role.ACTOR, unit__municipality_id=municipality_id)
        .select_related("user", "unit")
        .order_by("user__last_name", "user__first_name", "unit__name", "pk")
    )


# A query is a few words, each shorter than any name: more cannot narrow a search, and each
# word costs the database a comparison per row and field.
SEARCH_WORDS = 4
SEARCH_WORD_LENGTH = 50
WILDCARDS = re.compile(r"[%*]")


def _matches_word(word: str, municipality_id: int) -> Q:
    """One word of an actor search: a plain word anywhere in the first name, last name,
    e-mail or unit name; with wildcards, the pieces between them anchored where the word
    has no wildcard ("an*" starts with "an", "*hagen" ends with "hagen", "a%r" both) in the
    first name, last name, full name or unit name.

    Only plain substring comparisons (SQL LIKE with the user's text escaped): a pattern
    built from what someone typed could take a regex engine seconds per row (R-MEET-04).
    """
    pieces = WILDCARDS.split(word)
    if len(pieces) == 1:
        # One LIKE on the person's upper-cased names and e-mail (User.search_text) as the
        # actors are read, and the municipality's few hundred units' names once, in a
        # subquery: no function of a column on each of the actors' rows (issue 9).
        units = Unit.objects.filter(municipality_id=municipality_id, name__icontains=word)
        return Q(user__search_text__has_word=word) | Q(unit__in=units.values("pk"))
    first, *middle, last = pieces
    middle = [piece for piece in middle if piece][: SEARCH_WORDS - 2]
    if not (first or last or middle):
        return Q()  # a lone wildcard: everyone

    def anchored(field: str) -> Q:
        condition = Q()
        if first:
            condition &= Q(**{f"{field}__istartswith": first})
        for piece in middle:
            condition &= Q(**{f"{field}__icontains": piece})
        if last:
            condition &= Q(**{f"{field}__iendswith": last})
        return condition

    return _any_field(["user__first_name", "user__last_name", "full_name", "unit__name"], anchored)


def _any_field(fields: list[str], condition: Callable[[str], Q]) -> Q:
    matches = Q()
    for field in fields:
        matches |= condition(field)
    return matches


def search_actors(
    municipality_id: int, query: str, *, unit_id: int | None = None
) -> QuerySet[Membership]:
    """Actor search by name or unit; `%` and `*` are wildcards (R-MEET-04).

    Every word must match (see _matches_word): "Petra PPT" finds Petra PPT, "an*" the
    names that begin with "an", and a lone `%` or `*` lists everyone. Only the first
    SEARCH_WORDS words count, each cut to SEARCH_WORD_LENGTH characters.
    """
    results = actors_in_municipality(municipality_id).filter(user__is_active=True)
    if unit_id:
        results = results.filter(unit_id=unit_id)
    words = [word[:SEARCH_WORD_LENGTH] for word in (query or "").split()[:SEARCH_WORDS]]
    if any(WILDCARDS.search(word) for word in words):
        results = results.annotate(
            full_name=Concat("user__first_name", Value(" "), "user__last_name")
        )
    for word in words:
        results = results.filter(_matches_word(word, municipality_id))
    return results


def people_in(
    municipalities: Municipalities, people: QuerySet[User] | None = None
) -> QuerySet[User]:
    """The people a municipality administrator manages (R-ROLE-02, R-SEC-07).

    "A person of the municipality" is someone with a role (a membership) in one of its
    units. Operators and administrators (staff) are left out: only operators touch their
    accounts. Someone with no role yet is nobody's: a new person gets their first role in
    the same step as the account (`organisations.services.add_person`), so that an
    administrator can never pick, and so edit, a person of another municipality.
    """
    people = people if people is not None else User.objects.all()
    members = Membership.objects.filter(unit__municipality__in=municipalities)
    return people.filter(pk__in=members.values("user_id"), is_staff=False, is_superuser=False)


def people_only_in(
    municipalities: Municipalities, people: QuerySet[User] | None = None
) -> QuerySet[User]:
    """The people of `people_in` whom a municipality administrator may also change (names,
    switching off): those with no role, and no child, in any other municipality. A person who
    also works, or is a guardian, elsewhere is seen and given roles here, but switching them
    off would lock them out of the other municipality too: that is for an operator (R-SEC-07).
    """
    roles_elsewhere = Membership.objects.exclude(unit__municipality__in=municipalities)
    # The guardian model belongs to logs, which builds on this app: reached through the
    # person's reverse relation rather than an import.
    guardian_model = User._meta.get_field("guardianships").related_model
    children_elsewhere = guardian_model._default_manager.filter(user__isnull=False).exclude(
        log__unit__municipality__in=municipalities
    )
    return (
        people_in(municipalities, people)
        .exclude(pk__in=roles_elsewhere.values("user_id"))
        .exclude(pk__in=children_elsewhere.values("user_id"))
    )


@dataclass(frozen=True)
class ActorEntry:
    """An actor as a picker shows them: the name and every unit they work in (R-LOG-03)."""

    pk: int
    name: str
    units: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.name} ({', '.join(self.units)})"


def actor_entries(municipality_id: int, user_ids: Iterable[int]) -> list[ActorEntry]:
    """The active actors among `user_ids` in the municipality, by name, in one query.

    An id of another municipality, of a non-actor or of a deactivated person gives nothing,
    so a posted id never puts a stranger's name on the page.
    """
    ids = [pk for pk in user_ids if 0 < pk < 2**63]
    if not ids:
        return []
    names: dict[int, str] = {}
    units: dict[int, list[str]] = {}
    # The four columns shown, not three model instances a row (issue 9).
    memberships = actors_in_municipality(municipality_id).filter(
        user__is_active=True, user_id__in=ids
    )
    rows = memberships.values_list("user_id", "user__first_name", "user__last_name", "unit__name")
    for user_id, first_name, last_name, unit in rows:
        names.setdefault(user_id, full_name(first_name, last_name))
        units.setdefault(user_id, []).append(unit)
    return [ActorEntry(pk, names[pk], tuple(units[pk])) for pk in names]


# How many people, in name order, a picker's search walks before it reads every actor of the
# municipality instead (find_actor_ids).
PICKER_WALK = 2000
NAME_ORDER = ("last_name", "first_name", "pk")


def find_actor_ids(municipality_id: int, query: str, *, limit: int) -> tuple[list[int], bool]:
    """The first `limit` actors matching `query` (R-MEET-04), by name, and whether there
    are more. An empty query finds nobody: a picker never lists the whole municipality.

    A word of one or two letters, as one types, matches a third of a city's 10,000 actors:
    finding all of them to sort them by name cost PostgreSQL 10 ms a keystroke (issue 9).
    So the people are first walked in name order (an index), only the first PICKER_WALK of
    them, stopping at the first `limit` + 1 that match: those are then the first matches of
    all, since the walk covers everyone up to a name. A rarer word, which finds fewer among
    them, is looked for among every actor of the municipality."""
    if not (query or "").strip():
        return [], False
    hits = search_actors(municipality_id, query)
    # The last name of the person PICKER_WALK places down the name order bounds the walk
    # (the index's first column); with fewer people than that, the walk finds nothing and
    # every actor is read.
    edge = User.objects.order_by(*NAME_ORDER).values("last_name")[PICKER_WALK : PICKER_WALK + 1]
    in_order = ("user__last_name", "user__first_name", "user_id")
    walked = hits.filter(user__last_name__lte=Subquery(edge)).order_by(*in_order)
    ids = list(walked.values_list("user_id", flat=True).distinct()[: limit + 1])
    if len(ids) <= limit:
        # Every matching actor, read without an order and then put in one by id: in one
        # query, PostgreSQL would walk all people in name order instead, looking up each
        # one's roles (50 ms in a city for a word nobody has).
        matching = list(hits.values_list("user_id", flat=True).distinct())
        everyone = User.objects.filter(pk__in=matching).order_by(*NAME_ORDER)
        ids = list(everyone.values_list("pk", flat=True)[: limit + 1])
    return ids[:limit], len(ids) > limit


# --- the leader's reach (R-ROLE-03, R-LEAD-01…05) ---------------------------------------------


def administers_a_municipality(user: RequestUser) -> bool:
    """A municipality administrator (R-ROLE-02) has the leader's workspace for every unit of
    their municipality, with or without a role in a unit."""
    if not user.is_authenticated:
        return False
    # Read with the person by organisations.backends.RoleBackend (its ADMINISTERS_FLAG), as
    # roles_of reads the roles: no query of its own on a signed-in request.
    known = getattr(user, "stafett_administers", None)
    if known is not None:
        return bool(known)
    return Municipality.objects.filter(administrators=user).exists()


def leads(request: HttpRequest) -> bool:
    """Whether the leader's pages (staff, statistics, users) are open to this request: the
    active role is leader, or the person administers a municipality and has no other role to
    work in."""
    role = active_role(request)
    if role == Role.LEADER:
        return True
    return role is None and administers_a_municipality(request.user)


def units_led_by(user: RequestUser) -> QuerySet[Unit]:
    """The units whose staff and numbers a person sees as leader: each unit they lead with
    every unit below it, and every unit of the municipalities they administer. Never a unit
    of another municipality. By their ids (reach_of), so that the database plans what is
    asked of them knowing how many they are."""
    if not user.is_authenticated:
        return Unit.objects.none()
    return Unit.objects.filter(pk__in=reach_of(user)).order_by("name")


def reach_of(user: RequestUser) -> list[int]:
    """The ids of the units in a person's reach as leader (units_led_by), by id: one query,
    compiled once (issue 9: the tree walked in Python after two queries was a third of the
    leader's Min side)."""
    if not user.is_authenticated:
        return []
    return [pk for (pk,) in _REACH.rows(None, user.pk)]


def _reach_query(_shape: None, user_id: int) -> QuerySet[Unit, tuple[int]]:
    return Unit.objects.filter(pk__in=_reach(user_id)).order_by("pk").values_list("pk")


_REACH = CompiledRows(Unit, _reach_query)


def _reach(user_id: int) -> RawSQL:
    """The ids of the units in a person's reach as leader (units_led_by), in SQL: the units
    they lead and, recursively, those below them within the municipalities they lead in or
    administer, and every unit of the municipalities they administer. Recursive CTEs are
    standard SQL, in PostgreSQL and SQLite alike."""
    q = connection.ops.quote_name
    unit, membership = q(Unit._meta.db_table), q(Membership._meta.db_table)
    administrators = q(Municipality.administrators.through._meta.db_table)
    # Only quoted table names go into the text; the values are parameters.
    sql = (
        "WITH RECURSIVE "  # noqa: S608
        f"led (id, municipality_id) AS (SELECT u.id, u.municipality_id FROM {unit} u "
        f"INNER JOIN {membership} m ON m.unit_id = u.id WHERE m.user_id = %s AND m.role = %s), "
        f"administered (municipality_id) AS (SELECT a.municipality_id FROM {administrators} a "
        "WHERE a.user_id = %s), "
        "municipalities (municipality_id) AS (SELECT municipality_id FROM led "
        "UNION SELECT municipality_id FROM administered), "
        "reach (id) AS (SELECT id FROM led "
        f"UNION SELECT c.id FROM {unit} c INNER JOIN reach r ON c.parent_id = r.id "
        "WHERE c.municipality_id IN (SELECT municipality_id FROM municipalities)) "
        "SELECT id FROM reach "
        f"UNION SELECT u.id FROM {unit} u "
        "WHERE u.municipality_id IN (SELECT municipality_id FROM administered)"
    )
    return RawSQL(sql, (user_id, Role.LEADER.value, user_id))  # noqa: S611 - values are parameters
