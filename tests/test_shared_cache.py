"""The shared cache (CACHE_URL, core.sharedcache): the backend that CACHE_URL selects,
and correctness with a real Redis — kept pages shared by every process but never
between sessions, never read after a committed write, and an unreachable Redis that
degrades to computing instead of a 500.

Needs Redis (127.0.0.1:6379, database TEST_REDIS_DB or 5; TEST_REDIS_URL overrides):
skipped with a message when it does not answer, except where
CLUSTERMONITOR_REQUIRE_REDIS=1 (CI), where that fails instead."""

import datetime
import json
import os
import subprocess
import sys
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clustermonitor.accounts.models import Role
from clustermonitor.core import sharedcache
from clustermonitor.core.memo import memo_key
from clustermonitor.programmes.models import Cluster
from tests import factories
from tests.conftest import CLUSTER_A, PASSWORD

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def _settings_in_a_fresh_process(**env) -> dict:
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.CACHES['default']['BACKEND'], s.CACHES['default'].get('LOCATION'), "
        "s.CLUSTERMONITOR_SHARED_CACHE, s.SESSION_ENGINE]))"
    )
    environment = {
        k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="clustermonitor.settings", **env)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=60
    )
    return {"out": result.stdout.strip(), "err": result.stderr, "code": result.returncode}


def test_without_cache_url_each_process_keeps_its_own():
    result = _settings_in_a_fresh_process()
    backend, _location, shared, sessions = json.loads(result["out"])
    assert backend == "django.core.cache.backends.locmem.LocMemCache"
    assert shared is False
    # A per-process cache must not hold sessions: a logout would miss the other workers.
    assert sessions == "django.contrib.sessions.backends.db"


def test_a_redis_cache_url_shares_one_cache_and_the_sessions():
    result = _settings_in_a_fresh_process(CACHE_URL="redis://127.0.0.1:6379/7")
    backend, location, shared, sessions = json.loads(result["out"])
    assert backend == "django.core.cache.backends.redis.RedisCache"
    assert location == "redis://127.0.0.1:6379/7"
    assert shared is True
    assert sessions == "clustermonitor.core.sessions"


def test_an_unknown_cache_url_stops_start_up_with_a_message():
    result = _settings_in_a_fresh_process(CACHE_URL="memcached://127.0.0.1:11211")
    assert result["code"] != 0
    assert "CACHE_URL='memcached://127.0.0.1:11211'" in result["err"]


def test_equal_inputs_give_one_key_in_every_process():
    """Web workers have different hash seeds; a set of strings pickles in seed order."""
    code = (
        "from clustermonitor.core.memo import memo_key; "
        "print(memo_key('x', ({f'c{i}' for i in range(40)}, {'k': frozenset('abcdefgh')})))"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            timeout=60,
            check=True,
        ).stdout.strip()
        for seed in (1, 2, 3)
    }
    assert len(keys) == 1
    assert keys == {memo_key("x", ({f"c{i}" for i in range(40)}, {"k": frozenset("abcdefgh")}))}


# -- With a real Redis ---------------------------------------------------------------------


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        message = f"Redis does not answer at {REDIS_URL} ({error})"
        if os.environ.get("CLUSTERMONITOR_REQUIRE_REDIS") == "1":
            pytest.fail(message + "; CLUSTERMONITOR_REQUIRE_REDIS=1")
        pytest.skip(message + ": the shared-cache tests need it")
    return client


def _shared(settings, location, prefix):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 2},
        }
    }
    settings.CLUSTERMONITOR_SHARED_CACHE = True
    settings.CLUSTERMONITOR_MEMO = True
    settings.SESSION_ENGINE = "clustermonitor.core.sessions"


