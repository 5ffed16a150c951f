"""Settings: typed environment variables, databases, a clean deploy check."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from clustermonitor import env


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("yes", True), ("off", False), ("", False)]
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv("X_FLAG", raw)
    assert env.env_bool("X_FLAG") is value


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='maybe' is not a boolean"):
        env.env_bool("X_FLAG")


def test_env_int_and_list_and_choice(monkeypatch):
    monkeypatch.setenv("X_INT", "12")
    monkeypatch.setenv("X_LIST", "a.example, b.example,")
    monkeypatch.setenv("X_CHOICE", "staging")
    assert env.env_int("X_INT", 1) == 12
    assert env.env_list("X_LIST") == ["a.example", "b.example"]
    with pytest.raises(ImproperlyConfigured, match="X_CHOICE='staging' must be one of"):
        env.env_choice("X_CHOICE", ("development", "production"), "development")
    monkeypatch.setenv("X_INT", "twelve")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env.env_int("X_INT", 1)


def _run(args, **extra_env):
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(extra_env)
    return subprocess.run(
        [sys.executable, "-m", "clustermonitor", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.any_database
def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        CLUSTERMONITOR_ENV="production",
        SECRET_KEY="x" * 30 + "production-secret-key-for-the-check-only-9f8e7d",
        ALLOWED_HOSTS="clustermonitor.example.org",
        CLUSTERMONITOR_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run(
        ["check"],
        CLUSTERMONITOR_ENV="production",
        SECRET_KEY="",
        CLUSTERMONITOR_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_bad_value_stops_start_up_naming_the_variable(tmp_path):
    result = _run(["check"], DEBUG="perhaps", CLUSTERMONITOR_VAR_DIR=str(tmp_path))
    assert result.returncode != 0 and "DEBUG='perhaps' is not a boolean" in result.stderr


def test_database_url_switches_to_postgresql():
    import dj_database_url

    config = dj_database_url.parse("postgres://postgres@127.0.0.1:5432/clustermonitor")
    assert config["ENGINE"] == "django.db.backends.postgresql"


def test_pages_carry_the_security_headers(client_for):
    response = client_for("evaluator").get("/portfolio/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self' 'nonce-" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


SQLITE_PROBE = (
    "from django.db import connection; c = connection.cursor(); "
    "print(connection.settings_dict['OPTIONS']['transaction_mode'], "
    "c.execute('PRAGMA journal_mode').fetchone()[0], "
    "c.execute('PRAGMA busy_timeout').fetchone()[0])"
)


@pytest.mark.parametrize("configured_by", ["SQLITE_PATH", "DATABASE_URL"])
def test_every_sqlite_connection_gets_wal_a_busy_timeout_and_begin_immediate(
    tmp_path, configured_by
):
    """Issue 13: DATABASE_URL=sqlite:///… did not enable WAL while the default path did."""
    path = tmp_path / "db.sqlite3"
    where = (
        {"SQLITE_PATH": str(path)}
        if configured_by == "SQLITE_PATH"
        else {"DATABASE_URL": f"sqlite:///{path}"}
    )
    result = _run(["shell", "-c", SQLITE_PROBE], CLUSTERMONITOR_VAR_DIR=str(tmp_path), **where)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["IMMEDIATE", "wal", "20000"]
    assert path.exists()
