"""The staff list asks the database as often with one person as with three or with more
than a page holds (architecture, rule 10), and so does a person's page with their roles."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisations.enums import Role
from staff.views import PAGE_SIZE
from tests.factories import MembershipFactory, UnitFactory, UserFactory
from tests.pages import active_just_now

pytestmark = pytest.mark.django_db
MANY = PAGE_SIZE + 5


def _queries(client, url: str) -> int:
    active_just_now(client)  # a slow setup would make the page stamp it
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _add_staff(unit, start: int, stop: int) -> None:
    for n in range(start, stop):
        person = UserFactory(first_name=f"Ansatt{n}")
        MembershipFactory(user=person, unit=unit, role=Role.HOLDER)
        MembershipFactory(user=person, unit=unit, role=Role.ACTOR)


def test_the_staff_list_counts_the_same_with_1_3_and_many_people_R_LEAD_01(client, leader, unit):
    url = reverse("staff:list")
    client.force_login(leader)
    client.get(url)  # the first request after login stamps the session
    _add_staff(unit, 0, 1)
    counts = [_queries(client, url)]
    _add_staff(unit, 1, 3)
    counts.append(_queries(client, url))
    _add_staff(unit, 3, MANY)
    counts.append(_queries(client, url))
    assert counts[0] == counts[1] == counts[2], counts


def test_a_persons_page_counts_the_same_with_1_3_and_many_roles_R_LEAD_01(
    client, leader, unit, holder
):
    url = reverse("staff:edit", args=[holder.pk])
    client.force_login(leader)
    client.get(url)
    counts = [_queries(client, url)]
    for stop in (3, 12):
        while holder.memberships.count() < stop:
            below = UnitFactory(municipality=unit.municipality, parent=unit)
            MembershipFactory(user=holder, unit=below, role=Role.ACTOR)
        counts.append(_queries(client, url))
    assert counts[0] == counts[1] == counts[2], counts


def test_the_deactivation_page_counts_the_same_with_1_3_and_many_logs_and_holders_R_LEAD_01(
    client, leader, unit, holder
):
    from tests.factories import make_log

    url = reverse("staff:deactivate", args=[holder.pk])
    client.force_login(leader)
    client.get(url)
    counts = []
    for stop in (1, 3, 12):
        while holder.held_logs.count() < stop:
            make_log(holder, unit)
            other = UserFactory()
            MembershipFactory(user=other, unit=unit, role=Role.HOLDER)
        counts.append(_queries(client, url))
    assert counts[0] == counts[1] == counts[2], counts
