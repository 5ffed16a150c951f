"""A mailing to 5,000 contacts (issue 18): queries and time, as ratios against a
baseline mailing of 50 measured in the same run.

Runs in-process on a throw-away SQLite file with the reference portfolio, an in-memory
mailbox (Django's locmem backend: the bench times clustermonitor's work — resolving the
segment, consent and suppression, writing the deliveries, building and handing over
every message, counting the progress — not an SMTP server's) and the task run inline:

    .venv/bin/python bench/mailings/measure.py [recipients] [runs]

Prints, for the baseline and the big mailing: SQL queries, seconds, and milliseconds per
recipient; then the ratios big / baseline. Goal: queries bounded whatever the recipients
(at most services.PROGRESS_STEPS progress updates, deliveries written in bulk), never
per recipient; time per recipient at most 1.5 × the baseline's.
"""

import datetime
import os
import statistics
import sys
import tempfile
import time

folder = tempfile.mkdtemp(prefix="cm-mailings-")
os.environ.setdefault("SQLITE_PATH", os.path.join(folder, "db.sqlite3"))
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("TASKS_BACKEND", "immediate")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clustermonitor.settings")

import django  # noqa: E402

django.setup()

from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from clustermonitor.mailings import services  # noqa: E402
from clustermonitor.mailings.models import Consent, Mailing, Suppression  # noqa: E402
from clustermonitor.members.models import Contact, Membership  # noqa: E402
from clustermonitor.programmes.models import Cluster  # noqa: E402
from clustermonitor.registry.models import Organisation  # noqa: E402


def _enterprise_number(i: int) -> str:
    base = f"0{(3_000_000 + i) % 10_000_000:07d}"
    return f"{base}{97 - int(base) % 97:02d}"


def populate(cluster, first: int, n: int) -> None:
    """`n` member companies with one contact each; one in 20 unsubscribed, one in 10 with
    an English consent."""
    orgs = Organisation.objects.bulk_create(
        Organisation(
            enterprise_number=_enterprise_number(i),
            name=f"Bench {i} NV",
            kind=Organisation.Kind.COMPANY,
            postcode="9000",
            country="BE",
        )
        for i in range(first, first + n)
    )
    ships = Membership.objects.bulk_create(
        Membership(organisation=o, cluster=cluster, start_date=datetime.date(2017, 1, 1))
        for o in orgs
    )
    Contact.objects.bulk_create(
        Contact(membership=m, name=f"Persoon {first + k}", email=f"p{first + k}@bench.example")
        for k, m in enumerate(ships)
    )
    now = datetime.datetime.now(datetime.UTC)
    Suppression.objects.bulk_create(
        Suppression(cluster=cluster, email=f"p{i}@bench.example", reason="unsubscribed", since=now)
        for i in range(first, first + n, 20)
    )
    Consent.objects.bulk_create(
        Consent(
            cluster=cluster,
            email=f"p{i}@bench.example",
            basis="contract",
            given_on=datetime.date(2026, 1, 1),
            source="bench",
            language="en",
        )
        for i in range(first + 1, first + n, 10)
    )


def measure(cluster) -> tuple[int, float, int]:
    mailing = Mailing.objects.create(
        cluster=cluster,
        segment="members",
        subject_nl="Nieuwsbrief",
        body_nl="Beste lid,\n\n**Nieuws** met [een link](https://example.org).\n\n- een\n- twee",
        subject_en="Newsletter",
        body_en="Dear member,\n\n**News**.",
        status=Mailing.Status.QUEUED,
    )
    mail.outbox = []
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        done = services.send(mailing.pk)
        elapsed = time.perf_counter() - start
    assert done.n_sent == len(mail.outbox) and done.n_failed == 0
    return len(captured), elapsed, done.n_recipients


def main(big: int, runs: int) -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load-reference", verbosity=0)
    small_cluster, big_cluster = Cluster.objects.order_by("code")[:2]
    populate(small_cluster, 0, 50)
    populate(big_cluster, 100_000, big)
    rows = {"baseline": [], "big": []}
    for _run in range(runs):
        for label, cluster in (("baseline", small_cluster), ("big", big_cluster)):
            rows[label].append(measure(cluster))
    summary = {}
    for label, values in rows.items():
        queries = values[-1][0]
        seconds = statistics.median(v[1] for v in values)
        recipients = values[-1][2]
        per = seconds / recipients * 1000
        summary[label] = (queries, seconds, recipients, per)
        print(
            f"{label:8s} {recipients:6d} recipients  {queries:4d} queries  "
            f"{seconds:7.3f} s (median of {runs})  {per:6.3f} ms per recipient"
        )
    (q0, _s0, r0, p0), (q1, _s1, r1, p1) = summary["baseline"], summary["big"]
    print(f"recipients ×{r1 / r0:.0f}: queries ×{q1 / q0:.2f}, time per recipient ×{p1 / p0:.2f}")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 5000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 3,
    )
