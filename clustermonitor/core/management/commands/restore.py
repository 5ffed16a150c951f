from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clustermonitor.core import audit
from clustermonitor.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `clustermonitor backup DIR` into the configured database "
        "and MEDIA_ROOT. Checks every checksum, the engine and the schema first; refuses a "
        "database or MEDIA_ROOT that holds anything unless --force; all or nothing. Stop "
        "the web server and db_worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", help="the backup's folder (with manifest.json)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database and MEDIA_ROOT that are not empty",
        )

    def handle(self, *args, **options):
        folder = Path(options["dir"])
        try:
            result = restore(folder, force=options["force"], actor=audit.Actor.system("restore"))
        except (BackupError, OSError) as error:
            if getattr(error, "changed", False):
                raise CommandError(str(error)) from None
            raise CommandError(f"{error} Nothing was restored.") from None
        manifest = result.manifest
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Restored the backup of {manifest['created_at']} (clustermonitor "
                f"{manifest['version']}, {manifest['media']['files']} files) from "
                f"{folder.absolute()}."
            )
        if result.older_schema:
            self.stdout.write(
                f"The backup's schema is older than this version ({len(result.older_schema)} "
                "migrations to apply): run clustermonitor migrate."
            )
