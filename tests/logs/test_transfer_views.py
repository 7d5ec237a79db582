"""The transfer pages (R-TRAN-01…05): the two-step form, Min side, the log page, and bad
input answered with a message next to the field or a 404, never a 500."""

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from logs.enums import LogStatus, TransferStatus
from logs.models import Transfer
from logs.services import READ_ACTIONS, accept_transfer, transfer_log
from organisations.enums import Role
from tests.factories import MembershipFactory, UserFactory

REASON = "Barnet begynner på ny skole"


def login(client, user, role: str | None = None):
    client.force_login(user)
    if role:
        session = client.session
        session["active_role"] = role
        session.save()


def transfer_url(log, **params):
    url = reverse("logs:transfer_create", args=[log.pk])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def post_transfer(client, log, *, to_user, to_unit, reason=REASON, consent=False):
    data = {"to_user": to_user, "to_unit": to_unit, "reason": reason}
    if consent:
        data["consent_confirmed"] = "on"
    return client.post(transfer_url(log, unit=to_unit), data)


def offers(page: str, person) -> bool:
    """Whether the person is one of the radio buttons for the new holder."""
    return f'name="to_user" value="{person.pk}"' in page


def send(log, to_user, to_unit, reason=REASON):
    return transfer_log(
        log,
        by=log.holder,
        to_user=to_user,
        to_unit=to_unit,
        reason=reason,
        consent_confirmed=True,
    )


# --- the form -------------------------------------------------------------------------------


def test_the_log_page_offers_the_transfer_to_the_holder_only_R_TRAN_01(
    client, log, holder, guardian_user
):
    login(client, holder)
    page = client.get(reverse("logs:detail", args=[log.pk])).content.decode()
    assert transfer_url(log) in page

    login(client, guardian_user)
    page = client.get(reverse("logs:detail", args=[log.pk])).content.decode()
    assert transfer_url(log) not in page


def test_the_form_asks_for_the_unit_first_R_TRAN_02(client, log, holder, unit, other_unit):
    login(client, holder)

    page = client.get(transfer_url(log)).content.decode()

    assert "1. Velg virksomhet" in page
    assert other_unit.name in page and unit.name in page
    assert 'name="to_user"' not in page  # no person list before a unit is chosen


def test_the_holders_of_the_chosen_unit_are_offered_not_oneself_R_TRAN_02(
    client, log, holder, other_holder, holder_other_unit, unit, actor
):
    login(client, holder)

    page = client.get(transfer_url(log, unit=unit.pk)).content.decode()

    assert other_holder.get_full_name() in page
    assert offers(page, other_holder)
    assert not offers(page, holder)
    assert actor.get_full_name() not in page
    assert holder_other_unit.get_full_name() not in page
    assert 'name="consent_confirmed"' not in page  # same unit: no consent question


def test_another_unit_asks_for_the_consent_confirmation_R_TRAN_02(
    client, log, holder, holder_other_unit, other_unit
):
    login(client, holder)

    page = client.get(transfer_url(log, unit=other_unit.pk)).content.decode()

    assert holder_other_unit.get_full_name() in page
    assert 'name="consent_confirmed"' in page
    assert "Jeg bekrefter at foresatte har samtykket" in page


def test_the_person_search_narrows_the_list_R_TRAN_02(
    client, log, holder, other_holder, third_holder, unit
):
    login(client, holder)

    page = client.get(transfer_url(log, unit=unit.pk, q="tredje")).content.decode()

    assert third_holder.get_full_name() in page
    assert other_holder.get_full_name() not in page


def test_a_unit_outside_the_municipality_in_the_url_is_not_offered_R_TRAN_01(
    client, log, holder, outsider
):
    far_unit = outsider.memberships.get().unit
    login(client, holder)

    response = client.get(transfer_url(log, unit=far_unit.pk))

    assert response.status_code == 200
    assert outsider.get_full_name() not in response.content.decode()


