"""A real SMTP server (aiosmtpd on 127.0.0.1): the meeting invitation arrives with an
iCalendar attachment that holds the meeting's time and place (R-MEET-05, R-SEC-04)."""

import socket
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar

from meetings.services import cancel_meeting
from notifications.enums import EmailStatus, Kind
from notifications.models import OutgoingEmail
from notifications.tasks import deliver
from tests.factories import VALID_NATIONAL_ID
from tests.meetings.conftest import make_meeting


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def _deliver_meeting_emails() -> list[OutgoingEmail]:
    emails = list(
        OutgoingEmail.objects.filter(kind=Kind.MEETING, status=EmailStatus.PENDING).order_by("pk")
    )
    for email in emails:
        assert deliver(email.pk) == "sent", email.last_error
    return emails


def _received(inbox, address: str):
    for recipients, content in inbox.messages:
        if address in recipients:
            return message_from_bytes(content, policy=default_policy)
    raise AssertionError(f"No e-mail to {address}; got {[r for r, _ in inbox.messages]}")


def _calendar_part(message):
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, [p.get_content_type() for p in message.walk()]
    return parts[0]


def test_the_invitation_arrives_by_smtp_with_an_ics_of_time_and_place_R_MEET_05(
    smtp, log2, holder, actor_other_unit
):
    meeting = make_meeting(log2, place="Rådhuset, møterom 3", actors=[actor_other_unit])

    emails = _deliver_meeting_emails()

    assert len(emails) == 3
    assert len(smtp.messages) == 3
    message = _received(smtp, "gunn@example.no")
    assert "Invitasjon til tverrfaglig møte" in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Rådhuset, møterom 3" in body
    assert VALID_NATIONAL_ID not in body
    assert "Sara" not in body
    part = _calendar_part(message)
    assert part.get_filename() == "invitasjon.ics"
    assert part.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(part.get_content())
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["method"]) == "REQUEST"
    assert event.decoded("dtstart") == meeting.starts_at
    assert event.decoded("dtend") == meeting.ends_at
    assert str(event["location"]) == "Rådhuset, møterom 3"
    assert str(event["uid"]) == meeting.uid
    for email in emails:
        email.refresh_from_db()
        assert email.status == EmailStatus.SENT


def test_the_cancellation_arrives_by_smtp_with_method_cancel_R_MEET_05(smtp, log2, holder):
    meeting = make_meeting(log2)
    _deliver_meeting_emails()
    smtp.messages.clear()

    cancel_meeting(meeting, by=holder)
    _deliver_meeting_emails()

    part = _calendar_part(_received(smtp, "gunn@example.no"))
    assert part.get_param("method") == "CANCEL"
    event = Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
    assert str(event["uid"]) == meeting.uid
    assert int(event["sequence"]) == 1
