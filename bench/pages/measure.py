"""Every HTML page of every demo persona, cold and warm, against /healthz (bench/README.md).

    .venv/bin/python bench/pages/measure.py            # fresh demo database, 3 runs
    KEEP_DB=1 .venv/bin/python bench/pages/measure.py  # the database of an earlier run
    .venv/bin/python bench/pages/measure.py --only surveys: --runs 5

Loads the demo (`clustermonitor demo --no-serve`: migrate and load, as the demo does)
into a fresh SQLite database under WORK (default /tmp/clustermonitor-bench-pages), then,
in this process, with Django's test client and the settings the demo serves with (DEBUG
off, the local-memory cache, tasks run at once): for each demo persona, every page of the
permission matrix (tests/matrix_routes.py) that the persona may open and that answers
HTML, with the URL built for the demo's objects (cluster A is EUKA, the survey wave is
the demo's 2019 wave), plus a few pages with the query strings people use
(`EXTRA`).

Each run: /healthz `BASELINE` times (its median is the run's baseline), then every page
once **cold** (the cache emptied first: no kept page, no kept figure, as after a
restart), then `--repeats` times **warm**: a new session of the persona asks for it
(kept figures are used as the demo uses them, the session's own kept page is not there
yet), and **again**: that session asks once more. Printed per page: the median over the
runs of each (a run's warm and again times are the medians of its repeats), with the
smallest and largest run in brackets, and the warm median as a ratio to the run's own
baseline. Pages over `--budget` ms (500) warm or again are flagged with "!", cold ones
with "c"; `--strict` exits 1 when a page is over the budget warm or again
(`--strict-cold` when cold).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = Path(os.environ.get("WORK", "/tmp/clustermonitor-bench-pages"))
BASELINE = 30

#: Demo login of each persona of the permission matrix.
PERSONAS = {
    "programme_manager": "programme.manager",
    "account_manager": "account.manager",
    "evaluator": "evaluator",
    "cluster_manager_a": "cluster.euka",
    "cluster_manager_b": "cluster.bim",
    "member_contact": "member.contact",
}

#: Pages with the query strings they are opened with (route name, persona rows as the
#: route's own in the matrix, query string).
EXTRA = [
    ("members:cofinancing", "?year=2019"),
    ("members:table8", "?year=2019"),
]


def prepare_database() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    database = WORK / "clustermonitor.sqlite3"
    if os.environ.get("KEEP_DB") and database.exists():
        return
    for path in WORK.glob("clustermonitor.sqlite3*"):
        path.unlink()
    started = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv/bin/clustermonitor"), "demo", "--no-serve"],
        check=True,
        env=environment(),
        stdout=subprocess.DEVNULL,
    )
    print(f"demo loaded into {database} in {time.perf_counter() - started:.0f} s", flush=True)


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


def demo_objects():
    """The demo's own records for the objects the matrix asks for (tests/matrix_objects
    builds one of each where the demo has none: an import batch, a KBO import...)."""
    from clustermonitor.collaborations.models import Collaboration
    from clustermonitor.maturity.models import Assessment
    from clustermonitor.members.models import Membership
    from clustermonitor.monitoring.models import ProgressReport
    from clustermonitor.programmes.models import Cluster
    from clustermonitor.surveys.models import Wave

    euka = Cluster.objects.get(code="EUKA")

    def membership():
        return (
            Membership.objects.filter(cluster=euka, organisation__figures__isnull=False)
            .filter(contacts__isnull=False, contributions__isnull=False)
            .order_by("pk")
            .first()
        )

    def contact():
        return membership().contacts.order_by("pk").first()

    def figures():
        return membership().organisation.figures.order_by("pk").first()

    def contribution():
        return membership().contributions.order_by("pk").first()

    def activity():
        return euka.activities.filter(participations__isnull=False).order_by("pk").first()

    def participation():
        return activity().participations.order_by("pk").first()

    def collaboration():
        return Collaboration.objects.filter(clusters=euka).order_by("pk").first()

    def report():
        return (
            ProgressReport.objects.filter(period__cluster=euka, versions__isnull=False)
            .order_by("pk")
            .first()
        )

    def wave():
        return Wave.objects.order_by("pk").first()

    def survey_token():
        from clustermonitor.surveys.tokens import token_for

        return token_for(wave().invitations.order_by("pk").first())

    def assessment():
        return Assessment.objects.filter(cluster=euka).order_by("pk").first()

    def answer():
        return assessment().answers.order_by("pk").first()

    found = (membership, contact, figures, contribution, activity, participation)
    found += (collaboration, report, wave, survey_token, assessment, answer)
    return {function.__name__: function for function in found}


def setup():
    os.environ.update(environment())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from tests import matrix_objects

    for name, function in demo_objects().items():
        setattr(matrix_objects, name, _or_matrix(function, getattr(matrix_objects, name)))


def _or_matrix(demo, matrix):
    def get(*args, **kwargs):
        found = demo()
        return found if found is not None else matrix(*args, **kwargs)

    return get


def clients() -> dict:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from clustermonitor.accounts import twofactor
    from clustermonitor.accounts.models import User

    made = {}
    for persona, username in PERSONAS.items():
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        if twofactor.required(user):
            # As after the second step: an enrolled app and a verified session.
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, confirmed=True, defaults={"name": twofactor.TOTP_NAME}
            )
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        made[persona] = client
    return made


def pages(only: str | None) -> list[tuple[str, str, str]]:
    """(persona, route, url) of every HTML page each persona may open."""
    from tests.matrix_routes import MATRIX

    found = []
    urls = {}
    for route, (build, statuses) in MATRIX.items():
        if route.startswith("api:") or route == "core:healthz":
            continue
        if only and not route.startswith(only):
            continue
        try:
            urls[route] = build()
        except Exception as error:  # an object the demo has not and matrix_objects cannot
            print(f"skipped {route}: {error!r}", file=sys.stderr)
            continue
        for persona in PERSONAS:
            if statuses[persona] == 200:
                found.append((persona, route, urls[route]))
    for route, query in EXTRA:
        if route in urls:
            statuses = MATRIX[route][1]
            for persona in PERSONAS:
                if statuses[persona] == 200:
                    found.append((persona, route + query, urls[route] + query))
    return found


def timed(client, url) -> tuple[float, object]:
    started = time.perf_counter()
    response = client.get(url)
    if hasattr(response, "streaming_content") and response.streaming:
        b"".join(response.streaming_content)
    return (time.perf_counter() - started) * 1000, response


def baseline(client) -> float:
    times = [timed(client, "/healthz")[0] for _ in range(BASELINE)]
    return statistics.median(times)


def new_session(client):
    """A client with a session of its own for the same signed-in user (as another
    browser, or the same person on another day, would have)."""
    from importlib import import_module

    from django.conf import settings
    from django.test import Client

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store.update(dict(client.session.items()))
    store.create()
    fresh = Client()
    fresh.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    return fresh


def one_run(made, listed, repeats) -> tuple[float, dict]:
    from django.core.cache import cache

    base = baseline(made["programme_manager"])
    figures = {}
    for persona, route, url in listed:
        client = made[persona]
        cache.clear()
        cold, response = timed(client, url)
        kind = response.get("Content-Type", "")
        if response.status_code != 200 or not kind.startswith("text/html"):
            figures[(persona, route)] = None  # a download or not a page for this persona
            continue
        warm, again = [], []
        for _ in range(repeats):
            fresh = new_session(client)
            warm.append(timed(fresh, url)[0])
            again.append(timed(fresh, url)[0])
        figures[(persona, route)] = (cold, statistics.median(warm), statistics.median(again))
    base = statistics.median([base, baseline(made["programme_manager"])])
    return base, figures


def spread(values) -> str:
    return f"{statistics.median(values):7.0f} [{min(values):.0f}–{max(values):.0f}]"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3, help="new sessions per page and run")
    parser.add_argument("--budget", type=float, default=500, help="ms")
    parser.add_argument("--only", help="routes starting with this (e.g. surveys:)")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a page is over warm")
    parser.add_argument("--strict-cold", action="store_true", help="exit 1 if over cold")
    parser.add_argument("--json", type=Path, help="write the figures here")
    options = parser.parse_args()

    prepare_database()
    setup()
    made = clients()
    listed = pages(options.only)
    print(f"{len(listed)} pages × personas, {options.runs} runs, {options.repeats} warm repeats")
    runs = []
    for number in range(options.runs):
        started = time.perf_counter()
        runs.append(one_run(made, listed, options.repeats))
        took = time.perf_counter() - started
        print(f"run {number + 1}: baseline {runs[-1][0]:.2f} ms, {took:.0f} s", flush=True)

    bases = [base for base, _ in runs]
    print(f"\nbaseline /healthz: {spread(bases).strip()} ms (median of {BASELINE} per run)")
    print(
        f"\n{'persona':<18} {'page':<40} {'cold ms [min–max]':>21} {'warm ms [min–max]':>21}"
        f" {'×base':>6} {'again ms [min–max]':>21}"
    )
    over_warm = over_cold = 0
    table = []
    for persona, route, url in listed:
        measured = [(base, fig[(persona, route)]) for base, fig in runs]
        if any(value is None for _, value in measured):
            continue
        cold, warm, again = ([value[i] for _, value in measured] for i in range(3))
        ratio = statistics.median(value[1] / base for base, value in measured)
        flag = ""
        if max(statistics.median(warm), statistics.median(again)) > options.budget:
            flag += "!"
            over_warm += 1
        if statistics.median(cold) > options.budget:
            flag += "c"
            over_cold += 1
        print(
            f"{persona:<18} {route:<40} {spread(cold):>21} {spread(warm):>21}"
            f" {ratio:>5.0f}× {spread(again):>21} {flag}"
        )
        table.append(
            {
                "persona": persona,
                "route": route,
                "url": url,
                "cold_ms": cold,
                "warm_ms": warm,
                "again_ms": again,
                "warm_ratio": ratio,
            }
        )
    print(
        f"\n{len(table)} pages; over {options.budget:.0f} ms: {over_warm} warm (!),"
        f" {over_cold} cold (c)"
    )
    if options.json:
        options.json.write_text(json.dumps({"baseline_ms": bases, "pages": table}, indent=1))
    if (options.strict and over_warm) or (options.strict_cold and over_cold):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
