"""Backups that restore (issue 13; docs/deployment.md, "Backups").

A backup is a folder:

- ``manifest.json``: what the backup is (app and version, time, database engine, the
  schema's migration state) and the size and SHA-256 of every other file in it;
- ``database.sqlite3`` (SQLite's online backup API: consistent, and safe while the app
  runs) or ``database.pgdump`` (``pg_dump`` custom format);
- ``media/``: everything under MEDIA_ROOT, the uploaded files and the generated report
  files (``media/reports/<run>/``).

A restore checks the whole backup before it touches anything: every checksum, the
engine, that this version of clustermonitor knows every migration in it, and that the
target database (and MEDIA_ROOT) hold nothing unless ``force``. It is all-or-nothing:
SQLite is written with the backup API in one write transaction, PostgreSQL in one
``psql --single-transaction`` (the old tables are dropped in that same transaction); the
files are staged next to MEDIA_ROOT's contents and swapped in only once the database is
restored. Both write one audit entry (via ``backup`` / ``restore``).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
DATABASE_MAGIC = {"sqlite": b"SQLite format 3\x00", "postgresql": b"PGDMP"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
#: Rows Django writes into any migrated database: they do not make it "non-empty".
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}
#: Leftovers of an interrupted restore inside MEDIA_ROOT (never backed up).
STAGING_PREFIX = ".restore-"
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is one line for the operator.
    `changed`: a restore that got as far as changing something (it says what)."""

    def __init__(self, message: str, *, changed: bool = False):
        super().__init__(message)
        self.changed = changed


@dataclass
class Target:
    """Where a backup is taken from or restored to: a database and a media folder."""

    database: dict
    media_root: Path
    alias: str | None = None  # the Django connection, when the target is a configured one

    @classmethod
    def configured(cls, alias: str = "default") -> Target:
        return cls(
            database=dict(settings.DATABASES[alias]),
            media_root=Path(settings.MEDIA_ROOT),
            alias=alias,
        )

    @property
    def engine(self) -> str:
        return engine_of(self.database)


@dataclass
class RestoreResult:
    manifest: dict
    older_schema: list[str] = field(default_factory=list)
    audited: bool = True


