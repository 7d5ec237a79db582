"""The municipality's identity provider for employees, set by its administrator (R-SEC-08)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from accounts.http import staff_user
from oidc.models import EmployeeProvider
from oidc.services import save_provider


class EmployeeProviderForm(forms.ModelForm[EmployeeProvider]):
    issuer = forms.URLField(
        label=EmployeeProvider._meta.get_field("issuer").verbose_name,
        max_length=300,
        assume_scheme="https",
    )
    # Secrets are written, never shown again: an empty field keeps the stored one.
    client_secret = forms.CharField(
        label=EmployeeProvider._meta.get_field("client_secret").verbose_name,
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )
    private_key = forms.CharField(
        label=EmployeeProvider._meta.get_field("private_key").verbose_name,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=EmployeeProvider._meta.get_field("private_key").help_text,
    )

    class Meta:
        model = EmployeeProvider
        fields = [
            "municipality",
            "name",
            "issuer",
            "client_id",
            "auth_method",
            "client_secret",
            "private_key",
            "claim",
            "match_on",
            "scope",
            "enabled",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["private_key"] = ""

    def clean_client_secret(self) -> str:
        return self.cleaned_data.get("client_secret") or self.instance.client_secret

    def clean_private_key(self) -> str:
        return self.cleaned_data.get("private_key") or self.instance.private_key


@admin.register(EmployeeProvider)
class EmployeeProviderAdmin(admin.ModelAdmin[EmployeeProvider]):
    """An administrator sees and sets only their own municipality's provider (R-SEC-07)."""

    form = EmployeeProviderForm
    list_display = ["name", "municipality", "issuer", "enabled"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[EmployeeProvider]:
        administered = staff_user(request).administered_municipalities.all()
        queryset = super().get_queryset(request).select_related("municipality")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(municipality__in=administered)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if db_field.name == "municipality" and not request.user.is_superuser:
            kwargs["queryset"] = staff_user(request).administered_municipalities.all()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _mine(self, request: HttpRequest, obj: EmployeeProvider | None) -> bool:
        if request.user.is_superuser:
            return True
        administered = staff_user(request).administered_municipalities
        if obj is None:
            return administered.exists()
        return administered.filter(pk=obj.municipality_id).exists()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and self._mine(request, None)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and self._mine(request, obj)

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and self._mine(request, obj)

    def save_model(
        self, request: HttpRequest, obj: EmployeeProvider, form: Any, change: bool
    ) -> None:
        save_provider(obj, by=staff_user(request), created=not change)
