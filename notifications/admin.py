from django.contrib import admin
from django.db.models import Q

from notifications.models import OutgoingEmail

# The body is left out on purpose: an activation link in it would let whoever reads the
# admin take over the account it was meant for.
SHOWN_FIELDS = [
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
]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox's state: what is pending, sent, or failed (R-SEC-04).

    A municipality administrator sees the e-mails to people of their municipality: those
    with a role in one of its units, and guardians on its logs.
    """

    list_display = ["created_at", "kind", "to", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to"]
    fields = SHOWN_FIELDS
    readonly_fields = SHOWN_FIELDS

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("user")
        if request.user.is_superuser:
            return qs
        municipalities = request.user.administered_municipalities.all()
        return qs.filter(
            Q(user__memberships__unit__municipality__in=municipalities)
            | Q(user__guardianships__log__unit__municipality__in=municipalities)
        ).distinct()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
