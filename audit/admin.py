"""The audit trail for the operators (R-SEC-01): read-only, and fast at a city's scale.

A city's trail holds millions of rows (every read of a log is one). Django's defaults read
all of them on every view of the list: the date hierarchy and each filter ask for the
distinct values of a column, the search for a substring in every row, and each row's person
is fetched on its own. Here every filter and every search is answered from an index, the
people come with the rows, and the rows are counted only as far as the pages go.
"""

from typing import Any, ClassVar

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from audit.queries import actions_recorded

NO_ROLE = "-"


class ActionFilter(admin.SimpleListFilter):
    title = _("handling")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(action, action) for action in actions_recorded()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> QuerySet:
        value = self.value()
        return queryset if value is None else queryset.filter(action=value)


class RoleFilter(admin.SimpleListFilter):
    """The roles are the organisations app's, which sits above this one and hands them over
    when it starts (organisations.apps): no query, where Django's filter would read every
    row for the distinct roles."""

    title = _("rolle")
    parameter_name = "role"
    # Each role's value and name, in the roles' order.
    roles: ClassVar[dict[str, str | Promise]] = {}

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [*self.roles.items(), (NO_ROLE, _("Ingen rolle"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> QuerySet:
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(role="" if value == NO_ROLE else value)


def _operator(request: HttpRequest) -> bool:
    """Operators only: the trail is every person's reads and changes in every municipality.
    A permission to view it given to anyone else in the admin does not open it."""
    return request.user.is_active and request.user.is_superuser


class CountedToTheLastPage(Paginator):
    """Counts the rows only as far as the pages go: `LAST_PAGE` pages of the list. Counting
    every row read the whole trail on each view (80 ms at a city's 4 million rows, issue 9),
    whatever the filter, since most rows are reads. Beyond that, the page says there are
    more than it counted, and that a search or the filters narrow the list down: only the
    first LAST_PAGE pages of a list can be reached."""

    LAST_PAGE = 100

    object_list: QuerySet[AuditEvent]

    @cached_property
    def _found(self) -> int:
        # Without the order, PostgreSQL stops at the first rows that match.
        return self.object_list.order_by()[: self._cap + 1].count()

    @property
    def _cap(self) -> int:
        return self.LAST_PAGE * self.per_page

    @property
    def count(self) -> int:
        return min(self._found, self._cap)

    @property
    def capped(self) -> bool:
        """Whether there are more rows than the pages hold."""
        return self._found > self._cap


class _SortedByTime(ChangeList):
    def get_ordering_field(self, field_name: Any) -> Any:
        return field_name if field_name == "at" else None

    def get_results(self, request: HttpRequest) -> None:
        # "Show all" lists every row of the query: never for a list counted only in part.
        if self.show_all:
            pages = self.model_admin.get_paginator(request, self.queryset, self.list_per_page)
            self.show_all = not (isinstance(pages, CountedToTheLastPage) and pages.capped)
        super().get_results(request)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["at", "actor", "role_name", "action", "object_type", "object_id", "ip_address"]
    # The actor may be empty (a task, a deleted person): Django follows only required keys.
    list_select_related = ["actor"]
    paginator = CountedToTheLastPage
    # Sorted by any other column, the whole trail would be sorted for each page: only the
    # time's heading sorts, and an address asking for another column is not obeyed.
    sortable_by = ["at"]
    # Today, the past 7 days, this month, this year: a range on the time's index.
    list_filter = [("at", admin.DateFieldListFilter), ActionFilter, RoleFilter]
    # Counting the whole trail as well as the filtered rows would read it twice.
    show_full_result_count = False
    search_fields = ["action"]  # shows the search box; get_search_results does the search
    search_help_text = _(
        "Søk på e-postadressen til den som utførte handlingen, nummeret til en logg, "
        "eller begynnelsen av en handling (for eksempel «log.»)."
    )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[AuditEvent], search_term: str
    ) -> tuple[QuerySet[AuditEvent], bool]:
        """One indexed lookup, chosen by what was typed: a person's e-mail address (stored
        in lower case), a log's number, or the start of an action."""
        term = search_term.strip()
        if not term:
            return queryset, False
        if "@" in term:
            return queryset.filter(actor__email=term.lower()), False
        if term.isascii() and term.isdigit():  # "²" is a digit, not a number
            return queryset.filter(log_id=int(term)), False
        return queryset.filter(action__startswith=term), False

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return _SortedByTime

    def has_view_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return _operator(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _operator(request)

    @admin.display(description=_("rolle"))
    def role_name(self, event: AuditEvent) -> str | Promise | None:
        return RoleFilter.roles.get(event.role, event.role) or None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
