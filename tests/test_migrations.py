"""The migrations: a fresh database migrates from nothing (through the command, as a new
installation does), and the models need no migration that is not written (the split of
programmes moved models between apps by state only: tests/test_architecture.py)."""

import io

import pytest
from django.core.management import call_command

from tests import demo_copies


def test_the_models_need_no_new_migration(db):
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.slow
def test_a_fresh_database_migrates_from_nothing(tmp_path_factory):
    """Through `clustermonitor migrate`, in a process of its own, on an empty database of
    the suite's engine: the session's migrated database, which the committed demo starts
    from (tests/demo_copies.py makes it once; it fails, with the command's errors, here
    and in every test that needs it, when the migrations do)."""
    _where, output = demo_copies.migrated_database(demo_copies.shared_folder(tmp_path_factory))
    assert "Applying maturity.0001_initial... OK" in output
    assert "Applying contenttypes.0001_initial... OK" in output
