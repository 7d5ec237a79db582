"""The signed-in person, read once per request with what every request asks about them."""

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import OuterRef, QuerySet, Subquery
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from common.compiled import CompiledObjects

# The confirmed TOTP device read with the person: OTPMiddleware (accounts.middleware) trusts
# the session's device without a query of its own when it is this one.
TOTP_DEVICE_ID = "stafett_totp_device_id"
# Whether the person has a membership (a staff role), when a subclass reads it with the
# person: the second factor's rule (accounts.middleware) then needs no query of its own.
HAS_MEMBERSHIP = "stafett_has_membership"
# Each backend's query, compiled once (UserBackend._compiled).
_compiled: dict[type, CompiledObjects] = {}
# The person read with this request's session in one statement (accounts.sessions), by id:
# set by each read of a session, taken by the first get_user of that id.
_read_with_session: ContextVar[tuple[int, User | None] | None] = ContextVar(
    "stafett_person_read_with_session", default=None
)


def drop_hand_over(**kwargs: Any) -> None:
    """At the end of each request (request_finished): nothing read with its session is left
    for whatever runs next on this thread."""
    hand_over(None)


def hand_over(user_id: int | None, person: User | None = None) -> None:
    """The person `user_id` as read with the session just now (None: nobody), for this
    request's get_user; any earlier one is dropped."""
    _read_with_session.set(None if user_id is None else (user_id, person))


def _taken(user_id: int) -> tuple[bool, User | None]:
    """Whether the person `user_id` was read with this request's session, and as whom (None:
    no such person). Taken once: a later get_user reads the person itself."""
    found = _read_with_session.get()
    _read_with_session.set(None)
    if found is None or found[0] != user_id:
        return False, None
    return True, found[1]


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
        read, user = _taken(pk)
        if not read:
            found = self._compiled().get("", pk)
            user = found[0] if found else None
        if user is None or not self.user_can_authenticate(user):
            return None
        return user

    def person_statement(
        self, user_id: int
    ) -> tuple[str, list[Any], Callable[[Sequence[Any]], User | None]] | None:
        """The SQL and parameters of get_user's query, and the function that makes the
        person of one row of its answer (None for a row of NULLs: no such person), for the
        session's read to send within its own statement (accounts.sessions)."""
        compiled = self._compiled()
        found = compiled.statement("", user_id)
        if found is None:
            return None
        sql, params, convert = found

        def person(row: Sequence[Any]) -> User | None:
            if all(value is None for value in row):
                return None
            people: list[User] = compiled.objects([convert(row)])
            return people[0]

        return sql, params, person

    def _compiled(self) -> CompiledObjects:
        """The query, with its SQL compiled once per process (common.compiled): compiling
        its subqueries costs the ORM about a millisecond, five times what running it does."""
        backend = type(self)
        if backend not in _compiled:
            _compiled[backend] = CompiledObjects(
                User, lambda _shape, user_id: backend().user_query(user_id)
            )
        return _compiled[backend]
