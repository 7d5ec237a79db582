"""Every page that shows a log's data records a read of that log (R-SEC-01).

A rule over every URL, not a test per page: each URL of the authorization matrix is opened
(GET) by every persona of its `world`; whenever it answers 200 and shows a log's data, that
GET must have written a read event (logs.services.READ_ACTIONS) by that person naming that
log, which is what the log's access list shows. A new page that shows a log must audit, or
this test fails.

A page shows a log's data when it names the log's child, or shows the log's case text or
people, or hands out one of its files. The lists that lead to a log (INDEX_PAGES) may name
the child, as an index does, without recording a read: opening the log is what counts. They
may show nothing more of it.
"""

from django.urls import reverse

from audit.models import AuditEvent
from logs.enums import Outcome
from logs.services import READ_ACTIONS, evaluate_measure
from tests import test_authorization_matrix as matrix

world = matrix.world  # the matrix's fixture: one log with all its people and parts

# Lists of one's own logs and meetings: the child's name, unit, level, status, the time and
# place of a meeting. Nothing of a log's content.
INDEX_PAGES = {"home", "logs:list", "meetings:list", "meetings:choose_log"}

# What the world's log holds beyond the child's name (tests/factories.py, the matrix world).
CASE_DATA = [
    "Bekymring for språket",  # the concern
    "Bedre språk",  # its goal
    "Jeg vil lese mer",  # the child's voice
    "Lesegruppe to ganger i uka",  # the measure
    "Skoleveien 1",  # the child's and guardians' address
    "Foresatt0",  # a guardian
    "gunn@example.no",  # the guardian's e-mail
    "Flytter",  # the reason of the pending transfer
]


def _logs_of() -> dict:
    """Every log of the world, by its child's full name."""
    from logs.models import Log

    return {log.child.full_name: log for log in Log.objects.select_related("child")}


def _reads(user, since: int) -> set[int | None]:
    return set(
        AuditEvent.objects.filter(pk__gt=since, actor=user, action__in=READ_ACTIONS).values_list(
            "log_id", flat=True
        )
    )


def _last_event() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _check(client, world, url: str, who: str, method: str = "get") -> list[str]:
    """Open `url` as `who`; what it showed without recording a read, in words."""
    user = world["users"][who]
    client.logout()
    if user is None:
        return []
    client.force_login(user)
    since = _last_event()
    response = getattr(client, method)(url)
    if response.status_code != 200:
        return []
    reads = _reads(user, since)
    name = response.resolver_match.view_name
    is_csv = response.get("Content-Type", "").startswith("text/csv")
    attachment = response.get("Content-Disposition", "").startswith("attachment")
    if response.streaming or (attachment and not is_csv):
        # A file of a log (a consent, a letter): it names no child, yet it is the log's.
        return [] if reads else [f"{name} as {who}: a file handed out without a read"]
    # A page, or a CSV (of staff, of numbers): read for what it shows, as a page is.
    html = response.content.decode("utf-8-sig")
    shown = {log.pk: child for child, log in _logs_of().items() if child in html}
    case_data = [text for text in CASE_DATA if text in html]
    if name in INDEX_PAGES and not case_data:
        return []
    missing = {child for pk, child in shown.items() if pk not in reads}
    if not shown and case_data:
        # Case text without a child's name still belongs to a log: some log must be read.
        return [] if reads else [f"{name} as {who}: shows {case_data} without a read"]
    return [f"{name} as {who}: shows {child}'s log without a read" for child in sorted(missing)]


def test_every_page_that_shows_a_log_records_a_read_of_it_R_SEC_01(client, world):
    matrix._pending_transfer(world)  # a log offered to someone: Min side shows its reason
    urls = [reverse(name, args=build(world)) for name, (build, _rows) in matrix.MATRIX.items()]

    unaudited = [
        problem
        for url in urls
        for who in matrix.PERSONAS
        for problem in _check(client, world, url, who)
    ]

    assert not unaudited, unaudited


def test_the_pages_the_matrix_cannot_reach_record_a_read_too_R_SEC_01(client, world):
    """What the matrix's world does not show: the next step after an evaluation, and the
    printed invitation of a guardian without a login."""
    measure = world["measure"]
    evaluate_measure(
        measure, by=world["users"]["holder"], outcome=Outcome.SOME_EFFECT, text="Noe bedre"
    )
    next_step = reverse("logs:evaluation_next", args=[measure.pk])
    unaudited = [_check(client, world, next_step, who) for who in ("holder", "guardian")]
    guardian = world["guardian"]
    guardian.user = None
    guardian.save()
    letter = reverse("logs:guardian_letter", args=[guardian.pk])
    unaudited.append(_check(client, world, letter, "holder", method="post"))

    assert not [problem for problems in unaudited for problem in problems], unaudited


def test_the_access_list_counts_every_read_page_R_SEC_01(client, world):
    """The guardian sees on the log page that the actor opened the meeting (R-SEC-01)."""
    actor, guardian = world["users"]["actor"], world["users"]["guardian"]
    client.force_login(actor)
    client.get(reverse("meetings:detail", args=[world["meeting"].pk]))

    client.force_login(guardian)
    html = client.get(reverse("logs:detail", args=[world["log"].pk])).content.decode()

    access = html[html.index('id="access"') :]
    assert actor.get_full_name() in access
