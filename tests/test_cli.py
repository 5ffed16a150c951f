"""The `clustermonitor` command and its own management commands."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clustermonitor.accounts.models import User
from clustermonitor.cli import main
from clustermonitor.core.models import AuditEntry
from clustermonitor.demodata.personas import DEMO_LOGINS, DEMO_PASSWORD
from tests import demo_copies, demo_present


def test_createuser_makes_a_cluster_manager(db, capsys):
    call_command(
        "createuser",
        "kim",
        "--role",
        "cluster_manager",
        "--cluster",
        "BIM",
        "--password",
        "s3cret-enough",
    )
    kim = User.objects.get(username="kim")
    assert kim.check_password("s3cret-enough")
    assert kim.managed_cluster_ids == {kim.role_assignments.get().cluster_id}
    assert "User kim: cluster_manager of BIM" in capsys.readouterr().out
    assert AuditEntry.objects.filter(via="cli", object_repr="kim").exists()


def test_createuser_prints_a_generated_password(db, capsys):
    call_command("createuser", "eva", "--role", "evaluator")
    out = capsys.readouterr().out
    password = out.split("Password: ")[1].strip()
    assert User.objects.get(username="eva").check_password(password)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "cluster_manager"], "--cluster CODE is required"),
        (["--role", "cluster_manager", "--cluster", "NOPE"], "no cluster with code 'NOPE'"),
        (["--role", "evaluator", "--cluster", "BIM"], "not tied to a cluster"),
    ],
)
def test_createuser_refuses_wrong_combinations(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("createuser", "someone", *args)
    assert not User.objects.filter(username="someone").exists()


def test_createtoken_prints_a_working_token(db, capsys):
    call_command("createtoken", "evaluator")
    token = capsys.readouterr().out.strip()
    from django.test import Client

    response = Client().get("/api/programmes", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_load_demo_creates_the_demo_logins_and_is_idempotent(
    calibrated_demo, db, capsys, tmp_path_factory
):
    # On the session's shared demo records (a load from scratch by the same command is
    # tests/test_same_bytes.py's), so what this loads is the reference data and the logins.
    call_command("load-demo")
    out = capsys.readouterr().out
    for login in DEMO_LOGINS:
        assert login.username in out
        assert User.objects.get(username=login.username).check_password(DEMO_PASSWORD)
    count = AuditEntry.objects.count()
    call_command("load-demo")
    assert AuditEntry.objects.count() == count
    # Kept for the tests that start from the present (tests/demo_present.py).
    demo_present.keep(demo_copies.shared_folder(tmp_path_factory))


def test_the_console_script_runs_django_commands(capsys):
    main(["help", "load-reference"])
    assert "Load the real 2020" in capsys.readouterr().out


def test_the_demo_queues_long_work_for_a_worker_it_starts_beside_the_server(monkeypatch, settings):
    """Issue 16: "Rapport maken" blocked the page ~15 s (the tasks ran in the request).
    `clustermonitor demo` queues them in the database and serves with `db_worker` beside
    the web server, stopped with it."""
    import io
    import subprocess

    from clustermonitor import cli
    from clustermonitor.demodata.management.commands import demo

    monkeypatch.delenv("TASKS_BACKEND", raising=False)
    seen = {}
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line",
        lambda argv: seen.update(argv=argv, backend=__import__("os").environ.get("TASKS_BACKEND")),
    )
    cli.main(["demo", "--no-serve"])
    assert seen == {"argv": ["clustermonitor", "demo", "--no-serve"], "backend": "database"}

    class Worker:
        pid, stopped = 4242, False

        def __init__(self, args, env):
            self.args = args
            started.append(self)

        def terminate(self):
            self.stopped = True

        def wait(self, timeout):
            return 0

    started = []
    monkeypatch.setattr(subprocess, "Popen", Worker)
    settings.TASKS_BACKEND = "database"
    with demo.background_worker(io.StringIO()):
        assert started and started[0].args[-2:] == ["db_worker", "--no-reload"]
        assert not started[0].stopped
    assert started[0].stopped
    settings.TASKS_BACKEND = "immediate"  # as the tests run: nothing to start
    with demo.background_worker(io.StringIO()):
        pass
    assert len(started) == 1
