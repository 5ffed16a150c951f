from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction

from clustermonitor.core.audit_backfill import pseudonymise_entries
from clustermonitor.core.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Rewrite the audit entries that still hold a personal field (AUDIT_PERSONAL_FIELDS) "
        "in clear, or as the mailings' former unkeyed digest, to its keyed pseudonym. "
        "Migration core 0003 runs it once; running it again changes nothing."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = pseudonymise_entries(AuditEntry, ContentType)
        self.stdout.write(f"{changed} audit entries pseudonymised.")
