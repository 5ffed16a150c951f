"""An event with 1,000 registrations (issue 18, Scale): time and query counts of the
cluster manager's pages and of each registration and check-in as the event grows,
against /healthz timed in the same run (bench/README.md).

    .venv/bin/python bench/registrations/measure.py            # fresh database, 1,000
    .venv/bin/python bench/registrations/measure.py 2000       # another size
    KEEP_DB=1 .venv/bin/python bench/registrations/measure.py  # the database of a run before

Makes a fresh SQLite database under WORK (default /tmp/clustermonitor-bench-registrations:
`migrate` and `load-reference`), then, in this process, with Django's test client and
every middleware: a public event of EUKA that opens registration (capacity: 90 % of the
registrations, the rest on the waiting list), filled up to each step of SIZES through
the public registration form (each a real POST: the form, the spam guards, the audited
write, the confirmation e-mail with its .ics and QR code to the local-memory outbox),
a tenth of them checked in through the scanner's address. At each step it prints the
median time of the last registrations and check-ins, and each page's time and query
count: the event's registrations page, its .csv and .xlsx, the check-in page with a
search, the public form. Times are also given as a ratio to /healthz (median of
BASELINE requests, this run). Query counts must be the same at every size (the test
suite holds them to it: tests/test_registrations.py); times grow only with the rows
rendered.
"""

import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = Path(os.environ.get("WORK", "/tmp/clustermonitor-bench-registrations"))
BASELINE = 30
SAMPLE = 20  # registrations and check-ins timed at each step


def environment() -> dict:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.pop("CACHE_URL", None)
    env.update(
        CLUSTERMONITOR_VAR_DIR=str(WORK),
        CLUSTERMONITOR_ENV="development",
        DEBUG="0",
        TASKS_BACKEND="immediate",
        DJANGO_SETTINGS_MODULE="clustermonitor.settings",
    )
    return env


def prepare_database() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    database = WORK / "clustermonitor.sqlite3"
    if os.environ.get("KEEP_DB") and database.exists():
        return
    for path in WORK.glob("clustermonitor.sqlite3*"):
        path.unlink()
    started = time.perf_counter()
    for command in (["migrate", "--no-input"], ["load-reference"]):
        subprocess.run(
            [str(ROOT / ".venv/bin/clustermonitor"), *command],
            check=True,
            env=environment(),
            stdout=subprocess.DEVNULL,
        )
    print(f"reference loaded into {database} in {time.perf_counter() - started:.0f} s")


def timed(client, method: str, url: str, data=None) -> tuple[float, int, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # the log keeps 9,000: count from an empty one
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        response = getattr(client, method)(url, data or {})
        elapsed = time.perf_counter() - start
    assert response.status_code in (200, 302), (url, response.status_code)
    return elapsed, len(captured.captured_queries), response


def main(total: int) -> None:
    prepare_database()
    os.environ.update(environment())
    import django

    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from clustermonitor.accounts import services as accounts
    from clustermonitor.accounts.models import Role
    from clustermonitor.activities.models import Activity
    from clustermonitor.core import audit
    from clustermonitor.programmes.models import Cluster
    from clustermonitor.registrations import services
    from clustermonitor.registrations.models import Registration, RegistrationSettings

    setup_test_environment()
    settings.CLUSTERMONITOR_MEMO = False
    services.PER_EMAIL = services.PER_CLIENT = 10**9  # one client sends them all
    euka = Cluster.objects.get(code="EUKA")
    Activity.objects.filter(title__startswith="Bench event").delete()
    event = Activity.objects.create(
        title=f"Bench event {total}", kind="event", date=datetime.date.today(), public=True
    )
    event.clusters.add(euka)
    RegistrationSettings.objects.create(activity=event, capacity=total * 9 // 10)
    manager = accounts.create_user(
        audit.Actor.system("bench"),
        username="bench-cluster-manager",
        password="bench password 1234",
        role=Role.CLUSTER_MANAGER,
        cluster=euka,
    )
    staff = Client()
    staff.force_login(manager)
    visitor = Client()
    register = reverse("registrations:register", args=[event.pk])
    scan = reverse("registrations:check-in-scan", args=[event.pk])
    download = reverse("registrations:event-download", args=[event.pk])
    pages = [
        ("registrations page", reverse("registrations:event-detail", args=[event.pk]), {}),
        ("export .csv", download, {"format": "csv"}),
        ("export .xlsx", download, {"format": "xlsx"}),
        ("check-in, search", reverse("registrations:check-in", args=[event.pk]), {"q": "Bench 1"}),
    ]

    healthz = Client()
    baseline = statistics.median(timed(healthz, "get", "/healthz")[0] for _ in range(BASELINE))
    print(f"baseline /healthz: {baseline * 1000:.1f} ms (median of {BASELINE})")
    sizes = sorted({s for s in (10, 100, total // 2, total) if s <= total})
    made = 0
    queries_seen: dict[str, set] = {}
    for size in sizes:
        register_times, register_queries = [], set()
        while made < size:
            made += 1
            elapsed, queries, _ = timed(
                visitor,
                "post",
                register,
                {"name": f"Bench {made}", "email": f"bench{made}@example.org", "consent": "on"},
            )
            if made > size - SAMPLE:
                register_times.append(elapsed)
                register_queries.add(queries)
        mail.outbox = []
        tokens = list(
            Registration.objects.filter(activity=event, checked_in_at=None)
            .order_by("?")
            .values_list("token", flat=True)[: max(1, size // 10)]
        )
        check_in_times, check_in_queries = [], set()
        for token in tokens:
            elapsed, queries, _response = timed(staff, "post", scan, {"token": token})
            check_in_times.append(elapsed)
            check_in_queries.add(queries)
        checked = Registration.objects.filter(activity=event, checked_in_at__isnull=False)
        print(f"\n{size:,} registrations ({checked.count():,} checked in)")
        rows = [
            (f"register (POST, last {len(register_times)})", register_times, register_queries),
            ("check in by token (POST)", check_in_times, check_in_queries),
        ]
        for label, times, queries in rows:
            median = statistics.median(times)
            print(
                f"  {label:32s} {median * 1000:8.1f} ms  {median / baseline:7.1f}× baseline"
                f"  queries {sorted(queries)}"
            )
        for label, url, query in [*pages, ("public form", register, {})]:
            client = visitor if label == "public form" else staff
            runs = [timed(client, "get", url, query) for _ in range(3)]
            best = min(r[0] for r in runs)
            queries = runs[-1][1]
            queries_seen.setdefault(label, set()).add(queries)
            print(
                f"  {label:32s} {best * 1000:8.1f} ms  {best / baseline:7.1f}× baseline"
                f"  queries {queries}  {len(runs[-1][2].content):>10,} bytes"
            )
    flat = {label: sorted(counts) for label, counts in queries_seen.items()}
    grew = {label: counts for label, counts in flat.items() if len(counts) > 1}
    print(f"\nquery counts by page over {sizes}: {flat}")
    print("flat in the number of registrations" if not grew else f"NOT flat: {grew}")
    sys.exit(1 if grew else 0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
