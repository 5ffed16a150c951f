"""The background worker survives the database (issue 13, Reliability: `db_worker`
exited twice on a lock error and the queue stalled)."""

import pytest
from django.core.management import call_command
from django.db.utils import OperationalError
from django.tasks import task
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from clustermonitor.core.management.commands import db_worker

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@task
def double(number: int) -> int:
    return 2 * number


def _failing_first(times, error, original):
    calls = {"n": 0}

    def replacement(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= times:
            raise OperationalError(error)
        return original(*args, **kwargs)

    return replacement


@pytest.fixture
def database_queue(settings, monkeypatch):
    settings.TASKS = DATABASE_QUEUE
    monkeypatch.setattr(db_worker.time, "sleep", lambda seconds: None)
    # The worker runs in the test's transaction: keep it from closing that connection
    # (as Django's test client does for requests; on PostgreSQL it would end the test).
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(db_worker.base, "close_old_connections", lambda: None)
    monkeypatch.setattr(db_worker.connections, "all", lambda initialized_only=False: [])


@pytest.mark.django_db
def test_the_worker_carries_on_after_lock_and_connection_errors(database_queue, monkeypatch):
    result = double.enqueue(21)
    # Picking a task: the connection is lost once (the stock worker re-raises that).
    monkeypatch.setattr(
        DBTaskResultQuerySet,
        "get_locked",
        _failing_first(
            1, "server closed the connection unexpectedly", DBTaskResultQuerySet.get_locked
        ),
    )
    # Recording the result: locked longer than the stock worker's three quick retries.
    monkeypatch.setattr(
        DBTaskResult,
        "set_successful",
        _failing_first(4, "database is locked", DBTaskResult.set_successful),
    )
    call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    stored = DBTaskResult.objects.get(pk=result.id)
    assert stored.status == "SUCCESSFUL" and stored.return_value == 42


def test_the_shipped_systemd_unit_restarts_the_worker_always():
    import configparser
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "deploy" / "systemd"
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(folder / "clustermonitor-worker.service")
    assert unit["Service"]["ExecStart"].endswith("clustermonitor db_worker")
    assert unit["Service"]["Restart"] == "always"
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"  # never gives up restarting
    timer = configparser.ConfigParser(strict=False, interpolation=None)
    timer.read(folder / "clustermonitor-watchdog.service")
    assert timer["Service"]["ExecStart"].endswith("clustermonitor fail-stale-reports")
    docs = (folder.parent.parent / "docs" / "deployment.md").read_text()
    assert "deploy/systemd/clustermonitor-worker.service" in docs
