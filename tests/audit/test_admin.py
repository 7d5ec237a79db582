"""The audit trail in the admin, for the operators (R-SEC-01), at a city's scale (issue 9):
every filter and search answered from an index, the people read with the rows, and the
list in a constant number of queries."""

import html
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from audit.queries import actions_recorded
from tests.factories import make_person

URL = "/admin/audit/auditevent/"


@pytest.fixture
def staff_client(client, operator):
    client.force_login(operator)
    return client


def _events(count: int, **fields) -> list[AuditEvent]:
    """`count` events, each by a person of their own."""
    return [
        AuditEvent.objects.create(actor=make_person(), action="log.viewed", **fields)
        for _ in range(count)
    ]


def _listed(response) -> int:
    return response.content.decode().count('<th class="field-at')


def test_actions_recorded_are_each_action_once_in_order_R_SEC_01(db):
    assert actions_recorded() == []
    for action in ["log.viewed", "concern.created", "log.viewed", "auth.login", "log.created"]:
        AuditEvent.objects.create(action=action)

    assert actions_recorded() == ["auth.login", "concern.created", "log.created", "log.viewed"]


def test_the_trail_is_listed_in_constant_queries_with_each_person_R_SEC_01(staff_client):
    """1, 3 and 30 events, each by another person (and one by no one): the same number of
    queries, and each person named."""
    counts = []
    AuditEvent.objects.create(action="task.ran")
    staff_client.get(URL)  # the permissions, read once per request's user and kept
    for more in (1, 2, 27):
        people = [event.actor for event in _events(more)]
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(URL)
        assert response.status_code == 200
        for person in people:
            assert person.get_full_name() in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts


def test_no_query_of_the_list_reads_the_whole_trail_for_its_choices_R_SEC_01(staff_client):
    """Django's own filters and date hierarchy ask for the distinct values of a column,
    which reads every row of the trail on every view."""
    _events(3)
    for query in ("", "?q=log.", "?action=log.viewed", "?role=holder", "?q=12"):
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(URL + query).status_code == 200
        assert not [q["sql"] for q in queries if "DISTINCT" in q["sql"].upper()], query


def test_the_action_filter_offers_the_actions_recorded_R_SEC_01(staff_client):
    _events(2)
    AuditEvent.objects.create(action="concern.created")

    page = staff_client.get(URL).content.decode()
    assert "?action=concern.created" in page
    assert "?action=log.viewed" in page

    response = staff_client.get(URL, {"action": "concern.created"})
    assert _listed(response) == 1


def test_the_role_filter_offers_every_role_and_none_R_SEC_01(staff_client):
    AuditEvent.objects.create(action="log.viewed", role="guardian")
    AuditEvent.objects.create(action="log.viewed", role="holder")
    AuditEvent.objects.create(action="task.ran", role="")

    page = staff_client.get(URL).content.decode()
    for value in ("leader", "holder", "actor", "guardian", "-"):
        assert f"?role={value}" in page
    assert "Foresatt" in page  # the role's name, in the page's language
    assert "Ingen rolle" in page

    assert _listed(staff_client.get(URL, {"role": "guardian"})) == 1
    none = staff_client.get(URL, {"role": "-"})
    assert _listed(none) == AuditEvent.objects.filter(role="").count()
    assert "task.ran" in none.content.decode()
    assert '<td class="field-role_name">Foresatt</td>' not in none.content.decode()
    guardians = staff_client.get(URL, {"role": "guardian"}).content.decode()
    assert '<td class="field-role_name">Foresatt</td>' in guardians


def test_the_time_filter_keeps_the_past_seven_days_R_SEC_01(staff_client):
    # The trail is append-only: an old event is written with the clock turned back.
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(30)):
        (old,) = _events(1)
    (new,) = _events(1)

    page = staff_client.get(URL).content.decode()
    link = re.search(r'<a href="\?([^"]+)">Siste syv dager</a>', page)
    assert link is not None
    response = staff_client.get(f"{URL}?{html.unescape(link.group(1))}")

    shown = response.content.decode()
    assert new.actor.get_full_name() in shown
    assert old.actor.get_full_name() not in shown
    week = timezone.now() - timedelta(days=8)
    assert _listed(response) == AuditEvent.objects.filter(at__gt=week).count()


def test_the_search_finds_by_email_log_number_or_the_start_of_an_action_R_SEC_01(
    staff_client, holder
):
    by_holder = AuditEvent.objects.create(actor=holder, action="concern.created", log_id=41)
    AuditEvent.objects.create(actor=make_person(), action="log.viewed", log_id=42)
    AuditEvent.objects.create(actor=make_person(), action="catalog.read", log_id=43)

    def found(term: str) -> int:
        response = staff_client.get(URL, {"q": term})
        assert response.status_code == 200
        return _listed(response)

    mine = AuditEvent.objects.filter(actor=holder).count()
    assert mine >= 1 and by_holder.actor == holder
    assert found(holder.email.upper()) == mine
    assert found(" 42 ") == 1
    assert found("log.") == 1  # the start of an action: catalog.read is not found
    assert found("concern") == AuditEvent.objects.filter(action__startswith="concern").count()
    assert found("nobody@example.no") == 0
    assert found("%") == 0  # a wildcard is a plain character
    assert found("9" * 30) == 0  # past any log number: nothing, not an error
    assert found("²") == 0  # a digit, not a number: the start of an action


