"""Time the list pages on a big database (issue 13: 18,817 members rendered in ~18 s).

    SQLITE_PATH=var/x10.sqlite3 .venv/bin/python bench/paging/measure.py [members]

On a database made with `clustermonitor load-demo` and `clustermonitor generate --scale 10`
(docs/demo.md). With a number, first grows cluster EUKA to that many current members
(bench organisations, bulk-inserted once). Renders each page in-process with Django's test
client as a programme manager, the kept-page cache off, and prints the best of 3 and the
query count."""

import datetime
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clustermonitor.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from clustermonitor.accounts.models import Role, User  # noqa: E402
from clustermonitor.members.models import Membership  # noqa: E402
from clustermonitor.programmes.models import Cluster  # noqa: E402
from clustermonitor.registry.models import Organisation  # noqa: E402

CODE = "EUKA"


def grow(cluster, members: int) -> None:
    have = Membership.objects.filter(cluster=cluster, end_date__isnull=True).count()
    if have >= members:
        return
    start = Organisation.objects.filter(name__startswith="Bench ").count()
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Bench {start + i:05d} NV", kind="company", postcode="9000")
        for i in range(members - have)
    )
    Membership.objects.bulk_create(
        Membership(organisation=o, cluster=cluster, start_date=datetime.date(2018, 1, 1))
        for o in organisations
    )


def manager() -> User:
    user = User.objects.filter(username="bench-pm").first()
    if user is None:
        from clustermonitor.accounts import services
        from clustermonitor.core import audit

        user = services.create_user(
            audit.Actor.system("bench"),
            username="bench-pm",
            password="bench password 1234",
            role=Role.PROGRAMME_MANAGER,
            cluster=None,
        )
    return user


def main(members: int | None) -> None:
    setup_test_environment()
    settings.CLUSTERMONITOR_MEMO = False  # time the rendering, not the kept page
    cluster = Cluster.objects.get(code=CODE)
    if members:
        grow(cluster, members)
    client = Client()
    client.force_login(manager())
    n = Membership.objects.filter(cluster=cluster).count()
    everyone = {"state": "all"}
    organisations = Organisation.objects.count()
    pages = [
        (f"member list {CODE} ({n})", reverse("members:member-list", args=[CODE]), everyone),
        ("member list .xlsx (all)", reverse("members:member-list-xlsx", args=[CODE]), everyone),
        (f"organisations ({organisations})", reverse("registry:organisation-list"), {}),
        ("activities", reverse("activities:activity-list", args=[CODE]), {}),
    ]
    for label, url, query in pages:
        best, queries = None, 0
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url, query)
                elapsed = time.perf_counter() - start
            assert response.status_code == 200, (url, response.status_code)
            best = elapsed if best is None else min(best, elapsed)
            queries = len(captured.captured_queries)
        size = len(response.content)
        print(f"{label:40s} {best * 1000:9.0f} ms  {queries:3d} queries  {size:>10,} bytes")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