def engine_of(database: dict) -> str:
    engine = database["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def app_version() -> str:
    try:
        return metadata.version("clustermonitor")
    except metadata.PackageNotFoundError:  # pragma: no cover - always installed
        return "unknown"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def known_migrations() -> set[str]:
    """Every migration this version of clustermonitor ships, as ``app.name``."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


# --- backup -----------------------------------------------------------------------------


def backup(folder: Path, target: Target | None = None, *, actor=None) -> dict:
    """Write a backup of `target` (the configured database and MEDIA_ROOT) to `folder`,
    which must not exist or be empty. Written under a temporary name beside it and
    renamed at the end, so a folder with a manifest is always a whole backup."""
    target = target or Target.configured()
    engine = target.engine
    folder = Path(folder).absolute()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} already exists and is not empty: choose a new folder.")
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=folder.parent))
    except OSError as error:
        raise BackupError(f"Cannot write to {folder.parent}: {error.strerror or error}.") from None
    try:
        database_file = staging / DATABASE_FILES[engine]
        if engine == "sqlite":
            database_info = _sqlite_backup(target.database, database_file)
            migrations = _sqlite_migrations(database_file)
        else:
            migrations = _pg_migrations(target)
            database_info = _pg_backup(target.database, database_file)
        media = _copy_media(target.media_root, staging / MEDIA_DIR)
        files = {
            path.relative_to(staging).as_posix(): {
                "size": path.stat().st_size,
                "sha256": sha256(path),
            }
            for path in sorted(_files_under(staging))
        }
        manifest = {
            "format": FORMAT,
            "app": "clustermonitor",
            "version": app_version(),
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "engine": engine,
            "database": {"file": DATABASE_FILES[engine], **database_info},
            "migrations": sorted(migrations),
            "media": media,
            "files": files,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        if folder.exists():
            folder.rmdir()  # empty, checked above
        staging.rename(folder)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        where, reason = error.filename or folder, error.strerror or error
        raise BackupError(f"Cannot write the backup ({where}): {reason}.") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _audit(
        target,
        actor,
        "backup",
        f"backup to {folder}"[:200],
        _summary(manifest, folder),
        f"clustermonitor backup {folder}",
    )
    return manifest


def _files_under(root: Path):
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            yield path


def _copy_media(source: Path, destination: Path) -> dict:
    destination.mkdir()
    count = size = 0
    if not source.is_dir():
        return {"files": 0, "bytes": 0}
    for directory, subdirs, names in os.walk(source):
        # An interrupted restore's staging folder is not part of the media.
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(STAGING_PREFIX))
        here = Path(directory)
        for name in sorted(names):
            path = here / name
            if path.is_symlink() or not path.is_file():
                continue
            copy = destination / path.relative_to(source)
            copy.parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copy2(path, copy)
            except FileNotFoundError:
                continue  # deleted by the app since the folder was listed
            count += 1
            size += copy.stat().st_size
    return {"files": count, "bytes": size}


def _sqlite_path(database: dict) -> str:
    name = str(database["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return name


def _sqlite_backup(database: dict, destination: Path) -> dict:
    path = _sqlite_path(database)
    if not Path(path).is_file():
        raise BackupError(f"The SQLite database {path} does not exist.")
    # One step: a consistent snapshot while the app keeps writing (WAL: readers do not
    # block writers). The copy is switched to a rollback journal so that it is one
    # self-contained file that opening it never changes.
    source = sqlite3.connect(path, timeout=30)
    copy = sqlite3.connect(destination)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        version = sqlite3.sqlite_version
    except sqlite3.Error as error:
        raise BackupError(f"The SQLite backup failed: {error}.") from None
    finally:
        copy.close()
        source.close()
    return {"server_version": version}


def _sqlite_migrations(path: Path) -> list[str]:
    connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        rows = connection.execute("SELECT app, name FROM django_migrations").fetchall()
    except sqlite3.Error:
        rows = []  # not migrated at all
    finally:
        connection.close()
    return [f"{app}.{name}" for app, name in rows]


def _pg_migrations(target: Target) -> list[str]:
    with _pg_connect(target.database) as connection:
        exists = connection.execute("SELECT to_regclass('public.django_migrations')").fetchone()
        if exists[0] is None:
            return []
        rows = connection.execute("SELECT app, name FROM public.django_migrations").fetchall()
    return [f"{app}.{name}" for app, name in rows]


# --- PostgreSQL tools --------------------------------------------------------------------


def _pg_connect(database: dict, dbname: str | None = None):
    import psycopg

    options = database.get("OPTIONS") or {}
    params = {
        "dbname": dbname or database["NAME"],
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": str(database.get("PORT") or "") or None,
        **{k: v for k, v in options.items() if k in {"sslmode", "sslrootcert", "sslcert"}},
    }
    try:
        return psycopg.connect(
            **{k: v for k, v in params.items() if v is not None},
            autocommit=True,
            connect_timeout=10,
        )
    except psycopg.Error as error:
        text = str(error).strip()
        first = text.splitlines()[-1].strip() if text else type(error).__name__
        raise BackupError(f"Cannot connect to PostgreSQL: {first}") from None


def _pg_env(database: dict) -> dict:
    env = dict(os.environ)
    pairs = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
        "PGSSLMODE": (database.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({k: str(v) for k, v in pairs.items() if v})
    return env


def _server_major(database: dict) -> tuple[int, str]:
    with _pg_connect(database) as connection:
        number = connection.info.server_version
        text = connection.execute("SHOW server_version").fetchone()[0]
    return number // 10000, text


_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


def _tool_version(path: str) -> tuple[int, str] | None:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except OSError:
        return None
    match = _VERSION.search(out.stdout)
    return (int(match.group(1)), out.stdout.strip()) if match else None


def _candidates(tool: str) -> list[str]:
    """Where a PostgreSQL client program may be: PG_BIN_DIR, Debian's per-version folders
    (/usr/lib/postgresql/N/bin, newest first), then PATH."""
    found = []
    if os.environ.get("PG_BIN_DIR"):
        found.append(str(Path(os.environ["PG_BIN_DIR"]) / tool))
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        versions = sorted(
            (p for p in debian.iterdir() if p.name.isdigit()), key=lambda p: -int(p.name)
        )
        found += [str(p / "bin" / tool) for p in versions]
    on_path = shutil.which(tool)
    if on_path:
        found.append(on_path)
    return [path for path in dict.fromkeys(found) if os.access(path, os.X_OK)]


def pg_tool(tool: str, server_major: int) -> tuple[str, int, str]:
    """The client program to use against a server of `server_major`: the same major
    version when installed, else the oldest newer one (pg_dump refuses a server newer
    than itself; a newer one reads an older server fine)."""
    versions = []
    for path in _candidates(tool):
        version = _tool_version(path)
        if version:
            versions.append((path, *version))
    if not versions:
        raise BackupError(
            f"{tool} was not found: install the PostgreSQL client "
            f"(Debian: apt install postgresql-client-{server_major}) or set PG_BIN_DIR."
        )
    usable = sorted((v for v in versions if v[1] >= server_major), key=lambda v: v[1])
    if not usable:
        newest = max(v[1] for v in versions)
        raise BackupError(
            f"{tool} {newest} is older than the PostgreSQL {server_major} server: install "
            f"postgresql-client-{server_major} or set PG_BIN_DIR to its bin folder."
        )
    return usable[0]


def _pg_backup(database: dict, destination: Path) -> dict:
    major, server_version = _server_major(database)
    path, tool_major, tool_version = pg_tool("pg_dump", major)
    command = [
        path,
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={destination}",
        str(database["NAME"]),
    ]
    out = subprocess.run(command, capture_output=True, text=True, env=_pg_env(database))
    if out.returncode != 0:
        raise BackupError(f"pg_dump failed: {_first_error(out.stderr)}")
    return {"server_version": server_version, "tool": tool_version, "tool_major": tool_major}


def _first_error(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower() or "fatal" in line.lower()]
    return (errors or lines or ["no message"])[0]


# --- restore ------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict:
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} is not a clustermonitor backup: it has no {MANIFEST}.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{path} is not valid JSON: {error}.") from None
    if not isinstance(manifest, dict) or manifest.get("app") != "clustermonitor":
        raise BackupError(f"{path} is not a clustermonitor backup manifest.")
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{path} has backup format {manifest.get('format')!r}; this version reads {FORMAT}."
        )
    for key in ("engine", "files", "migrations", "database"):
        if key not in manifest:
            raise BackupError(f"{path} lacks '{key}'.")
    return manifest


def verify(folder: Path) -> dict:
    """The manifest, once every file in the folder matches it: nothing missing, nothing
    added, every size and SHA-256 as written."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    listed = manifest["files"]
    present = {
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink()
    } - {MANIFEST}
    for name in sorted(listed):
        if ".." in Path(name).parts or Path(name).is_absolute():
            raise BackupError(f"The backup's manifest names a file outside it: {name}.")
        if name not in present:
            raise BackupError(f"The backup is incomplete: {name} is missing.")
        path = folder / name
        if path.is_symlink():
            raise BackupError(f"The backup is damaged: {name} is a symbolic link.")
        entry = listed[name]
        if path.stat().st_size != entry.get("size") or sha256(path) != entry.get("sha256"):
            raise BackupError(f"The backup is damaged: {name} does not match its checksum.")
    extra = sorted(present - set(listed))
    if extra:
        raise BackupError(f"The backup holds a file its manifest does not list: {extra[0]}.")
    database_file = manifest["database"].get("file")
    if database_file != DATABASE_FILES.get(manifest["engine"]) or database_file not in listed:
        raise BackupError("The backup's manifest does not name its database file.")
    return manifest


def _check_compatible(folder: Path, manifest: dict, target: Target) -> list[str]:
    """Refuse another engine or a newer schema; return the migrations this version has
    that the backup lacks (the restored database then needs `clustermonitor migrate`)."""
    engine = target.engine
    if manifest["engine"] != engine:
        raise BackupError(
            f"This is a backup of a {ENGINE_NAMES.get(manifest['engine'], manifest['engine'])} "
            f"database; this installation uses {ENGINE_NAMES[engine]}."
        )
    database_file = folder / manifest["database"]["file"]
    with database_file.open("rb") as handle:
        magic = handle.read(16)
    if not magic.startswith(DATABASE_MAGIC[engine]):
        raise BackupError(
            f"The backup's {manifest['database']['file']} is not a {ENGINE_NAMES[engine]} "
            "backup file."
        )
    known = known_migrations()
    unknown = sorted(set(manifest["migrations"]) - known)
    if unknown:
        more = f" and {len(unknown) - 1} more" if len(unknown) > 1 else ""
        raise BackupError(
            f"The backup's schema is newer than this version of clustermonitor "
            f"({manifest.get('version', '?')}; {unknown[0]}{more} unknown here): "
            "upgrade clustermonitor first."
        )
    return sorted(known - set(manifest["migrations"]))


def holdings(target: Target) -> list[str]:
    """What the target already holds: its tables with rows (besides Django's
    bookkeeping) and, if any, MEDIA_ROOT's files."""
    found = []
    if target.engine == "sqlite":
        path = _sqlite_path(target.database)
        if Path(path).is_file():
            connection = sqlite3.connect(path, timeout=30)  # reads only
            try:
                tables = [
                    row[0]
                    for row in connection.execute(
                        "SELECT name FROM sqlite_master WHERE type='table' "
                        "AND name NOT LIKE 'sqlite_%'"
                    )
                ]
                found = [
                    t
                    for t in tables
                    if t not in BOOKKEEPING_TABLES
                    and connection.execute(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone()
                ]
            finally:
                connection.close()
    else:
        with _pg_connect(target.database) as connection:
            tables = [
                row[0]
                for row in connection.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                )
            ]
            found = [
                t
                for t in tables
                if t not in BOOKKEEPING_TABLES
                and connection.execute(f'SELECT 1 FROM public."{t}" LIMIT 1').fetchone()
            ]
    if target.media_root.is_dir() and any(
        not p.name.startswith(STAGING_PREFIX) for p in target.media_root.iterdir()
    ):
        found.append(f"MEDIA_ROOT ({target.media_root})")
    return sorted(found)


def restore(folder: Path, target: Target | None = None, *, force=False, actor=None):
    """Replace `target`'s database and media with the backup in `folder`, or change
    nothing: every check runs before anything is written."""
    target = target or Target.configured()
    folder = Path(folder).absolute()
    manifest = verify(folder)
    older = _check_compatible(folder, manifest, target)
    if not force:
        held = holdings(target)
        if held:
            more = f" and {len(held) - 1} more" if len(held) > 1 else ""
            raise BackupError(
                f"The target is not empty ({held[0]}{more} hold records): "
                "restore --force replaces it."
            )
    if target.alias:
        connections[target.alias].close()  # hold no locks while the tables are replaced
    staged = _stage_media(folder, manifest, target.media_root)
    try:
        database_file = folder / manifest["database"]["file"]
        if target.engine == "sqlite":
            _sqlite_restore(database_file, target.database)
        else:
            _pg_restore(database_file, manifest, target.database)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    _swap_media(staged, target.media_root)
    result = RestoreResult(manifest=manifest, older_schema=older)
    try:
        _audit(
            target,
            actor,
            "restore",
            f"restore from {folder}"[:200],
            _summary(manifest, folder),
            f"clustermonitor restore {folder} (backup of {manifest.get('created_at', '?')})",
        )
    except DatabaseError:
        if not older:
            raise
        result.audited = False  # the older schema's audit log: written after migrate
    return result


def _stage_media(folder: Path, manifest: dict, media_root: Path) -> Path:
    """Copy the backup's media into a staging folder inside MEDIA_ROOT (same file system,
    so the swap is renames), checking each copy against the manifest."""
    media_root.mkdir(parents=True, exist_ok=True)
    staged = media_root / f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
    new = staged / "new"
    new.mkdir(parents=True)
    prefix = MEDIA_DIR + "/"
    try:
        for name, entry in manifest["files"].items():
            if not name.startswith(prefix):
                continue
            copy = new / name[len(prefix) :]
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(folder / name, copy)
            if sha256(copy) != entry["sha256"]:
                raise BackupError(f"Copying {name} into {media_root} changed it.")
    except OSError as error:
        shutil.rmtree(staged, ignore_errors=True)
        raise BackupError(f"Cannot write to {media_root}: {error.strerror or error}.") from None
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged


def _swap_media(staged: Path, media_root: Path) -> None:
    """Move MEDIA_ROOT's old entries aside and the staged ones in (renames only), then
    delete the old ones."""
    old = staged / "old"
    old.mkdir()
    moved: list[tuple[Path, Path]] = []  # (from, to), undone in reverse should one fail
    try:
        for entry in list(media_root.iterdir()):
            if entry != staged and not entry.name.startswith(STAGING_PREFIX):
                entry.rename(old / entry.name)
                moved.append((entry, old / entry.name))
        for entry in list((staged / "new").iterdir()):
            entry.rename(media_root / entry.name)
            moved.append((entry, media_root / entry.name))
    except OSError as error:
        for source, destination in reversed(moved):
            destination.rename(source)
        shutil.rmtree(staged, ignore_errors=True)
        raise BackupError(
            f"The database is restored, but MEDIA_ROOT ({media_root}) could not be swapped "
            f"({error.strerror or error}) and keeps its old files: run the restore again.",
            changed=True,
        ) from None
    shutil.rmtree(staged, ignore_errors=True)


def _sqlite_restore(database_file: Path, database: dict) -> None:
    path = Path(_sqlite_path(database))
    path.parent.mkdir(parents=True, exist_ok=True)
    # Work on a copy (opening the backup itself could change it), check it, then copy it
    # into the target with the backup API: one write transaction, all or nothing, and
    # right for a database in WAL mode (no stale -wal file, the mode kept).
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=path.parent) as scratch:
        copy = Path(scratch) / "restore.sqlite3"
        shutil.copyfile(database_file, copy)
        source = sqlite3.connect(copy)
        try:
            check = source.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"The backup's database fails SQLite's integrity check: {check}.")
            destination = sqlite3.connect(path, timeout=30)
            try:
                source.backup(destination)
            except sqlite3.Error as error:
                raise BackupError(
                    f"Restoring into {path} failed ({error}); nothing was changed."
                ) from None
            finally:
                destination.close()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"The backup's database cannot be read: {error}.") from None
        finally:
            source.close()


