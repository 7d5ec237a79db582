"""A log as PDF, made by WeasyPrint from an HTML template (R-EXP-01/02, R-ARCH-01).

`render_log_pdf` is the one way to print a log: the export task (exports.tasks) calls it for
the person who asked, the archive app for the complete archival copy (viewer None). It runs
in the task worker only, never in a web request: a long log takes a second or more.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import User
from exports.enums import ALL_PARTS, Part
from exports.queries import log_content
from logs.models import Log
from organisations.enums import Role

__all__ = ["ALL_PARTS", "Part", "RenderedPdf", "render_log", "render_log_pdf"]

# PDF/A-2b for the archive (ISO 19005-2, what Noark 5 archives take); a tagged PDF/UA-1
# for people (R-EXP-02), readable with a screen reader.
ARCHIVAL_VARIANT = "pdf/a-2b"
ACCESSIBLE_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int


@cache
def _font_config() -> Any:
    """One font configuration for every PDF the process makes: building it (Pango's font
    map, fontconfig's lookups) is about a third of a long log's time. The worker makes one
    PDF at a time, so it is never shared between threads at once."""
    from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415 - as below

    return FontConfiguration()


def render_log_pdf(
    log: Log,
    *,
    viewer: User | None,
    parts: Collection[str],
    archival: bool = False,
    role: Role | None = None,
    now: datetime | None = None,
) -> bytes:
    """The PDF of the `parts` of `log` (values of exports.enums.Part) that `viewer` sees.

    - `viewer` a person: what they see in `role` (their role when they asked; a part their
      role may not see is left out, whatever was asked), national ID numbers masked.
    - `viewer` None: the archive's complete view, every part chosen, the full national ID.
    - `archival`: a PDF/A-2b, else a tagged PDF/UA-1.

    A title page (the child, the unit, the parts, when and by whom), the child's name in
    the running header and "side 3 av 11" in the footer.
    """
    return render_log(log, viewer=viewer, parts=parts, archival=archival, role=role, now=now).data


def render_log(
    log: Log,
    *,
    viewer: User | None,
    parts: Collection[str],
    archival: bool = False,
    role: Role | None = None,
    now: datetime | None = None,
) -> RenderedPdf:
    """As render_log_pdf, with the number of pages."""
    if viewer is not None and role is None:
        raise ValueError("An export for a person needs the role they asked in.")
    # WeasyPrint loads Pango and its fonts when imported: only where a PDF is made.
    from weasyprint import CSS, HTML  # noqa: PLC0415 - slow to load, used only here

    content = log_content(log, viewer=viewer, role=role, parts=parts)
    child = log.child
    context = {
        "log": log,
        "child": child,
        "unit": log.unit,
        "municipality": log.unit.municipality,
        "national_id": child.national_id if viewer is None else child.masked_national_id,
        "content": content,
        "part_names": [Part(part).label for part in content.parts],
        "parts": set(content.parts),
        "viewer": viewer,
        "role_name": Role(role).label if role else "",
        "exported_at": timezone.localtime(now or timezone.now()),
        "archival": archival,
        "language": translation.get_language() or "nb",
    }
    html = render_to_string("exports/log_pdf.html", context)
    css = render_to_string("exports/log_pdf.css", context)
    fonts = _font_config()
    document = HTML(string=html).render(
        stylesheets=[CSS(string=css, font_config=fonts)], font_config=fonts, pdf_tags=True
    )
    data = document.write_pdf(
        pdf_variant=ARCHIVAL_VARIANT if archival else ACCESSIBLE_VARIANT, pdf_tags=True
    )
    return RenderedPdf(data=data, pages=len(document.pages))
