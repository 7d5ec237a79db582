from typing import TYPE_CHECKING, cast

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from notifications.models import OutgoingEmail

if TYPE_CHECKING:
    from accounts.models import User

# The body is left out on purpose: an activation link in it would let whoever reads the
# admin take over the account it was meant for.
SHOWN_FIELDS = (
    "created_at",
    "kind",
    "to",
    "user",
    "subject",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "sent_at",
)


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin[OutgoingEmail]):
    """The outbox's state: what is pending, sent, or failed (R-SEC-04).

    A municipality administrator sees the e-mails to people of their municipality: those
    with a role in one of its units, and guardians on its logs.
    """

    list_display = ["created_at", "kind", "to", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to"]
    fields = SHOWN_FIELDS
    readonly_fields = SHOWN_FIELDS

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutgoingEmail]:
        qs = super().get_queryset(request).select_related("user")
        user = cast("User", request.user)  # the admin lets in signed-in staff only
        if user.is_superuser:
            return qs
        municipalities = user.administered_municipalities.all()
        return qs.filter(
            Q(user__memberships__unit__municipality__in=municipalities)
            | Q(user__guardianships__log__unit__municipality__in=municipalities)
        ).distinct()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutgoingEmail | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutgoingEmail | None = None) -> bool:
        return False