#: Dropped in the restore's own transaction, before the dump's objects are created:
#: everything in the public schema, whatever made it.
_PG_CLEAR = """
SET lock_timeout = '60s';
DO $clear$
DECLARE item record;
BEGIN
  FOR item IN SELECT c.relname, c.relkind FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = c.oid
                      AND d.deptype = 'e')
  LOOP
    EXECUTE format(
      CASE item.relkind WHEN 'v' THEN 'DROP VIEW IF EXISTS public.%I CASCADE'
                        WHEN 'm' THEN 'DROP MATERIALIZED VIEW IF EXISTS public.%I CASCADE'
                        WHEN 'f' THEN 'DROP FOREIGN TABLE IF EXISTS public.%I CASCADE'
                        ELSE 'DROP TABLE IF EXISTS public.%I CASCADE' END,
      item.relname);
  END LOOP;
  FOR item IN SELECT c.relname FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'S'
  LOOP
    EXECUTE format('DROP SEQUENCE IF EXISTS public.%I CASCADE', item.relname);
  END LOOP;
END
$clear$;
RESET lock_timeout;
"""


#: Settings a newer pg_restore writes that an older server does not know, by the version
#: that introduced them. They only reset defaults, so they are left out for such a server.
NEWER_SETTINGS = {17: b"SET transaction_timeout = 0;\n"}


