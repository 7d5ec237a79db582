"""The bare page the benchmark compares every page with: TechEmpower's "fortunes" recipe
(read 12 rows, add one, sort, render a small escaped template), through the site's own
middleware, signed out."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.views.decorators.http import require_safe

from organisations.models import ConcernCategory

TEMPLATE = engines["django"].from_string(
    "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table>"
    "<tr><th>id</th><th>message</th></tr>"
    "{% for fortune in fortunes %}<tr><td>{{ fortune.id }}</td><td>{{ fortune.name }}</td>"
    "</tr>{% endfor %}</table></body></html>"
)


@dataclass
class Fortune:
    id: int
    name: str


@require_safe
def fortunes(request: HttpRequest) -> HttpResponse:
    rows = [Fortune(r.pk, r.name) for r in ConcernCategory.objects.only("name")[:12]]
    rows.append(Fortune(0, "Additional fortune added at request time."))
    rows.sort(key=lambda f: f.name)
    return HttpResponse(TEMPLATE.render({"fortunes": rows}, request))
