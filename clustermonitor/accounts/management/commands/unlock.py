from django.core.management.base import BaseCommand, CommandError

from clustermonitor.accounts import lockout
from clustermonitor.core import audit


class Command(BaseCommand):
    help = "Lift a login lockout of a username or an address (audited); list them without one."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="")
        parser.add_argument("--address", default="", help="an IP address instead of a username")

    def handle(self, *args, **options):
        username, address = options["username"], options["address"]
        if not username and not address:
            for lock in lockout.current_locks():
                self.stdout.write(f"{lock.kind:8} {lock.value:40} until {lock.until:%H:%M}")
            return
        if username and address:
            raise CommandError("Give a username or --address, not both.")
        removed = lockout.unlock(audit.Actor.system("cli"), username=username, address=address)
        self.stdout.write(f"Unlocked {username or address} ({removed} records).")
