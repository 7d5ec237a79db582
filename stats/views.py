"""Statistics of the leader's units (R-LEAD-03, R-LEAD-05): the page, its charts, its CSV.

Open to a leader (their units and those below) and a municipality administrator with no
other role (the whole municipality); anyone else gets a 404, as for a page that does not
exist. Only counts leave these views, every count from 1 to 4 hidden (stats.suppression):
never a child, a text or a person.
"""

import csv
from datetime import date

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedHttpRequest
from organisations.models import Unit
from organisations.queries import leads, units_led_by
from stats.charts import draw
from stats.forms import StatisticsFilter
from stats.queries import CONCERNS, EVALUATIONS, LOGS, MEASURES
from stats.tables import HIDDEN_TEXT, SMALL_TEXT, SPEC_BY_SLUG, Table, statistics

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

SECTIONS = [LOGS, CONCERNS, MEASURES, EVALUATIONS]


def _reach(request: AuthenticatedHttpRequest) -> list[Unit]:
    """The units whose numbers this person sees; a 404 for anyone who leads nothing."""
    if not leads(request):
        raise Http404
    units = list(units_led_by(request.user))
    if not units:
        raise Http404
    return units


def _filtered(request: AuthenticatedHttpRequest, today: date) -> StatisticsFilter:
    return StatisticsFilter(request.GET, units=_reach(request), today=today)


def _tables(form: StatisticsFilter, today: date) -> list[Table]:
    return statistics(form.chosen_units(), form.period(), today=today)


@require_safe
@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The statistics page: the filter, and per section its charts and tables."""
    today = timezone.localdate()
    form = _filtered(request, today)
    context: dict[str, object] = {"form": form, "sections": []}
    if form.is_valid():
        query = request.GET.urlencode()
        suffix = f"?{query}" if query else ""
        tables = _tables(form, today)
        titles = {
            LOGS: _("Logger"),
            CONCERNS: _("Oppmerksomheter"),
            MEASURES: _("Tiltak"),
            EVALUATIONS: _("Evalueringer og hva som virker"),
        }
        context["sections"] = [
            {
                "id": f"{population}-heading",
                "title": titles[population],
                "tables": [
                    {
                        "table": table,
                        "chart": reverse("stats:chart", args=[table.spec.slug]) + suffix
                        if table.spec.chart and not table.is_empty
                        else "",
                    }
                    for table in tables
                    if table.spec.population == population
                ],
            }
            for population in SECTIONS
        ]
        context["period"] = form.period()
        context["csv_url"] = reverse("stats:csv") + suffix
        context["small_text"], context["hidden_text"] = SMALL_TEXT, HIDDEN_TEXT
    return render(request, "stats/index.html", context)


@require_safe
@login_required
# The SVG keeps pygal's stylesheet inside it; it has no script, and is shown through <img>.
@csp_update({"style-src": [UNSAFE_INLINE]})  # type: ignore[arg-type]  # typed for HttpRequest
def chart(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """One table's chart as an SVG image, drawn from the same suppressed numbers."""
    today = timezone.localdate()
    form = _filtered(request, today)
    spec = SPEC_BY_SLUG.get(slug)
    if spec is None or not spec.chart or not form.is_valid():
        raise Http404
    table = next(t for t in _tables(form, today) if t.spec.slug == slug)
    return HttpResponse(draw(table), content_type="image/svg+xml; charset=utf-8")


def _safe(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


@require_safe
@login_required
def csv_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The page's numbers as CSV, one line per count, hidden counts as on the page. A unit
    outside one's reach or a wrong period is a 404: the page says what is wrong."""
    today = timezone.localdate()
    form = _filtered(request, today)
    if not form.is_valid():
        raise Http404
    period = form.period()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"statistikk-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that Excel reads the file as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Tabell"), _("Rad"), _("Kolonne"), _("Antall")])
    total = _("Totalt")
    for table in _tables(form, today):
        caption = str(table.spec.caption)
        for row in [*table.rows, table.totals]:
            for column, cell in zip([*table.columns, total], [*row.cells, row.total], strict=True):
                writer.writerow([_safe(caption), _safe(row.label), _safe(column), cell.text])
    return response
