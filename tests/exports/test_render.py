"""The printed log: the parts chosen are the parts printed, national ID numbers masked,
headers and page numbers on every page (R-EXP-01, R-EXP-02)."""

import io

import pytest
from pypdf import PdfReader

from exports.enums import ALL_PARTS
from exports.render import render_log_pdf
from organisations.enums import Role
from tests.factories import CONCERN_SENTINEL, VALID_NATIONAL_ID, make_concern

pytestmark = pytest.mark.django_db


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_holder_export_has_title_page_headers_and_page_numbers_R_EXP_02(log, holder):
    make_concern(log, description=CONCERN_SENTINEL)
    pages = pdf_pages(render_log_pdf(log, viewer=holder, role=Role.HOLDER, parts=ALL_PARTS))
    assert len(pages) >= 3
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"side {number} av {total}" in text
        if number > 1:
            assert log.child.full_name in text
    assert "Eksportert av" in pages[0]
    assert holder.get_full_name() in pages[0]
    text = "\n".join(pages)
    assert CONCERN_SENTINEL in text
    assert VALID_NATIONAL_ID not in text
    assert VALID_NATIONAL_ID[:6] in text


def test_archive_view_has_full_national_id_and_is_pdfa(log):
    data = render_log_pdf(log, viewer=None, parts=ALL_PARTS, archival=True)
    assert VALID_NATIONAL_ID in "\n".join(pdf_pages(data))
    xmp = PdfReader(io.BytesIO(data)).xmp_metadata
    assert xmp is not None
    assert b"pdfaid:part>2<" in xmp.stream.get_data() or b'pdfaid:part="2"' in xmp.stream.get_data()


def _content_queries(log, viewer, role):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from exports.render import render_log
    from logs.models import Log

    # As the task has it: the log with its child, unit, municipality and holder.
    log = Log.objects.select_related("child", "unit__municipality", "holder").get(pk=log.pk)
    with CaptureQueriesContext(connection) as context:
        render_log(log, viewer=viewer, role=role, parts=ALL_PARTS)
    return len(context.captured_queries)


@pytest.mark.parametrize("as_holder", [True, False])
def test_the_pdf_asks_as_often_with_1_3_and_many_concerns_and_meetings(log, holder, as_holder):
    from datetime import timedelta

    from django.utils import timezone

    from meetings.services import create_meeting

    viewer, role = (holder, Role.HOLDER) if as_holder else (None, None)
    counts = []
    for total in (1, 3, 12):
        while log.concerns.count() < total:
            concern = make_concern(log)
            starts = timezone.now() + timedelta(days=log.concerns.count())
            create_meeting(
                log,
                by=holder,
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                place="Rom 1",
                concerns=[concern],
            )
        counts.append(_content_queries(log, viewer, role))
    assert counts[0] == counts[1] == counts[2]


def test_the_export_is_a_tagged_pdf_ua_with_title_and_language_R_EXP_02(log, holder):
    reader = PdfReader(
        io.BytesIO(render_log_pdf(log, viewer=holder, role=Role.HOLDER, parts=ALL_PARTS))
    )
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "nb"
    assert reader.metadata.title == f"Stafettlogg for {log.child.full_name}"
    xmp = reader.xmp_metadata.stream.get_data()
    assert b"pdfuaid" in xmp


def test_an_export_for_a_person_needs_their_role(log, holder):
    with pytest.raises(ValueError):
        render_log_pdf(log, viewer=holder, parts=ALL_PARTS)
