from django.core.management.base import BaseCommand, CommandError

from clustermonitor.accounts import twofactor
from clustermonitor.accounts.models import User
from clustermonitor.core import audit


class Command(BaseCommand):
    help = (
        "Remove a user's authenticator app and recovery codes (audited); a role that needs "
        "two-factor sign-in enrols again at the next sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"There is no user {options['username']!r}.")
        if twofactor.reset(audit.Actor.system("cli"), user):
            self.stdout.write(f"Two-factor sign-in of {user.username} reset.")
        else:
            self.stdout.write(f"{user.username} had no two-factor sign-in.")
