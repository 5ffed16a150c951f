"""The migrations: a fresh database migrates from nothing (through the command, as a new
installation does), and the models need no migration that is not written (the split of
programmes moved models between apps by state only: tests/test_architecture.py)."""

import io
import os
import subprocess
import sys

import pytest
from django.core.management import call_command


def test_the_models_need_no_new_migration(db):
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.slow
def test_a_fresh_database_migrates_from_nothing(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}}
    env |= {
        "DJANGO_SETTINGS_MODULE": "clustermonitor.settings",
        "CLUSTERMONITOR_ENV": "test",
        "CLUSTERMONITOR_VAR_DIR": str(tmp_path),
        "SQLITE_PATH": str(tmp_path / "fresh.sqlite3"),
    }
    run = subprocess.run(
        [sys.executable, "-m", "clustermonitor", "migrate", "-v1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Applying maturity.0001_initial... OK" in run.stdout
