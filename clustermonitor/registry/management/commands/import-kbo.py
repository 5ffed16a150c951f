from pathlib import Path

import duckdb
from django.core.management.base import BaseCommand, CommandError

from clustermonitor.core import audit
from clustermonitor.core.imports import registry
from clustermonitor.registry.kbo import (
    KboFormatError,
    numbered_organisations,
    partial_full_problem,
)
from clustermonitor.registry.models import KboImport

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Enrich the organisations in the registry from a KBO open-data extract: a monthly "
        "full extract (the zip or its folder) or an update zip (deletes first, then inserts). "
        "Fills name, legal form, start date, status, main NACE and registered office, and "
        "refreshes the lookup of all enterprises. Safe to re-run: unchanged rows are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="KboOpenData_..._Full.zip or _Update.zip, or a folder")
        parser.add_argument(
            "--allow-partial",
            action="store_true",
            help="import a full extract that holds far fewer enterprises than the registry",
        )
        parser.add_argument(
            "--lookup-dir", help="where the enterprise lookup lives (default: VAR_DIR/kbo)"
        )

    def handle(self, *args, **options):
        kind = registry.get("kbo")  # registered by the registry app (import_kinds)
        path = Path(options["path"])
        try:
            # Checked before the run is even recorded: a wrong file writes nothing at all.
            info = kind.plan(path)
            problem = partial_full_problem(info, numbered_organisations())
            if problem and not options["allow_partial"]:
                raise KboFormatError(problem + " (--allow-partial)")
        except KboFormatError as exc:
            raise CommandError(f"Not imported, nothing was written:\n  {exc}") from None
        date = f" of {info['extract_date']:%d-%m-%Y}" if info["extract_date"] else ""
        self.stdout.write(f"KBO {info['kind']} extract {info['extract_number']}{date}")
        run = KboImport.objects.create(source=str(path)[:500], kind=info["kind"])
        lookup_dir = Path(options["lookup_dir"]) if options["lookup_dir"] else None
        try:
            kind.run(
                run,
                path,
                actor=audit.Actor.system("cli"),
                progress=self.bar,
                lookup_dir=lookup_dir,
                allow_partial=options["allow_partial"],
            )
        except (KboFormatError, duckdb.Error, OSError) as exc:
            # The run is marked failed with the same message, for the web page.
            raise CommandError(f"\nImport failed: {exc}") from None
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"matched {run.matched}, not found {run.not_found}, "
                f"ceased {run.ceased}, updated {run.updated}"
            )
        )

    def bar(self, percent: int, step: str) -> None:
        """`[#####.....]  45% step`, redrawn in place on a terminal."""
        filled = BAR_WIDTH * percent // 100
        line = f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {percent:3d}% {step[:40]:40}"
        self.stdout.write(line, ending="")
        self.stdout.flush()
