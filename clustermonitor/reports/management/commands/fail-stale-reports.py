from django.core.management.base import BaseCommand

from clustermonitor.reports import services


class Command(BaseCommand):
    help = (
        "Mark failed every report run whose worker gave no sign of life for "
        "REPORT_RUN_STALE_AFTER seconds (killed or crashed), so that it can be retried. "
        "The report pages do the same when they are viewed; run this from a timer "
        "(deploy/systemd/clustermonitor-watchdog.timer)."
    )

    def handle(self, *args, **options):
        marked = services.fail_stale_runs()
        for run in marked:
            self.stdout.write(f"report run {run.pk}: {run.error}")
        self.stdout.write(f"{len(marked)} stale report run(s) marked failed.")
