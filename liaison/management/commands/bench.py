"""`make bench`: measure the registered scenarios at the Weifang scale on PostgreSQL."""

import json
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils.module_loading import autodiscover_modules

from enterprises.models import Enterprise
from liaison.runtime import tune_gc
from org.benchmarking import SCENARIOS


class Command(BaseCommand):
    help = "Run the benchmark scenarios at the Weifang scale and write bench/results.json."

    def add_arguments(self, parser):
        parser.add_argument(
            "--only", default="", help="Run the scenarios whose name contains this."
        )
        parser.add_argument("--runs", type=int, default=0, help="Override the runs per scenario.")
        parser.add_argument("--output", default=str(settings.BASE_DIR / "bench" / "results.json"))

    def handle(self, *args, only, runs, output, **options):
        if connection.vendor != "postgresql":
            raise CommandError("make bench needs PostgreSQL: set DATABASE_URL.")
        if Enterprise.objects.count() < 21_000:
            self.stdout.write("Loading the Weifang scale (once) …")
            started = time.monotonic()
            call_command("seed_demo", "--scale", "weifang", stdout=self.stdout)
            self.stdout.write(f"Loaded in {time.monotonic() - started:.1f}s.")
        # The steady state autovacuum keeps a live database in: statistics and visibility map
        # current (index-only counts read the map).
        self._vacuum("VACUUM (ANALYZE)")
        autodiscover_modules("bench")
        tune_gc()  # as liaison/wsgi.py does for the web server
        results = []
        with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
            for name, item in SCENARIOS.items():
                if only and only not in name:
                    continue
                results.append(self._measure(item, runs or item.runs))
                # A scenario that writes and rolls back (the sweep) leaves thousands of dead
                # row versions behind, which the next scenario would pay for; a live database
                # never sees them, since the sweep commits its changes once.
                self._vacuum("VACUUM")
        self._print(results)
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
        self.stdout.write(f"Wrote {path}")

    @staticmethod
    def _vacuum(statement: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement)

    def _measure(self, item, runs: int) -> dict:
        client = Client()
        run = item.prepare(client)
        for _ in range(3):  # warm caches, connections and templates
            run()
        timings = []
        queries = 0
        for _ in range(runs):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                run()
                timings.append((time.perf_counter() - started) * 1000)
            queries = max(queries, len(ctx.captured_queries))
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))]
        return {
            "name": item.name,
            "runs": runs,
            "p50_ms": round(p50, 2),
            "p95_ms": round(p95, 2),
            "queries": queries,
            "target_ms": item.target_ms,
            "max_queries": item.max_queries,
            "ok": p95 <= item.target_ms and queries <= item.max_queries,
        }

    def _print(self, results):
        header = (
            f"{'scenario':<52} {'runs':>5} {'p50 ms':>9} {'p95 ms':>9} {'target':>7} "
            f"{'queries':>8} {'max':>4}  ok"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for r in results:
            self.stdout.write(
                f"{r['name']:<52} {r['runs']:>5} {r['p50_ms']:>9.1f} {r['p95_ms']:>9.1f} "
                f"{r['target_ms']:>7.0f} {r['queries']:>8} {r['max_queries']:>4}  "
                f"{'yes' if r['ok'] else 'NO'}"
            )