@pytest.fixture
def redis_cache(settings, db):
    """Django's cache on the real Redis, under a prefix of this test's own."""
    client = _redis_or_skip()
    prefix = f"cm-test-{uuid.uuid4().hex[:12]}"
    _shared(settings, REDIS_URL, prefix)
    yield client, prefix
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Writes inside it run their on-commit hooks as a real commit would (the test runs in
    one transaction that is rolled back, never committed). The hooks of earlier writes
    (the logins') run first: outside a test each request's writes commit on their own."""

    def run():
        commit_earlier_writes()
        return django_capture_on_commit_callbacks(execute=True)

    return run


def commit_earlier_writes():
    """Run the commit hooks of the test's earlier writes (logins, fixtures), as their
    requests' commits would have."""
    for entry in list(connection.run_on_commit):
        if entry[1] is sharedcache.bump:
            connection.run_on_commit.remove(entry)
            sharedcache.bump()


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries.captured_queries)


def test_a_kept_page_lives_in_redis_and_every_worker_reads_it(redis_cache, client_for):
    redis, prefix = redis_cache
    client = client_for("programme_manager")
    url = reverse("monitoring:dashboard")
    commit_earlier_writes()
    first = client.get(url)
    assert "X-Kept-Page" not in first
    assert list(redis.scan_iter(match=f"{prefix}:*:page:*"))  # in Redis, not in this process
    again, queries = _get(client, url)
    assert again["X-Kept-Page"] == "1" and again.content == first.content
    # Between writes a kept page reads no row: the session, the signed-in user with
    # their roles and the version of the records come from Redis.
    assert queries == 0


def test_a_kept_page_costs_three_round_trips_to_redis(redis_cache, client_for, monkeypatch):
    """The session with the generation, the user with the records' version, the page:
    on a busy machine each round trip is a wait for Redis, most of a kept page's cost."""
    from django.core.cache.backends.redis import RedisCacheClient

    calls = []
    for name in ("get", "get_many", "set", "add", "set_many", "delete", "touch"):
        original = getattr(RedisCacheClient, name)

        def counted(self, *args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(RedisCacheClient, name, counted)
    for url in (reverse("monitoring:dashboard"), reverse("members:member-list", args=[CLUSTER_A])):
        client = client_for("programme_manager")
        commit_earlier_writes()
        client.get(url)
        calls.clear()
        again, queries = _get(client, url)
        assert again["X-Kept-Page"] == "1" and queries == 0
        assert len(calls) == 3, (url, calls)  # was 5 (4 for a dashboard)


def test_a_kept_member_list_reads_no_row(redis_cache, client_for):
    client = client_for("cluster_manager_a")
    commit_earlier_writes()
    url = reverse("members:member-list", args=[CLUSTER_A])
    first = client.get(url)
    again, queries = _get(client, url)
    assert again["X-Kept-Page"] == "1" and again.content == first.content and queries == 0
    assert client.get(reverse("members:member-list", args=["BIM"])).status_code == 404


def test_pages_are_not_shared_between_sessions(redis_cache, client_for):
    url = reverse("monitoring:dashboard")
    client_for("programme_manager").get(url)
    other = client_for("programme_manager", own_session=True).get(url)
    assert "X-Kept-Page" not in other
    evaluator = client_for("evaluator").get(url)
    assert "X-Kept-Page" not in evaluator and b"Evaluator" in evaluator.content


def test_a_committed_write_is_seen_by_the_next_request(redis_cache, client_for, committed):
    client = client_for("programme_manager")
    url = reverse("members:member-list", args=[CLUSTER_A])
    client.get(url)
    assert client.get(url)["X-Kept-Page"] == "1"
    with committed():  # not audited: a bulk loader's kind of write
        organisation = factories.organisation(8124, name="Shared Cache NV")
        factories.membership(
            organisation, Cluster.objects.get(code=CLUSTER_A), start=datetime.date(2019, 1, 1)
        )
    after = client.get(url)
    assert "X-Kept-Page" not in after and b"Shared Cache NV" in after.content


def test_a_write_announces_itself_once_and_only_when_committed(
    redis_cache, django_capture_on_commit_callbacks
):
    commit_earlier_writes()
    before = sharedcache.generation()
    with django_capture_on_commit_callbacks() as callbacks:
        factories.organisation(8125)
        factories.organisation(8126)
        assert sharedcache.generation() == before  # not yet committed
    assert [c for c in callbacks if c is sharedcache.bump] == [sharedcache.bump]
    callbacks[0]()
    assert sharedcache.generation() != before


def test_a_role_taken_away_past_the_audit_log_is_seen_at_once(
    redis_cache, client_for, persona, committed
):
    client = client_for("evaluator")
    url = reverse("monitoring:dashboard")
    assert client.get(url).status_code == 200
    assert client.get(url)["X-Kept-Page"] == "1"
    with committed():
        persona("evaluator").role_assignments.filter(role=Role.EVALUATOR).delete()
    assert client.get(url).status_code == 404


def test_a_logout_ends_the_session_in_every_worker(redis_cache, client_for):
    client = client_for("programme_manager")
    url = reverse("monitoring:dashboard")
    assert client.get(url).status_code == 200
    cookie = client.cookies["sessionid"].value
    client.post(reverse("accounts:logout"))
    replay = client_for("anonymous")
    replay.cookies["sessionid"] = cookie
    assert replay.get(url).status_code == 302


def test_reads_inside_a_transaction_with_its_own_writes_bypass_the_mirrors(redis_cache):
    from clustermonitor.core.pagecache import records_version

    commit_earlier_writes()
    kept = records_version()
    factories.organisation(8127)  # not committed yet: the mirror must not answer
    assert records_version() != kept


# -- Redis unreachable ------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings, db):
    """The shared cache configured, but nothing listens there (port 1 refuses)."""
    _shared(settings, "redis://127.0.0.1:1/0", "cm-down")


def test_an_unreachable_redis_degrades_to_computing(redis_down, client_for, english):
    client = client_for("programme_manager")
    for url in (
        reverse("monitoring:dashboard"),
        reverse("members:member-list", args=[CLUSTER_A]),
        reverse("members:reach-cluster", args=[CLUSTER_A]),
    ):
        first, again = client.get(url), client.get(url)
        assert first.status_code == again.status_code == 200
        assert "X-Kept-Page" not in again  # nothing kept, everything computed
    with pytest.raises(Exception):  # noqa: B017 (whatever redis-py raises)
        cache.get("anything")


def test_login_and_logout_work_while_redis_is_unreachable(redis_down, client_for):
    from django.test import Client

    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": "cluster_manager_a", "password": PASSWORD}
    )  # a cluster manager: no second step (optional for the role)
    assert response.status_code == 302
    page = reverse("members:member-list", args=[CLUSTER_A])
    assert client.get(page).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(page).status_code == 302


