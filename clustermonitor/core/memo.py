"""Results of expensive computations kept by what they are computed from.

Two kinds of key, neither of which can serve a stale result:

- the inputs themselves (`memo(namespace, inputs, compute)` with the rows a pure
  function is about to receive): any change in the records changes the inputs;
- a version of the records (`data_version(*models)`), for results whose inputs are the
  slow part to read: it changes with every audited write and every row added.

Only for computations that must look at a whole programme on every request (KPIs over
every fee and collaboration, a network's betweenness, a chart of 200 panels). Off in the
test environment, so that every test sees each computation run (and its queries); a test
turns it on with ``settings.CLUSTERMONITOR_MEMO = True``.
"""

import hashlib
import pickle
from collections.abc import Callable

from django.conf import settings

from clustermonitor.core import sharedcache

#: Entries fall out after a day; a changed input never hits an old entry anyway.
TIMEOUT = 24 * 3600


def enabled() -> bool:
    return getattr(settings, "CLUSTERMONITOR_MEMO", settings.ENVIRONMENT != "test")


def memo[T](namespace: str, inputs, compute: Callable[[], T]) -> T:
    """`compute()`, or its result of an earlier call with equal `inputs` (a callable
    `inputs` is only called when results are kept)."""
    if not enabled():
        return compute()
    if callable(inputs):
        inputs = inputs()
    key = memo_key(namespace, inputs)
    found = sharedcache.get(key)
    if found is None:
        found = compute()
        sharedcache.put(key, found, TIMEOUT)
    return found


def memo_key(namespace: str, inputs) -> str:
    """The cache key of `inputs`: the same in every process for equal inputs."""
    digest = hashlib.sha256(pickle.dumps(canonical(inputs), protocol=5)).hexdigest()
    return f"memo:{namespace}:{digest}"


def canonical(value):
    """`value` with every set in a fixed order, so that equal inputs give the same key in
    every process: a set of strings iterates (and pickles) in an order that depends on
    the process's hash seed, and web workers sharing one cache have different seeds."""
    if isinstance(value, (set, frozenset)):
        items = [canonical(v) for v in value]
        return ("<set>", tuple(sorted(items, key=_order)))
    if isinstance(value, dict):
        return {canonical(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    if isinstance(value, tuple) and type(value) is tuple:
        return tuple(canonical(v) for v in value)
    return value


def _order(value):
    return (type(value).__name__, repr(value))


def data_version(*models) -> tuple:
    """A value that changes whenever rows of `models` may have changed, in one query of
    index look-ups only: the last audit entry (every write of the application goes
    through the audit log, edits and deletions included) and, per model, the highest id
    (which also sees rows added past the audit log, by bulk loaders). No COUNT(*): it
    reads a whole table on PostgreSQL, tens of milliseconds at scale, on every request."""
    from django.db import connection

    from clustermonitor.core.models import AuditEntry

    quote = connection.ops.quote_name
    parts = [f"(SELECT MAX({quote('id')}) FROM {quote(AuditEntry._meta.db_table)})"]
    for model in models:
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        parts.append(f"(SELECT MAX({pk}) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(cursor.fetchone())


def background() -> bool:
    """Whether a result can be computed by the background worker for the web workers:
    results are shared between processes (Redis) and tasks run on the queue."""
    from django.tasks import task_backends
    from django.tasks.backends.immediate import ImmediateBackend

    return (
        enabled()
        and sharedcache.shared()
        and not isinstance(task_backends["default"], ImmediateBackend)
    )


#: A queued computation is queued again after this (a worker that died, a lost task).
QUEUED_TIMEOUT = 300


def memo_or_queue[T](namespace: str, inputs, compute: Callable[[], T], task, *args) -> T | None:
    """Like `memo`, for results that take seconds (a chart of 200 panels, a network's
    betweenness): when they are not kept yet and the background worker can compute them
    (`background()`), queue `task(*args)` — which computes the same result from the
    records and keeps it — and return None at once; the page shows that the result is
    coming and asks again (never an older result). Without a background worker: `memo`.
    A callable `inputs` is called only when results are kept (as in `memo`)."""
    if not background():
        return memo(namespace, inputs, compute)
    if callable(inputs):
        inputs = inputs()
    key = memo_key(namespace, inputs)
    found = sharedcache.get(key)
    if found is not None:
        return found
    claimed = sharedcache.claim(f"queued:{key}", QUEUED_TIMEOUT)
    if claimed is None:  # the cache is down: nothing could be handed over, compute
        return compute()
    if claimed:
        task.enqueue(*args)
    return None
