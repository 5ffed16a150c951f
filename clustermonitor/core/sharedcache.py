"""The cache every process of a deployment shares (Redis, `CACHE_URL`), and the rules
for what may be kept in it.

Two kinds of entry live in Django's cache:

- results keyed by what they are computed from (core.memo, core.pagecache): a changed
  input or a new version of the records gives a new key, so they are never stale, in
  one process or in forty;
- *mirrors* of rows that every request reads (the version of the records, the signed-in
  user with their roles): they are valid for one **generation** of the records only.
  Every committed write through Django, in any process (web worker, `db_worker`, a
  command, the audit log or a bulk loader, audited or not), gives the records a new
  generation (`bump`, from the database wrapper below), so a mirror is never read after
  the write that changed its row; and it expires after `MIRROR_TIMEOUT` seconds anyway,
  which bounds the damage of a write the cache did not hear of (Redis unreachable at
  that moment, an edit in psql).

Mirrors are only kept when the cache is shared (`settings.CLUSTERMONITOR_SHARED_CACHE`,
on with a Redis `CACHE_URL`): a per-process local-memory cache cannot hear of another
process's writes, so there every request reads the rows.

The cache is an optimisation, never a dependency: when Redis cannot be reached every
read is a miss and every write is dropped (logged), and the page is computed as if
nothing had been kept. Nothing else in the application talks to the cache directly.
"""

import logging
import re
import threading
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)

GENERATION_KEY = "records-generation"
#: Longest life of a mirrored row (seconds): a write that could not reach the cache is
#: seen after this at the latest.
MIRROR_TIMEOUT = 30
#: Statements that change rows (or tables): any of them starts a new generation.
WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "COPY", "MERGE", "ALTER", "DROP", "CREATE")
#: Tables whose rows are not records that a page shows: sessions and sign-in attempts. A
#: write there starts no new generation, so that signing in, a session's own changes, or
#: anyone failing to log in does not throw away every kept page and result.
NOT_RECORDS = re.compile(r"django_session|axes_\w+")
_TARGET = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_MISSING = object()
#: The generation read once per request (request_started .. request_finished): one
#: round trip fewer, and one consistent view of the records for the whole request.
_request = threading.local()


def shared() -> bool:
    """Whether every process reads and writes the same cache (Redis)."""
    return getattr(settings, "CLUSTERMONITOR_SHARED_CACHE", False)


def get(key: str, default=None):
    """`cache.get`, or `default` when the cache cannot be reached or its entry read."""
    try:
        return cache.get(key, default)
    except Exception as error:  # a cache outage is a miss, never a 500
        log.warning("cache unavailable, computing instead (get %s): %s", key[:60], error)
        return default


def put(key: str, value, timeout) -> None:
    """`cache.set`, dropped (logged) when the cache cannot be reached."""
    try:
        cache.set(key, value, timeout)
    except Exception as error:
        log.warning("cache unavailable, result not kept (set %s): %s", key[:60], error)


def claim(key: str, timeout: int) -> bool | None:
    """Add `key` unless it is there: True for the one process that added it, False for
    the others, None when the cache cannot be reached."""
    try:
        return cache.add(key, 1, timeout)
    except Exception as error:
        log.warning("cache unavailable (add %s): %s", key[:60], error)
        return None


def generation() -> str | None:
    """The current generation of the records (None when the cache cannot be reached)."""
    current = getattr(_request, "generation", None)
    if current is not None:
        return current
    try:
        current = cache.get(GENERATION_KEY)
        if current is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
            current = cache.get(GENERATION_KEY)
    except Exception as error:
        log.warning("cache unavailable, reading the rows (generation): %s", error)
        return None
    if getattr(_request, "active", False):
        _request.generation = current
    return current


def request_started(**kwargs) -> None:
    _request.active, _request.generation, _request.mirrors = True, None, {}


def request_finished(**kwargs) -> None:
    _request.active, _request.generation, _request.mirrors = False, None, {}