# -- Heavy results computed by the background worker ---------------------------------------


@pytest.fixture
def queued(redis_cache, settings):
    """Tasks queued, not run (the worker is the test, below)."""
    from django.tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    commit_earlier_writes()
    return task_backends["default"]


def _run_queued(backend):
    for result in backend.results:
        result.task.call(*result.args, **result.kwargs)
    count = len(backend.results)
    backend.results.clear()
    return count


def test_table8_chart_is_computed_by_the_worker_and_never_older(queued, web, cluster_a, english):
    from tests.test_figures_pages import _paying_members

    _paying_members(cluster_a, 3, 1000)
    client = web("programme_manager")
    commit_earlier_writes()
    url = reverse("members:table8")
    waiting = client.get(url, {"year": 2018})
    assert waiting.status_code == 200 and "<svg" not in waiting.content.decode()
    assert "The chart is being computed" in waiting.content.decode()
    assert 'hx-get="?year=2018&amp;programme=' in waiting.content.decode()
    again = client.get(url, {"year": 2018})  # not kept while waiting, queued once
    assert "X-Kept-Page" not in again and "<svg" not in again.content.decode()
    assert _run_queued(queued) == 1
    part = client.get(url, {"year": 2018, "part": "chart", "poll": 1}, HTTP_HX_REQUEST="true")
    assert part.content.decode().lstrip().startswith('<section class="card" id="table8-chart">')
    assert "<svg" in part.content.decode()
    page = client.get(url, {"year": 2018})
    assert "<svg" in page.content.decode()

    # A changed fee (audited, as every change of the application): the kept chart is not
    # shown; the worker computes the new one.
    from clustermonitor.core import audit
    from clustermonitor.members.models import Contribution

    fee = Contribution.objects.filter(membership__cluster=cluster_a).first()
    fee.amount = 4000
    audit.save(audit.Actor.system("tests"), fee)
    commit_earlier_writes()
    changed = client.get(url, {"year": 2018})
    assert "<svg" not in changed.content.decode() and _run_queued(queued) == 1
    assert "<svg" in client.get(url, {"year": 2018}).content.decode()


