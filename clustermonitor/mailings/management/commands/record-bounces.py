"""clustermonitor record-bounces FILE…: record the bounces and mailto unsubscribes of the
mailings (mailings/bounces.py says which files)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clustermonitor.mailings import bounces


class Command(BaseCommand):
    help = (
        "Record bounces (RFC 3464 notifications in an mbox file, .eml files or a folder of "
        "them, or a list of addresses) and mailto unsubscribes; hard bounces are suppressed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, *args, paths, **options):
        for path in paths:
            if not path.exists():
                raise CommandError(f"{path}: no such file or folder")
        result = bounces.Result()
        for path in paths:
            bounces.read_path(path, result)
        for line in result.skipped:
            self.stderr.write(f"skipped {line}")
        self.stdout.write(
            f"{result.bounces} bounces recorded ({result.hard} hard, suppressed), "
            f"{result.unsubscribes} unsubscribes, {result.known} read before, "
            f"{len(result.skipped)} skipped"
        )
