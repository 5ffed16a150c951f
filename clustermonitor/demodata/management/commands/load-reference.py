from django.core.management.base import BaseCommand, CommandError

from clustermonitor.demodata.reference import load_reference
from clustermonitor.programmes.reference import REFERENCE_DIR, ReferenceDataError


class Command(BaseCommand):
    help = (
        "Load the real 2020 Flemish cluster portfolio (6 SPC, 20 IBN, 2 calls, KPIs) and the "
        "Belgian reference tables (NACE-BEL, municipalities, postcodes, legal forms). "
        "Safe to re-run: unchanged rows are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=str(REFERENCE_DIR), help="folder with the reference files"
        )

    def handle(self, *args, **options):
        from pathlib import Path

        from django.db import transaction

        from clustermonitor.registry.reference import load_registry_reference

        try:
            with transaction.atomic():
                summary = load_reference(Path(options["dir"]))
                registry = load_registry_reference()
        except ReferenceDataError as exc:
            raise CommandError(
                "Reference data not loaded; nothing was written:\n  " + "\n  ".join(exc.problems)
            ) from None
        for label, count in registry.items():
            self.stdout.write(f"{label:16} {count:4} written")
        labels = sorted(set(summary.changed) | set(summary.unchanged))
        for label in labels:
            self.stdout.write(
                f"{label:18} {summary.changed.get(label, 0):4} written, "
                f"{summary.unchanged.get(label, 0):4} unchanged"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Reference data loaded: {summary.total_changed} rows written.")
        )