def test_a_chart_nobody_computes_is_computed_by_the_page_in_the_end(queued, web, cluster_a):
    from tests.test_figures_pages import _paying_members

    _paying_members(cluster_a, 3, 1000)
    client = web("programme_manager")
    commit_earlier_writes()
    url = reverse("members:table8")
    part = client.get(url, {"year": 2018, "part": "chart", "poll": 30}, HTTP_HX_REQUEST="true")
    assert "<svg" in part.content.decode()


def test_the_network_is_computed_by_the_worker(queued, web, english):
    client = web("programme_manager")
    url = reverse("collaborations:network")
    waiting = client.get(url)
    assert "The network is being computed" in waiting.content.decode()
    assert "<svg" not in waiting.content.decode()
    assert _run_queued(queued) == 1
    body = client.get(url, {"part": "body", "poll": 1}, HTTP_HX_REQUEST="true")
    assert body.content.decode().startswith('<div id="network-body">')
    assert "<svg" in body.content.decode() and "EUKA" in body.content.decode()
    assert "<svg" in client.get(url).content.decode()
    download = client.get(url, {"format": "xlsx"})  # a download never waits
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")


def _write_a_fee(cluster, amount):
    """A changed fee, audited as every change of the application, committed."""
    from clustermonitor.core import audit
    from clustermonitor.members.models import Contribution

    fee = Contribution.objects.filter(membership__cluster=cluster).order_by("pk").first()
    fee.amount = amount
    audit.save(audit.Actor.system("tests"), fee)
    commit_earlier_writes()


def _counting(monkeypatch, module, name):
    """Count the calls of `module.name` (still calling it)."""
    calls = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_table8_after_a_write_answers_at_once_and_the_worker_fills_it(
    queued, web, cluster_a, english, monkeypatch
):
    from clustermonitor.members import figures_table8
    from tests.test_figures_pages import _paying_members

    _paying_members(cluster_a, 3, 1000)
    client = web("programme_manager")
    commit_earlier_writes()
    url = reverse("members:table8")
    client.get(url, {"year": 2018})
    assert _run_queued(queued) == 1  # the table and its chart, in one task
    assert "<svg" in client.get(url, {"year": 2018}).content.decode()  # warm: all at once

    _write_a_fee(cluster_a, 4000)
    computed = _counting(monkeypatch, figures_table8, "table8_frames")
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url, {"year": 2018})
    page = first.content.decode()
    assert computed == []  # not one fee read in the request
    assert len(queries) <= 12, [q["sql"] for q in queries.captured_queries]
    assert 'id="table8"' not in page and "<svg" not in page
    assert 'role="status"' in page and "Table 8 is being computed" in page
    assert "part=body&amp;poll=1" in page and "X-Kept-Page" not in first
    assert _run_queued(queued) == 1 and len(computed) == 1  # the worker computed it
    body = client.get(url, {"year": 2018, "part": "body", "poll": 1}, HTTP_HX_REQUEST="true")
    fragment = body.content.decode()
    assert fragment.startswith('<div id="table8-body">') and "<html" not in fragment
    assert 'id="table8"' in fragment and "<svg" in fragment and "hx-trigger" not in fragment
    assert "4.000" in fragment or "4,000" in fragment  # the new fee, never the old table
    assert len(computed) == 1
    again = client.get(url, {"year": 2018}).content.decode()
    assert 'id="table8"' in again and "<svg" in again and len(computed) == 1


