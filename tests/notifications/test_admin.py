"""Failed e-mails are visible to the municipality administrator, and only their own
(R-SEC-04, R-ROLE-02)."""

import pytest

from notifications.enums import EmailStatus, Kind
from notifications.models import OutgoingEmail
from organisations.services import create_municipality
from tests.factories import make_log

URL = "/admin/notifications/outgoingemail/"


@pytest.fixture
def administrator(municipality):
    _other, admin = create_municipality(
        name="Adminkommune",
        org_number="123456788",
        admin_email="it@test.kommune.no",
        admin_first_name="Ida",
        admin_last_name="IT",
    )
    admin.administered_municipalities.set([municipality])
    return admin


def test_the_administrator_sees_failed_emails_to_people_of_their_municipality_R_SEC_04(
    client, administrator, holder, unit, outsider
):
    log = make_log(holder, unit)
    mine = OutgoingEmail.objects.get(kind=Kind.GUARDIAN_INVITATION, user__guardianships__log=log)
    OutgoingEmail.objects.filter(pk=mine.pk).update(
        status=EmailStatus.FAILED, last_error="SMTPRecipientsRefused: 550"
    )
    staff_mail = OutgoingEmail.objects.create(
        kind=Kind.ACTIVATION, to=holder.email, user=holder, subject="Til holder", body="x"
    )
    foreign = OutgoingEmail.objects.create(
        kind=Kind.ACTIVATION, to=outsider.email, user=outsider, subject="Fremmed", body="x"
    )
    client.force_login(administrator)

    listing = client.get(URL + "?status__exact=failed")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert mine.to in html
    all_html = client.get(URL).content.decode()
    assert staff_mail.to in all_html
    assert foreign.to not in all_html
    assert client.get(f"{URL}{foreign.pk}/change/").status_code == 302  # not found → list

    detail = client.get(f"{URL}{mine.pk}/change/").content.decode()
    assert "SMTPRecipientsRefused" in detail
    assert "/konto/aktiver/" not in detail  # the body (an activation link) is never shown


def test_the_administrator_may_only_look_R_SEC_04(client, administrator):
    client.force_login(administrator)
    assert client.get(URL + "add/").status_code == 403
    assert administrator.has_perm("notifications.view_outgoingemail")
    assert not administrator.has_perm("notifications.change_outgoingemail")
