"""The iCalendar invitation of a meeting (R-MEET-05), built with the `icalendar` package.

METHOD:REQUEST for an invitation or an update, METHOD:CANCEL for a cancellation; the UID
never changes and SEQUENCE rises with every change (RFC 5546), so the invitee's calendar
replaces the event instead of adding a second one.

The event carries no case content (R-NOTIFY-01): a neutral summary, time, place, the
organizer, the attendee and a link. Each recipient's copy names only the organizer and that
recipient, since an e-mail may travel unencrypted and a guardian's or a specialist's name
next to a meeting can point to the child.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from meetings.models import Meeting

PRODID = "-//Stafettlogg//Tverrfaglige møter//NO"
METHOD_REQUEST = "REQUEST"
METHOD_CANCEL = "CANCEL"


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str


def meeting_url(meeting: Meeting) -> str:
    return settings.STAFETT_SITE_URL + reverse("meetings:detail", args=[meeting.pk])


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = vText(name)
    return address


def build_ics(
    meeting: Meeting, attendees: Iterable[Attendee], *, method: str = METHOD_REQUEST
) -> str:
    """The calendar text of `meeting` for `attendees`, in the active language.

    Times are written with TZID=Europe/Oslo (the site's time zone) and its VTIMEZONE, so a
    calendar shows the right local time on both sides of a daylight saving change.
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", meeting.ends_at.astimezone(zone))
    event.add("summary", _("Tverrfaglig møte"))
    event.add("location", meeting.place)
    url = meeting_url(meeting)
    event.add("url", url)
    event.add("description", _("Se møtet i Stafettlogg: %(url)s") % {"url": url})
    event.add("status", "CANCELLED" if method == METHOD_CANCEL else "CONFIRMED")
    holder = meeting.log.holder
    event.add("organizer", _address(holder.email, holder.get_full_name()))
    for attendee in attendees:
        address = _address(attendee.email, attendee.name)
        address.params["role"] = "REQ-PARTICIPANT"
        address.params["partstat"] = "NEEDS-ACTION"
        address.params["rsvp"] = "TRUE"
        event.add("attendee", address)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical().decode("utf-8")
