"""Measuring a page in-process: CPU per request (time.process_time) and query count."""

import cProfile
import io
import itertools
import os
import pstats
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, reset_queries
from django.http import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.pages import Page

# One request of a page (or of the next page of a mix), answered and checked.
Ask = Callable[[], HttpResponseBase]


class PageError(Exception):
    """A page answered with another status than expected: the numbers would be a lie."""


@dataclass
class InProcess:
    cpu_ms: float
    wall_ms: float
    queries: float
    # The SQL of the queries of one request (of a mix: one request of each of its pages).
    statements: list[str] = field(default_factory=list)


def requester(page: Page, keys: dict[str, str]) -> Ask:
    """A function that asks for the page once (for a mixed load: the next page of the mix),
    as a browser with that persona's session would, and checks the answer."""
    clients: dict[str, Client] = {}
    # The bare page, and each login: a new visitor, no session. One client with its cookies
    # emptied, not a new one each time: a new client loads the middleware again (WhiteNoise
    # reads the static files' folder), which the server does once per process.
    visitor = Client()

    def client_for(persona: str) -> Client:
        if not persona:
            visitor.cookies.clear()
            return visitor
        if persona not in clients:
            clients[persona] = Client()
            clients[persona].cookies[settings.SESSION_COOKIE_NAME] = keys[persona]
        return clients[persona]

    turns = iter(itertools.cycle(page.mix or [page]))

    def ask() -> HttpResponseBase:
        item = next(turns)
        client = client_for(item.persona)
        if item.method == "POST":
            response = client.post(item.path, item.form or {})
        else:
            response = client.get(item.path)
        check(item, response)
        return response

    return ask


def check(page: Page, response: HttpResponseBase) -> None:
    if response.status_code != page.expected:
        where = response.get("Location", "")
        raise PageError(f"{page.name} {page.path}: {response.status_code} {where}".strip())


def measure(page: Page, ask: Ask, *, requests: int, warmup: int) -> InProcess:
    """`requests` requests after `warmup`; a mixed load goes through its whole mix (at
    least once) for each."""
    rounds = len(page.mix) or 1
    for _ in range(warmup if rounds == 1 else rounds):
        ask()
    with CaptureQueriesContext(connection) as queries:
        for _ in range(rounds):
            ask()
    count = len(queries) / rounds if rounds > 1 else len(queries)
    statements = [query["sql"] for query in queries]
    reset_queries()
    requests = max(requests, rounds)
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(requests):
        ask()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return InProcess(1000 * cpu / requests, 1000 * wall / requests, count, statements)


def profile(ask: Ask, *, requests: int, top: int = 0) -> str:
    """Where the time of `requests` requests goes: the functions with the most own time,
    then the most cumulative time."""
    top = top or int(os.environ.get("BENCH_PROFILE_TOP", "25"))
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        ask()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    # The project's own functions by cumulative time first: which part of a page costs.
    stats.sort_stats("cumulative").print_stats(
        rf"^{re.escape(str(settings.BASE_DIR))}/(?!\.venv)", top
    )
    stats.strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()
