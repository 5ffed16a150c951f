"""Double clicks at the same moment, through the whole web stack (Django's test client,
one thread and one database connection per click, as gunicorn threads or workers would
have), against a copy of the suite's database (PostgreSQL or a SQLite file).

Run as a program by tests/test_registration_concurrency.py:

    DATABASE_URL=postgres://…/copy CLUSTERMONITOR_ENV=test \\
        python -m tests.concurrent_registrations 8 3

Per visitor, `clicks` identical registrations are posted at once; then, per registrant,
`clicks` check-ins by the scanner's token and `clicks` by the search page's button, all
at once. Prints one line of JSON: the registrations, participations and e-mails there
are afterwards, the check-ins' outcomes, and the requests that failed."""

import datetime
import json
import os
import sys
import threading
from collections import Counter


def _setup(visitors: int):
    from django.utils import timezone

    from clustermonitor.activities.models import Activity
    from clustermonitor.programmes.models import Cluster
    from clustermonitor.registrations.models import RegistrationSettings
    from clustermonitor.registry.models import Organisation
    from tests import factories

    cluster = Cluster.objects.get(code="EUKA")
    activity = Activity.objects.create(
        title=f"Concurrency {timezone.now():%H%M%S%f}",
        kind="event",
        date=datetime.date.today(),
        public=True,
    )
    activity.clusters.add(cluster)
    # Fewer places than visitors: the place count must hold under the race too.
    RegistrationSettings.objects.create(activity=activity, capacity=visitors // 2)
    numbers = []
    for i in range(visitors):
        org = Organisation.objects.filter(name=f"Concurrent registrant {i}").first()
        if org is None:
            org = factories.organisation(6_100_000 + i, name=f"Concurrent registrant {i}")
            factories.membership(org, cluster)
        numbers.append(org.enterprise_number)
    return activity, numbers


def _all_at_once(jobs) -> list[str]:
    from django.db import connections

    connections.close_all()
    start = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(job):
        start.wait()
        try:
            outcome = job()
        except Exception as error:  # a 500: the test client re-raises it
            outcome = f"{type(error).__name__}: {error}"[:120]
        with lock:
            outcomes.append(outcome)
        connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def run(visitors: int = 8, clicks: int = 3) -> dict:
    from django.core import mail
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from clustermonitor.accounts.models import User
    from clustermonitor.activities.models import Participation
    from clustermonitor.registrations.models import Registration
    from tests.conftest import verify_session

    setup_test_environment()  # the locmem mail backend: mail.outbox
    mail.outbox = []
    activity, numbers = _setup(visitors)
    register = reverse("registrations:register", args=[activity.pk])

    def registration(i):
        def click():
            response = Client().post(
                register,
                {
                    "name": f"Visitor {i}",
                    "email": f"visitor{i}@example.org",
                    "enterprise_number": numbers[i],
                    "consent": "on",
                },
            )
            return "redirect" if response.status_code == 302 else str(response.status_code)

        return click

    registered = _all_at_once([registration(i) for i in range(visitors) for _ in range(clicks)])
    rows = Registration.objects.filter(activity=activity)
    places = rows.filter(status="registered").count()
    waiting = rows.filter(status="waitlisted").count()

    manager = User.objects.get(username="cluster_manager_a")
    scan = reverse("registrations:check-in-scan", args=[activity.pk])
    people = list(Registration.objects.filter(activity=activity).order_by("pk"))

    def client():
        c = Client()
        c.force_login(manager)
        verify_session(c, manager)
        return c

    def by_token(person):
        def click():
            response = client().post(scan, {"token": person.token})
            return response.json().get("outcome", str(response.status_code))

        return click

    def by_button(person):
        def click():
            url = reverse("registrations:check-in-registration", args=[person.pk])
            return "redirect" if client().post(url).status_code == 302 else "error"

        return click

    checked = _all_at_once(
        [by_token(p) for p in people for _ in range(clicks)]
        + [by_button(p) for p in people for _ in range(clicks)]
    )
    return {
        "visitors": visitors,
        "clicks": clicks,
        "registration_outcomes": dict(Counter(registered)),
        "registrations": rows.count(),
        "capacity": activity.registration_settings.capacity,
        "places": places,
        "waiting": waiting,
        "emails": len(mail.outbox),
        "check_in_outcomes": dict(Counter(checked)),
        "checked_in": rows.filter(checked_in_at__isnull=False).count(),
        "participations": Participation.objects.filter(activity=activity).count(),
        "distinct_participations": Participation.objects.filter(activity=activity)
        .values("organisation", "name")
        .distinct()
        .count(),
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clustermonitor.settings")
    import django

    django.setup()
    visitors = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    clicks = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print(json.dumps(run(visitors, clicks)))


if __name__ == "__main__":
    main()
