"""Municipality administration (R-ROLE-02): each administrator sees only their municipality."""

from django.contrib import admin
from django.contrib.auth import get_user_model

from organisations.models import (
    ConcernCategory,
    MeasureCategory,
    Membership,
    Municipality,
    Unit,
)
from organisations.queries import people_in
from organisations.services import assign_role, delete_setup, save_setup


def _administered(request):
    return request.user.administered_municipalities.all()


class MunicipalityScopedAdmin(admin.ModelAdmin):
    """Scoped to the administrator's municipality; every write goes through a service that
    writes the audit row (architecture rule 1)."""

    municipality_path = "municipality"

    def save_model(self, request, obj, form, change):
        save_setup(obj, by=request.user, created=not change)

    def delete_model(self, request, obj):
        delete_setup(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            delete_setup(obj, by=request.user)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.municipality_path}__in": _administered(request)})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Every id an administrator can post is one of their municipality's (R-SEC-07). The
        # autocomplete widget only narrows what is offered; the field's queryset is what
        # decides what a posted id may be.
        if not request.user.is_superuser:
            if db_field.name == "municipality":
                kwargs["queryset"] = _administered(request)
            elif db_field.related_model is Unit:
                kwargs["queryset"] = Unit.objects.filter(municipality__in=_administered(request))
            elif db_field.related_model is get_user_model():
                kwargs["queryset"] = people_in(_administered(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "org_number"]
    filter_horizontal = ["administrators"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(administrators=request.user)


@admin.register(Unit)
class UnitAdmin(MunicipalityScopedAdmin):
    list_display = ["name", "parent", "org_number", "municipality"]
    list_filter = [("municipality", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "org_number"]


@admin.register(Membership)
class MembershipAdmin(MunicipalityScopedAdmin):
    municipality_path = "unit__municipality"
    list_display = ["user", "role", "unit"]
    list_filter = ["role", ("unit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "unit"]
    search_fields = ["user__first_name", "user__last_name", "user__email", "unit__name"]
    autocomplete_fields = ["user"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # Through the service: checked, audited, and a person who has not activated yet gets
        # the activation e-mail (R-LEAD-01).
        obj.pk = assign_role(user=obj.user, unit=obj.unit, role=obj.role, by=request.user).pk


@admin.register(ConcernCategory)
class ConcernCategoryAdmin(MunicipalityScopedAdmin):
    list_display = ["name", "name_nn", "name_en", "position", "is_active", "municipality"]
    list_editable = ["position", "is_active"]
    list_filter = [("municipality", admin.RelatedOnlyFieldListFilter), "is_active"]


@admin.register(MeasureCategory)
class MeasureCategoryAdmin(MunicipalityScopedAdmin):
    list_display = ["name", "name_nn", "name_en", "position", "is_active", "municipality"]
    list_editable = ["position", "is_active"]
    list_filter = [("municipality", admin.RelatedOnlyFieldListFilter), "is_active"]
