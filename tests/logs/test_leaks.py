"""What must never reach a page: other concerns, a child's name, a full national ID.

Each test seeds a sentinel and reads every page the persona can open (R-ROLE-05, R-ROLE-03,
R-SEC-03).
"""

import json

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from logs.models import Revision
from logs.services import create_glimpse, update_child
from organisations.enums import Role
from tests.factories import VALID_NATIONAL_ID, make_concern, make_log

SENTINEL = "HEMMELIG-SENTINEL"
CHILD_FIRST = "Sunniva"
CHILD_LAST = "Lekkasjesjekk"
OTHER_NATIONAL_ID = "01019010046"  # another valid test number


def login(client, user, role: str | None = None):
    client.force_login(user)
    if role:
        session = client.session
        session["active_role"] = role
        session.save()


def pages_of(client, urls) -> dict[str, str]:
    """Every page's HTML, by URL; each must answer 200 (a leak test on a 404 proves nothing)."""
    html = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        html[url] = response.content.decode()
    return html


@pytest.fixture
def case(holder, unit, actor):
    """A level-1 log with one concern the actor is on and one sentinel concern they are not."""
    log = make_log(holder, unit, first_name=CHILD_FIRST, last_name=CHILD_LAST)
    visible = make_concern(log, actors=[actor], description="Synlig for aktøren")
    hidden = make_concern(log, description=SENTINEL)
    create_glimpse(
        log, by=holder, role=Role.HOLDER, text=SENTINEL, happened_on=timezone.localdate()
    )
    return {"log": log, "visible": visible, "hidden": hidden}


def test_the_actor_never_sees_a_concern_they_are_not_on_R_ROLE_05(client, actor, case):
    log = case["log"]
    login(client, actor)

    html = pages_of(client, [f"/logger/{log.pk}/", "/logger/", "/"])

    assert "Synlig for aktøren" in html[f"/logger/{log.pk}/"]
    for url, text in html.items():
        assert SENTINEL not in text, url


def test_the_actor_gets_404_for_the_hidden_concerns_pages_R_ROLE_05_R_ROLE_07(client, actor, case):
    hidden = case["hidden"]
    login(client, actor)

    for url in (
        f"/logger/oppmerksomheter/{hidden.pk}/",
        f"/logger/oppmerksomheter/{hidden.pk}/tiltak/ny/",
        f"/logger/tiltak/{hidden.measures.get().pk}/videre/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SENTINEL not in response.content.decode(), url


def test_the_actor_sees_no_guardian_consent_history_or_national_id_R_ROLE_05_R_SEC_03(
    client, actor, case
):
    log = case["log"]
    guardian = log.guardians.get()
    login(client, actor)

    html = client.get(f"/logger/{log.pk}/").content.decode()

    assert guardian.phone not in html
    assert 'id="history"' not in html
    assert 'id="child"' not in html
    assert VALID_NATIONAL_ID[:6] not in html


def test_the_leader_never_sees_the_childs_name_R_ROLE_03(client, leader, case):
    log = case["log"]
    login(client, leader)

    home = client.get("/")
    log_list = client.get("/logger/")
    log_page = client.get(f"/logger/{log.pk}/")

    assert home.status_code == 200
    assert log_list.status_code == 404
    assert log_page.status_code == 404
    for response in (home, log_list, log_page):
        text = response.content.decode()
        assert CHILD_LAST not in text
        assert CHILD_FIRST not in text
        assert SENTINEL not in text


def test_a_leader_who_is_also_holder_sees_nothing_while_working_as_leader_R_ROLE_03(
    client, multi_role_user, unit
):
    log = make_log(multi_role_user, unit, first_name=CHILD_FIRST, last_name=CHILD_LAST)
    login(client, multi_role_user, role="leader")

    for url in ("/", "/logger/", f"/logger/{log.pk}/"):
        assert CHILD_LAST not in client.get(url).content.decode(), url


def holder_pages(log) -> list[str]:
    return [f"/logger/{log.pk}/", f"/logger/{log.pk}/barn/", "/logger/", "/"]


def test_the_full_national_id_never_reaches_the_holders_pages_R_SEC_03(client, holder, case):
    log = case["log"]
    login(client, holder)

    html = pages_of(client, holder_pages(log))

    assert "151086 *****" in html[f"/logger/{log.pk}/"]
    assert "151086 *****" in html[f"/logger/{log.pk}/barn/"]
    for url, text in html.items():
        assert VALID_NATIONAL_ID not in text, url


def test_a_refused_child_form_does_not_echo_the_stored_national_id_R_SEC_03(client, holder, case):
    log = case["log"]
    login(client, holder)

    response = client.post(
        f"/logger/{log.pk}/barn/",
        {
            "version": str(log.version),
            "child-first_name": CHILD_FIRST,
            "child-last_name": CHILD_LAST,
            "child-national_id": "",
            "child-address": "Skoleveien 1",
            "child-postcode": "12",  # refused: four digits
            "child-place": "Oslo",
        },
    )

    assert response.status_code == 200
    assert "Postnummeret har 4 siffer." in response.content.decode()
    assert VALID_NATIONAL_ID not in response.content.decode()


def test_the_full_national_id_never_reaches_the_guardians_pages_R_SEC_03(client, holder, case):
    from tests.factories import UserFactory

    log = case["log"]
    guardian_user = UserFactory(first_name="Gunn", last_name="Foresatt")
    log.guardians.update(user=guardian_user)
    login(client, guardian_user)

    html = pages_of(client, [f"/logger/{log.pk}/", "/logger/", "/"])

    assert "151086 *****" in html[f"/logger/{log.pk}/"]
    for url, text in html.items():
        assert VALID_NATIONAL_ID not in text, url


def test_after_editing_the_national_id_the_history_shows_it_masked_R_SEC_03_R_LOG_08(
    client, holder, case
):
    log = case["log"]
    login(client, holder)

    response = client.post(
        f"/logger/{log.pk}/barn/",
        {
            "version": str(log.version),
            "child-first_name": CHILD_FIRST,
            "child-last_name": CHILD_LAST,
            "child-national_id": OTHER_NATIONAL_ID,
            "child-birth_date": "",
            "child-address": "Skoleveien 1",
            "child-postcode": "0150",
            "child-place": "Oslo",
            "child-email": "",
        },
    )
    assert response.status_code == 302
    log.child.refresh_from_db()
    assert log.child.national_id == OTHER_NATIONAL_ID

    html = pages_of(client, holder_pages(log))

    history = html[f"/logger/{log.pk}/"].split('id="history"', 1)[1]
    assert "Barnets opplysninger ble endret" in history
    assert "151086 *****" in history
    assert "010190 *****" in html[f"/logger/{log.pk}/"]
    for url, text in html.items():
        assert VALID_NATIONAL_ID not in text, url
        assert OTHER_NATIONAL_ID not in text, url


def test_the_national_id_is_never_stored_in_history_or_audit_R_SEC_03(holder, case):
    log = case["log"]

    update_child(log, by=holder, national_id=OTHER_NATIONAL_ID)

    stored = json.dumps(
        [[r.before, r.after] for r in Revision.objects.all()]
        + [e.data for e in AuditEvent.objects.all()]
    )
    assert VALID_NATIONAL_ID not in stored
    assert OTHER_NATIONAL_ID not in stored
