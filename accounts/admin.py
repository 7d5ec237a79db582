from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["last_name", "first_name"]
    list_display = ["email", "first_name", "last_name", "is_active", "last_login"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "phone", "language", "national_id"]}),
        (_("Tilgang"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Datoer"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "first_name", "last_name", "password1", "password2"]}),
    ]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        municipalities = request.user.administered_municipalities.all()
        # Operators and other administrators are out of a municipality administrator's reach.
        return (
            qs.filter(memberships__unit__municipality__in=municipalities)
            .exclude(is_staff=True)
            .exclude(is_superuser=True)
            .distinct()
        )

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_readonly_fields(request, obj)
        # The national ID number decides who an ID-porten login becomes (R-SEC-02), and
        # a password set by someone else is a way into the children's logs: operators only.
        return ["national_id", "password", "last_login", "date_joined"]

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not request.user.is_superuser:
            # A municipality administrator manages people, not operator rights.
            return [fs for fs in fieldsets if fs[0] != _("Tilgang")] + [
                (_("Tilgang"), {"fields": ["is_active"]})
            ]
        return fieldsets
