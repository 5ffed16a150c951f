"""The `clustermonitor` command: Django's management commands with our settings."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clustermonitor.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["clustermonitor", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
