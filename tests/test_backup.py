"""Backups that restore (issue 13; docs/deployment.md, "Backups").

End to end, through the `clustermonitor` command in separate processes, on the engine the
suite runs on (DATABASE_URL): a source database holds the demo (a copy of the session's,
committed by a process of its own: tests/demo_copies.py), a report run writes the evaluation
report into MEDIA_ROOT, `clustermonitor backup` saves it all, and `clustermonitor restore`
puts it into a fresh database (a new SQLite file; on PostgreSQL a new database, dropped
afterwards) and an empty MEDIA_ROOT. The report generated again
from the restored database is byte-identical to the one generated before the backup.
The report is HTML and XLSX: the PDF is WeasyPrint's picture of the same HTML, its same
bytes are tests/test_same_bytes.py's, and leaving it out here saves two renders.

The source and the restored target are built once for the module (about a minute);
the refusals (a tampered file, another engine, a newer schema, a non-empty target) run
against copies of the one backup.
"""

import contextlib
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from clustermonitor.core import backup as backups
from tests import demo_copies

pytestmark = pytest.mark.demo  # the source database holds the demo

DATABASE = settings.DATABASES["default"]
POSTGRES = backups.engine_of(DATABASE) == "postgresql"
AS_OF = "2020-01-31"
STEM = f"clustermonitor-report-{AS_OF}-nl"
FORMATS = ("html", "xlsx")

LOAD = f"""
import datetime
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from clustermonitor.core import audit
from clustermonitor.reports import services
default_storage.save("imports/2020/01/members.csv", ContentFile("naam;ondernemingsnummer\\n"))
run = services.ReportRun(as_of=datetime.date.fromisoformat("{AS_OF}"), lang="nl",
                         formats=["html", "xlsx"])
audit.save(audit.Actor.system("tests"), run)
run = services.run(run.pk)
assert run.state == "done", run.error
print(run.pk)
"""


#: The suite's PostgreSQL server: a database's address, and creating or dropping one.
_pg_url = demo_copies.postgres_url
_admin = demo_copies.postgres_admin


