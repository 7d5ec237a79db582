"""Who is told what by e-mail (R-NOTIFY-01): each notice is a sentence and a link, in the
recipient's language, never case content, names or national ID numbers.

Called by the services in the transaction of the change that causes the notice, and by
`manage.py send_reminders` for the time-driven ones (logs.reminders).
"""

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse

from accounts.models import User
from logs.models import Glimpse, Guardian, Measure
from notifications.enums import Kind
from notifications.services import queue_email


def log_url(log_id: int, anchor: str = "") -> str:
    url = settings.STAFETT_SITE_URL + reverse("logs:detail", args=[log_id])
    return f"{url}#{anchor}" if anchor else url


def glimpse_recipients(glimpse: Glimpse, *, by: User | None = None) -> QuerySet[User]:
    """The log's actors (on any of its measures) and its guardians with a login."""
    log_id = glimpse.log_id
    actors = Measure.actors.through.objects.filter(measure__concern__log_id=log_id)
    guardians = Guardian.objects.filter(log_id=log_id, user__isnull=False)
    people = User.objects.filter(
        Q(pk__in=actors.values("user_id")) | Q(pk__in=guardians.values("user_id")),
        is_active=True,
    )
    if by is not None:
        people = people.exclude(pk=by.pk)
    # Each recipient's preferences are read by queue_email: fetched with the people.
    return people.distinct().select_related("notification_preferences").order_by("pk")


def notify_glimpse_published(glimpse: Glimpse, *, by: User | None = None) -> int:
    """A glimpse was published: tell the actors and guardians of the log (R-GLIM-01)."""
    url = log_url(glimpse.log_id, f"glimpse-{glimpse.pk}")
    sent = 0
    for person in glimpse_recipients(glimpse, by=by):
        sent += bool(
            queue_email(
                kind=Kind.GLIMPSE,
                to=person.email,
                template="notifications/email/glimpse_published",
                context={"log_url": url},
                user=person,
            )
        )
    return sent


def notify_measure_actors(
    measure: Measure, actors: Iterable[User], *, by: User | None = None
) -> int:
    """A measure where someone is (newly) an actor: tell them (R-NOTIFY-01)."""
    url = log_url(measure.concern.log_id, f"measure-{measure.pk}")
    sent = 0
    for person in actors:
        if not person.is_active or (by is not None and person.pk == by.pk):
            continue
        sent += bool(
            queue_email(
                kind=Kind.MEASURE_ACTOR,
                to=person.email,
                template="notifications/email/measure_actor",
                context={"log_url": url},
                user=person,
            )
        )
    return sent
