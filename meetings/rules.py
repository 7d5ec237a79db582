"""Pure predicates on meetings; views, templates and services use the same ones.

They assume the meeting was fetched through meetings.queries (so it is visible).
"""

from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import RequestUser
from common.dates import PlausibleRange
from logs import rules as log_rules
from logs.enums import Level
from logs.models import Log
from meetings.enums import MeetingStatus
from meetings.models import Meeting
from organisations.enums import Role

# When a meeting may start (R-GEN-04): one held lately can be registered afterwards, to
# write its minutes; meetings are planned weeks ahead, two years is the far end.
MEETING_START = PlausibleRange(
    days_back=90,
    years_ahead=2,
    too_early=gettext_lazy("Møtet kan ikke være mer enn tre måneder tilbake i tid. Sjekk datoen."),
    too_late=gettext_lazy("Møtet kan ikke være mer enn to år fram i tid. Sjekk årstallet."),
)
LONGEST_MEETING = timedelta(hours=24)
TOO_LONG = gettext_lazy("Et møte kan ikke vare mer enn ett døgn. Sjekk når det slutter.")
ENDS_BEFORE_START = gettext_lazy("Møtet må slutte etter at det har begynt.")


def length_problem(starts_at: datetime, ends_at: datetime) -> str:
    """What is wrong with the meeting's length, in words; "" if nothing.

    Compares the difference only: adding a day to a time near year 9999 would overflow.
    """
    if ends_at <= starts_at:
        return str(ENDS_BEFORE_START)
    if ends_at - starts_at > LONGEST_MEETING:
        return str(TOO_LONG)
    return ""


# Shown next to the actors when someone tries to invite one to a level 1 meeting.
LEVEL_ONE_ACTORS = gettext_lazy(
    "Et møte på nivå 1 er bare for foresatte, stafettholderen og barnet. Velg nivå 2 eller 3 "
    "for å invitere aktører."
)


def can_create_meeting(user: RequestUser, role: Role | None, log: Log) -> bool:
    """Only the log's holder, on an active log (R-ROLE-04, R-TRAN-03, R-LOG-06)."""
    return log_rules.can_edit_log(user, role, log)


def can_edit_meeting(user: RequestUser, role: Role | None, meeting: Meeting) -> bool:
    """Edit, cancel and write the minutes: the holder, while the meeting is not cancelled."""
    return (
        log_rules.can_edit_log(user, role, meeting.log) and meeting.status == MeetingStatus.PLANNED
    )


def actors_allowed_at(level: int) -> bool:
    """A level 1 meeting is for the guardians, the holder and the child only (R-MEET-02)."""
    return level in (Level.TWO, Level.THREE)


def read_only_reason(user: RequestUser, role: Role | None, meeting: Meeting) -> str:
    """Why the person cannot change the meeting now, in words for them; "" if they can."""
    reason = log_rules.read_only_reason(user, role, meeting.log)
    if reason:
        return reason
    if meeting.status == MeetingStatus.CANCELLED:
        return _("Møtet er avlyst og kan ikke endres.")
    return ""