def for_server(lines, server_major: int, tool_major: int):
    """The SQL lines of `pg_restore --file=-` (version `tool_major`) that a server of
    `server_major` accepts: pg_restore 17 writes `SET transaction_timeout`, which
    PostgreSQL 15 and 16 refuse."""
    skip = {line for since, line in NEWER_SETTINGS.items() if server_major < since <= tool_major}
    for line in lines:
        if line not in skip:
            yield line


def _pg_restore(database_file: Path, manifest: dict, database: dict) -> None:
    major, _text = _server_major(database)
    dumped_with = int(manifest["database"].get("tool_major") or 0)
    # pg_restore reads archives of its own and older versions: at least the dump's.
    path, tool_major, _version = pg_tool("pg_restore", max(major, dumped_with))
    psql, _psql_major, _psql_version = pg_tool("psql", major)
    env = _pg_env(database)
    # The dump as SQL (pg_restore), run by psql in one transaction after the clearing.
    # COMMIT is sent only once pg_restore has written the whole dump: if it stops
    # half-way, psql reaches the end of its input inside the transaction, which the
    # server then rolls back.
    with tempfile.TemporaryFile() as script_err, tempfile.TemporaryFile() as runner_err:
        script = subprocess.Popen(
            [path, "--no-owner", "--no-privileges", "--file=-", str(database_file)],
            stdout=subprocess.PIPE,
            stderr=script_err,
            env=env,
        )
        runner = subprocess.Popen(
            [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-", str(database["NAME"])],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=runner_err,
            env=env,
        )
        try:
            runner.stdin.write(b"BEGIN;\n" + _PG_CLEAR.encode())
            for line in for_server(script.stdout, major, tool_major):
                runner.stdin.write(line)
            script.wait()
            if script.returncode == 0:
                runner.stdin.write(b"COMMIT;\n")
            runner.stdin.close()
        except BrokenPipeError:
            pass  # psql stopped at an error: its message follows
        finally:
            script.stdout.close()
            script.wait()
            runner.wait()
        script_err.seek(0)
        runner_err.seek(0)
        script_message = script_err.read().decode(errors="replace")
        runner_message = runner_err.read().decode(errors="replace")
    if script.returncode != 0:
        raise BackupError(
            f"pg_restore failed ({_first_error(script_message)}); the database was not changed."
        )
    if runner.returncode != 0:
        raise BackupError(f"The restore failed and was rolled back: {_first_error(runner_message)}")


# --- audit --------------------------------------------------------------------------------


def _summary(manifest: dict, folder: Path) -> dict:
    return {
        "folder": str(folder),
        "created_at": manifest.get("created_at"),
        "version": manifest.get("version"),
        "engine": manifest.get("engine"),
        "migrations": len(manifest.get("migrations", [])),
        "media_files": manifest.get("media", {}).get("files"),
        "manifest_sha256": hashlib.sha256(
            json.dumps(manifest, sort_keys=True).encode()
        ).hexdigest(),
    }


def _audit(target: Target, actor, via: str, what: str, after: dict, note: str) -> None:
    """One audit entry for the whole backup or restore, on the programme (as
    `clustermonitor generate` does), in the target's database."""
    if target.alias is None:
        return
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from clustermonitor.core.models import AuditEntry

    # The backup copies every app's tables and names models by label; the entry goes on
    # the programme, the first of them.
    Programme = apps.get_model("programmes", "Programme")

    alias = target.alias
    connections[alias].close()  # a restored database: start on a fresh connection
    ContentType.objects.clear_cache()  # its ids are the backup's
    programme = Programme.objects.using(alias).order_by("pk").first()
    user = getattr(actor, "user", None)
    AuditEntry.objects.using(alias).create(
        actor=user if getattr(user, "pk", None) else None,
        via=via,
        action=AuditEntry.Action.CREATE,
        content_type=ContentType.objects.db_manager(alias).get_for_model(Programme),
        object_id=str(programme.pk) if programme else "0",
        object_repr=(f"{programme}: {what}" if programme else what)[:200],
        after=after,
        note=note[:300],
    )
