"""A log handed over to a holder in another unit (issue 4, R-TRAN-01…05): the holder chooses
the unit, then the person, writes the reason and confirms the consent; the recipient, in
another browser, finds it on Min side above the notes, accepts, and can work in the log; the
previous holder gets a 404. axe on every page visited."""

import re

import pytest
from playwright.sync_api import expect

from logs.enums import LogStatus, TransferStatus
from logs.models import Glimpse, Log, Transfer
from logs.services import transfer_log
from organisations.enums import Role
from tests.browser.conftest import check_axe, log_in
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.browser

REASON = "Sara begynner i barnehagen, og helsestasjonen følger opp derfra."
CONSENT = "Jeg bekrefter at foresatte har samtykket til at loggen overføres til den nye tjenesten"


def test_a_transfer_to_another_unit_is_accepted_and_the_log_changes_hands_R_TRAN_01_to_05(
    page, new_page, log, holder, holder_other_unit, other_unit
):
    # The holder: log page → «Overfør logg».
    log_in(page, holder.email, PASSWORD)
    page.goto(f"/logger/{log.pk}/")
    check_axe(page)
    page.get_by_role("link", name="Overfør logg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overfør logg")
    check_axe(page)

    # R-TRAN-02: the unit first, then the person in it.
    page.get_by_label("Virksomhet", exact=True).select_option(label=other_unit.name)
    page.get_by_role("button", name="Vis stafettholdere").click()
    expect(
        page.get_by_role("heading", name=f"2. Velg ny stafettholder i {other_unit.name}")
    ).to_be_visible()
    check_axe(page)
    page.get_by_label(re.compile(re.escape(holder_other_unit.get_full_name()))).check()
    page.get_by_label("Begrunnelse").fill(REASON)

    # Across units the consent must be confirmed: refused next to the box, reason kept.
    page.get_by_role("button", name="Overfør logg").click()
    expect(page.locator("#id_consent_confirmed_error")).to_contain_text(
        "Bekreft at foresatte har samtykket"
    )
    expect(page.get_by_label("Begrunnelse")).to_have_value(REASON)
    check_axe(page)
    page.get_by_label(CONSENT).check()
    page.get_by_role("button", name="Overfør logg").click()

    page.get_by_text(f"Loggen er sendt til {holder_other_unit.get_full_name()}").wait_for()
    expect(page.get_by_role("heading", name="Overføring venter")).to_be_visible()
    expect(page.get_by_role("link", name="Ny oppmerksomhet")).to_have_count(0)  # R-TRAN-03
    check_axe(page)
    log.refresh_from_db()
    assert log.status == LogStatus.TRANSFER_PENDING

    # The recipient, in another browser: Min side lists it above the notes (R-TRAN-04).
    recipient = new_page()
    log_in(recipient, holder_other_unit.email, PASSWORD)
    recipient.goto("/")
    waiting = recipient.get_by_role("heading", name="Overføringer som venter på deg")
    notes = recipient.get_by_role("heading", name="Personlige notater")
    expect(waiting).to_be_visible()
    assert waiting.bounding_box()["y"] < notes.bounding_box()["y"]
    expect(recipient.get_by_text(REASON)).to_be_visible()
    check_axe(recipient)

    # They may read the log before deciding, but not change it.
    recipient.get_by_role("link", name=log.child.full_name).click()
    expect(recipient.get_by_role("heading", name="Loggen er overført til deg")).to_be_visible()
    expect(recipient.get_by_role("link", name="Nytt lysglimt")).to_have_count(0)
    check_axe(recipient)

    recipient.get_by_role("button", name="Godta", exact=True).click()
    recipient.get_by_text("Du er nå stafettholder for loggen.").wait_for()
    expect(recipient.get_by_text("foresatte må gi nytt samtykke")).to_be_visible()  # R-LOG-02
    # R-TRAN-05: the chain with the reason.
    expect(recipient.locator("#holders")).to_contain_text(REASON)
    check_axe(recipient)
    log.refresh_from_db()
    assert (log.holder, log.unit, log.status) == (holder_other_unit, other_unit, LogStatus.ACTIVE)
    assert Transfer.objects.get(log=log).status == TransferStatus.ACCEPTED

    # The log is theirs: in *Mine stafettbarn*, and editable (a new glimpse).
    recipient.goto("/logger/")
    check_axe(recipient)
    recipient.get_by_role("link", name=log.child.full_name).click()
    recipient.get_by_role("link", name="Nytt lysglimt").click()
    check_axe(recipient)
    recipient.get_by_label("Hva skjedde?").fill("Sara lekte med nye venner første dag.")
    recipient.get_by_role("button", name="Lagre lysglimt").click()
    recipient.get_by_text("Nytt lysglimt lagt til!").wait_for()
    check_axe(recipient)
    assert Glimpse.objects.get(log=log).author == holder_other_unit

    # The previous holder has no access any more.
    response = page.goto(f"/logger/{log.pk}/")
    assert response.status == 404
    check_axe(page)
    page.goto("/logger/")
    expect(page.get_by_role("link", name=log.child.full_name)).to_have_count(0)
    check_axe(page)
    assert Log.objects.filter(holder=holder).count() == 0


