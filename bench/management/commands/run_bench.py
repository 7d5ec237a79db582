"""`manage.py run_bench`: every main page as each persona, beside the bare page.

In-process (Django's test client): CPU ms per request over --requests requests after
--warmup, wall ms, and the number of queries. Over HTTP (gunicorn, --workers sync workers,
--clients clients, --duration seconds a page, --rounds times): requests per second, p50
and p95, the bare page's requests per second measured just before the page, and the page's
share of it. With several rounds each of these is the median over the rounds, the share the
median of each round's own share (so not the ratio of the two medians beside it).
On PostgreSQL, each page's queries are planned with EXPLAIN (bench.plans): a read of a
whole big table is counted in the CSV and shown below the table.
Prints a table with the ratios to the bare page and writes it as CSV.
"""

import csv
import math
import statistics
from argparse import ArgumentParser
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from audit.models import AuditEvent
from bench import load, measure, plans
from bench.pages import BARE, LOGIN, MIXED, Page, pages, personas, sessions
from logs.models import LogOpening
from notes.models import Note
from stafett import memory

COLUMNS = [
    "page", "persona", "cpu_ms", "cpu_x_bare", "queries", "wall_ms", "req_per_s",
    "share_of_bare_pct", "bare_req_per_s", "p50_ms", "p95_ms", "http_requests", "errors",
    "share_by_round", "big_scans",
]  # fmt: skip


# What the measured pages write to: every view of a log its audit row and its summary of
# who has opened it, a request may touch its session, the mix writes notes.
WRITTEN = (LogOpening, AuditEvent, Session, Note)


def settle() -> None:
    """On PostgreSQL, vacuum what earlier runs wrote, as autovacuum would: on a server with
    autovacuum off (seen here), dead rows piled up from run to run and each run was slower
    than the last."""
    # VACUUM cannot run in a transaction: inside one (a test's) there is nothing to settle.
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in WRITTEN)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")


def _f(value: float | None, digits: int = 1) -> str:
    return "" if value is None or math.isnan(value) else f"{value:.{digits}f}"


