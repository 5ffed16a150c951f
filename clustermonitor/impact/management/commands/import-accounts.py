from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clustermonitor.core import audit
from clustermonitor.core.imports import registry
from clustermonitor.impact.accounts_import import AccountsFormatError, counts_of, iter_problems
from clustermonitor.impact.models import AccountsImport


class Command(BaseCommand):
    help = (
        "Import annual accounts: the CBSO's JSON documents (a .json, a zip or a folder of "
        "them, with their references) or a long CSV enterprise_number,period_end,rubric,value "
        "(optional filed_on, scheme). Every problem is listed with file, row and field and "
        "then nothing is written. Safe to re-run: an unchanged filing is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a .csv, .json or .zip file, or a folder of .json files")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument(
            "--lookup-dir", help="where the KBO enterprise lookup lives (default: VAR_DIR/kbo)"
        )

    def handle(self, *args, **options):
        kind = registry.get("annual-accounts")  # registered by the impact app
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path}: no such file or folder")
        lookup_dir = Path(options["lookup_dir"]) if options["lookup_dir"] else None
        actor = audit.Actor.system("cli")
        try:
            # Checked before the run is recorded: a wrong file writes nothing at all.
            parsed = kind.plan(path)
        except AccountsFormatError as exc:
            for line in iter_problems(exc):
                self.stderr.write(line)
            raise CommandError(
                f"Not imported, nothing was written: {exc.total} problem(s) in {path.name}"
            ) from None
        if options["dry_run"]:
            from clustermonitor.impact.accounts_import import apply

            counts = apply(parsed, actor=actor, lookup_dir=lookup_dir, dry_run=True)
            self.stdout.write(f"Dry run, nothing written. {counts}")
            return
        run = AccountsImport.objects.create(source=path.name[:255], via="cli")
        run = kind.run(run, path, actor=actor, lookup_dir=lookup_dir, parsed=parsed)
        self.stdout.write(self.style.SUCCESS(str(counts_of(run))))