def test_a_valid_transfer_sends_the_log_and_says_so_R_TRAN_01_R_GEN_04(
    client, log, holder, other_holder, unit
):
    login(client, holder)

    response = post_transfer(client, log, to_user=other_holder.pk, to_unit=unit.pk)

    assert response.status_code == 302
    assert response["Location"] == reverse("logs:detail", args=[log.pk])
    transfer = Transfer.objects.get(log=log)
    assert (transfer.to_user, transfer.status) == (other_holder, TransferStatus.PENDING)
    page = client.get(response["Location"]).content.decode()
    assert "Loggen er sendt til" in page
    assert "Overføring venter" in page
    assert "Trekk tilbake overføringen" in page
    assert reverse("logs:concern_create", args=[log.pk]) not in page  # read-only (R-TRAN-03)


def assert_refused(response, log, field_id: str | None, text: str):
    assert response.status_code == 200
    page = response.content.decode()
    assert text in page
    if field_id:
        assert f'id="{field_id}_error"' in page
    assert not Transfer.objects.filter(log=log).exists()
    log.refresh_from_db()
    assert log.status == LogStatus.ACTIVE


def test_across_units_without_consent_the_checkbox_says_why_R_TRAN_02(
    client, log, holder, holder_other_unit, other_unit
):
    login(client, holder)

    response = post_transfer(client, log, to_user=holder_other_unit.pk, to_unit=other_unit.pk)

    assert_refused(response, log, "id_consent_confirmed", "Bekreft at foresatte har samtykket")
    assert REASON in response.content.decode()  # nothing typed is lost (R-GEN-04)


def test_a_transfer_to_oneself_is_refused_next_to_the_field_R_TRAN_01(client, log, holder, unit):
    login(client, holder)

    response = post_transfer(client, log, to_user=holder.pk, to_unit=unit.pk)

    assert_refused(response, log, "id_to_user", "Du kan ikke overføre loggen til deg selv.")


def test_a_posted_person_outside_the_municipality_is_refused_R_TRAN_01(
    client, log, holder, outsider, unit
):
    login(client, holder)

    response = post_transfer(client, log, to_user=outsider.pk, to_unit=unit.pk)

    assert_refused(response, log, "id_to_user", "Velg en stafettholder fra listen.")


def test_a_posted_unit_outside_the_municipality_is_refused_R_TRAN_01(client, log, holder, outsider):
    far_unit = outsider.memberships.get().unit
    login(client, holder)

    response = post_transfer(client, log, to_user=outsider.pk, to_unit=far_unit.pk, consent=True)

    assert_refused(response, log, None, "Velg en virksomhet i kommunen.")


def test_a_person_who_is_not_a_holder_of_the_unit_is_refused_R_TRAN_01(
    client, log, holder, actor, holder_other_unit, unit
):
    login(client, holder)

    for person in (actor, holder_other_unit):
        response = post_transfer(client, log, to_user=person.pk, to_unit=unit.pk)
        assert_refused(
            response,
            log,
            "id_to_user",
            "Personen er ikke stafettholder i den valgte virksomheten.",
        )


def test_a_transfer_without_reason_is_refused_next_to_the_field_R_TRAN_02(
    client, log, holder, other_holder, unit
):
    login(client, holder)

    response = post_transfer(client, log, to_user=other_holder.pk, to_unit=unit.pk, reason="  ")

    assert_refused(response, log, "id_reason", "Skriv hvorfor loggen overføres.")


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"to_user": "abc", "to_unit": "x", "reason": "r"},
        {"to_user": "999999", "to_unit": "999999", "reason": "r"},
        {"to_user": "-1", "to_unit": "", "reason": "r", "consent_confirmed": "on"},
    ],
)
def test_garbage_input_gives_messages_never_a_500(client, log, holder, data):
    login(client, holder)

    response = client.post(transfer_url(log), data)

    assert response.status_code == 200
    assert not Transfer.objects.exists()


def test_a_pending_log_cannot_be_transferred_again_403_R_TRAN_03(
    client, log, holder, other_holder, unit
):
    send(log, other_holder, unit)
    login(client, holder)

    assert client.get(transfer_url(log)).status_code == 403


# --- the recipient --------------------------------------------------------------------------


