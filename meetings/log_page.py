"""The meetings section of the log page (R-GUAR-01, R-ROLE-05), for logs.page_cache.

The log page's content is kept until the log's content version changes, so every change of
a meeting or its invitees (which decide what an actor sees) raises that version here, in the
transaction of the change.
"""

from datetime import date
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string

from accounts.models import RequestUser
from logs import page_cache
from logs.models import Log
from logs.signals import log_page_sections
from meetings.models import Invitation, Meeting
from meetings.queries import meetings_visible_to
from meetings.rules import can_create_meeting
from organisations.enums import Role

LOG_PAGE_MEETINGS = 20


def meetings_section(
    sender: type[Log], *, log: Log, user: RequestUser, role: Role | None, today: date, **kwargs: Any
) -> dict[str, str]:
    """The meetings of the log the person may see, newest first, through
    meetings_visible_to like every other list of meetings."""
    meetings = meetings_visible_to(user, role).filter(log=log).order_by("-starts_at", "-pk")
    context = {
        "log": log,
        "meetings": list(meetings[:LOG_PAGE_MEETINGS]),
        "can_create": can_create_meeting(user, role, log),
    }
    return {"meetings": render_to_string("meetings/_log_meetings.html", context)}


def _meeting_changed(
    sender: type[Model], instance: Meeting, raw: bool = False, **kwargs: Any
) -> None:
    if not raw:
        page_cache.content_changed(Log.objects.filter(pk=instance.log_id))


def _invitees_changed(
    sender: type[Model], instance: Invitation, raw: bool = False, **kwargs: Any
) -> None:
    if not raw:
        page_cache.content_changed(Log.objects.filter(meetings=instance.meeting_id))


def connect() -> None:
    log_page_sections.connect(meetings_section, dispatch_uid="meetings.log_page")
    post_save.connect(_meeting_changed, sender=Meeting, dispatch_uid="meetings.log_page.meeting")
    # Invitations are also written in bulk (no signal), always after their meeting is saved.
    for name, signal in (("invited", post_save), ("uninvited", post_delete)):
        signal.connect(
            _invitees_changed, sender=Invitation, dispatch_uid=f"meetings.log_page.{name}"
        )
