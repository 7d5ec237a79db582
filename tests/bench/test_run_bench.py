"""The benchmark's measuring code runs on a tiny data set: a smoke test, not a timing."""

import csv
import gc
from collections import Counter
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.client import ClientHandler

from bench import load, measure
from bench.generate import Generator
from bench.management.commands.run_bench import Command
from bench.pages import BARE, LOGIN, MIXED, SIGNED_IN, Page, pages, personas, sessions

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_site(settings):
    settings.ROOT_URLCONF = "bench.urls"
    Generator(seed=5).run("demo")


def test_every_page_answers_every_persona_as_measured(bench_site, tmp_path, monkeypatch):
    target = tmp_path / "bench.csv"
    frozen = []
    measure_page = measure.measure
    monkeypatch.setattr(
        measure,
        "measure",
        lambda *args, **kwargs: (
            frozen.append(gc.get_freeze_count()) or measure_page(*args, **kwargs)
        ),
    )

    call_command(Command(), requests=1, warmup=1, login_requests=1, no_http=True, csv=str(target))

    # Measured as a worker runs (stafett.memory), and the collector left as it was.
    assert frozen and all(count > 0 for count in frozen)
    assert gc.get_freeze_count() == 0

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
    # Each page's queries planned on PostgreSQL (bench.plans): on the demo's few rows, no
    # table is big.
    planned = {row["big_scans"] for row in rows.values()}
    assert planned == ({"0"} if connection.vendor == "postgresql" else {""})


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


def test_each_signed_out_request_is_a_new_visitor_on_one_client(bench_site):
    """The bare page and the login are measured as a new visitor each time, as before, but
    on one client: a new client loads the middleware again, which a server does once, and
    that cost was counted in the bare page's CPU."""
    login = next(page for page in pages(personas()) if page.name == LOGIN)
    ask = measure.requester(login, {})
    with mock.patch.object(
        ClientHandler, "load_middleware", autospec=True, side_effect=ClientHandler.load_middleware
    ) as loading:
        first = ask()
        second = ask()
    assert loading.call_count == 1
    # Signed in by the first login; the second came without its session, as a new visitor.
    assert "sessionid" in first.cookies
    assert second.wsgi_request.COOKIES == {}


def test_rounds_give_the_median_share_of_the_bare_page_beside_each(tmp_path):
    """With --rounds, each round of a page follows a round of the bare page, and the row
    has the median of the rounds' shares: one slow minute no longer decides a row."""
    bare = Page(BARE, "", "/bench/fortunes/")
    page = Page("mix", "holder", "/")
    # bare, page, bare, page, bare, page: the machine's speed changes in the middle round.
    answers = iter(
        load.OverHttp(n, rate, 10.0, p95, 0)
        for n, rate, p95 in [
            (1000, 1000.0, 5.0), (300, 300.0, 40.0),
            (600, 600.0, 9.0), (240, 240.0, 60.0),
            (1000, 1000.0, 5.0), (280, 280.0, 50.0),
        ]
    )  # fmt: skip
    row: dict = {}
    options = {"rounds": 3, "duration": 2.0, "clients": 8}
    with (
        mock.patch.object(load, "run_load", side_effect=lambda *a, **k: next(answers)),
        mock.patch.object(load, "visits", return_value=[]),
    ):
        Command().over_http_rounds(page, bare, row, 0, {}, ("", ""), options)

    assert row["share_by_round"] == "30.0 40.0 28.0"
    assert row["share_of_bare_pct"] == 30.0
    assert row["req_per_s"] == 280.0
    assert row["bare_req_per_s"] == 1000.0
    assert row["p95_ms"] == 50.0
    assert row["http_requests"] == 820
    target = tmp_path / "bench.csv"
    Command().report([{"page": BARE, "persona": "-", "cpu_ms": 1.0, "wall_ms": 1.0,
                       "queries": 1, "req_per_s": 1000.0},
                      {"page": "mix", "persona": "holder", "cpu_ms": 3.0, "wall_ms": 4.0,
                       "queries": 4, **row}], str(target))  # fmt: skip
    written = {r["page"]: r for r in csv.DictReader(target.open())}
    assert float(written["mix"]["share_of_bare_pct"]) == 30.0  # not 280 / 1000
    assert written["mix"]["share_by_round"] == "30.0 40.0 28.0"


def test_a_round_whose_bare_page_answered_nothing_has_no_share(capsys):
    """A round with no bare page to compare with is left out of the median and shown as
    "–"; the bare page's failures are printed with the page's."""
    bare = Page(BARE, "", "/bench/fortunes/")
    page = Page("mix", "holder", "/")
    broken = load.OverHttp(0, 0.0, float("nan"), float("nan"), 9, Counter({"GET / → 500": 9}))
    answers = iter([
        load.OverHttp(1000, 1000.0, 5.0, 9.0, 0), load.OverHttp(300, 300.0, 30.0, 40.0, 0),
        broken, load.OverHttp(240, 240.0, 30.0, 60.0, 0),
    ])  # fmt: skip
    row: dict = {}
    with (
        mock.patch.object(load, "run_load", side_effect=lambda *a, **k: next(answers)),
        mock.patch.object(load, "visits", return_value=[]),
    ):
        options = {"rounds": 2, "duration": 2.0, "clients": 8}
        Command().over_http_rounds(page, bare, row, 0, {}, ("", ""), options)

    assert row["share_by_round"] == "30.0 –"
    assert row["share_of_bare_pct"] == 30.0
    assert row["bare_req_per_s"] == 1000.0
    assert "error ×9: (bare page) GET / → 500" in capsys.readouterr().out
