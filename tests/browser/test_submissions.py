"""Sending a form in the browser (issue 7, items 7, 9, 12 and 13), with axe on every page:

- a new log with errors in several parts gets them all at once, keeps the chosen consent
  PDF to the next round, and takes the national ID number typed as «DDMMYY NNNNN»
  (R-GEN-04, R-LOG-01, R-LOG-02);
- a double click on a create button makes one log, one meeting and one round of
  invitations (R-GEN-08);
- an upload folder that refuses the file is a message at the file field (R-GEN-04);
- an evaluated measure opens as evaluated (R-MEAS-03).
"""

import errno
import re
import threading
import time
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from playwright.sync_api import Page, expect

from logs import services as log_services
from logs.enums import Outcome
from logs.models import Consent, Log
from logs.services import evaluate_measure
from meetings import views as meeting_views
from meetings.models import Meeting
from notifications.enums import Kind
from notifications.models import OutgoingEmail
from tests.browser.conftest import check_axe, log_in
from tests.factories import PASSWORD, VALID_NATIONAL_ID, make_concern, make_log, make_pdf

pytestmark = pytest.mark.browser

SPACED = f"{VALID_NATIONAL_ID[:6]} {VALID_NATIONAL_ID[6:]}"


def _in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _fill_child(page: Page, national_id: str) -> None:
    page.locator("#id_child-first_name").fill("Sara")
    page.locator("#id_child-last_name").fill("Stafett")
    page.locator("#id_child-national_id").fill(national_id)
    page.locator("#id_child-address").fill("Skoleveien 1")
    page.locator("#id_child-postcode").fill("0150")
    page.locator("#id_child-place").fill("Oslo")


def _fill_guardian(page: Page, phone: str) -> None:
    page.locator("#id_guardian-0-first_name").fill("Gunn")
    page.locator("#id_guardian-0-last_name").fill("Stafett")
    page.locator("#id_guardian-0-phone").fill(phone)
    page.locator("#id_guardian-0-email").fill("gunn@example.no")
    page.locator("#id_guardian-0-address").fill("Skoleveien 1")
    page.locator("#id_guardian-0-postcode").fill("0150")
    page.locator("#id_guardian-0-place").fill("Oslo")


def test_new_log_with_errors_then_success_keeps_the_chosen_pdf_R_GEN_04_R_LOG_01_R_LOG_02(
    page, holder, tmp_path
):
    consent_pdf = tmp_path / "underskrevet.pdf"
    consent_pdf.write_bytes(make_pdf(pages=2))
    log_in(page, holder.email, PASSWORD)
    page.goto("/logger/ny/")
    check_axe(page)

    # A wrong number, a bad phone and a consent that has run out, all in the first round.
    _fill_child(page, "12345678901")
    _fill_guardian(page, "ring meg")
    page.locator("#id_consent-file").set_input_files(str(consent_pdf))
    page.locator("#id_consent-valid_until").fill(_in_days(-1))
    page.get_by_role("button", name="Lagre og åpne logg").click()

    expect(page.locator("#id_child-national_id_error")).to_contain_text("Ugyldig fødselsnummer")
    expect(page.locator("#id_guardian-0-phone_error")).to_be_visible()
    expect(page.locator("#id_consent-valid_until_error")).to_contain_text("utløpt")
    expect(page.get_by_text("Valgt fil: underskrevet.pdf")).to_be_visible()
    expect(page.get_by_label("Behold filen")).to_be_checked()
    assert page.locator("#id_child-first_name").input_value() == "Sara"
    check_axe(page)

    # Fix them; the PDF is not chosen again. The number is typed as it is printed.
    page.locator("#id_child-national_id").fill(SPACED)
    assert page.locator("#id_child-national_id").input_value() == SPACED
    page.locator("#id_guardian-0-phone").fill("912 34 567")
    page.locator("#id_consent-valid_until").fill(_in_days(365))
    page.get_by_role("button", name="Lagre og åpne logg").click()

    page.get_by_text("Stafettloggen er opprettet.").wait_for()
    check_axe(page)
    log = Log.objects.get()
    assert log.child.national_id == VALID_NATIONAL_ID
    consent = Consent.objects.get(log=log)
    assert consent.original_name == "underskrevet.pdf"
    with consent.file.open("rb") as stored:
        assert stored.read() == consent_pdf.read_bytes()


