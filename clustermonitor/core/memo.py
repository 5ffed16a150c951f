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
from django.core.cache import cache

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
    digest = hashlib.sha256(pickle.dumps(inputs, protocol=5)).hexdigest()
    key = f"memo:{namespace}:{digest}"
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, TIMEOUT)
    return found


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
