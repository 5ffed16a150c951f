"""A double-clicked registration or check-in counts once (issue 18, quality bar), with
parallel requests through the web stack on the suite's own database engine: PostgreSQL
(row locks: `select_for_update` on the event's settings and on the registration) and
SQLite (one writer at a time: BEGIN IMMEDIATE). The requests run in a process of their
own (tests/concurrent_registrations.py) against a copy of the suite's database, taken
before any test transaction is open, so that each request's writes are committed and
seen by the next, as on a server."""

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
VISITORS, CLICKS = 8, 3


@pytest.fixture(scope="module")
def database_copy(django_db_setup, django_db_blocker, tmp_path_factory):
    """The DATABASE_URL of a copy of the suite's database (the world and the personas)."""
    with django_db_blocker.unblock():
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            path = tmp_path_factory.mktemp("registrations") / "copy.sqlite3"
            target = sqlite3.connect(path)
            connection.connection.backup(target)
            target.close()
            yield f"sqlite:///{path}"
            return
        if connection.vendor != "postgresql":
            pytest.skip(f"no copy for {connection.vendor}")
        settings = connection.settings_dict
        name, copy = settings["NAME"], f"cm_registrations_copy_{uuid.uuid4().hex[:8]}"
        connection.close()  # a template database must have no other session
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
        user = settings["USER"] or "postgres"
        password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
        host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
        try:
            yield f"postgres://{user}{password}@{host}:{port}/{copy}"
        finally:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


@pytest.mark.django_db
@pytest.mark.slow
def test_double_clicked_registrations_and_check_ins_count_once(database_copy, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clustermonitor.settings",
        "CLUSTERMONITOR_ENV": "test",
        "CLUSTERMONITOR_VAR_DIR": str(tmp_path),
        "DATABASE_URL": database_copy,
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.concurrent_registrations", str(VISITORS), str(CLICKS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # Every click answered as a person would see it: the page after registering.
    assert result["registration_outcomes"] == {"redirect": VISITORS * CLICKS}, result
    # One registration and one e-mail per visitor, however many clicks.
    assert result["registrations"] == VISITORS, result
    assert result["emails"] == VISITORS, result
    # The places held under the race: as many as the capacity, the rest waiting.
    assert (result["places"], result["waiting"]) == (VISITORS // 2, VISITORS - VISITORS // 2)
    # Each person checked in once: one participation each; every other click was told
    # "checked in already" (the scanner) or sent back to the page (the button).
    assert result["checked_in"] == VISITORS, result
    assert result["participations"] == VISITORS == result["distinct_participations"], result
    outcomes = result["check_in_outcomes"]
    assert outcomes.get("checked_in", 0) <= VISITORS, result
    assert set(outcomes) <= {"checked_in", "already", "redirect"}, result
