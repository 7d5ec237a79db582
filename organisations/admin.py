"""Municipality administration (R-ROLE-02): each administrator sees only their municipality.

The people (accounts.User) are in organisations.people_admin, registered by importing it.
"""

from collections.abc import Collection, Sequence
from typing import Any, Generic, TypeVar, cast

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.contrib.auth import get_user_model
from django.db import models, router
from django.db.models import QuerySet
from django.forms import Field as FormField
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.http import staff_user
from organisations import people_admin  # noqa: F401 - registers the people's admin
from organisations.enums import Role
from organisations.models import (
    ConcernCategory,
    MeasureCategory,
    Membership,
    Municipality,
    Unit,
)
from organisations.queries import people_in
from organisations.services import (
    SetupObject,
    assign_role,
    delete_municipality,
    delete_setup,
    save_municipality,
    save_setup,
    set_administrators,
)

_Setup = TypeVar("_Setup", bound=SetupObject)


def _administered(request: HttpRequest) -> QuerySet[Municipality]:
    return staff_user(request).administered_municipalities.all()


class MunicipalityScopedAdmin(admin.ModelAdmin[_Setup], Generic[_Setup]):
    """Scoped to the administrator's municipality; every write goes through a service that
    writes the audit row (architecture rule 1)."""

    municipality_path = "municipality"

    def save_model(self, request: HttpRequest, obj: _Setup, form: Any, change: bool) -> None:
        save_setup(obj, by=staff_user(request), created=not change)

    def delete_model(self, request: HttpRequest, obj: _Setup) -> None:
        delete_setup(obj, by=staff_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[_Setup]) -> None:
        for obj in queryset:
            delete_setup(obj, by=staff_user(request))

    def get_queryset(self, request: HttpRequest) -> QuerySet[_Setup]:
        qs = super().get_queryset(request)
        if staff_user(request).is_superuser:
            return qs
        return qs.filter(**{f"{self.municipality_path}__in": _administered(request)})

    def get_deleted_objects(
        self, objs: Sequence[_Setup] | QuerySet[_Setup], request: HttpRequest
    ) -> tuple[list[str], dict[str, int], set[str], list[str]]:
        """Django's delete page names every related object, and a log is named after its
        child: a unit with logs would list the children to an administrator who may not see
        them (R-ROLE-03). Here it names only what is deleted, and counts the rest.

        One collection of what the deletion reaches, and no object formatted: Django's page
        names each (its text, its admin address, the permission to delete it), which took a
        concern category of a city, with its 30,000 concerns, 6 seconds (issue 9)."""
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(objs)
        # Keyed by model (django-stubs says by name).
        reached = cast(dict[type[models.Model], Collection[models.Model]], collector.model_objs)
        model_count = {
            str(model._meta.verbose_name_plural): len(found) for model, found in reached.items()
        }
        blocking: dict[type[models.Model], list[models.Model]] = {}
        for obj in collector.protected:
            blocking.setdefault(type(obj), []).append(obj)
        # As Django's: a model with an admin of its own needs the permission to delete each.
        perms_needed = {
            str(model._meta.verbose_name)
            for model, found in [*reached.items(), *blocking.items()]
            if self.admin_site.is_registered(model)
            and not all(self._may_delete(model, request, obj) for obj in found)
        }
        protected = sorted(
            f"{capfirst(model._meta.verbose_name_plural)}: {len(found)}"
            for model, found in blocking.items()
        )
        named = [f"{capfirst(obj._meta.verbose_name)}: {obj}" for obj in objs]
        return named, model_count, perms_needed, protected

    def _may_delete(self, model: type[models.Model], request: HttpRequest, obj: Any) -> bool:
        return self.admin_site.get_model_admin(model).has_delete_permission(request, obj)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        # Every id an administrator can post is one of their municipality's (R-SEC-07). The
        # autocomplete widget only narrows what is offered; the field's queryset is what
        # decides what a posted id may be.
        if not staff_user(request).is_superuser:
            if db_field.name == "municipality":
                kwargs["queryset"] = _administered(request)
            elif db_field.related_model is Unit:
                kwargs["queryset"] = Unit.objects.filter(municipality__in=_administered(request))
            elif db_field.related_model is get_user_model():
                kwargs["queryset"] = people_in(_administered(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PeoplePicker(AutocompleteSelectMultiple):
    """A search for people, choosing several. Each chosen person has a button that removes
    them; select2's button that removes them all is left out: it is put inside the list of
    the chosen (a list must hold only its items, WCAG 1.3.1) and is reached only by mouse."""

    def build_attrs(self, base_attrs: dict[str, Any], extra_attrs: Any = None) -> dict[str, Any]:
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-allow-clear"] = "false"
        return attrs


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin[Municipality]):
    list_display = ["name", "org_number", "retention_years"]
    # A search for the person, not a list of every one: a city has tens of thousands, and
    # a list of them all made the page 2 MB and 12 seconds (issue 9). Only operators
    # change a municipality; its administrators view it.
    autocomplete_fields = ["administrators"]

    def save_model(self, request: HttpRequest, obj: Municipality, form: Any, change: bool) -> None:
        # The administrators are set and audited on their own (save_related).
        changed = [name for name in form.changed_data if name != "administrators"]
        save_municipality(obj, by=staff_user(request), changed=changed)

    def delete_model(self, request: HttpRequest, obj: Municipality) -> None:
        delete_municipality(obj, by=staff_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Municipality]) -> None:
        for municipality in queryset:
            delete_municipality(municipality, by=staff_user(request))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Its one many-to-many field, and it has no inlines: instead of Django's save_m2m,
        # the service, so that an administrator added gets the admin and it is audited.
        # A new many-to-many field or inline would have to be saved here too.
        set_administrators(
            form.instance, form.cleaned_data["administrators"], by=staff_user(request)
        )

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        if db_field.name == "administrators":
            kwargs["widget"] = PeoplePicker(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Municipality]:
        qs = super().get_queryset(request)
        staff = staff_user(request)
        return qs if staff.is_superuser else qs.filter(administrators=staff)


