"""Measuring a page in-process: CPU per request (time.process_time) and query count."""

import cProfile
import io
import pstats
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.pages import Page


class PageError(Exception):
    """A page answered with another status than expected: the numbers would be a lie."""


@dataclass
class InProcess:
    cpu_ms: float
    wall_ms: float
    queries: int


def requester(page: Page, session_key: str | None, form: dict | None = None):
    """A function that asks for the page once, as a browser with that session would."""
    client = Client()
    if session_key:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    if page.method == "POST":
        # Each login comes from a new visitor, without a session.
        return lambda: Client().post(page.path, form or {})
    return lambda: client.get(page.path)


def check(page: Page, response) -> None:
    if response.status_code != page.expected:
        where = response.get("Location", "")
        raise PageError(f"{page.name} {page.path}: {response.status_code} {where}".strip())


def measure(page: Page, ask, *, requests: int, warmup: int) -> InProcess:
    for _ in range(warmup):
        check(page, ask())
    with CaptureQueriesContext(connection) as queries:
        check(page, ask())
    count = len(queries)
    reset_queries()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(requests):
        ask()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return InProcess(1000 * cpu / requests, 1000 * wall / requests, count)


def profile(ask, *, requests: int, top: int = 25) -> str:
    """Where the time of `requests` requests goes: the functions with the most own time,
    then the most cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        ask()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()