def _slow_first_save(monkeypatch, module, name: str) -> None:
    """The first save takes a moment, as on a busy server, so that the second click comes
    while the first sending is on its way. The saves (each a whole transaction) run one at
    a time: the live server's in-memory SQLite database refuses a second writer at once
    («table is locked») instead of making it wait; the concurrent case is proven on
    PostgreSQL in tests/common/test_submissions.py."""
    original = getattr(module, name)
    lock = threading.Lock()
    calls: list[int] = []

    def slow(*args, **kwargs):
        with lock:
            calls.append(1)
            if len(calls) == 1:
                time.sleep(0.5)
            return original(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)


def _double_click(page: Page, name: str) -> list[str]:
    """Click a submit button twice, the second time while the first sending is under way
    (Chromium drops a second click that comes before the first request has left); returns
    the POST requests the browser sent."""
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    button = page.get_by_role("button", name=name)
    button.evaluate("(b) => { b.click(); setTimeout(() => b.click(), 200); }")
    return posts


def test_a_double_click_on_save_and_open_log_makes_one_log_R_GEN_08(page, holder, monkeypatch):
    _slow_first_save(monkeypatch, log_services, "create_log")
    log_in(page, holder.email, PASSWORD)
    page.goto("/logger/ny/")
    _fill_child(page, VALID_NATIONAL_ID)
    _fill_guardian(page, "912 34 567")

    posts = _double_click(page, "Lagre og åpne logg")

    # The first navigation is aborted by the second: wait for where the page ends up.
    expect(page).to_have_url(re.compile(r"/logger/\d+/$"))
    assert len(posts) == 2, posts  # the browser did send the form twice
    assert Log.objects.count() == 1
    assert OutgoingEmail.objects.filter(kind=Kind.GUARDIAN_INVITATION).count() == 1
    expect(page.locator("#messages")).to_contain_text("Skjemaet var allerede sendt")
    check_axe(page)


def test_a_double_click_on_save_and_send_invitations_invites_each_person_once_R_GEN_08(
    page, holder, unit, monkeypatch
):
    _slow_first_save(monkeypatch, meeting_views, "_save")
    log = make_log(holder, unit, level=2)
    log_in(page, holder.email, PASSWORD)
    page.goto(f"/moter/ny/logg/{log.pk}/")
    check_axe(page)
    day = timezone.localdate() + timedelta(days=7)
    page.get_by_label("Starter").fill(f"{day.isoformat()}T09:00")
    page.get_by_label("Slutter").fill(f"{day.isoformat()}T10:00")
    page.get_by_label("Sted").fill("Møterom 2")
    invitations = OutgoingEmail.objects.filter(kind=Kind.MEETING)
    before = invitations.count()

    posts = _double_click(page, "Lagre og send invitasjoner")

    expect(page).to_have_url(re.compile(r"/moter/\d+/$"))
    assert len(posts) == 2, posts
    meeting = Meeting.objects.get()
    assert meeting.invitations.count() == 2  # the holder and the guardian
    assert invitations.count() - before == 2
    expect(page.locator("#messages")).to_contain_text("Skjemaet var allerede sendt")
    check_axe(page)


def test_an_upload_folder_that_refuses_the_file_is_a_message_at_the_file_field_R_GEN_04(
    page, holder, log, tmp_path, monkeypatch
):
    def full_disk(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", full_disk)
    consent_pdf = tmp_path / "samtykke.pdf"
    consent_pdf.write_bytes(make_pdf())
    log_in(page, holder.email, PASSWORD)
    page.goto(f"/logger/{log.pk}/samtykke/")
    check_axe(page)

    page.get_by_label("Samtykke (PDF)").set_input_files(str(consent_pdf))
    page.get_by_label("Gyldig til").fill(_in_days(200))
    page.get_by_role("button", name="Last opp").click()

    expect(page.locator("#id_file_error")).to_contain_text("Filen kunne ikke lagres")
    assert page.get_by_label("Gyldig til").input_value() == _in_days(200)
    check_axe(page)
    assert not Consent.objects.exists()


def test_an_evaluated_measure_opens_as_evaluated_without_a_form_R_MEAS_03(page, holder, log):
    measure = make_concern(log).measures.get()
    evaluate_measure(measure, by=holder, outcome=Outcome.DESIRED_EFFECT, text="Sara leser nå.")
    log_in(page, holder.email, PASSWORD)

    page.goto(f"/logger/tiltak/{measure.pk}/evaluer/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Tiltaket er evaluert")
    expect(page.get_by_text("Sara leser nå.")).to_be_visible()
    assert page.get_by_role("button", name="Lagre evaluering").count() == 0
    check_axe(page)
