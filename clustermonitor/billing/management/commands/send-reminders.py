import datetime

from django.core.management.base import BaseCommand, CommandError

from clustermonitor.billing import invoicing
from clustermonitor.core import audit
from clustermonitor.programmes.models import Cluster


class Command(BaseCommand):
    help = (
        "E-mail the reminders due today for overdue invoices: a first reminder "
        f"{invoicing.FIRST_REMINDER_AFTER} days after the due date, a second "
        f"{invoicing.SECOND_REMINDER_AFTER} days after the first; each level once per "
        "invoice. Run it daily from a timer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cluster", help="only this cluster (its code)")
        parser.add_argument("--today", help="the day to judge by (YYYY-MM-DD); default today")

    def handle(self, *args, **options):
        cluster = None
        if options["cluster"]:
            cluster = Cluster.objects.filter(code=options["cluster"]).first()
            if cluster is None:
                raise CommandError(f"no cluster {options['cluster']!r}")
        try:
            today = (
                datetime.date.fromisoformat(options["today"])
                if options["today"]
                else datetime.date.today()
            )
        except ValueError:
            raise CommandError(f"--today: not a date (YYYY-MM-DD): {options['today']!r}") from None
        counts = invoicing.send_reminders(audit.Actor.system("cli"), today, cluster)
        self.stdout.write(
            f"{counts['first']} first and {counts['second']} second reminder(s) sent; "
            f"{counts['no_contact']} overdue invoice(s) without a contact e-mail."
        )
