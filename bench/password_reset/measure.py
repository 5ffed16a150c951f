"""Time a password-reset request for a known and for an unknown address (issue 13).

Runs in-process on a throw-away SQLite file, with the production task queue (database)
and an in-memory mailbox, so that only the request's own work is timed:

    .venv/bin/python bench/password_reset/measure.py [requests per address]
"""

import os
import statistics
import sys
import tempfile
import time

folder = tempfile.mkdtemp(prefix="cm-reset-")
os.environ.setdefault("SQLITE_PATH", os.path.join(folder, "db.sqlite3"))
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("TASKS_BACKEND", "database")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clustermonitor.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from clustermonitor.accounts.models import User  # noqa: E402


def main(n: int) -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    User.objects.create_user("els", email="els@example.org", password="x" * 20)
    url = reverse("accounts:password-reset")
    client = Client()
    timings = {"known": [], "unknown": []}
    for i in range(n + 5):
        for label, email in (("known", "els@example.org"), ("unknown", "nobody@example.org")):
            start = time.perf_counter()
            response = client.post(url, {"email": email})
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 302, response.status_code
            if i >= 5:  # warm-up
                timings[label].append(elapsed)
    for label, values in timings.items():
        print(
            f"{label:8s} median {statistics.median(values):6.2f} ms   "
            f"mean {statistics.mean(values):6.2f} ms   n={len(values)}"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
