"""Latency of the public finder by enterprise number (docs/finder.md), in process.

Run against a database with the demo at ×10 (as bench/web/run.sh builds it):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clustermonitor_bench \\
        .venv/bin/python bench/finder/bench_finder.py [N]

Asks `GET /api/public/finder?enterprise_number=…` and `GET /finder/?enterprise_number=…`
through Django's test client (every middleware, no network, one process) for N
enterprise numbers of the registry (members of running clusters and others, spread over
the registry), after a warm-up of 20, and prints p50/p95/max per route and the queries
of one request. Then the same ranking as of 2018-06-30, when the demo's 200 IBNs ran
(today only the present's three clusters do): the grouped queries over every membership
of the programme. Not part of the suite; the server-level figures (gunicorn, wrk) are
bench/web's.
"""

import contextlib
import datetime
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clustermonitor.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from clustermonitor.members import finder  # noqa: E402
from clustermonitor.registry.models import Organisation  # noqa: E402

PAST = datetime.date(2018, 6, 30)


def main(n: int = 200) -> None:
    numbers = list(
        Organisation.objects.filter(enterprise_number__isnull=False)
        .order_by("pk")
        .values_list("enterprise_number", flat=True)
    )
    step = max(1, len(numbers) // n)
    sample = numbers[::step][:n]
    client = Client()
    print(f"{Organisation.objects.count()} organisations, {len(sample)} numbers asked")
    for label, url in (("API", "/api/public/finder"), ("page", "/finder/")):
        for number in sample[:20]:
            client.get(url, {"enterprise_number": number})
        times, statuses = [], {}
        for number in sample:
            start = time.perf_counter()
            response = client.get(url, {"enterprise_number": number})
            times.append((time.perf_counter() - start) * 1000)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        with CaptureQueriesContext(connection) as queries:
            client.get(url, {"enterprise_number": sample[0]})
        print(
            f"{label:4} p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms  "
            f"max {times[-1]:6.1f} ms  statuses {statuses}  queries {len(queries)}"
        )

    # As of PAST: the grouped queries on every request (cold), then kept (core.memo).
    search = finder.search(nace="28.99", postcode="3000")
    cold = sorted(_ms(lambda: finder.cluster_profiles(PAST)) for _ in range(30))
    kept = []
    for number in sample:
        with contextlib.suppress(finder.FinderError):
            found = finder.search(enterprise_number=number)
            kept.append(_ms(lambda found=found: finder.find(found, on=PAST)))
    kept.sort()
    profiles, clusters = finder.cluster_profiles(PAST)
    members = sum(sum(p.nace.values()) for p in profiles)
    print(f"as of {PAST}: {len(clusters)} running clusters, {members} members with a NACE code")
    print(
        f"  profiles, grouped queries:  p50 {_p(cold, 0.5):6.1f} ms  p95 {_p(cold, 0.95):6.1f} ms"
    )
    print(
        f"  ranking with kept profiles: p50 {_p(kept, 0.5):6.1f} ms  p95 {_p(kept, 0.95):6.1f} ms"
    )
    print(f"  ({len(finder.find(search, on=PAST))} clusters for NACE 28.99 in 3000)")


def _ms(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def _p(times: list[float], q: float) -> float:
    return times[int(q * (len(times) - 1))]


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