def test_dashboard_after_a_write_answers_at_once_and_the_worker_fills_it(
    queued, web, cluster_a, english, monkeypatch
):
    from clustermonitor.monitoring import dashboard as selectors

    client = web("programme_manager")
    commit_earlier_writes()
    url = reverse("monitoring:dashboard")
    client.get(url)
    assert _run_queued(queued) == 1
    warm = client.get(url).content.decode()
    assert 'id="totals-programme"' in warm and "hx-trigger" not in warm

    from tests.test_figures_pages import _paying_members

    _paying_members(cluster_a, 1, 1000)
    _write_a_fee(cluster_a, 4000)
    computed = _counting(monkeypatch, selectors, "dashboard")
    kpis = _counting(monkeypatch, selectors, "computed_kpis")
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url)
    page = first.content.decode()
    assert computed == [] and kpis == []
    assert len(queries) <= 12, [q["sql"] for q in queries.captured_queries]
    assert 'id="totals-programme"' not in page and 'id="dashboard-filters"' in page
    assert 'role="status"' in page and "The KPI tables are being computed" in page
    assert 'hx-get="?part=body&amp;poll=1"' in page and "X-Kept-Page" not in first
    assert _run_queued(queued) == 1 and len(computed) == 1
    body = client.get(url, {"part": "body", "poll": 1}, HTTP_HX_REQUEST="true")
    fragment = body.content.decode()
    assert fragment.startswith('<div id="dashboard-body">') and "<html" not in fragment
    assert 'id="totals-programme"' in fragment and "hx-trigger" not in fragment
    assert len(computed) == 1
    full = client.get(url).content.decode()
    assert 'id="totals-programme"' in full and len(computed) == 1


def test_dashboard_nobody_computes_is_computed_by_the_page_in_the_end(queued, web, english):
    client = web("programme_manager")
    commit_earlier_writes()
    url = reverse("monitoring:dashboard")
    body = client.get(url, {"part": "body", "poll": 30}, HTTP_HX_REQUEST="true")
    assert 'id="totals-programme"' in body.content.decode()
    download = client.get(url, {"format": "xlsx"})  # a download never waits
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _run_queued(queued) == 0


def test_without_a_shared_cache_the_page_computes_everything(web, settings, cluster_a):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    settings.CLUSTERMONITOR_MEMO = True  # LocMem: the worker's result would not be seen
    from tests.test_figures_pages import _paying_members

    _paying_members(cluster_a, 3, 1000)
    page = web("programme_manager").get(reverse("members:table8"), {"year": 2018})
    assert "<svg" in page.content.decode()


def _bump_pending() -> bool:
    return any(entry[1] is sharedcache.bump for entry in connection.run_on_commit)


def test_failed_logins_and_session_writes_start_no_new_generation(redis_cache, client_for):
    """Anyone failing to log in must not throw away every kept page (axes writes a row per
    failure), nor a session's own changes; a record's write still does."""
    from django.test import Client

    client = client_for("cluster_manager_a")  # a login writes the user's last_login
    commit_earlier_writes()
    for _ in range(3):
        Client().post(reverse("accounts:login"), {"username": "nobody", "password": "wrong"})
    client.get(reverse("members:member-list", args=[CLUSTER_A]))  # its session notes no app
    assert not _bump_pending()
    cluster = Cluster.objects.get(code=CLUSTER_A)
    cluster.name = "EUKA renamed"
    cluster.save()
    assert _bump_pending()


def test_the_second_factors_device_is_kept_with_the_user(redis_cache, client_for):
    client = client_for("programme_manager")  # verified with its app (conftest)
    commit_earlier_writes()
    url = reverse("monitoring:dashboard")
    client.get(url)
    again, queries = _get(client, url)
    assert again["X-Kept-Page"] == "1" and queries == 0