def test_only_operators_read_the_trail_in_the_admin_R_SEC_01_R_ROLE_02(
    client, municipality_admin, holder
):
    """Not an administrator, not a holder, and not a staff member given the permission to
    view the trail: it is every person's reads in every municipality."""
    event = AuditEvent.objects.create(actor=holder, action="log.viewed", log_id=7)
    given = make_person()
    given.is_staff = True
    given.save()
    given.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    for person in (municipality_admin, holder, given):
        client.force_login(person)
        for url in (URL, f"{URL}{event.pk}/change/"):
            response = client.get(url)
            assert response.status_code in (302, 403), (person, url)
            assert "log.viewed" not in response.content.decode()
        assert "auditevent" not in client.get("/admin/").content.decode()


def test_the_trail_sorts_by_time_only_whatever_the_address_asks_R_SEC_01(staff_client):
    """Sorted by another column, the whole trail would be sorted for each page."""
    _events(2)
    for order in ("6", "3.-0", "-1", "x", "99"):
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(URL, {"o": order}).status_code == 200
        listing = [q["sql"] for q in queries if '"audit_auditevent"."ip_address"' in q["sql"]]
        assert listing, order
        ordering = listing[-1].rsplit("ORDER BY", 1)[1]
        # By time, or by id (in which the rows were written): each an index.
        assert '"audit_auditevent"."at"' in ordering or '"audit_auditevent"."id"' in ordering
        for column in ("ip_address", "action", "role", "object_id", "actor_id"):
            assert column not in ordering, (order, column)


@pytest.fixture
def short_pages(monkeypatch):
    """Two rows a page and two pages: the trail's pages end at four rows."""
    from audit.admin import AuditEventAdmin, CountedToTheLastPage

    monkeypatch.setattr(AuditEventAdmin, "list_per_page", 2)
    monkeypatch.setattr(CountedToTheLastPage, "LAST_PAGE", 2)


def _count_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def test_the_trail_is_counted_only_as_far_as_its_pages_go_R_SEC_01(staff_client, short_pages):
    """Counting every row read a city's whole trail on each view (issue 9): the count stops
    after the last page's rows, and the page says there are more."""
    _events(4 - AuditEvent.objects.count())  # the operator's login is one
    page = staff_client.get(URL).content.decode()
    assert "\n4 revisjonshendelser" in page
    assert "Flere enn" not in page
    assert 'class="showall"' in page  # Django's "Show all", for a list counted whole

    _events(1)
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(URL)
    page = response.content.decode()
    said = "Flere enn 4 revisjonshendelser. Søk eller bruk filtrene for å snevre inn listen."
    assert said in page
    assert 'class="showall"' not in page
    assert _listed(response) == 2
    (count,) = _count_queries(queries)
    assert "LIMIT 5" in count and "ORDER BY" not in count.upper()
    assert _listed(staff_client.get(URL, {"all": ""})) == 2  # a page, not every row

    assert _listed(staff_client.get(URL, {"p": "2"})) == 2  # the last page is full
    past = staff_client.get(URL, {"p": "3"})  # past the last page: Django's own answer
    assert past.status_code == 302 and past["Location"].endswith("?e=1")


def test_a_search_or_filter_is_counted_as_far_as_the_pages_go_R_SEC_01(staff_client, short_pages):
    _events(5)
    AuditEvent.objects.create(action="concern.created")

    searched = staff_client.get(URL, {"q": "log."}).content.decode()
    assert "Flere enn 4 treff" in searched
    assert "Flere enn 4 revisjonshendelser" in searched
    one = staff_client.get(URL, {"q": "concern"}).content.decode()
    assert "1 treff" in one and "Flere enn" not in one
    assert "1 revisjonshendelse" in one
    filtered = staff_client.get(URL, {"action": "concern.created"}).content.decode()
    assert "1 revisjonshendelse" in filtered and "Flere enn" not in filtered


def test_the_trails_count_is_translated_R_SEC_01_R_GEN_02(staff_client, short_pages, operator):
    _events(5)
    for language, text in (
        ("nn", "Fleire enn 4 treff"),
        ("en", "More than 4 audit events. Search or use the filters to narrow the list down."),
    ):
        operator.language = language
        operator.save(update_fields=["language"])
        page = staff_client.get(URL, {"q": "log."}, HTTP_ACCEPT_LANGUAGE=language)
        assert text in page.content.decode(), language
