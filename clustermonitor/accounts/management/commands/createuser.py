import secrets

from django.core.management.base import BaseCommand, CommandError

from clustermonitor.accounts import services
from clustermonitor.accounts.models import CLUSTER_ROLES, Role, RoleAssignment
from clustermonitor.core import audit


class Command(BaseCommand):
    help = "Create a user with a role (or add the role to an existing user)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--cluster", help="cluster code, for a cluster manager")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--password", help="the password; a random one is generated and printed if omitted"
        )

    def handle(self, *args, **options):
        role = options["role"]
        cluster = None
        if role in CLUSTER_ROLES:
            if not options["cluster"]:
                raise CommandError(f"--cluster CODE is required for the role {role}.")
            clusters = RoleAssignment._meta.get_field("cluster").related_model.objects
            cluster = clusters.filter(code=options["cluster"]).first()
            if cluster is None:
                raise CommandError(f"There is no cluster with code {options['cluster']!r}.")
        elif options["cluster"]:
            raise CommandError(f"The role {role} is not tied to a cluster; drop --cluster.")
        password = options["password"] or secrets.token_urlsafe(12)
        user = services.create_user(
            audit.Actor.system("cli"),
            username=options["username"],
            password=password,
            email=options["email"],
            first_name=options["first_name"],
            last_name=options["last_name"],
            role=role,
            cluster=cluster,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"User {user.username}: {role}" + (f" of {cluster.code}" if cluster else "")
            )
        )
        if not options["password"]:
            self.stdout.write(f"Password: {password}")