@admin.register(Unit)
class UnitAdmin(MunicipalityScopedAdmin[Unit]):
    list_display = ["name", "parent", "org_number", "municipality"]
    # A unit at the top has no parent: Django follows only required keys by itself.
    list_select_related = ["parent", "municipality"]
    list_filter = [("municipality", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "org_number"]


@admin.register(Membership)
class MembershipAdmin(MunicipalityScopedAdmin[Membership]):
    municipality_path = "unit__municipality"
    list_display = ["user", "role", "unit"]
    list_filter = ["role", ("unit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "unit"]
    search_fields = ["user__first_name", "user__last_name", "user__email", "unit__name"]
    autocomplete_fields = ["user"]

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        if change:
            return super().save_model(request, obj, form, change)
        # Through the service: checked, audited, and a person who has not activated yet gets
        # the activation e-mail (R-LEAD-01).
        obj.pk = assign_role(
            user=obj.user, unit=obj.unit, role=Role(obj.role), by=staff_user(request)
        ).pk


class CategoryRowForm(forms.ModelForm[ConcernCategory | MeasureCategory]):
    """A row of the editable category list. Its inputs are named after the row's category:
    a column heading is no label for a screen reader (WCAG 1.3.1, 4.1.2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = f"{capfirst(field.label)}: {self.instance.name}"


Category = TypeVar("Category", ConcernCategory, MeasureCategory)

# Each name is marked with its language, so that a screen reader reads it right (WCAG 3.1.2).
NAME_LANGUAGES = {"name": "nb", "name_nn": "nn", "name_en": "en"}


class CategoryAdmin(MunicipalityScopedAdmin[Category]):
    list_display = ["nb_name", "nn_name", "en_name", "position", "is_active", "municipality"]
    list_display_links = ["nb_name"]
    list_editable = ["position", "is_active"]
    list_filter = [("municipality", admin.RelatedOnlyFieldListFilter), "is_active"]

    def get_changelist_form(
        self, request: HttpRequest, **kwargs: Any
    ) -> type[forms.ModelForm[Any]]:
        return super().get_changelist_form(request, form=CategoryRowForm, **kwargs)

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> FormField | None:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in NAME_LANGUAGES:
            field.widget.attrs["lang"] = NAME_LANGUAGES[db_field.name]
        return field

    @admin.display(description=_("navn på bokmål"), ordering="name")
    def nb_name(self, obj: Category) -> SafeString:
        return format_html('<span lang="nb">{}</span>', obj.name)

    @admin.display(description=_("navn på nynorsk"), ordering="name_nn")
    def nn_name(self, obj: Category) -> SafeString:
        return format_html('<span lang="nn">{}</span>', obj.name_nn)

    @admin.display(description=_("navn på engelsk"), ordering="name_en")
    def en_name(self, obj: Category) -> SafeString:
        return format_html('<span lang="en">{}</span>', obj.name_en)


@admin.register(ConcernCategory)
class ConcernCategoryAdmin(CategoryAdmin[ConcernCategory]):
    pass


@admin.register(MeasureCategory)
class MeasureCategoryAdmin(CategoryAdmin[MeasureCategory]):
    pass
