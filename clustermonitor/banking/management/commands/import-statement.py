from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clustermonitor.banking.parsers import StatementError
from clustermonitor.core import audit
from clustermonitor.core.imports import registry
from clustermonitor.programmes.models import Cluster


class Command(BaseCommand):
    help = (
        "Import a bank statement file (CODA or camt.053) into a cluster's bank account and "
        "match its payments to the cluster's open invoices. All or nothing: a wrong file "
        "names the line and the reason and writes nothing; the same statement again "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the statement file (.cod or .xml)")
        parser.add_argument("--cluster", required=True, help="the cluster's code")

    def handle(self, *args, **options):
        kind = registry.get("bank-statement")  # registered by the banking app
        cluster = Cluster.objects.filter(code=options["cluster"]).first()
        if cluster is None:
            raise CommandError(f"No cluster with code {options['cluster']!r}.")
        path = Path(options["path"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        try:
            result = kind.run(data, path.name, cluster, audit.Actor.system("cli"))
        except StatementError as exc:
            raise CommandError(f"Not imported, nothing was written:\n  {exc}") from None
        for statement in result.unchanged:
            self.stdout.write(f"statement {statement.number}: imported before, unchanged")
        for statement in result.statements:
            self.stdout.write(f"statement {statement.number} of {statement.account}: imported")
        counts = result.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"matched {counts.get('matched', 0)}, waiting {counts.get('unmatched', 0)}, "
                f"outgoing {counts.get('outgoing', 0)}"
            )
        )
