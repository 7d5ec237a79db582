"""`manage.py generate_data --scale demo|oslo|national`: benchmark data (bench.generate)."""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.generate import Generator, existing_bench_data
from bench.scales import PERSONAS, SCALES


class Command(BaseCommand):
    help = "Fill an empty database with realistic data at the given scale, for the benchmark."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        parser.add_argument("--seed", type=int, default=9)
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing (and succeed) when the database already has benchmark data.",
        )

    def handle(self, *args: Any, scale: str, seed: int, if_missing: bool, **options: Any) -> None:
        existing = existing_bench_data()
        if existing:
            if if_missing:
                self.stdout.write(f"Benchmark data already there ({existing}); kept.")
                return
            raise CommandError(
                f"The database already has benchmark data ({existing}). Use an empty database."
            )
        started = time.monotonic()
        self.stdout.write(f"Generating the {scale} scale on {connection.vendor} (seed {seed})…")
        written = Generator(seed=seed, out=self.stdout.write).run(scale)
        if connection.vendor == "postgresql":
            # What autovacuum does to a settled database: the statistics, and the visibility
            # map that lets an index-only scan skip the table (on a server whose autovacuum
            # is off, nothing else would).
            with connection.cursor() as cursor:
                # VACUUM cannot run in a transaction (a test's): then the statistics alone.
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        elapsed = time.monotonic() - started
        for label, count in sorted(written.items()):
            self.stdout.write(f"  {label:<28} {count:>10,}")
        self.stdout.write(f"Rows: {sum(written.values()):,}; took {elapsed:.1f} s.")
        self.stdout.write(f"Logins ({', '.join(PERSONAS.values())}) use the bench password.")
