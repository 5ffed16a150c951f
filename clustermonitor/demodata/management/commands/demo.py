import contextlib
import os
import re
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from clustermonitor.demodata.personas import load_demo, print_logins

#: runserver's address forms: "8001", "127.0.0.1:8001", "[::1]:8001", "localhost:8001".
ADDRPORT = re.compile(r"^(?:(?P<host>\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):)?(?P<port>\d+)$")
#: Addresses that listen everywhere; a browser on this machine reaches them at 127.0.0.1.
EVERYWHERE = {"0.0.0.0", "0", "[::]"}


def serve_settings(addrport: str, environ=os.environ) -> dict:
    """The settings the demo is served with: DEBUG off (a 404 shows the project's own
    page, not the list of URL patterns; WhiteNoise still serves the static files), and
    SITE_URL — the address in the e-mails' and the mail-merge list's links — the address
    it serves on, unless SITE_URL is set in the environment."""
    from django.conf import settings

    match = ADDRPORT.match(addrport)
    if match is None:
        raise CommandError(f"{addrport!r} is no address:port or port.")
    host, port = match["host"] or "127.0.0.1", match["port"]
    browsed = "127.0.0.1" if host in EVERYWHERE else host
    allowed = list(settings.ALLOWED_HOSTS)
    if host in EVERYWHERE:
        allowed.append("*")  # reached from other machines under any of this one's names
    elif host.strip("[]") not in allowed:
        allowed.append(host.strip("[]"))
    return {
        "DEBUG": False,
        "SITE_URL": environ.get("SITE_URL") or f"http://{browsed}:{port}",
        "ALLOWED_HOSTS": allowed,
    }


class Command(BaseCommand):
    help = (
        "Migrate the database, load the demo and serve it at http://127.0.0.1:8000 "
        "(DEBUG off; links in e-mails and exports point to the address served)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="prepare, but do not serve")

    def handle(self, *args, **options):
        from django.conf import settings

        serving = serve_settings(options["addrport"])  # a wrong address fails before loading
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        load_demo()
        self.stdout.write(self.style.SUCCESS("Demo database ready."))
        print_logins(self.stdout)
        if options["no_serve"]:
            return
        self.stdout.write(f"Open {serving['SITE_URL']}/ (Ctrl-C stops the server).")
        with override_settings(**serving), background_worker(self.stdout, serving):
            call_command("runserver", options["addrport"], use_reloader=False)


@contextlib.contextmanager
def background_worker(stdout, serving: dict | None = None):
    """`clustermonitor db_worker` beside the web server while it serves (when the tasks
    are queued in the database, as `clustermonitor demo` sets them up), with the address
    the demo serves on for its links; stopped with the server."""
    from django.conf import settings

    if settings.TASKS_BACKEND != "database":
        yield
        return
    env = dict(os.environ)
    if serving:
        env["SITE_URL"] = serving["SITE_URL"]
    command = [sys.executable, "-m", "clustermonitor", "db_worker", "--no-reload"]
    worker = subprocess.Popen(command, env=env)
    stdout.write(f"Background worker started (pid {worker.pid}): reports run there.")
    try:
        yield
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
