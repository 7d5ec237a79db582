"""The log's history (R-LOG-08): each change in words, and the whole of it reachable."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from logs.models import Revision
from logs.page_cache import LOG_PAGE_HISTORY
from logs.services import set_level
from logs.templatetags.logs_tags import REVISION_ACTIONS, revision_action
from logs.views import HISTORY_PAGE_SIZE


def test_each_change_in_the_history_has_its_words_R_LOG_08():
    assert revision_action("measure.created") == "Nytt tiltak"
    assert revision_action("log.created") == "Loggen ble opprettet"
    assert revision_action("meeting.minutes") == "Referat fra møtet ble lagret"
    assert revision_action("transfer.handed_over") == "Lederen ga loggen til en ny stafettholder"
    assert len(REVISION_ACTIONS) == 26


def test_an_unknown_change_is_shown_as_its_name_R_LOG_08():
    assert revision_action("something.new") == "something.new"


def history_of(n, log, holder):
    for level in range(n):
        set_level(log, by=holder, level=2 if level % 2 == 0 else 1)


def test_the_log_page_shows_the_latest_changes_and_links_to_the_whole_history_R_LOG_08(
    client, holder, log
):
    history_of(LOG_PAGE_HISTORY + 5, log, holder)
    client.force_login(holder)

    html = client.get(f"/logger/{log.pk}/").content.decode()
    history = html[html.index('id="history"') :]

    assert history.count('class="history__when"') == LOG_PAGE_HISTORY
    assert f'href="/logger/{log.pk}/historikk/"' in history
    assert "Se hele historikken" in history


def test_a_short_history_has_no_link_to_more_R_LOG_08(client, holder, log):
    history_of(2, log, holder)
    client.force_login(holder)

    html = client.get(f"/logger/{log.pk}/").content.decode()

    assert "Se hele historikken" not in html


def test_the_whole_history_is_reachable_page_by_page_and_recorded_R_LOG_08_R_SEC_01(
    client, holder, guardian_user, log
):
    history_of(HISTORY_PAGE_SIZE + 3, log, holder)
    total = Revision.objects.filter(log=log).count()
    client.force_login(guardian_user)

    first = client.get(f"/logger/{log.pk}/historikk/").content.decode()
    second = client.get(f"/logger/{log.pk}/historikk/?side=2").content.decode()

    row = 'class="history__when"'
    assert first.count(row) == HISTORY_PAGE_SIZE
    assert first.count(row) + second.count(row) == total
    assert 'aria-current="page"' in first
    assert "Side 1 av 2" in first and "Side 2 av 2" in second
    assert "Vurderingsnivået ble endret" in second or "Loggen ble opprettet" in second
    assert AuditEvent.objects.filter(
        action="log.viewed", log_id=log.pk, actor=guardian_user, data__page="logs:history"
    ).exists()


def test_the_history_page_has_a_constant_query_count_R_LOG_08(client, holder, log):
    """The log's own first events, then 3 more, then 30 more (past a page): the same
    queries."""
    client.force_login(holder)
    url = f"/logger/{log.pk}/historikk/"
    client.get(url)
    counts = []
    for more in (0, 3, 30):
        history_of(more, log, holder)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1] == counts[2]
