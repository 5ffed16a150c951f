from django.core.management.base import BaseCommand, CommandError

from clustermonitor.accounts import services
from clustermonitor.accounts.models import User
from clustermonitor.core import audit


class Command(BaseCommand):
    help = "Create an API token for a user and print it (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user {options['username']!r}.")
        _token, key = services.create_token(audit.Actor.system("cli"), user, options["name"])
        self.stdout.write(key)
