"""The signed-in person, read once per request with what every request asks about them."""

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
        found = self._compiled().get("", pk)
        user: User | None = found[0] if found else None
        if user is None or not self.user_can_authenticate(user):
            return None
        return user

    def _compiled(self) -> CompiledObjects:
        """The query, with its SQL compiled once per process (common.compiled): compiling
        its subqueries costs the ORM about a millisecond, five times what running it does."""
        backend = type(self)
        if backend not in _compiled:
            _compiled[backend] = CompiledObjects(
                User, lambda _shape, user_id: backend().user_query(user_id)
            )
        return _compiled[backend]
