"""The programme's benchmark page at ×10 (issue 21; bench/README.md).

    .venv/bin/python bench/benchmark/measure.py              # builds the ×10 database, 5 runs
    KEEP_DB=1 .venv/bin/python bench/benchmark/measure.py    # the database of an earlier run
    .venv/bin/python bench/benchmark/measure.py --scale 3 --runs 3

Builds a SQLite database under WORK (default /tmp/clustermonitor-bench-benchmark):
migrate, load-reference, `generate --scale 10` (200 clusters). Then, in this process with
Django's test client and the settings the demo serves with (DEBUG off, the local-memory
cache): per run, /healthz `BASELINE` times (its median is the run's baseline), then the
programme's benchmark (`/benchmark/?on=…`) for the programme manager once cold and
`--repeats` times warm, and a cluster's benchmark for its manager warm. Prints the medians
over the runs, the ratio of the warm page to the run's baseline, the page's query count,
and flags a warm programme page over `--budget` ms (1000).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = Path(os.environ.get("WORK", "/tmp/clustermonitor-bench-benchmark"))
BASELINE = 30


def environment() -> dict:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.pop("CACHE_URL", None)
    env.update(
        CLUSTERMONITOR_VAR_DIR=str(WORK),
        CLUSTERMONITOR_ENV="development",
        DEBUG="0",
        LOG_LEVEL="ERROR",
        TASKS_BACKEND="immediate",
        DJANGO_SETTINGS_MODULE="clustermonitor.settings",
    )
    return env


def prepare(scale: int) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    database = WORK / "clustermonitor.sqlite3"
    marker = WORK / f"scale-{scale}"
    if os.environ.get("KEEP_DB") and database.exists() and marker.exists():
        return
    for path in WORK.glob("clustermonitor.sqlite3*"):
        path.unlink()
    for path in WORK.glob("scale-*"):
        path.unlink()
    binary = str(ROOT / ".venv/bin/clustermonitor")
    started = time.perf_counter()
    for args in (["migrate", "-v0"], ["load-reference"], ["generate", "--scale", str(scale)]):
        subprocess.run([binary, *args], check=True, env=environment(), stdout=subprocess.DEVNULL)
    marker.touch()
    print(f"×{scale} built in {time.perf_counter() - started:.0f} s", flush=True)


def client_for(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from clustermonitor.accounts import twofactor

    client = Client()
    client.force_login(user)
    if twofactor.required(user):
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": twofactor.TOTP_NAME}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def timed(client, url: str) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(queries.captured_queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--on", default="2020-01-31", help="the page's ?on= (the evaluation)")
    parser.add_argument("--budget", type=float, default=1000.0)
    options = parser.parse_args()
    prepare(options.scale)
    os.environ.update(environment())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.cache import cache
    from django.urls import reverse

    from clustermonitor.accounts.models import Role, RoleAssignment
    from clustermonitor.programmes.models import Cluster

    manager = (
        RoleAssignment.objects.filter(role=Role.PROGRAMME_MANAGER, user__is_active=True)
        .order_by("user__username")
        .first()
        .user
    )
    held = (
        RoleAssignment.objects.filter(
            role=Role.CLUSTER_MANAGER, user__is_active=True, cluster__isnull=False
        )
        .select_related("user", "cluster")
        .order_by("user__username")
        .first()
    )
    cluster_user, own_cluster = held.user, held.cluster
    agency, own = client_for(manager), client_for(cluster_user)
    n = Cluster.objects.count()
    programme_url = reverse("programmes:benchmark") + f"?on={options.on}"
    cluster_url = (
        reverse("programmes:cluster-benchmark", args=[own_cluster.code]) + f"?on={options.on}"
    )
    health = reverse("core:healthz") if _has_route("core:healthz") else "/healthz"
    base_runs, cold_runs, warm_runs, own_runs, queries = [], [], [], [], 0
    for _run in range(options.runs):
        base = statistics.median(timed(agency, health)[0] for _ in range(BASELINE))
        cache.clear()
        cold, queries = timed(agency, programme_url)
        warm = statistics.median(timed(agency, programme_url)[0] for _ in range(options.repeats))
        mine = statistics.median(timed(own, cluster_url)[0] for _ in range(options.repeats))
        base_runs.append(base)
        cold_runs.append(cold)
        warm_runs.append(warm)
        own_runs.append(mine)
    ratio = [w / b for w, b in zip(warm_runs, base_runs, strict=True)]

    def show(values):
        return f"{statistics.median(values):8.1f} [{min(values):.1f}–{max(values):.1f}]"

    print(f"clusters: {n}; as of {options.on}; runs: {options.runs} × {options.repeats}")
    print(f"/healthz baseline ms      {show(base_runs)}")
    print(f"programme benchmark cold  {show(cold_runs)}  ({queries} queries)")
    flag = " !" if statistics.median(warm_runs) > options.budget else ""
    print(f"programme benchmark warm  {show(warm_runs)}{flag}  ×{statistics.median(ratio):.0f}")
    print(f"cluster benchmark warm    {show(own_runs)}")
    return 1 if flag else 0


def _has_route(name: str) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
