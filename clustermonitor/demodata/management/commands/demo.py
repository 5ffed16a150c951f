import contextlib
import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from clustermonitor.demodata.personas import load_demo, print_logins


class Command(BaseCommand):
    help = "Migrate the database, load the demo and serve it at http://127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="prepare, but do not serve")

    def handle(self, *args, **options):
        from django.conf import settings

        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        load_demo()
        self.stdout.write(self.style.SUCCESS("Demo database ready."))
        print_logins(self.stdout)
        if options["no_serve"]:
            return
        self.stdout.write(f"Open http://{options['addrport']}/ (Ctrl-C stops the server).")
        with background_worker(self.stdout):
            call_command("runserver", options["addrport"], use_reloader=False)


@contextlib.contextmanager
def background_worker(stdout):
    """`clustermonitor db_worker` beside the web server while it serves (when the tasks
    are queued in the database, as `clustermonitor demo` sets them up); stopped with it."""
    from django.conf import settings

    if settings.TASKS_BACKEND != "database":
        yield
        return
    worker = subprocess.Popen([sys.executable, "-m", "clustermonitor", "db_worker"], env=os.environ)
    stdout.write(f"Background worker started (pid {worker.pid}): reports run there.")
    try:
        yield
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
