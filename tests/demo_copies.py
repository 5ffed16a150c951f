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
- `migrated_sqlite_file`, `migrated_postgres_template`: the database those start from,
  migrated from nothing by `clustermonitor migrate` once per session (a hundred
  migrations, twenty seconds); tests/test_migrations.py reads the command's output.
  `migrated_database` gives the one of the suite's engine.
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


def _command(env: dict, *args: str) -> str:
    """`clustermonitor *args` in a process of its own; its output (RuntimeError with the
    end of its errors when it fails)."""
    out = subprocess.run(
        [sys.executable, "-m", "clustermonitor", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if out.returncode != 0:
        raise RuntimeError(f"clustermonitor {' '.join(args)}: {out.stderr[-2000:]}")
    return out.stdout


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
    """The demo (`LOAD`) into a database migrated already (`migrated_sqlite_file`,
    `migrated_postgres_template`)."""
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


#: The migrations run from nothing, once per session (`migrated_sqlite_file`,
#: `migrated_postgres_template`): the output of `clustermonitor migrate -v1`, which
#: tests/test_migrations.py reads.
MIGRATE_ARGS = ("migrate", "-v1")


def _finish_sqlite(partial: Path, path: Path) -> None:
    for suffix in ("-wal", "-shm"):  # checkpointed on close; nothing to keep
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.rename(path)


def migrated_sqlite_file(folder: Path) -> tuple[Path, str]:
    """A SQLite file migrated from nothing by `clustermonitor migrate` in a process of
    its own, once per session, and the command's output: copy it, never write to it."""
    path, output = folder / "migrated.sqlite3", folder / "migrated-sqlite.out"
    with locked(folder / "migrated-sqlite.lock"):
        if not path.exists():
            partial = folder / "migrated.sqlite3.partial"
            for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
                leftover.unlink(missing_ok=True)  # from nothing
            env = _base_env(folder) | {"SQLITE_PATH": str(partial)}
            output.write_text(_command(env, *MIGRATE_ARGS))
            _finish_sqlite(partial, path)
    return path, output.read_text()


def demo_sqlite_file(folder: Path) -> Path:
    """A SQLite file holding the demo (`LOAD`, on a copy of the session's migrated file),
    made once per session: copy it (`shutil.copyfile`), never write to it."""
    path = folder / "demo.sqlite3"
    with locked(folder / "demo-sqlite.lock"):
        if not path.exists():
            partial = folder / "demo.sqlite3.partial"
            partial.unlink(missing_ok=True)
            shutil.copyfile(migrated_sqlite_file(folder)[0], partial)
            _load(_base_env(folder) | {"SQLITE_PATH": str(partial)})
            _finish_sqlite(partial, path)
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
            migrated, _output = migrated_postgres_template(
                folder, admin, database_url, database_name
            )
            admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin(f'CREATE DATABASE "{name}" TEMPLATE "{migrated}"')
            _load(_base_env(folder) | {"DATABASE_URL": database_url(name)})
            marker.write_text(name)
        return marker.read_text()


def migrated_postgres_template(
    folder: Path, admin, database_url, database_name: str
) -> tuple[str, str]:
    """A PostgreSQL database migrated from nothing by `clustermonitor migrate` in a
    process of its own, once per session, to be copied with `CREATE DATABASE … TEMPLATE`
    (as `demo_postgres_template`, whose arguments it takes), and the command's output;
    its name is the first caller's database name + `_migrated`, dropped at the end
    (`drop_demo_template`)."""
    marker, output = folder / MIGRATED_TEMPLATE_MARKER, folder / "migrated-postgres.out"
    with locked(folder / "migrated-postgres.lock"):
        if not marker.exists():
            name = f"{database_name}_migrated"[:63]
            admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin(f'CREATE DATABASE "{name}"')  # from nothing
            env = _base_env(folder) | {"DATABASE_URL": database_url(name)}
            output.write_text(_command(env, *MIGRATE_ARGS))
            marker.write_text(name)
        return marker.read_text(), output.read_text()


DEMO_TEMPLATE_MARKER = "demo-postgres.name"
MIGRATED_TEMPLATE_MARKER = "migrated-postgres.name"


def drop_demo_template(folder: Path) -> None:
    """Drop the session's PostgreSQL templates (the demo, the migrated database), those
    that were made (the session's end)."""
    markers = [folder / name for name in (DEMO_TEMPLATE_MARKER, MIGRATED_TEMPLATE_MARKER)]
    markers = [marker for marker in markers if marker.exists()]
    if not markers:
        return
    from django.conf import settings

    from clustermonitor.core import backup

    with backup._pg_connect(settings.DATABASES["default"], dbname="postgres") as admin:
        for marker in markers:
            admin.execute(f'DROP DATABASE IF EXISTS "{marker.read_text()}" WITH (FORCE)')
            marker.unlink()


# -- The suite's own server, for the tests that make databases beside it -----------------


def postgres_url(name: str) -> str:
    """The address of database `name` on the suite's PostgreSQL server."""
    import urllib.parse

    from django.conf import settings

    database = settings.DATABASES["default"]
    user = urllib.parse.quote(database.get("USER") or "")
    password = database.get("PASSWORD")
    auth = f"{user}:{urllib.parse.quote(password)}" if password else user
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{name}"


def postgres_admin(sql: str) -> None:
    """Create or drop a database, from the suite's server's maintenance database."""
    from django.conf import settings

    from clustermonitor.core import backup

    with backup._pg_connect(settings.DATABASES["default"], dbname="postgres") as admin:
        admin.execute(sql)


def migrated_database(folder: Path) -> tuple[str, str]:
    """The session's migrated database on the suite's engine (`migrated_sqlite_file` or
    `migrated_postgres_template`): the file's path or the template's name, and the
    output of the `clustermonitor migrate` that made it from nothing."""
    if connection.vendor == "postgresql":
        from django.conf import settings

        name = settings.DATABASES["default"]["NAME"]
        return migrated_postgres_template(folder, postgres_admin, postgres_url, name)
    path, output = migrated_sqlite_file(folder)
    return str(path), output
