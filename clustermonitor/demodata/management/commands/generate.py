import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from clustermonitor.demodata import loader as demodata
from clustermonitor.demodata.personas import load_demo


class Command(BaseCommand):
    help = (
        "The demo multiplied: copies 2..N of the 20 IBNs (codes suffixed -2, -3, ...) with "
        "their own fake records, for load tests. Loads the demo first when it is not there. "
        "Safe to re-run; one audit entry per run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=10, help="copies of the programme in all (default 10)"
        )
        parser.add_argument("--seed", type=int, default=demodata.DEFAULT_SEED)

    def handle(self, *args, **options):
        scale, seed = options["scale"], options["seed"]
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        started = time.perf_counter()
        say = self.stdout.write if options["verbosity"] > 0 else None
        load_demo(seed=seed, log=say)
        try:
            summary = demodata.load(seed=seed, scale=scale, log=say)
        except demodata.DemoDataError as error:
            raise CommandError(str(error)) from error
        written = {n: c for n, c in summary["copies"].items() if n > 1}
        totals: dict[str, int] = {}
        for counts in written.values():
            for key, value in counts.items():
                totals[key] = totals.get(key, 0) + value
        if written and connection.vendor == "postgresql":
            # Fresh planner statistics: without them, a query over the new rows can take
            # 40 s instead of 0.1 s until autovacuum gets round to the tables.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        seconds = time.perf_counter() - started
        if not written:
            self.stdout.write(f"Nothing to do: the {scale} copies are there already.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated copies {min(written)}–{max(written)} in {seconds:.0f} s: "
                + ", ".join(f"{value:,} {key}" for key, value in totals.items())
            )
        )
