"""The benchmark's measuring code runs on a tiny data set: a smoke test, not a timing."""

import csv

import pytest
from django.core.management import call_command

from bench import load
from bench.generate import Generator
from bench.management.commands.run_bench import Command
from bench.pages import BARE, LOGIN, MIXED, SIGNED_IN, Page, pages, personas, sessions

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_site(settings):
    settings.ROOT_URLCONF = "bench.urls"
    Generator(seed=5).run("demo")


def test_every_page_answers_every_persona_as_measured(bench_site, tmp_path):
    target = tmp_path / "bench.csv"

    call_command(Command(), requests=1, warmup=1, login_requests=1, no_http=True, csv=str(target))

    rows = {row["page"]: row for row in csv.DictReader(target.open())}
    assert set(rows) == {page.name for page in pages(personas())}
    assert float(rows[BARE]["cpu_x_bare"]) == 1.0
    for row in rows.values():
        assert float(row["cpu_ms"]) > 0
    assert int(rows["log page (holder)"]["queries"]) > int(rows[BARE]["queries"])
    assert rows[LOGIN]["persona"] == "-"
    # The floor of a signed-in page: the person is read, and nothing of a log.
    assert rows[SIGNED_IN]["persona"] == "holder"
    assert 1 <= int(rows[SIGNED_IN]["queries"]) < int(rows["Min side (holder)"]["queries"])
    assert float(rows[MIXED]["queries"]) > 1


def test_the_mixed_load_is_half_log_pages_with_a_few_writes(bench_site):
    mix = next(page for page in pages(personas()) if page.name == MIXED).mix
    assert len(mix) == 100
    assert sum(page.path.startswith("/logger/") and page.path != "/logger/" for page in mix) == 47
    assert [page.method for page in mix].count("POST") == 5
    assert {page.persona for page in mix} == {"holder", "actor", "guardian", "leader"}


def test_a_post_carries_the_session_and_the_csrf_token():
    page = Page("note", "holder", "/notater/ny/", "POST", 302, {"text": "x"})

    [(_page, headers, body)] = load.visits(page, {"holder": "KEY"}, ("COOKIE", "TOKEN"))

    assert headers["Cookie"] == "sessionid=KEY; csrftoken=COOKIE"
    assert body == b"text=x&csrfmiddlewaretoken=TOKEN"


def test_the_sessions_are_signed_in_in_the_right_role_R_ROLE_01(bench_site, client):
    keys = sessions(personas())
    for role, key in keys.items():
        client.cookies["sessionid"] = key
        assert client.session["active_role"] == role
        assert client.get("/").status_code == 200
        # The floor row's page answers a signed-in person with the time they have left.
        assert client.get("/konto/okt/").json()["remaining"] > 0


@pytest.mark.django_db(transaction=True)
def test_the_load_generator_counts_answers_and_latencies(live_server, settings):
    settings.ROOT_URLCONF = "bench.urls"
    port = int(live_server.url.rsplit(":", 1)[1])
    page = Page(BARE, "", "/bench/fortunes/")

    result = load.run_load(
        port, load.visits(page, {}, ("", "")), duration=0.3, clients=2, warmup=0.1
    )

    assert result.requests > 0
    assert result.errors == 0
    assert not result.failures
    assert 0 < result.p50_ms <= result.p95_ms
    missing = load.run_load(
        port, load.visits(Page("missing", "", "/finnes-ikke/"), {}, ("", "")), duration=0.2,
        clients=1,
    )  # fmt: skip
    assert missing.errors == missing.requests > 0
    assert missing.failures == {"GET /finnes-ikke/ → 404": missing.errors}


def test_the_bare_page_is_not_part_of_the_site(client):
    assert client.get("/bench/fortunes/").status_code == 404


def test_a_pages_share_is_of_the_bare_page_measured_beside_it(tmp_path):
    """A shared machine's speed changes from minute to minute: each page's throughput is
    compared with the bare page's just before it, not with the first one of the run."""
    rows = [
        {"page": BARE, "persona": "-", "cpu_ms": 1.0, "wall_ms": 1.0, "queries": 1,
         "req_per_s": 1000.0},
        {"page": "Min side (holder)", "persona": "holder", "cpu_ms": 3.0, "wall_ms": 4.0,
         "queries": 6, "req_per_s": 240.0, "bare_req_per_s": 800.0},
        {"page": "old row", "persona": "holder", "cpu_ms": 3.0, "wall_ms": 4.0,
         "queries": 6, "req_per_s": 240.0},
    ]  # fmt: skip
    target = tmp_path / "bench.csv"

    Command().report(rows, str(target))

    written = {row["page"]: row for row in csv.DictReader(target.open())}
    assert float(written["Min side (holder)"]["share_of_bare_pct"]) == 30.0
    assert float(written["Min side (holder)"]["bare_req_per_s"]) == 800.0
    assert float(written["old row"]["share_of_bare_pct"]) == 24.0  # no bare beside: the first
    assert float(written[BARE]["share_of_bare_pct"]) == 100.0
