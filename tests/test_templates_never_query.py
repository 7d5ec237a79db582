"""House rule 10: templates never query. Each page below is rendered with a guard that
records every query made while a template renders; the only one allowed is the header's
unit names, which the context processor reads lazily, only when a template shows them
(organisations.context_processors). A page that hands a template a lazy queryset (a
Paginator's page, say) fails here (issue 9)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.template.backends.django import Template
from django.utils import timezone

from meetings.services import create_meeting
from notes.services import create_note
from tests.factories import make_concern

HEADER_NAMES = "organisations_membership"


@contextmanager
def queries_while_rendering(monkeypatch) -> Iterator[list[str]]:
    depth = [0]
    render = Template.render

    def rendering(self, context=None, request=None):
        depth[0] += 1
        try:
            return render(self, context, request)
        finally:
            depth[0] -= 1

    made: list[str] = []

    def guard(execute, sql, params, many, context):
        if depth[0] and HEADER_NAMES not in sql:
            made.append(sql)
        return execute(sql, params, many, context)

    monkeypatch.setattr(Template, "render", rendering)
    with connection.execute_wrapper(guard):
        yield made


@pytest.fixture
def busy_log(log, holder, actor):
    make_concern(log, actors=[actor])
    for days in (-2, 2):  # one past, one upcoming
        starts = timezone.now() + timedelta(days=days)
        end = starts + timedelta(hours=1)
        create_meeting(log, by=holder, starts_at=starts, ends_at=end, place="Rom")
    create_note(by=holder, text="Et notat")
    return log


HOLDER_PAGES = [
    "/",
    "/logger/",
    "/logger/{log}/",
    "/logger/{log}/historikk/",
    "/moter/",
    "/moter/?tidligere=1",
    "/notater/",
    "/aktorer/",
    "/aktorer/?q=a",
    "/aktorer/sok/?q=a&picker=p",
]
LEADER_PAGES = ["/", "/ansatte/", "/ansatte/brukere/", "/statistikk/"]
ACTOR_PAGES = GUARDIAN_PAGES = ["/", "/logger/", "/logger/{log}/", "/moter/"]


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        *[("holder", url) for url in HOLDER_PAGES],
        *[("leader", url) for url in LEADER_PAGES],
        *[("actor", url) for url in ACTOR_PAGES],
        *[("guardian_user", url) for url in GUARDIAN_PAGES],
    ],
)
def test_each_personas_pages_query_in_the_view_not_in_the_template(
    client, busy_log, monkeypatch, request, persona, url
):
    client.force_login(request.getfixturevalue(persona))
    with queries_while_rendering(monkeypatch) as made:
        response = client.get(url.format(log=busy_log.pk))
    assert response.status_code == 200
    assert made == []
