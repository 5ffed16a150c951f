"""The demo loaded once per test session and copied wherever a test needs it
(docs/development.md, "The suite").

Loading the calibrated demo takes half a minute; copying it takes a second. In a parallel
run (pytest-xdist) the workers share one folder for the session (`shared_folder`): the
first worker that needs a demo loads it and leaves a copy there, under a file lock; the
others, and the tests that run `clustermonitor` in processes of their own, copy it.

- `restore_or_load` (the `calibrated_demo` fixture): every table's rows as
  `demodata.load` left them in the test database, written to a file and read back by the
  other workers inside the transaction a load would have used. Only where the workers'
  content types are the same (they are: each worker's database is migrated the same way);
  otherwise the worker loads the demo itself.
- `demo_sqlite_file`, `demo_postgres_template` (the tests of backups and of the same
  bytes from any process): the same calibrated demo on the reference portfolio,
  committed by a `clustermonitor` process of its own, in a SQLite file or a PostgreSQL
  database that serves as a template (`CREATE DATABASE … TEMPLATE`), dropped when the
  session ends (`drop_demo_template`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

from django.db import connection

#: Tables a test database has before any test writes, the same in every worker; the
#: content types are compared instead (`_fingerprint`).
NOT_COPIED = frozenset({"django_migrations", "django_content_type", "auth_permission"})


def shared_folder(tmp_path_factory) -> Path:
    """The session's temporary folder that every xdist worker sees (the parent of a
    worker's own), or the session's own when the run is not parallel."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def locked(path: Path):
    """One process at a time (an exclusive lock on `path`), across the workers."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# -- The calibrated demo in the test database (in the worker's own transaction) ----------


def _tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if t not in NOT_COPIED)


def _fingerprint() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, app_label, model FROM django_content_type ORDER BY id")
        return (connection.vendor, tuple(_tables()), tuple(map(tuple, cursor.fetchall())))


def all_tables() -> list[str]:
    """Every table but the migrations' record: with the content types and permissions,
    for a copy that is put back after a flush has made them again with other ids."""
    return sorted(t for t in connection.introspection.table_names() if t != "django_migrations")


def snapshot(tables: list[str] | None = None) -> dict:
    """Every row of `tables` (all but NOT_COPIED by default) as this connection sees
    them, with the content types they were written against (`put_back`)."""
    saved = {}
    with connection.cursor() as cursor:
        for table in tables if tables is not None else _tables():
            if connection.vendor == "postgresql":
                data = bytearray()
                with cursor.cursor.copy(f'COPY "{table}" TO STDOUT (FORMAT binary)') as copy:
                    for chunk in copy:
                        data += chunk
                saved[table] = (None, bytes(data))
            else:
                cursor.execute(f'SELECT * FROM "{table}"')
                columns = [c[0] for c in cursor.description]
                saved[table] = (columns, cursor.fetchall())
    return {"fingerprint": _fingerprint(), "tables": saved}


def put_back(saved: dict) -> bool:
    """The tables as `snapshot` saw them, in the open transaction (their other rows
    deleted); False, with nothing written, when this database's content types differ
    (unless the snapshot holds them too)."""
    now = _fingerprint()
    with_types = "django_content_type" in saved["tables"]
    if saved["fingerprint"][: 2 if with_types else 3] != now[: 2 if with_types else 3]:
        return False
    with connection.cursor() as cursor:
        # Foreign keys are checked at commit (Django makes them deferrable): the order
        # does not matter.
        for table in saved["tables"]:
            cursor.execute(f'DELETE FROM "{table}"')
        for table, (columns, rows) in saved["tables"].items():
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f'COPY "{table}" FROM STDIN (FORMAT binary)') as copy:
                    copy.write(rows)
            elif rows:
                names = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
        if connection.vendor == "postgresql":
            # The rows came with their ids: move the sequences past them, as a load does.
            from django.apps import apps
            from django.core.management.color import no_style

            models = apps.get_models(include_auto_created=True)
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    if with_types:
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()  # the ids a flush gave them are gone
    return True


def _dump(path: Path, summary: dict) -> None:
    partial = path.with_suffix(".partial")
    partial.write_bytes(pickle.dumps(snapshot() | {"summary": summary}))
    partial.rename(path)


def _restore(path: Path) -> dict | None:
    """The tables as the file holds them, in the open transaction; None (nothing
    written) when this database's content types differ from the file's."""
    saved = pickle.loads(path.read_bytes())
    return saved["summary"] if put_back(saved) else None


def restore_or_load(folder: Path, load) -> dict:
    """The demo in the test database, copied from the session's file or loaded by
    `load()` (and then written to the file for the other workers)."""
    path = folder / f"calibrated-demo-{connection.vendor}.pickle"
    with locked(folder / "calibrated-demo.lock"):
        if path.exists():
            summary = _restore(path)
            if summary is not None:
                return summary
            return load()
        summary = load()
        _dump(path, summary)
        return summary


# -- The demo committed, for processes of their own -------------------------------------


def _command(env: dict, *args: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "clustermonitor", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if out.returncode != 0:
        raise RuntimeError(f"clustermonitor {' '.join(args)}: {out.stderr[-2000:]}")


#: What the processes load: the reference portfolio and the calibrated demo with the
#: progress reports of the suite's two clusters (tests/conftest.py, DEMO_WORKFLOW) — the
#: records `clustermonitor load-demo` writes, but the workflows of the other clusters,
#: which take most of its time.
LOAD = """
from clustermonitor.demodata import loader
from clustermonitor.demodata.reference import load_reference
from clustermonitor.registry.reference import load_registry_reference
load_reference()
load_registry_reference()
loader.load(workflow=("EUKA", "MAAS"))
"""


def _load(env: dict) -> None:
    _command(env, "migrate", "-v0")
    _command(env, "shell", "-c", LOAD)


def _base_env(folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}}
    env.update(
        DJANGO_SETTINGS_MODULE="clustermonitor.settings",
        CLUSTERMONITOR_ENV="test",
        CLUSTERMONITOR_VAR_DIR=str(folder / "demo-var"),
        PYTHONHASHSEED="0",
    )
    return env


def demo_sqlite_file(folder: Path) -> Path:
    """A SQLite file holding the demo (`LOAD`), made once per session:
    copy it (`shutil.copyfile`), never write to it."""
    path = folder / "demo.sqlite3"
    with locked(folder / "demo-sqlite.lock"):
        if not path.exists():
            partial = folder / "demo.sqlite3.partial"
            partial.unlink(missing_ok=True)
            _load(_base_env(folder) | {"SQLITE_PATH": str(partial)})
            for suffix in ("-wal", "-shm"):  # checkpointed on close; nothing to keep
                Path(f"{partial}{suffix}").unlink(missing_ok=True)
            partial.rename(path)
    return path


def copy_demo_sqlite(folder: Path, target: Path) -> None:
    shutil.copyfile(demo_sqlite_file(folder), target)


def demo_postgres_template(folder: Path, admin, database_url, database_name: str) -> str:
    """A PostgreSQL database holding the demo, made once per session, to be copied with
    `CREATE DATABASE … TEMPLATE` (nobody connects to it in the meantime); its name is the
    first caller's database name + `_demo`, written in the session's folder, from which
    `drop_demo_template` drops it at the end. `admin(sql)` runs a statement on the
    server's maintenance database; `database_url(name)` is the address of a database."""
    marker = folder / DEMO_TEMPLATE_MARKER
    with locked(folder / "demo-postgres.lock"):
        if not marker.exists():
            name = f"{database_name}_demo"[:63]
            admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin(f'CREATE DATABASE "{name}"')
            _load(_base_env(folder) | {"DATABASE_URL": database_url(name)})
            marker.write_text(name)
        return marker.read_text()


DEMO_TEMPLATE_MARKER = "demo-postgres.name"


def drop_demo_template(folder: Path) -> None:
    """Drop the session's PostgreSQL demo template, if one was made (the session's end)."""
    marker = folder / DEMO_TEMPLATE_MARKER
    if not marker.exists():
        return
    from django.conf import settings

    from clustermonitor.core import backup

    with backup._pg_connect(settings.DATABASES["default"], dbname="postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{marker.read_text()}" WITH (FORCE)')
    marker.unlink()
