from django.core.management.base import BaseCommand

from clustermonitor.demodata.personas import load_demo, print_logins


class Command(BaseCommand):
    help = "Load the demo (the real 2020 portfolio and one login per persona). Safe to re-run."

    def handle(self, *args, **options):
        load_demo()
        self.stdout.write(self.style.SUCCESS("Demo loaded."))
        print_logins(self.stdout)
