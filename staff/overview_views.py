"""*Brukere* (R-LEAD-04): the people of a leader's units, how they sign in and follow up
their measures, as a sortable page and as a CSV file.

Numbers about members of staff only, never about a child (R-ROLE-03); see staff/overview.py
for why no count is hidden as "<5" here.
"""

import csv
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedHttpRequest
from organisations.models import Unit
from organisations.queries import leads, units_led_by
from staff.overview import PersonRow, parse_sort, people_of_units, person_rows
from staff.services import record_users_download

USERS_PAGE_SIZE = 50
# Spreadsheets run a cell that starts so as a formula (CSV injection, OWASP): such a cell
# gets a leading apostrophe, which they show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def led_units(request: AuthenticatedHttpRequest) -> QuerySet[Unit]:
    """The units of the leader's pages; anyone who does not lead gets a 404 (R-ROLE-07)."""
    if not leads(request):
        raise Http404
    return units_led_by(request.user)


@dataclass(frozen=True)
class Column:
    """A header of the users table: a sort key (or none), and how it is sorted now."""

    label: str | Promise
    key: str | None = None
    aria_sort: str = ""  # "ascending" / "descending" on the column the table is sorted by
    next_sort: str = ""  # the ?sort= its link asks for


# The follow-up columns count the measures a person is an actor on (R-LEAD-04).
COLUMNS = [
    (gettext_lazy("Navn"), "navn"),
    (gettext_lazy("Roller og virksomheter"), None),
    (gettext_lazy("Sist innlogget"), "innlogget"),
    (gettext_lazy("Status"), "status"),
    (gettext_lazy("Tiltak i rute"), "i-rute"),
    (gettext_lazy("Tiltak over frist"), "over-frist"),
    (gettext_lazy("Evaluerte tiltak"), "evaluert"),
]


def _columns(sort: str, descending: bool) -> list[Column]:
    columns = []
    for label, key in COLUMNS:
        if key is None:
            columns.append(Column(label))
        elif key == sort:
            aria = "descending" if descending else "ascending"
            columns.append(Column(label, key, aria, key if descending else f"-{key}"))
        else:
            columns.append(Column(label, key, "", key))
    return columns


@require_safe
@login_required
def users(request: AuthenticatedHttpRequest) -> HttpResponse:
    """*Brukere*: everyone with a role in the leader's units, sortable by a column's link
    (?sort=, no script needed) and paged (?side=). An unknown sort key sorts by name, a page
    past the end shows the last one."""
    units = led_units(request)
    sort, descending = parse_sort(request.GET.get("sort"))
    people = people_of_units(units, sort=sort, descending=descending)
    page = Paginator(people, USERS_PAGE_SIZE).get_page(request.GET.get("side"))
    context = {
        "page_obj": page,
        "rows": person_rows(units, list(page.object_list)),
        "columns": _columns(sort, descending),
        "sort": f"-{sort}" if descending else sort,
    }
    return render(request, "staff/users.html", context)


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs (see FORMULA_STARTS)."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_line(row: PersonRow) -> list[str]:
    last_login = (
        date_format(timezone.localtime(row.last_login), "Y-m-d H:i") if row.last_login else ""
    )
    return [
        row.name,
        ", ".join(str(role) for role in row.roles),
        last_login,
        pgettext("person status", "Aktiv")
        if row.is_active
        else pgettext("person status", "Deaktivert"),
        str(row.on_time),
        str(row.overdue),
        str(row.evaluated),
    ]


@require_safe
@login_required
@never_cache
def users_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """*Brukere* as a CSV file: the same rows as the page, every page of them, in the same
    order, each cell safe to open in a spreadsheet (csv_cell). Semicolons and a byte order
    mark, so that a Norwegian spreadsheet splits the columns and reads æøå right."""
    units = led_units(request)
    sort, descending = parse_sort(request.GET.get("sort"))
    people = people_of_units(units, sort=sort, descending=descending)
    rows = person_rows(units, list(people), among=people)
    record_users_download(by=request.user, people=len(rows))
    day = timezone.localdate().isoformat()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="brukere-{day}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([csv_cell(label) for label, _key in COLUMNS])
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in _csv_line(row)])
    return response
