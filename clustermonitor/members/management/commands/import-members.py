import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clustermonitor.core import audit
from clustermonitor.core.imports.models import ImportMapping
from clustermonitor.core.tabular import TableError, read_table
from clustermonitor.members import importing
from clustermonitor.programmes.models import Cluster


class Command(BaseCommand):
    help = (
        "Import a cluster's member list (.xlsx or .csv). Valid rows land in one transaction; "
        "every rejected row is reported with its row, column and reason. Safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--cluster", required=True, help="cluster code, e.g. EUKA")
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help=f"which column holds a field; fields: {', '.join(importing.FIELDS)}",
        )
        parser.add_argument(
            "--full-list",
            action="store_true",
            help="the file is the full member list: report who is missing",
        )
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=datetime.date.today(),
            help="member from, for rows without a date (YYYY-MM-DD)",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        cluster = Cluster.objects.filter(code=options["cluster"]).first()
        if cluster is None:
            raise CommandError(f"There is no cluster with code {options['cluster']!r}.")
        try:
            table = read_table(path.read_bytes(), path.name)
        except TableError as exc:
            raise CommandError(str(exc)) from None
        remembered = ImportMapping.objects.filter(cluster=cluster, kind="members").first()
        mapping = importing.suggest_mapping(table, remembered.mapping if remembered else None)
        for item in options["map"]:
            field, _, column = item.partition("=")
            if field not in importing.FIELDS:
                raise CommandError(f"--map {item}: unknown field {field!r}.")
            if column not in table.headers:
                raise CommandError(
                    f"--map {item}: {path.name} has no column {column!r} "
                    f"(it has: {', '.join(table.headers)})."
                )
            mapping[field] = column
        self.stdout.write("Columns: " + ", ".join(f"{f}={c}" for f, c in mapping.items()))
        kwargs = {"reference_date": options["date"], "full_list": options["full_list"]}
        if options["dry_run"]:
            result = importing.plan(table, cluster, mapping, **kwargs)
        else:
            result = importing.commit(
                table, cluster, mapping, actor=audit.Actor.system("cli"), **kwargs
            )
        for outcome in result.rejected:
            self.stdout.write(f"{path.name}, row {outcome.number}: {outcome.reason}")
        for membership in result.missing:
            self.stdout.write(f"not in the full list: {membership.organisation}")
        counts = result.counts
        verb = "Dry run" if options["dry_run"] else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}: {counts['new']} new, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged, {counts['rejected']} rejected."
            )
        )
