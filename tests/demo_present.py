"""The demo's present as `clustermonitor load-demo` leaves it on the session's shared
demo (demodata.personas.load_demo: the live clusters, logins, invoices, agreements,
accounts, ladder…), kept for the other tests of the session that need it as a starting
point rather than as the thing they test.

tests/test_cli.py runs `load-demo` for real and then `keep`s every table's rows in the
session's shared folder (tests/demo_copies.py: the same snapshot, the same lock, seen by
every xdist worker); `restore` puts them back in the open transaction, or says it could
not (no copy yet, another day, or other content types), and the test then loads what it
needs itself.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from django.utils import timezone

from tests import demo_copies


def _path(folder: Path) -> Path:
    from django.db import connection

    # The present is relative to the day it is loaded on (demodata.live): one per day.
    return folder / f"demo-present-{connection.vendor}-{timezone.localdate().isoformat()}.pickle"


def keep(folder: Path) -> None:
    """Every table's rows as this transaction sees them, for `restore` (once a session)."""
    path = _path(folder)
    with demo_copies.locked(folder / "demo-present.lock"):
        if not path.exists():
            partial = path.with_suffix(".partial")
            partial.write_bytes(pickle.dumps(demo_copies.snapshot()))
            partial.rename(path)


def restore(folder: Path) -> bool:
    """The kept present in the open transaction; False (nothing written) where there is
    none for today or this database's content types differ."""
    path = _path(folder)
    with demo_copies.locked(folder / "demo-present.lock"):
        if not path.exists():
            return False
        saved = pickle.loads(path.read_bytes())
    return demo_copies.put_back(saved)
