import datetime
import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from clustermonitor.analysis import impact as estimator
from clustermonitor.analysis.impact_chart import event_study_svg
from clustermonitor.core.exporters import workbook_bytes
from clustermonitor.impact import exports, figures
from clustermonitor.programmes.models import Cluster, Programme


def _write(path: Path, data: bytes) -> None:
    """Write to a temporary name, then rename: a reader never sees half a file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


class Command(BaseCommand):
    help = (
        "Estimate the economic effect of membership (docs/impact.md): member companies' "
        "growth against comparable companies', from the annual accounts and memberships "
        "known on a date. Writes impact-<outcome>.json, .xlsx and .svg (the event study)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--outcome", required=True, choices=list(estimator.OUTCOMES))
        parser.add_argument("--as-of", default="", help="YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--clusters",
            default="",
            help="cluster codes, comma-separated: the companies that entered through them",
        )
        parser.add_argument(
            "--method", default=estimator.DEFAULT_METHOD, choices=list(estimator.METHODS)
        )
        parser.add_argument("--lang", default="nl", choices=["nl", "en"])
        parser.add_argument("--output", required=True, help="folder for the files")

    def handle(self, *args, **options):
        with translation.override(options["lang"]):
            self._handle(options)

    def _handle(self, options):
        today = timezone.localdate()
        text = options["as_of"]
        try:
            on = datetime.date.fromisoformat(text) if text else today
        except ValueError:
            raise CommandError(f"--as-of '{text}' is not a date (YYYY-MM-DD).") from None
        if on > today:
            raise CommandError(f"--as-of {on} is in the future (today is {today}): no forecasts.")
        programme = Programme.objects.order_by("pk").first()
        if programme is None:
            raise CommandError("There is no programme yet: load the reference data first.")
        clusters = self._clusters(programme, options["clusters"], on)
        output = Path(options["output"])
        if not output.is_dir():
            raise CommandError(f"--output {output} is not a folder.")
        outcome = options["outcome"]
        found = figures.result(programme, on, outcome, method=options["method"], clusters=clusters)
        stem = output / f"impact-{outcome}"
        document = json.dumps(found, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
        _write(stem.with_suffix(".json"), document.encode("utf-8"))
        _write(stem.with_suffix(".xlsx"), workbook_bytes(exports.sheets(found)))
        svg = event_study_svg(
            found.get("event_study", []),
            str(figures.OUTCOME_LABELS[outcome]),
            options["lang"],
            percent=outcome in figures.LOG_SCALE,
        )
        _write(stem.with_suffix(".svg"), svg.encode("utf-8"))
        if options["verbosity"] > 0:
            if found.get("att") is None:
                self.stdout.write(
                    f"{outcome}: not estimated ({found.get('reason') or 'too few firms'}); "
                    f"{found.get('n_treated')} treated, {found.get('n_control')} comparison firms"
                )
            else:
                low, high = found["ci"]
                self.stdout.write(
                    f"{outcome}: ATT {found['att']} (95% {low} to {high}), "
                    f"{found['n_treated']} treated, {found['n_control']} comparison firms"
                )
            for suffix in (".json", ".xlsx", ".svg"):
                self.stdout.write(str(stem.with_suffix(suffix)))

    def _clusters(self, programme, text: str, on: datetime.date) -> list | None:
        codes = sorted({c.strip().upper() for c in text.split(",") if c.strip()})
        if not codes:
            return None
        found = {c.code.upper(): c for c in Cluster.objects.filter(programme=programme)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise CommandError(f"Unknown cluster code(s): {', '.join(unknown)}.")
        later = [c for c in codes if found[c].start_date > on]
        if later:
            raise CommandError(f"Cluster(s) {', '.join(later)} start after {on}.")
        return [found[c] for c in codes]
