from typing import Any

from django import template
from django.template.context import Context

from logs.models import Log
from meetings.queries import meetings_visible_to
from meetings.rules import can_create_meeting

register = template.Library()

LOG_PAGE_MEETINGS = 20


@register.inclusion_tag("meetings/_log_meetings.html", takes_context=True)
def log_meetings(context: Context, log: Log) -> dict[str, Any]:
    """The meetings of a log the person may see, for the log page (R-GUAR-01, R-ROLE-05).

    One query, through meetings_visible_to like every other list of meetings.
    """
    user = context["request"].user
    role = context.get("role")
    meetings = meetings_visible_to(user, role).filter(log=log).order_by("-starts_at", "-pk")
    return {
        "log": log,
        "meetings": list(meetings[:LOG_PAGE_MEETINGS]),
        "can_create": can_create_meeting(user, role, log),
    }