class Site:
    """One installation: its database and MEDIA_ROOT, and `clustermonitor` run on them."""

    def __init__(self, root: Path, name: str):
        self.root = root / name
        self.root.mkdir()
        self.media = self.root / "media"
        self.env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH"}}
        self.env.update(
            DJANGO_SETTINGS_MODULE="clustermonitor.settings",
            CLUSTERMONITOR_ENV="test",
            CLUSTERMONITOR_VAR_DIR=str(self.root / "var"),
            MEDIA_ROOT=str(self.media),
        )
        if POSTGRES:
            self.database = f"{DATABASE['NAME']}_{name}"[:63]
            _admin(f'DROP DATABASE IF EXISTS "{self.database}"')
            _admin(f'CREATE DATABASE "{self.database}"')
            self.env["DATABASE_URL"] = _pg_url(self.database)
        else:
            self.sqlite = self.root / "clustermonitor.sqlite3"
            self.env["SQLITE_PATH"] = str(self.sqlite)

    def copy_demo(self, tmp_path_factory) -> None:
        """The session's demo (tests/demo_copies.py) in this site's database."""
        folder = demo_copies.shared_folder(tmp_path_factory)
        if POSTGRES:
            template = demo_copies.demo_postgres_template(folder, _admin, _pg_url, DATABASE["NAME"])
            _admin(f'DROP DATABASE IF EXISTS "{self.database}"')
            _admin(f'CREATE DATABASE "{self.database}" TEMPLATE "{template}"')
        else:
            demo_copies.copy_demo_sqlite(folder, self.sqlite)

    def run(self, *args, check=True) -> subprocess.CompletedProcess:
        out = subprocess.run(
            [sys.executable, "-m", "clustermonitor", *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and out.returncode != 0:
            pytest.fail(f"clustermonitor {' '.join(args)}: {out.returncode}\n{out.stderr}")
        return out

    def query(self, sql: str) -> list[tuple]:
        if POSTGRES:
            with backups._pg_connect(DATABASE, dbname=self.database) as connection:
                return connection.execute(sql).fetchall()
        if not self.sqlite.exists():
            return []
        connection = sqlite3.connect(self.sqlite)
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()

    def execute(self, sql: str) -> None:
        if POSTGRES:
            with backups._pg_connect(DATABASE, dbname=self.database) as connection:
                connection.execute(sql)
            return
        connection = sqlite3.connect(self.sqlite)
        try:
            connection.execute(sql)
            connection.commit()
        finally:
            connection.close()

    @property
    def settings(self) -> dict:
        if POSTGRES:
            return {**DATABASE, "NAME": self.database}
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(self.sqlite)}

    @contextlib.contextmanager
    def writing(self, sql: str):
        """A write transaction left open (as a busy app would), rolled back at the end."""
        if POSTGRES:
            with backups._pg_connect(DATABASE, dbname=self.database) as connection:
                connection.execute("BEGIN")
                connection.execute(sql)
                yield
                connection.execute("ROLLBACK")
            return
        connection = sqlite3.connect(self.sqlite, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(sql)
            yield
            connection.execute("ROLLBACK")
        finally:
            connection.close()

    def tables(self) -> list[str]:
        if POSTGRES:
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        else:
            sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
        return [row[0] for row in self.query(sql)]

    def drop(self) -> None:
        if POSTGRES:
            _admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def _media_files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def _reseal(folder: Path) -> None:
    """Make the manifest match the files again (a consistent, but altered, backup)."""
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"] = {
        p.relative_to(folder).as_posix(): {
            "size": p.stat().st_size,
            "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
        }
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }
    (folder / "manifest.json").write_text(json.dumps(manifest))


@pytest.fixture
def shipped_migrations(settings):
    """The migrations on disk, as a release knows them: the suite builds its databases
    from the models (`--no-migrations`, which hides the migration modules from Django)."""
    settings.MIGRATION_MODULES = {}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The source installation with its data, report and backup; the restored target."""
    root = tmp_path_factory.mktemp("backup")
    sites = []
    try:
        source = Site(root, "bk_source")
        sites.append(source)
        source.copy_demo(tmp_path_factory)
        run_id = int(source.run("shell", "-c", LOAD).stdout.split()[-1])
        folder = root / "backup"
        made = source.run("backup", str(folder))
        target = Site(root, "bk_target")
        sites.append(target)
        restored = target.run("restore", str(folder))
        report = root / "report-again"
        target.run(
            "report", "--as-of", AS_OF, "--format", ",".join(FORMATS), "--output", str(report)
        )
        yield {
            "root": root,
            "source": source,
            "target": target,
            "folder": folder,
            "run_id": run_id,
            "backup_out": made,
            "restore_out": restored,
            "report": report,
            "new_site": lambda name: sites.append(Site(root, name)) or sites[-1],
        }
    finally:
        for site in sites:
            site.drop()


def test_the_report_from_the_restored_database_is_byte_identical(world):
    before = world["target"].media / "reports" / str(world["run_id"])
    source_files = world["source"].media / "reports" / str(world["run_id"])
    for fmt in FORMATS:
        original = (source_files / f"{STEM}.{fmt}").read_bytes()
        assert (before / f"{STEM}.{fmt}").read_bytes() == original  # restored with the media
        again = (world["report"] / f"{STEM}.{fmt}").read_bytes()
        assert again == original, f"the {fmt} differs"
    assert original.startswith(b"PK")  # the last, the workbook (a zip)


def test_the_backup_holds_the_database_the_media_and_a_manifest(world, shipped_migrations):
    folder = world["folder"]
    manifest = json.loads((folder / "manifest.json").read_text())
    engine = "postgresql" if POSTGRES else "sqlite"
    assert manifest["engine"] == engine
    assert manifest["app"] == "clustermonitor" and manifest["version"]
    assert datetime.datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
    assert set(manifest["migrations"]) == backups.known_migrations()
    database_file = backups.DATABASE_FILES[engine]
    assert (folder / database_file).read_bytes().startswith(backups.DATABASE_MAGIC[engine])
    # Every file but the manifest is listed with its checksum; media as in MEDIA_ROOT.
    listed = {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    assert {name: e["sha256"] for name, e in manifest["files"].items()} == listed
    media = {f"media/{k}": v for k, v in _media_files(world["source"].media).items()}
    assert media == {k: v for k, v in listed.items() if k.startswith("media/")}
    assert "media/imports/2020/01/members.csv" in media
    assert f"media/reports/{world['run_id']}/{STEM}.xlsx" in media
    assert "Backed up the" in world["backup_out"].stdout


def test_the_restore_brings_back_every_record_and_file(world):
    source, target = world["source"], world["target"]
    assert _media_files(target.media) == _media_files(source.media)
    for table in ("members_membership", "programmes_cluster", "reports_reportrun"):
        assert target.query(f"SELECT COUNT(*) FROM {table}") == source.query(
            f"SELECT COUNT(*) FROM {table}"
        )
    assert "Restored the backup of" in world["restore_out"].stdout


def test_backup_and_restore_are_audited(world):
    source, target = world["source"], world["target"]
    backed_up = source.query("SELECT note FROM core_auditentry WHERE via = 'backup'")
    assert len(backed_up) == 1 and str(world["folder"]) in backed_up[0][0]
    # The backup's own entry is written after the backup: not in it, nor in the target.
    assert target.query("SELECT note FROM core_auditentry WHERE via = 'backup'") == []
    restored = target.query("SELECT note FROM core_auditentry WHERE via = 'restore'")
    assert len(restored) == 1 and str(world["folder"]) in restored[0][0]


def test_a_backup_is_taken_while_the_app_writes(world):
    """Online: a write transaction open during the backup neither blocks it nor gets into
    it (SQLite in WAL mode; PostgreSQL's snapshot)."""
    source = world["source"]
    folder = world["root"] / "online"
    target = backups.Target(database=source.settings, media_root=source.media)  # no audit
    change = "UPDATE programmes_cluster SET name = 'Uncommitted' WHERE code = 'EUKA'"
    with source.writing(change):
        manifest = backups.backup(folder, target)
    assert backups.verify(folder) == manifest
    database = folder / manifest["database"]["file"]
    if POSTGRES:
        major, _text = backups._server_major(source.settings)
        tool, _major, _text = backups.pg_tool("pg_restore", major)
        data = subprocess.run(
            [tool, "--data-only", "--table=programmes_cluster", "--file=-", str(database)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "EUKA" in data and "Uncommitted" not in data
    else:
        copy = sqlite3.connect(f"file:{database}?mode=ro&immutable=1", uri=True)
        names = copy.execute("SELECT name FROM programmes_cluster WHERE code = 'EUKA'").fetchall()
        copy.close()
        assert names and names != [("Uncommitted",)]
    assert not list(folder.parent.glob(".online.partial-*"))


def _copy(world, name: str) -> Path:
    copy = world["root"] / name
    shutil.copytree(world["folder"], copy)
    return copy


def _refused(out: subprocess.CompletedProcess, words: str) -> None:
    assert out.returncode == 1, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert words in lines[0] and "Nothing was restored." in lines[0], lines[0]


def _refusal(folder: Path, *args) -> str:
    """The restore's one-line refusal, run in this process on the suite's test database
    (`db`): every check comes before the database is opened."""
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(folder), *args)
    message = str(refused.value)
    assert "\n" not in message and message.endswith("Nothing was restored."), message
    return message


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_tampered_file_is_refused_before_anything_is_touched(world):
    copy = _copy(world, "tampered-media")
    _flip_a_byte(copy / "media" / "imports" / "2020" / "01" / "members.csv")
    fresh = world["new_site"]("bk_tampered")
    out = fresh.run("restore", str(copy), check=False)
    _refused(out, "media/imports/2020/01/members.csv does not match its checksum")
    assert fresh.tables() == []
    assert not fresh.media.exists() or not any(fresh.media.iterdir())


def test_a_tampered_database_file_is_refused(world, db):
    copy = _copy(world, "tampered-database")
    name = json.loads((copy / "manifest.json").read_text())["database"]["file"]
    _flip_a_byte(copy / name)
    assert f"{name} does not match its checksum" in _refusal(copy)
    (copy / name).unlink()
    assert f"The backup is incomplete: {name} is missing." in _refusal(copy)


def test_a_file_added_to_the_backup_is_refused(world, db):
    copy = _copy(world, "added")
    (copy / "media" / "extra.txt").write_text("not from the backup")
    assert "does not list: media/extra.txt" in _refusal(copy)


def test_a_backup_of_the_other_engine_is_refused(world, db):
    copy = _copy(world, "other-engine")
    manifest = json.loads((copy / "manifest.json").read_text())
    other = "sqlite" if POSTGRES else "postgresql"
    (copy / manifest["database"]["file"]).rename(copy / backups.DATABASE_FILES[other])
    _reseal(copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest.update(engine=other, database={"file": backups.DATABASE_FILES[other]})
    (copy / "manifest.json").write_text(json.dumps(manifest))
    mine, theirs = ("PostgreSQL", "SQLite") if POSTGRES else ("SQLite", "PostgreSQL")
    assert _refusal(copy) == (
        f"This is a backup of a {theirs} database; this installation uses {mine}. "
        "Nothing was restored."
    )


def test_a_backup_with_a_newer_schema_is_refused(world, db, shipped_migrations):
    copy = _copy(world, "newer")
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["migrations"].append("core.9999_from_the_future")
    (copy / "manifest.json").write_text(json.dumps(manifest))
    message = _refusal(copy, "--force")
    assert "newer than this version of clustermonitor" in message
    assert "core.9999_from_the_future unknown here" in message


def test_a_folder_without_manifest_is_not_a_backup(tmp_path, db):
    assert "is not a clustermonitor backup: it has no manifest.json" in _refusal(tmp_path)


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path, db):
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError) as refused:
        call_command("backup", str(tmp_path))
    assert str(refused.value) == (
        f"{tmp_path} already exists and is not empty: choose a new folder."
    )


def test_a_non_empty_target_is_refused_without_force_and_replaced_with_it(world):
    target = world["target"]
    # A change made after the restore, and a file: what --force must replace.
    target.execute("UPDATE programmes_cluster SET name = 'Changed' WHERE code = 'EUKA'")
    (target.media / "late.txt").write_text("made after the restore")
    name = "SELECT name FROM programmes_cluster WHERE code = 'EUKA'"
    assert target.query(name) == [("Changed",)]

    out = target.run("restore", str(world["folder"]), check=False)
    _refused(out, "The target is not empty")
    assert "--force" in out.stderr
    assert target.query(name) == [("Changed",)] and (target.media / "late.txt").exists()

    target.run("restore", "--force", str(world["folder"]))
    assert target.query(name) == world["source"].query(name) != [("Changed",)]
    assert _media_files(target.media) == _media_files(world["source"].media)
    restores = target.query("SELECT COUNT(*) FROM core_auditentry WHERE via = 'restore'")
    assert restores == [(1,)]  # the backup's state plus this restore's entry


def test_a_restore_that_fails_half_way_changes_nothing(world):
    """A backup whose database file is cut short (checksums re-made to match): the
    restore stops, and the target keeps its records and files."""
    target = world["target"]
    copy = _copy(world, "truncated")
    database = copy / ("database.pgdump" if POSTGRES else "database.sqlite3")
    data = database.read_bytes()
    database.write_bytes(data[: len(data) * 2 // 3])
    (copy / "media" / "imports" / "2020" / "01" / "members.csv").write_text("changed\n")
    _reseal(copy)
    clusters = "SELECT COUNT(*) FROM programmes_cluster"
    before = target.query(clusters)
    media = _media_files(target.media)
    out = target.run("restore", "--force", str(copy), check=False)
    _refused(out, "pg_restore failed" if POSTGRES else "The backup's database ")
    assert target.query(clusters) == before and before[0][0] > 0
    assert _media_files(target.media) == media
    assert not [p for p in target.media.iterdir() if p.name.startswith(".restore-")]


# --- PostgreSQL client versions (no database needed) ---------------------------------------


def _fake_tools(tmp_path, tool: str, majors) -> list[str]:
    paths = []
    for major in majors:
        folder = tmp_path / str(major)
        folder.mkdir()
        path = folder / tool
        path.write_text(f"#!/bin/sh\necho '{tool} (PostgreSQL) {major}.3 (Debian)'\n")
        path.chmod(0o755)
        paths.append(str(path))
    return paths


@pytest.mark.parametrize(
    ("installed", "server", "chosen"),
    [((14, 15, 17), 15, 15), ((17, 14), 15, 17), ((18, 16), 15, 16), ((15,), 15, 15)],
)
def test_the_client_of_the_servers_version_is_chosen_else_the_oldest_newer_one(
    tmp_path, monkeypatch, installed, server, chosen
):
    paths = _fake_tools(tmp_path, "pg_dump", installed)
    monkeypatch.setattr(backups, "_candidates", lambda tool: paths)
    path, major, _text = backups.pg_tool("pg_dump", server)
    assert (Path(path).parent.name, major) == (str(chosen), chosen)


def test_a_client_older_than_the_server_is_refused_with_what_to_install(tmp_path, monkeypatch):
    paths = _fake_tools(tmp_path, "pg_dump", (13, 14))
    monkeypatch.setattr(backups, "_candidates", lambda tool: paths)
    with pytest.raises(backups.BackupError) as refused:
        backups.pg_tool("pg_dump", 15)
    assert str(refused.value) == (
        "pg_dump 14 is older than the PostgreSQL 15 server: install postgresql-client-15 "
        "or set PG_BIN_DIR to its bin folder."
    )
    monkeypatch.setattr(backups, "_candidates", lambda tool: [])
    with pytest.raises(backups.BackupError, match="apt install postgresql-client-15"):
        backups.pg_tool("pg_dump", 15)


def test_pg_restore_17_sql_is_made_acceptable_to_an_older_server():
    script = [
        b"SET statement_timeout = 0;\n",
        b"SET lock_timeout = 0;\n",
        b"SET idle_in_transaction_session_timeout = 0;\n",
        b"SET transaction_timeout = 0;\n",
        b"CREATE TABLE public.t (id integer);\n",
    ]
    for_15 = list(backups.for_server(script, server_major=15, tool_major=17))
    assert b"SET transaction_timeout = 0;\n" not in for_15
    assert len(for_15) == 4
    assert list(backups.for_server(script, server_major=17, tool_major=17)) == script
    assert list(backups.for_server(script, server_major=15, tool_major=15)) == script


@pytest.mark.skipif(not POSTGRES, reason="the server's own version: PostgreSQL only")
def test_the_installed_pg_dump_can_back_up_this_server():
    """On this machine (and CI's fresh one): Debian's postgresql-client, which comes with
    the server, gives a pg_dump that can dump it."""
    major, _text = backups._server_major({**DATABASE, "NAME": "postgres"})
    _path, tool_major, _version = backups.pg_tool("pg_dump", major)
    assert tool_major >= major


# --- the scheduled backup's retention (deploy/clustermonitor-backup) ------------------------


def test_the_scheduled_backup_keeps_the_newest_complete_backups(tmp_path):
    script = Path(__file__).parent.parent / "deploy" / "clustermonitor-backup"
    root = tmp_path / "backups"
    for name in ("2026-01-01T023000Z", "2026-01-02T023000Z", "2026-01-03T023000Z"):
        (root / name).mkdir(parents=True)
        (root / name / "manifest.json").write_text("{}")
    (root / "kept-by-hand").mkdir()  # no manifest: not a backup, left alone
    stale = root / ".2026-01-04T023000Z.partial-x1"
    stale.mkdir()
    os.utime(stale, (0, 0))
    fake = tmp_path / "clustermonitor"  # stands in for `clustermonitor backup DIR`
    fake.write_text('#!/bin/sh\n[ "$1" = backup ] && mkdir "$2" && echo {} > "$2/manifest.json"\n')
    fake.chmod(0o755)
    env = {**os.environ, "BACKUP_ROOT": str(root), "BACKUP_KEEP": "2", "CLUSTERMONITOR": str(fake)}
    subprocess.run([str(script)], env=env, check=True, capture_output=True)
    left = sorted(p.name for p in root.iterdir())
    assert len(left) == 3 and left[0] == "2026-01-03T023000Z" and left[-1] == "kept-by-hand"
    assert left[1] > "2026-01-03T023000Z"  # the new one, named by the time in UTC

    failing = tmp_path / "failing"
    failing.write_text("#!/bin/sh\nexit 1\n")
    failing.chmod(0o755)
    out = subprocess.run([str(script)], env={**env, "CLUSTERMONITOR": str(failing)}, check=False)
    assert out.returncode == 1
    assert sorted(p.name for p in root.iterdir()) == left  # a failed run deletes nothing


def test_a_media_swap_that_fails_is_undone(tmp_path, monkeypatch):
    media = tmp_path / "media"
    (media / "reports").mkdir(parents=True)
    (media / "reports" / "old.pdf").write_text("old")
    staged = media / f"{backups.STAGING_PREFIX}x"
    (staged / "new" / "imports").mkdir(parents=True)
    (staged / "new" / "reports").mkdir()
    (staged / "new" / "reports" / "new.pdf").write_text("new")
    rename = Path.rename

    def full_disk(self, target):
        if self.name == "reports" and self.parent.name == "new":
            raise OSError(28, "No space left on device")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", full_disk)
    with pytest.raises(backups.BackupError) as failed:
        backups._swap_media(staged, media)
    assert failed.value.changed and "keeps its old files" in str(failed.value)
    assert sorted(p.relative_to(media).as_posix() for p in media.rglob("*")) == [
        "reports",
        "reports/old.pdf",
    ]
