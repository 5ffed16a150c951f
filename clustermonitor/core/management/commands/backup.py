from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from clustermonitor.core import audit
from clustermonitor.core.backup import ENGINE_NAMES, BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup, or pg_dump custom format), the "
        "uploaded files and the generated reports (MEDIA_ROOT) into DIR, with a manifest "
        "of checksums. DIR must not exist or be empty. Safe while the app runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", help="a new (or empty) folder for the backup")

    def handle(self, *args, **options):
        folder = Path(options["dir"])
        try:
            manifest = backup(folder, actor=audit.Actor.system("backup"))
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        except DatabaseError as error:  # the backup is whole; its audit entry is not
            first = str(error).strip().splitlines()[0] if str(error).strip() else "?"
            raise CommandError(
                f"The backup in {folder.absolute()} is complete, but its audit entry could "
                f"not be written: {first}."
            ) from None
        if options["verbosity"] > 0:
            media = manifest["media"]
            self.stdout.write(
                f"Backed up the {ENGINE_NAMES[manifest['engine']]} database "
                f"({len(manifest['migrations'])} migrations) and {media['files']} files "
                f"({media['bytes']:,} bytes) to {folder.absolute()}."
            )
