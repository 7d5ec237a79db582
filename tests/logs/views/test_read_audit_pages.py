"""The log pages through the Django test client: audit and the access log (R-SEC-01).

Each test names the requirement it proves. The services' own rules are in tests/logs/services/;
here the point is that the pages carry them to the person: the error next to the field,
nothing typed lost (R-GEN-04), the confirmation message, the 403 that says why.
"""

import pytest
from django.conf import settings
from django.template.defaultfilters import date as date_filter
from django.utils import timezone

from audit.models import AuditEvent
from logs.models import LogOpening
from organisations.enums import Role
from tests.factories import (
    make_concern,
    make_pdf,
)
from tests.logs.views.helpers import (
    consent_for,
    detail_url,
    login,
    page,
    section,
)

# --- audit and the access log (R-SEC-01) ----------------------------------------------------


def test_opening_the_log_page_writes_log_viewed_with_who_and_role_R_SEC_01(client, holder, log):
    login(client, holder)

    client.get(detail_url(log))

    event = AuditEvent.objects.get(action="log.viewed")
    assert event.log_id == log.pk
    assert event.actor == holder
    assert event.role == Role.HOLDER
    assert event.object_id == str(log.pk)


def test_an_actor_opening_the_log_is_recorded_with_the_actor_role_R_SEC_01(client, actor, log):
    make_concern(log, actors=[actor])
    login(client, actor)

    client.get(detail_url(log))

    event = AuditEvent.objects.get(action="log.viewed")
    assert (event.actor, event.role, event.log_id) == (actor, Role.ACTOR, log.pk)


def test_the_holder_sees_who_has_opened_the_log_R_SEC_01(client, holder, actor, log):
    make_concern(log, actors=[actor])
    login(client, actor)
    client.get(detail_url(log))
    client.get(detail_url(log))

    login(client, holder)
    access = section(page(client.get(detail_url(log))), "access")

    assert "Hvem har åpnet loggen" in access
    assert "Anders Aktør" in access
    assert "Aktør</td>" in access
    assert "<td>2</td>" in access
    # When last, in the local time zone and the language's month names.
    opened = LogOpening.objects.get(log=log, user=actor).last_opened
    assert f"<td>{date_filter(timezone.localtime(opened), 'j. F Y H:i')}</td>" in access


def test_the_access_list_escapes_names_and_speaks_the_language_R_SEC_01(client, holder, actor, log):
    """The rows are made in Python (issue 9): each value escaped as the template would,
    the role in the page's language, one row per person and role."""
    actor.first_name, actor.last_name = "<b>Anders</b>", "O'Brien & Co"
    actor.save(update_fields=["first_name", "last_name"])
    make_concern(log, actors=[actor])
    login(client, actor)
    client.get(detail_url(log))

    login(client, holder)
    access = section(page(client.get(detail_url(log))), "access")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = section(page(client.get(detail_url(log))), "access")

    assert "<b>" not in access
    assert "&lt;b&gt;Anders&lt;/b&gt; O&#x27;Brien &amp; Co</td><td>Aktør</td>" in access
    assert access.count("<tr>") == 3  # the heading, the actor, the holder
    assert "</td><td>Stafettholder</td>" in access
    assert "</td><td>Actor</td>" in english and "</td><td>Holder</td>" in english


def test_the_guardian_sees_who_has_opened_the_log_the_actor_does_not_R_SEC_01(
    client, holder, actor, guardian_user, log
):
    make_concern(log, actors=[actor])
    login(client, holder)
    client.get(detail_url(log))

    login(client, guardian_user)
    guardian_page = page(client.get(detail_url(log)))
    login(client, actor)
    actor_page = page(client.get(detail_url(log)))

    assert "Hanne Holder" in section(guardian_page, "access")
    assert "Hvem har åpnet loggen" not in actor_page
    assert 'id="access"' not in actor_page


def test_the_consent_download_is_a_pdf_attachment_and_is_audited_R_SEC_01_R_LOG_02(
    client, holder, log
):
    consent = consent_for(log)
    login(client, holder)

    response = client.get(f"/logger/samtykke/{consent.pk}/fil/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    # Reading the stream ends the request; closing it again would close the test's database
    # connection on PostgreSQL.
    assert b"".join(response.streaming_content) == make_pdf()
    event = AuditEvent.objects.get(action="consent.downloaded")
    assert (event.actor, event.log_id) == (holder, log.pk)


def test_the_guardian_may_download_the_consent_R_LOG_02(client, guardian_user, log):
    consent = consent_for(log)
    login(client, guardian_user)

    response = client.get(f"/logger/samtykke/{consent.pk}/fil/")

    assert response.status_code == 200
    response.close()


@pytest.mark.parametrize("persona", ["actor", "leader"])
def test_actor_and_leader_get_404_for_the_consent_R_LOG_02_R_ROLE_07(client, request, log, persona):
    user = request.getfixturevalue(persona)
    if persona == "actor":
        make_concern(log, actors=[user])
    consent = consent_for(log)
    login(client, user)

    response = client.get(f"/logger/samtykke/{consent.pk}/fil/")

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="consent.downloaded").exists()


def test_the_log_page_links_the_consent_for_the_holder_R_LOG_02(client, holder, log):
    consent = consent_for(log)
    login(client, holder)

    assert f"/logger/samtykke/{consent.pk}/fil/" in page(client.get(detail_url(log)))