def test_min_side_shows_the_waiting_transfer_above_the_notes_R_TRAN_04_R_HOLD_02(
    client, log, other_holder, unit
):
    send(log, other_holder, unit)
    login(client, other_holder)

    page = client.get(reverse("home")).content.decode()

    assert "Overføringer som venter på deg" in page
    assert page.index("Overføringer som venter på deg") < page.index("Personlige notater")
    assert log.child.full_name in page
    assert REASON in page
    # Not among *Mine stafettbarn* until accepted.
    assert page.count(reverse("logs:detail", args=[log.pk])) == 1


def test_the_pending_log_is_not_in_the_recipients_list_until_accepted_R_TRAN_04(
    client, log, other_holder, unit
):
    transfer = send(log, other_holder, unit)
    login(client, other_holder)
    detail = reverse("logs:detail", args=[log.pk])

    assert detail not in client.get(reverse("logs:list")).content.decode()
    accept_transfer(transfer, by=other_holder)
    assert detail in client.get(reverse("logs:list")).content.decode()


def test_the_recipient_reads_the_log_but_cannot_change_it_R_TRAN_03(
    client, log, other_holder, unit
):
    send(log, other_holder, unit)
    login(client, other_holder)

    response = client.get(reverse("logs:detail", args=[log.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Loggen er overført til deg" in page
    assert "Godta" in page and "Ikke godta" in page
    assert reverse("logs:concern_create", args=[log.pk]) not in page
    assert client.get(reverse("logs:child_edit", args=[log.pk])).status_code == 403
    assert client.get(reverse("logs:glimpse_create", args=[log.pk])).status_code == 403


def test_accept_makes_the_log_editable_for_the_recipient_and_404_for_the_old_holder_R_TRAN_04(
    client, log, holder, holder_other_unit, other_unit
):
    transfer = send(log, holder_other_unit, other_unit)
    login(client, holder_other_unit)

    response = client.post(reverse("logs:transfer_accept", args=[transfer.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("logs:detail", args=[log.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Du er nå stafettholder for loggen." in page
    assert reverse("logs:concern_create", args=[log.pk]) in page
    assert "Last opp nytt samtykke" in page  # another unit: renewed consent (R-LOG-02)
    assert client.get(reverse("logs:child_edit", args=[log.pk])).status_code == 200
    login(client, holder)
    assert client.get(reverse("logs:detail", args=[log.pk])).status_code == 404


def test_accepting_a_transfer_that_is_not_yours_is_404_R_TRAN_04_R_ROLE_07(
    client, log, holder, other_holder, third_holder, outsider, unit
):
    transfer = send(log, other_holder, unit)
    url = reverse("logs:transfer_accept", args=[transfer.pk])

    for person in (holder, third_holder, outsider):
        login(client, person)
        assert client.post(url).status_code == 404
        assert client.get(reverse("logs:transfer_forward", args=[transfer.pk])).status_code == 404
    transfer.refresh_from_db()
    assert transfer.is_pending


def test_accepting_in_another_role_is_404(client, log, other_holder, unit):
    MembershipFactory(user=other_holder, unit=unit, role=Role.ACTOR)
    transfer = send(log, other_holder, unit)
    login(client, other_holder, role=Role.ACTOR)

    assert client.post(reverse("logs:transfer_accept", args=[transfer.pk])).status_code == 404


def test_a_second_click_on_accept_says_it_is_decided_not_500(client, log, other_holder, unit):
    transfer = send(log, other_holder, unit)
    login(client, other_holder)
    url = reverse("logs:transfer_accept", args=[transfer.pk])
    client.post(url)

    response = client.post(url, follow=True)

    assert response.status_code == 200
    assert "Overføringen er allerede avgjort." in response.content.decode()


def test_not_accept_forwards_to_another_holder_R_TRAN_04(
    client, log, holder, other_holder, third_holder, unit
):
    transfer = send(log, other_holder, unit)
    login(client, other_holder)
    url = reverse("logs:transfer_forward", args=[transfer.pk])

    page = client.get(url + f"?unit={unit.pk}").content.decode()
    assert "Send loggen videre" in page
    assert REASON in page  # the sender's reason
    assert third_holder.get_full_name() in page
    assert not offers(page, other_holder)

    response = client.post(
        url + f"?unit={unit.pk}",
        {"to_user": third_holder.pk, "to_unit": unit.pk, "reason": "Tore kjenner familien"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    forwarded = Transfer.objects.get(status=TransferStatus.PENDING)
    assert (forwarded.from_holder, forwarded.to_user) == (other_holder, third_holder)
    assert client.get(reverse("logs:detail", args=[log.pk])).status_code == 404
    login(client, third_holder)
    assert "Tore kjenner familien" in client.get(reverse("home")).content.decode()


def test_forward_to_oneself_is_refused_next_to_the_field(client, log, other_holder, unit):
    transfer = send(log, other_holder, unit)
    login(client, other_holder)

    response = client.post(
        reverse("logs:transfer_forward", args=[transfer.pk]),
        {"to_user": other_holder.pk, "to_unit": unit.pk, "reason": "Meg"},
    )

    assert response.status_code == 200
    assert 'id="id_to_user_error"' in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.is_pending


# --- withdraw and the chain -----------------------------------------------------------------


def test_the_holder_withdraws_from_the_log_page(client, log, holder, other_holder, unit):
    transfer = send(log, other_holder, unit)
    login(client, holder)

    response = client.post(reverse("logs:transfer_withdraw", args=[transfer.pk]), follow=True)

    assert "Overføringen er trukket tilbake." in response.content.decode()
    log.refresh_from_db()
    assert log.status == LogStatus.ACTIVE


def test_the_recipient_cannot_withdraw_403(client, log, other_holder, unit):
    transfer = send(log, other_holder, unit)
    login(client, other_holder)

    assert client.post(reverse("logs:transfer_withdraw", args=[transfer.pk])).status_code == 403


def test_the_log_page_shows_the_chain_of_holders_with_reasons_R_TRAN_05(
    client, log, holder, other_holder, holder_other_unit, unit, other_unit
):
    first = send(log, other_holder, unit, reason="Første grunn")
    accept_transfer(first, by=other_holder)
    second = transfer_log(
        log,
        by=other_holder,
        to_user=holder_other_unit,
        to_unit=other_unit,
        reason="Andre grunn",
        consent_confirmed=True,
    )
    accept_transfer(second, by=holder_other_unit)
    login(client, holder_other_unit)

    page = client.get(reverse("logs:detail", args=[log.pk])).content.decode()

    assert "Stafettholdere" in page
    assert page.index("Første grunn") < page.index("Andre grunn")
    for person in (holder, other_holder, holder_other_unit):
        assert person.get_full_name() in page


# --- «Vis stafettholdere» inside the form (R-GEN-04) ----------------------------------------

SEARCH = {"holder_search": "1"}


@pytest.fixture
def barnehage_holders(other_unit):
    """Two more holders in the other unit, so that a search has something to leave out."""
    return [
        _holder(other_unit, "Siri", "Solberg"),
        _holder(other_unit, "Per", "Pettersen"),
    ]


def checked(page: str, name: str, value=None) -> bool:
    """Whether the checkbox or radio button `name` (with `value`) is ticked."""
    value = "" if value is None else f'[^>]*value="{value}"'
    return re.search(rf'<input[^>]*name="{name}"{value}[^>]*\schecked[\s>]', page) is not None


def _holder(unit, first_name, last_name):
    person = UserFactory(first_name=first_name, last_name=last_name)
    MembershipFactory(user=person, unit=unit, role=Role.HOLDER)
    return person


def test_the_unit_the_person_search_and_the_reason_are_one_form_R_GEN_04_R_TRAN_02(
    client, log, holder, unit, other_unit
):
    """The reason can be typed first: the unit and the search belong to the same POST form,
    so choosing them does not throw it away."""
    login(client, holder)

    page = client.get(transfer_url(log)).content.decode()

    forms = page.split("<form")[1:]
    transfer_form = next(form for form in forms if 'name="reason"' in form)
    assert 'method="post"' in transfer_form.split(">")[0]
    for name in ('name="to_unit"', 'name="q"', 'name="holder_search"', 'name="submission"'):
        assert name in transfer_form
    assert not any('method="get"' in form.split(">")[0] for form in forms)


def test_a_search_round_keeps_everything_typed_and_creates_nothing_R_GEN_04_R_TRAN_02(
    client, log, holder, holder_other_unit, barnehage_holders, other_unit
):
    login(client, holder)
    siri, per = barnehage_holders

    response = client.post(
        transfer_url(log),
        {
            "to_unit": other_unit.pk,
            "q": "solb",
            "reason": REASON,
            "consent_confirmed": "on",
            "submission": "key-of-this-form-0123456789",
            **SEARCH,
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert REASON in page
    assert f'<option value="{other_unit.pk}" selected>' in page
    assert 'value="solb"' in page
    assert checked(page, "consent_confirmed")
    assert 'value="key-of-this-form-0123456789"' in page
    # The holders of the chosen unit that match, and no one else (R-TRAN-01).
    assert offers(page, siri)
    assert not offers(page, per) and not offers(page, holder_other_unit)
    assert "Viser stafettholdere som passer til «solb»." in page
    # A search is not a save: no errors about fields not reached yet, nothing created.
    assert "Skjemaet har" not in page and "ds-validation-message" not in page
    assert not Transfer.objects.exists()
    log.refresh_from_db()
    assert log.status == LogStatus.ACTIVE
    # The page showed the log: the read is recorded as for any other showing (R-SEC-01).
    assert AuditEvent.objects.filter(action__in=READ_ACTIONS, log_id=log.pk, actor=holder)


def test_a_search_round_keeps_the_chosen_holder_among_the_hits_R_GEN_04_R_TRAN_01_02(
    client, log, holder, holder_other_unit, barnehage_holders, other_unit, outsider
):
    login(client, holder)
    siri, per = barnehage_holders

    page = client.post(
        transfer_url(log),
        {"to_unit": other_unit.pk, "q": "pett", "to_user": siri.pk, "reason": REASON, **SEARCH},
    ).content.decode()

    assert offers(page, per)
    assert checked(page, "to_user", siri.pk)
    assert not offers(page, holder_other_unit)

    # A unit of another municipality, posted all the same, shows no one of it (R-TRAN-01).
    far_unit = outsider.memberships.get().unit
    page = client.post(
        transfer_url(log), {"to_unit": far_unit.pk, "to_user": outsider.pk, "q": "", **SEARCH}
    ).content.decode()
    assert outsider.get_full_name() not in page and far_unit.name not in page
    assert not Transfer.objects.exists()


def test_a_search_round_does_not_use_up_the_submission_key_R_GEN_08(
    client, log, holder, holder_other_unit, unit, other_unit
):
    login(client, holder)
    key = "one-key-for-the-whole-form-0123456789"
    sent = {
        "to_unit": other_unit.pk,
        "to_user": holder_other_unit.pk,
        "reason": REASON,
        "consent_confirmed": "on",
        "submission": key,
    }

    # Searched with the form complete: still a search, not a sending.
    client.post(transfer_url(log), {**sent, "to_unit": unit.pk, **SEARCH})
    client.post(transfer_url(log), {**sent, "q": "berit", **SEARCH})
    assert not Transfer.objects.exists()
    response = client.post(transfer_url(log), sent)

    assert response.status_code == 302
    assert Transfer.objects.get(log=log).reason == REASON
    again = client.post(transfer_url(log), sent, follow=True)
    assert again.status_code == 200
    assert Transfer.objects.count() == 1


def test_a_search_round_when_sending_on_keeps_the_reason_R_GEN_04_R_TRAN_04(
    client, log, other_holder, holder_other_unit, barnehage_holders, unit, other_unit
):
    transfer = send(log, other_holder, unit)
    login(client, other_holder)
    url = reverse("logs:transfer_forward", args=[transfer.pk])
    typed = {"to_unit": other_unit.pk, "reason": "Berit kjenner familien", "q": "berit"}

    page = client.post(url, {**typed, **SEARCH}).content.decode()

    assert "Berit kjenner familien" in page and 'value="berit"' in page
    assert offers(page, holder_other_unit) and not offers(page, barnehage_holders[0])
    assert Transfer.objects.get() == transfer and transfer.is_pending

    response = client.post(
        url, {**typed, "to_user": holder_other_unit.pk, "consent_confirmed": "on"}
    )

    assert response.status_code == 302
    forwarded = Transfer.objects.get(status=TransferStatus.PENDING)
    assert (forwarded.to_user, forwarded.reason) == (holder_other_unit, "Berit kjenner familien")
