"""The `clustermonitor` command: Django's management commands with our settings."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clustermonitor.settings")
    if args[:1] == ["demo"]:
        # The demo serves like production does: long work (reports, KBO imports) is queued
        # for the worker the demo starts beside the web server, so a page never waits on it.
        os.environ.setdefault("TASKS_BACKEND", "database")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["clustermonitor", *args])


if __name__ == "__main__":
    main()