# --- «Vis stafettholdere» keeps what was typed (R-GEN-04) -----------------------------------

LONG_EMAIL = "kristine.marie.haugen-sandvik.stafettholder@barnehage-og-skoleetaten.example.no"


@pytest.fixture
def kristine(other_unit):
    """A second holder in the other unit, with a long e-mail address (320 px)."""
    person = UserFactory(first_name="Kristine", last_name="Haugen-Sandvik", email=LONG_EMAIL)
    MembershipFactory(user=person, unit=other_unit, role=Role.HOLDER)
    return person


def _native_dialogs(page) -> list[str]:
    """The browser's own dialogs (a leave-page prompt), dismissed and recorded."""
    seen: list[str] = []

    def record(dialog):
        seen.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", record)
    return seen


def _fits(page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"


def test_the_reason_typed_first_survives_choosing_the_unit_and_searching_R_GEN_04_R_TRAN_02(
    page, log, holder, holder_other_unit, kristine, other_unit
):
    """Type the reason, choose another unit, search a holder, choose them, send: the search
    asks nothing about leaving the page, and the reason arrives with the transfer."""
    dialogs = _native_dialogs(page)
    leave_dialog = page.locator("[data-leave-dialog]")
    log_in(page, holder.email, PASSWORD)
    page.goto(f"/logger/{log.pk}/")
    page.get_by_role("link", name="Overfør logg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overfør logg")
    check_axe(page)

    page.get_by_label("Begrunnelse").fill(REASON)
    page.get_by_label("Virksomhet", exact=True).select_option(label=other_unit.name)
    page.get_by_label("Søk etter person").fill("berit")
    page.get_by_role("button", name="Vis stafettholdere").click()

    expect(
        page.get_by_role("heading", name=f"2. Velg ny stafettholder i {other_unit.name}")
    ).to_be_visible()
    expect(page.get_by_text("Viser stafettholdere som passer til «berit».")).to_be_visible()
    expect(leave_dialog).to_be_hidden()
    assert dialogs == [], "a search inside the form must not ask to leave the page"
    expect(page.get_by_label("Begrunnelse")).to_have_value(REASON)
    expect(page.get_by_label("Søk etter person")).to_have_value("berit")
    expect(page.get_by_label("Søk etter person")).to_be_focused()
    expect(page.get_by_label("Virksomhet", exact=True)).to_have_value(str(other_unit.pk))
    expect(page.get_by_label(re.compile(kristine.get_full_name()))).to_have_count(0)
    check_axe(page)
    assert not Transfer.objects.exists()

    # What was typed is still not saved: a link away asks first (R-GEN-05).
    page.locator("header").get_by_role("link", name="Stafettlogg").click()
    expect(leave_dialog).to_be_visible()
    leave_dialog.get_by_role("button", name="Bli på siden").click()
    expect(leave_dialog).to_be_hidden()

    page.get_by_label(re.compile(re.escape(holder_other_unit.get_full_name()))).check()
    page.get_by_label(CONSENT).check()
    page.get_by_role("button", name="Overfør logg").click()

    page.get_by_text(f"Loggen er sendt til {holder_other_unit.get_full_name()}").wait_for()
    check_axe(page)
    assert dialogs == []
    transfer = Transfer.objects.get(log=log)
    assert (transfer.to_user, transfer.to_unit, transfer.reason) == (
        holder_other_unit,
        other_unit,
        REASON,
    )


def test_sending_on_keeps_the_reason_through_a_search_at_320_px_R_GEN_04_R_TRAN_04(
    page, log, holder, other_holder, kristine, unit, other_unit
):
    """«Ikke godta»: the new holder passes the log on from the same form; Enter in the search
    box searches (it does not send), and the page does not scroll sideways at 320 px."""
    transfer_log(
        log, by=holder, to_user=other_holder, to_unit=unit, reason="Flytter", consent_confirmed=True
    )
    page.set_viewport_size({"width": 320, "height": 640})
    dialogs = _native_dialogs(page)
    log_in(page, other_holder.email, PASSWORD)
    page.get_by_role("link", name="Ikke godta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Send loggen videre")
    _fits(page)
    check_axe(page)

    page.get_by_label("Begrunnelse").fill("Kristine kjenner familien.")
    page.get_by_label("Virksomhet", exact=True).select_option(label=other_unit.name)
    page.get_by_label("Søk etter person").fill("haugen")
    page.get_by_label("Søk etter person").press("Enter")

    expect(
        page.get_by_role("heading", name=f"2. Velg ny stafettholder i {other_unit.name}")
    ).to_be_visible()
    expect(page.get_by_label(re.compile(re.escape(LONG_EMAIL)))).to_be_visible()
    expect(page.get_by_label("Begrunnelse")).to_have_value("Kristine kjenner familien.")
    assert dialogs == []
    assert Transfer.objects.count() == 1
    _fits(page)
    check_axe(page)

    page.get_by_label(re.compile(re.escape(LONG_EMAIL))).check()
    page.get_by_label(CONSENT).check()
    page.get_by_role("button", name="Send videre").click()

    page.get_by_text("Loggen er sendt videre til Kristine Haugen-Sandvik.").wait_for()
    check_axe(page)
    forwarded = Transfer.objects.get(status=TransferStatus.PENDING)
    assert (forwarded.to_user, forwarded.reason) == (kristine, "Kristine kjenner familien.")


def test_a_transfer_is_accepted_from_min_side_kept_by_another_browser_R_TRAN_04(
    page, new_page, log, holder, holder_other_unit, other_unit
):
    """Min side keeps the waiting transfers with its lists (issue 9): a phone that opened
    Min side first, and then the desktop, each with a CSRF cookie of its own; the desktop
    accepts from the kept page."""
    transfer_log(
        log,
        by=holder,
        to_user=holder_other_unit,
        to_unit=other_unit,
        reason=REASON,
        consent_confirmed=True,
    )
    phone = new_page(viewport={"width": 320, "height": 640})
    log_in(phone, holder_other_unit.email, PASSWORD)
    expect(phone.get_by_text(REASON)).to_be_visible()  # rendered and kept

    log_in(page, holder_other_unit.email, PASSWORD)
    expect(page.get_by_text(REASON)).to_be_visible()
    check_axe(page)
    page.get_by_role("button", name="Godta", exact=True).click()

    page.get_by_text("Du er nå stafettholder for loggen.").wait_for()
    check_axe(page)
    log.refresh_from_db()
    assert (log.holder, log.status) == (holder_other_unit, LogStatus.ACTIVE)
    phone.reload()  # the transfer has left the phone's Min side too
    expect(phone.get_by_text(REASON)).to_have_count(0)
