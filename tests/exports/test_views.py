"""The export pages: choose the parts, wait, open or save; refusals and bad input as pages,
never a 500 (R-EXP-01, R-EXP-02)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from exports.enums import ExportStatus
from exports.models import Export
from exports.services import request_export
from organisations.enums import Role
from tests.factories import make_concern
from tests.logs.views.helpers import login

pytestmark = pytest.mark.django_db


def _choose(log):
    return reverse("exports:choose", args=[log.pk])


def test_log_page_links_to_export_for_each_role_that_sees_it_R_EXP_01(
    client, log, holder, actor, guardian_user
):
    make_concern(log, actors=[actor])
    for user, role in ((holder, None), (actor, "actor"), (guardian_user, "guardian")):
        login(client, user, role)
        page = client.get(reverse("logs:detail", args=[log.pk])).content.decode()
        assert _choose(log) in page


def test_holder_chooses_among_every_part_actor_among_their_own_R_EXP_01(client, log, holder, actor):
    make_concern(log, actors=[actor])
    login(client, holder)
    page = client.get(_choose(log)).content.decode()
    for value in ("child", "concerns", "meetings", "glimpses", "history", "openings"):
        assert f'value="{value}"' in page
    login(client, actor, "actor")
    page = client.get(_choose(log)).content.decode()
    assert 'value="concerns"' in page
    for value in ("child", "history", "openings"):
        assert f'value="{value}"' not in page


def test_no_part_chosen_is_a_message_next_to_the_field_R_EXP_01(client, log, holder):
    login(client, holder)
    response = client.post(_choose(log), {})
    assert response.status_code == 200
    assert "Velg minst én del av loggen." in response.content.decode()
    assert not Export.objects.exists()


def test_a_part_the_role_may_not_see_is_refused_R_EXP_01(client, log, holder, actor):
    make_concern(log, actors=[actor])
    login(client, actor, "actor")
    response = client.post(_choose(log), {"parts": ["concerns", "history"]})
    assert response.status_code == 200
    assert not Export.objects.exists()


def test_choose_then_progress_then_open_and_save_each_audited_R_EXP_02(client, log, holder, made):
    login(client, holder)
    response = client.post(_choose(log), {"parts": ["concerns", "glimpses"]})
    export = Export.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:status", args=[export.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Rapporten lages" in page and "Oppdater" in page
    assert 'hx-trigger="every 2s"' in page
    made(export)
    page = client.get(response["Location"]).content.decode()
    assert "Åpne" in page and "Lagre" in page and "hx-trigger" not in page
    file_url = reverse("exports:file", args=[export.pk])
    opened = client.get(file_url)
    assert opened["Content-Type"] == "application/pdf"
    assert opened["Content-Disposition"].startswith("inline")
    assert b"".join(opened.streaming_content).startswith(b"%PDF")
    saved = client.get(file_url + "?lagre=1")
    assert saved["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="export.requested").count() == 1
    assert AuditEvent.objects.filter(action="export.downloaded").count() == 2


def test_htmx_asks_for_the_status_alone(client, log, holder):
    export = request_export(log, by=holder, role=Role.HOLDER, parts=["concerns"])
    login(client, holder)
    response = client.get(reverse("exports:status", args=[export.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.startswith('<div id="export-status"') and "<html" not in body
    # The live region is around the swapped status, never inside it: a region that is
    # replaced is not announced (R-GEN-06).
    assert "aria-live" not in body
    page = client.get(reverse("exports:status", args=[export.pk])).content.decode()
    assert '<div aria-live="polite"><div id="export-status"' in page


def test_a_failed_export_offers_to_try_again_R_EXP_01(client, log, holder):
    export = request_export(log, by=holder, role=Role.HOLDER, parts=["concerns"])
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED)
    login(client, holder)
    status_url = reverse("exports:status", args=[export.pk])
    assert "Prøv igjen" in client.get(status_url).content.decode()
    response = client.post(reverse("exports:retry", args=[export.pk]))
    assert response["Location"] == status_url
    export.refresh_from_db()
    assert export.status == ExportStatus.PENDING


def test_an_export_whose_worker_was_killed_offers_to_try_again_R_EXP_01(client, log, holder):
    export = request_export(log, by=holder, role=Role.HOLDER, parts=["concerns"])
    long_ago = timezone.now() - timedelta(minutes=6)
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, started_at=long_ago)
    login(client, holder)
    assert "Prøv igjen" in client.get(reverse("exports:status", args=[export.pk])).content.decode()


def test_an_expired_export_is_a_clear_page_R_EXP_01(client, log, holder):
    export = request_export(log, by=holder, role=Role.HOLDER, parts=["concerns"])
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED)
    login(client, holder)
    response = client.get(reverse("exports:file", args=[export.pk]))
    assert response["Location"] == reverse("exports:status", args=[export.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Rapporten er slettet" in page


def test_another_persons_export_of_the_same_log_is_a_404_R_EXP_01(
    client, log, holder, guardian_user, made
):
    export = made(request_export(log, by=holder, role=Role.HOLDER, parts=["concerns"]))
    login(client, guardian_user, "guardian")
    for name in ("exports:status", "exports:file"):
        assert client.get(reverse(name, args=[export.pk])).status_code == 404
    assert client.post(reverse("exports:retry", args=[export.pk])).status_code == 404


def test_an_export_in_another_role_is_a_404_R_EXP_01(client, log, multi_role_user):
    """The export is for the role it was asked in; switching role hides it."""
    export = Export.objects.create(
        log=log, requested_by=multi_role_user, role=Role.HOLDER, parts=["concerns"]
    )
    login(client, multi_role_user, "actor")
    assert client.get(reverse("exports:status", args=[export.pk])).status_code == 404


def test_the_export_pages_ask_as_often_with_1_3_and_many_exports(client, log, holder):
    login(client, holder)
    counts = []
    for total in (1, 3, 12):
        while Export.objects.count() < total:
            export = request_export(log, by=holder, role=Role.HOLDER, parts=["concerns"])
        url = reverse("exports:status", args=[export.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
            assert client.get(_choose(log)).status_code == 200
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1] == counts[2]
