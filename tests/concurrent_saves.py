"""Many respondents saving survey pages at the same moment, against a file-based SQLite
database, through the whole web stack (Django's test client, one thread and one database
connection per respondent, as gunicorn threads or workers would have).

Run as a program by tests/test_concurrency.py (and by hand to measure):

    DATABASE_URL=sqlite:////tmp/copy.sqlite3 CLUSTERMONITOR_ENV=test \\
        python -m tests.concurrent_saves 20

The database must hold the reference portfolio (the suite copies its own). Prints one
line of JSON: how many saves were sent, how many failed (status other than the
redirect of a saved page, or an exception such as "database is locked") and how many
respondents lost a page (its answers are not in the database afterwards)."""

import datetime
import json
import os
import re
import secrets
import sys
import threading
from collections import Counter

PAGES = [
    ("p_activity", {"q1": "yes", "q2": "3"}),
    ("p_wish", {f"q3_e{n}": "1" for n in range(1, 12)}),
]


def _hidden(html: str) -> dict:
    fields: dict = {"shown": []}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html):
        if name == "shown":
            fields["shown"].append(value)
        elif name in ("page", "revision", "shown_at"):
            fields[name] = value
    return fields


def _setup(respondents: int) -> list[str]:
    from django.utils import timezone

    from clustermonitor.core import audit
    from clustermonitor.programmes.models import Cluster
    from clustermonitor.surveys import services_forms
    from clustermonitor.surveys.models import Invitation, Wave, hash_token
    from tests import factories

    cluster = Cluster.objects.get(code="EUKA")
    questionnaire = services_forms.load_default_questionnaire(
        cluster.programme, audit.Actor.system("concurrency test")
    )
    today = timezone.localdate()
    wave = Wave.objects.create(
        questionnaire=questionnaire,
        name=f"Concurrency {secrets.token_hex(4)}",
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=1),
    )
    wave.clusters.set([cluster])
    tokens = []
    first = 5_000_000 + secrets.randbelow(4_000_000)  # unused enterprise numbers
    for i in range(first, first + respondents):
        token = secrets.token_urlsafe(32)
        Invitation.objects.create(
            wave=wave,
            organisation=factories.organisation(i, name=f"Concurrent {i}"),
            cluster=cluster,
            email="info@example.be",
            token_hash=hash_token(token),
            nonce=secrets.token_hex(16),
            profile={"cluster": "EUKA", "call": "1", "size": "small", "employees": 12},
        )
        tokens.append(token)
    return tokens


def run(respondents: int = 20) -> dict:
    from django.db import connections
    from django.test import Client
    from django.urls import reverse

    from clustermonitor.surveys.models import Response, hash_token

    tokens = _setup(respondents)
    connections.close_all()
    start = threading.Barrier(respondents)
    outcomes: list[str] = []
    lock = threading.Lock()

    def respondent(token: str) -> None:
        client = Client()
        url = reverse("surveys:respond", args=[token])
        html = client.get(url).content.decode()
        start.wait()
        for _page, data in PAGES:
            try:
                response = client.post(url, {**_hidden(html), **data, "action": "next"})
                outcome = "saved" if response.status_code == 302 else str(response.status_code)
                html = client.get(url).content.decode()
            except Exception as error:  # a 500: the test client re-raises it
                outcome = f"{type(error).__name__}: {error}"[:80]
            with lock:
                outcomes.append(outcome)
        connections.close_all()

    threads = [threading.Thread(target=respondent, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    expected = {k: v for _page, data in PAGES for k, v in data.items()}
    lost = 0
    for token in tokens:
        response = Response.objects.filter(invitation__token_hash=hash_token(token)).first()
        answers = response.answers if response else {}
        if any(answers.get(k) != v for k, v in expected.items()):
            lost += 1
    counts = Counter(outcomes)
    return {
        "saves": len(outcomes),
        "errors": len(outcomes) - counts["saved"],
        "lost": lost,
        "outcomes": dict(counts),
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clustermonitor.settings")
    import django

    django.setup()
    from django.db import connection

    respondents = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    result = run(respondents)
    result["journal_mode"] = connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
