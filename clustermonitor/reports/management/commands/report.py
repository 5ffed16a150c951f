import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, ProgrammingError
from django.utils import translation
from django.utils.translation import gettext as _

from clustermonitor.reports import services
from clustermonitor.reports.build import ReportError


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(
            _("--as-of '%(text)s' is not a date (YYYY-MM-DD).") % {"text": text}
        ) from error


class Command(BaseCommand):
    help = (
        "Generate the evaluation report from the records: HTML (one self-contained file), "
        "PDF (A4) and/or XLSX (one sheet per table), for the whole programme or some "
        "clusters, as on a date. Files are written to a temporary name and renamed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--format", default="html,pdf,xlsx", help="comma-separated: html, pdf, xlsx"
        )
        parser.add_argument("--clusters", default="", help="cluster codes, comma-separated")
        parser.add_argument("--as-of", default="", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--lang", default="nl", choices=["nl", "en"])
        parser.add_argument("--output", default=".", help="folder for the files (default: .)")

    def handle(self, *args, **options):
        # Messages in the report's language, like the report itself.
        with translation.override(options["lang"]):
            self._handle(options)

    def _handle(self, options):
        as_of = _date(options["as_of"]) if options["as_of"] else None
        say = self.stdout.write if options["verbosity"] > 1 else None
        try:
            paths = services.generate(
                as_of=as_of,
                codes=options["clusters"],
                lang=options["lang"],
                formats=options["format"],
                output=Path(options["output"]),
                progress=(lambda percent, step: say(f"{percent:3d} % {step}")) if say else None,
            )
        except ReportError as error:
            raise CommandError(str(error)) from error
        except (OperationalError, ProgrammingError) as error:
            first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise CommandError(
                _(
                    "The database is not ready (%(error)s): run clustermonitor migrate "
                    "and clustermonitor load-reference first."
                )
                % {"error": first_line}
            ) from error
        if options["verbosity"] > 0:
            for path in paths:
                self.stdout.write(str(path))