def get_with_generation(key: str):
    """`cache.get(key)` (errors raised, as cache.get), reading in the same round trip the
    generation of the records when this request has not read it yet: the session's read,
    so that a kept page costs one round trip fewer. Each round trip is a wait for Redis,
    which on a busy machine is most of what a kept page costs."""
    if not (shared() and getattr(_request, "active", False)) or _request.generation is not None:
        return cache.get(key)
    found = cache.get_many([key, GENERATION_KEY])
    if found.get(GENERATION_KEY) is not None:
        _request.generation = found[GENERATION_KEY]
    return found.get(key)


def prefetch(*names: str) -> None:
    """Read the mirrors `names` of the current generation in one round trip, for the
    `mirrored` calls of this request that follow (the signed-in user and the version of
    the records: every kept page asks for both)."""
    if not (shared() and getattr(_request, "active", False)) or _uncommitted_writes():
        return
    current = generation()
    if current is None:
        return
    keys = [f"mirror:{current}:{name}" for name in names]
    keys = [key for key in keys if key not in _request.mirrors]
    if not keys:
        return
    try:
        found = cache.get_many(keys)
    except Exception as error:
        log.warning("cache unavailable, reading the rows (prefetch): %s", error)
        return
    _request.mirrors.update(found)


def bump() -> None:
    """Start a new generation: every mirror of the old one is no longer read."""
    if not shared():
        return
    _request.generation = None  # this request reads on after its own write
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception as error:
        log.error(
            "cache unavailable: a write was not announced; mirrors expire within %d s: %s",
            MIRROR_TIMEOUT,
            error,
        )


def get_with_mirrors(key: str, names=()):
    """`get(key)`, prefetching in the same round trip the mirrors `names` of the current
    generation (for the `mirrored` calls of this request that follow)."""
    keys = []
    if names and shared() and getattr(_request, "active", False) and not _uncommitted_writes():
        current = generation()
        if current is not None:
            keys = [f"mirror:{current}:{name}" for name in names]
            keys = [k for k in keys if k not in _request.mirrors]
    if not keys:
        return get(key)
    try:
        found = cache.get_many([key, *keys])
    except Exception as error:
        log.warning("cache unavailable, computing instead (get %s): %s", key[:60], error)
        return None
    _request.mirrors.update({k: v for k, v in found.items() if k != key})
    return found.get(key)


def mirrored[T](name: str, compute: Callable[[], T], timeout: int = MIRROR_TIMEOUT) -> T:
    """`compute()`, kept in the shared cache for the current generation of the records
    (see the module); computed on every call when the cache is not shared or down."""
    if not shared() or _uncommitted_writes():
        return compute()
    current = generation()
    if current is None:
        return compute()
    key = f"mirror:{current}:{name}"
    found = getattr(_request, "mirrors", {}).get(key, _MISSING)  # prefetched
    if found is _MISSING:
        found = get(key, _MISSING)
    if found is _MISSING:
        found = compute()
        put(key, found, timeout)
    return found


def _uncommitted_writes() -> bool:
    """Whether this connection wrote in a transaction not yet committed: what it reads
    then is not what the generation's mirrors show (nor may it be kept as such)."""
    from django.db import connection

    return connection.in_atomic_block and any(
        entry[1] is bump for entry in connection.run_on_commit
    )


def _is_write(sql) -> bool:
    if not (isinstance(sql, str) and sql.lstrip()[:8].upper().startswith(WRITES)):
        return False
    target = _TARGET.match(sql)
    return not (target and NOT_RECORDS.fullmatch(target.group(1)))


def watch_writes(execute, sql, params, many, context):
    """Database execute wrapper: a statement that changes rows starts a new generation
    once its transaction commits (at once in autocommit)."""
    result = execute(sql, params, many, context)
    if shared() and _is_write(sql):
        connection = context["connection"]
        if not connection.in_atomic_block:
            bump()
        elif not any(entry[1] is bump for entry in connection.run_on_commit):
            connection.on_commit(bump)
    return result


def install(sender=None, connection=None, **kwargs) -> None:
    """`connection_created` receiver: every database connection reports its writes."""
    if connection is not None and watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)