class Command(BaseCommand):
    help = "Measure the main pages against the bare page, in-process and over HTTP."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--requests", type=int, default=30, help="in-process, per page")
        parser.add_argument("--warmup", type=int, default=5)
        parser.add_argument("--login-requests", type=int, default=10)
        parser.add_argument("--duration", type=float, default=5.0, help="HTTP seconds a page")
        parser.add_argument(
            "--rounds",
            type=int,
            default=1,
            help="HTTP: each page this many times, each just after the bare page; the median",
        )
        parser.add_argument("--clients", type=int, default=8)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-http", action="store_true")
        parser.add_argument("--only", action="append", default=[], help="page name (repeat)")
        parser.add_argument("--profile", default="", help="print a profile of this page")
        parser.add_argument("--csv", default="", help="default: var/bench-<time>.csv")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            people = personas()
        except LookupError as error:
            raise CommandError(str(error)) from error
        if options["rounds"] < 1:
            raise CommandError("--rounds must be at least 1.")
        chosen = [p for p in pages(people) if not options["only"] or p.name in options["only"]]
        if options["only"] and not any(p.name == BARE for p in chosen):
            chosen.insert(0, next(p for p in pages(people) if p.name == BARE))
        keys = sessions(people)
        self.stdout.write(
            f"Database: {connection.vendor} {settings.DATABASES['default']['NAME']}; "
            f"{len(chosen)} pages"
        )
        settle()
        rows: dict[str, dict[str, Any]] = {
            p.name: {"page": p.name, "persona": p.persona or "-"} for p in chosen
        }
        scans: dict[str, list[plans.Scan]] = {}
        # Measured as a gunicorn worker runs (stafett.wsgi): without it, a collection of
        # everything loaded fell now in one page's requests, now in another's.
        with memory.settled():
            for page in chosen:
                ask = measure.requester(page, keys)
                count = options["login_requests"] if page.name == LOGIN else options["requests"]
                if page.name == BARE:
                    # A millisecond a request: ten times as many, so a moment's noise weighs
                    # less.
                    count *= 10
                try:
                    result = measure.measure(page, ask, requests=count, warmup=options["warmup"])
                except measure.PageError as error:
                    raise CommandError(f"Unexpected answer: {error}") from error
                rows[page.name].update(
                    cpu_ms=result.cpu_ms, wall_ms=result.wall_ms, queries=result.queries
                )
                found = plans.big_scans(result.statements)
                if found is not None:
                    scans[page.name] = found
                    rows[page.name]["big_scans"] = len(found)
                self.stdout.write(f"  {page.name:<24} {result.cpu_ms:7.2f} ms CPU")
                if page.name == options["profile"]:
                    self.stdout.write(measure.profile(ask, requests=count))
        if not options["no_http"]:
            self.over_http(chosen, rows, keys, options)
        self.report(list(rows.values()), options["csv"])
        self.report_scans(scans)

    def over_http(
        self,
        chosen: list[Page],
        rows: dict[str, dict[str, Any]],
        keys: dict[str, str],
        options: dict[str, Any],
    ) -> None:
        connection.close()  # the server's workers need the connections more than we do
        port = load.free_port()
        server = load.start_gunicorn(port, workers=options["workers"])
        bare = next(page for page in chosen if page.name == BARE)
        try:
            csrf = load.csrf_pair(port)
            for page in chosen:
                self.over_http_rounds(page, bare, rows[page.name], port, keys, csrf, options)
        finally:
            load.stop(server)

    def over_http_rounds(
        self,
        page: Page,
        bare: Page,
        row: dict[str, Any],
        port: int,
        keys: dict[str, str],
        csrf: tuple[str, str],
        options: dict[str, Any],
    ) -> None:
        """The page over HTTP `--rounds` times, each round just after the bare page (half as
        long): a shared machine's speed changes from minute to minute (by a third, seen
        here), so each round's throughput is a share of the bare page's of the same minute,
        and the row has the median of the rounds."""
        shares: list[float | None] = []
        rates, beside_rates, p50s, p95s = [], [], [], []
        failures: Counter[str] = Counter()
        requests = errors = 0
        for _ in range(options["rounds"]):
            beside = None
            if page is not bare:
                beside = load.run_load(
                    port,
                    load.visits(bare, keys, csrf),
                    duration=options["duration"] / 2,
                    clients=options["clients"],
                )
                # The bare page's failures make the round's share doubtful: shown too.
                failures.update({f"(bare page) {f}": n for f, n in beside.failures.items()})
            result = load.run_load(
                port,
                load.visits(page, keys, csrf),
                duration=options["duration"],
                clients=options["clients"],
            )
            rates.append(result.per_second)
            p50s.append(result.p50_ms)
            p95s.append(result.p95_ms)
            requests += result.requests
            errors += result.errors
            failures.update(result.failures)
            if beside is not None:
                # A round whose bare page answered nothing has no share: left out, shown "–".
                answered = beside.per_second > 0
                shares.append(100 * result.per_second / beside.per_second if answered else None)
                if answered:
                    beside_rates.append(beside.per_second)
        row.update(
            req_per_s=statistics.median(rates),
            p50_ms=statistics.median(p50s),
            p95_ms=statistics.median(p95s),
            http_requests=requests,
            errors=errors,
        )
        if beside_rates:
            row["bare_req_per_s"] = statistics.median(beside_rates)
        if shares:
            known = [share for share in shares if share is not None]
            if known:
                row["share_of_bare_pct"] = statistics.median(known)
            row["share_by_round"] = " ".join("–" if x is None else f"{x:.1f}" for x in shares)
        self.stdout.write(
            f"  {page.name:<24} {row['req_per_s']:7.1f} req/s  p95 {row['p95_ms']:.0f} ms"
        )
        if len(shares) > 1:
            self.stdout.write(f"    % of the bare page by round: {row['share_by_round']}")
        # An error makes the row's numbers doubtful: say which request, and how.
        for failure, count in failures.most_common(5):
            self.stdout.write(f"    error ×{count}: {failure}")

    def report(self, rows: list[dict[str, Any]], path: str) -> None:
        bare = next(r for r in rows if r["page"] == BARE)
        for row in rows:
            row["cpu_x_bare"] = row["cpu_ms"] / bare["cpu_ms"]
            beside = row.get("bare_req_per_s") or bare.get("req_per_s")
            if "req_per_s" in row and beside and "share_of_bare_pct" not in row:
                row["share_of_bare_pct"] = 100 * row["req_per_s"] / beside
        header = (
            f"{'page':<24} {'as':<9} {'CPU ms':>7} {'× bare':>7} {'queries':>7} {'wall ms':>8} "
            f"{'req/s':>7} {'% bare':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6}"
        )
        self.stdout.write("\n" + header + "\n" + "-" * len(header))
        for r in rows:
            self.stdout.write(
                f"{r['page']:<24} {r['persona']:<9} {_f(r['cpu_ms'], 2):>7} "
                f"{_f(r['cpu_x_bare']):>7} {_f(r['queries'], 1 if r['page'] == MIXED else 0):>7} "
                f"{_f(r['wall_ms'], 2):>8} "
                f"{_f(r.get('req_per_s')):>7} {_f(r.get('share_of_bare_pct')):>7} "
                f"{_f(r.get('p50_ms')):>7} {_f(r.get('p95_ms')):>7} {r.get('errors', ''):>6}"
            )
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = Path(path or Path(settings.VAR_DIR) / f"bench-{stamp}.csv")
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
            writer.writeheader()
            for r in rows:
                rounded = {k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()}
                writer.writerow(rounded)
        self.stdout.write(f"\nCSV: {target}")

    def report_scans(self, scans: dict[str, list[plans.Scan]]) -> None:
        if not scans:
            return  # not PostgreSQL: no plans read
        self.stdout.write(
            f"\nReads of a whole table of more than {plans.BIG_TABLE:,} rows "
            "(EXPLAIN of each page's queries):"
        )
        if not any(scans.values()):
            self.stdout.write("  none")
        for page, found in scans.items():
            for scan in found:
                sql = " ".join(scan.sql.split())[:300]
                if scan.table == plans.NOT_PLANNED:
                    self.stdout.write(f"  {page}: could not be planned here: {sql}")
                else:
                    self.stdout.write(f"  {page}: {scan.table} (~{scan.rows:,} rows) in {sql}")
