from django.core.management.base import BaseCommand, CommandError

from clustermonitor.programmes.reference import REFERENCE_DIR, ReferenceDataError, load_reference


class Command(BaseCommand):
    help = (
        "Load the real 2020 Flemish cluster portfolio (6 SPC, 20 IBN, 2 calls, KPIs). "
        "Safe to re-run: unchanged rows are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=str(REFERENCE_DIR), help="folder with the reference files"
        )

    def handle(self, *args, **options):
        from pathlib import Path

        try:
            summary = load_reference(Path(options["dir"]))
        except ReferenceDataError as exc:
            raise CommandError(
                "Reference data not loaded; nothing was written:\n  " + "\n  ".join(exc.problems)
            ) from None
        labels = sorted(set(summary.changed) | set(summary.unchanged))
        for label in labels:
            self.stdout.write(
                f"{label:16} {summary.changed.get(label, 0):4} written, "
                f"{summary.unchanged.get(label, 0):4} unchanged"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Reference data loaded: {summary.total_changed} rows written.")
        )
