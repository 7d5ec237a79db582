"""The log page shows the archive status of a passive log: pending, handed over, or failed
and tried again (R-ARCH-01), to those who see the log's sensitive details."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive import tasks
from tests.logs.views.helpers import detail_url, login, page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_pdf")]


def test_holder_sees_the_handover_pending_R_ARCH_01(client, holder, passive_log):
    login(client, holder)
    html = page(client.get(detail_url(passive_log)))
    assert "Arkiv: loggen venter på å bli avlevert til kommunens arkiv." in html


def test_holder_sees_a_failed_handover_and_when_it_is_tried_again_R_ARCH_01(
    client, holder, passive_log, settings, archive_folder
):
    settings.STAFETT_ARCHIVE_FOLDER = str(archive_folder / "gone")
    tasks.hand_over(passive_log.archive_handover.pk)
    login(client, holder)
    response = client.get(detail_url(passive_log))
    assert response.status_code == 200
    html = page(response)
    assert "avleveringen til kommunens arkiv feilet (1 forsøk)" in html
    assert "prøves igjen automatisk" in html
    assert "FileNotFoundError" not in html  # the technical error is the administration's


def test_holder_sees_the_log_handed_over_R_ARCH_01(client, holder, passive_log):
    tasks.hand_over(passive_log.archive_handover.pk)
    login(client, holder)
    assert "loggen ble avlevert til kommunens arkiv" in page(client.get(detail_url(passive_log)))


def test_an_active_log_shows_no_archive_status_and_asks_nothing_of_it(client, holder, log):
    login(client, holder)
    with CaptureQueriesContext(connection) as queries:
        html = page(client.get(detail_url(log)))
    assert "Arkiv:" not in html
    assert not [q for q in queries.captured_queries if "archive_archivehandover" in q["sql"]]


def test_the_archive_status_costs_one_query_R_ARCH_01(client, holder, passive_log):
    login(client, holder)
    with CaptureQueriesContext(connection) as queries:
        client.get(detail_url(passive_log))
    archive = [q for q in queries.captured_queries if "archive_archivehandover" in q["sql"]]
    assert len(archive) == 1
