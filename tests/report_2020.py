"""The evaluation report as of a day (the 2020 report: 31/01/2020), built once per state
of the records, for the tests that compare it before and after loading more of the demo
(tests/test_demo_live.py, test_billing_demo.py, test_agreements_demo.py,
test_demo_impact.py: each starts from the session's calibrated demo, which none of them
may change).

A report is a function of the records, the day it is made for, its language and the day
it is made on: `document` and `html` key it by a digest of every table's rows
(tests/demo_copies.py's snapshot, with the database's content types), so a test gets the
report its records give, built by another test of the process (or, for the HTML, of the
session: the workers share the session's folder) only where those were the same rows.
What a test then builds after its load is built afresh and compared with it.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import pickle
from pathlib import Path

from django.utils import timezone

from clustermonitor.reports import render
from clustermonitor.reports.build import build_document
from clustermonitor.reports.document import Document
from tests import demo_copies

_DOCUMENTS: dict[str, Document] = {}
_HTML: dict[str, str] = {}


def _key(as_of: datetime.date, lang: str) -> str:
    state = (demo_copies.snapshot(), as_of.isoformat(), lang, timezone.localdate().isoformat())
    return hashlib.sha256(pickle.dumps(state, protocol=5)).hexdigest()


def _document(key: str, as_of: datetime.date, lang: str) -> Document:
    if key not in _DOCUMENTS:
        _DOCUMENTS[key] = build_document(as_of=as_of, lang=lang)
    return _DOCUMENTS[key]


def document(as_of: datetime.date, lang: str = "nl") -> Document:
    """`build_document(as_of=as_of, lang=lang)` on the records as they are (a copy)."""
    return copy.deepcopy(_document(_key(as_of, lang), as_of, lang))


def html(as_of: datetime.date, folder: Path, lang: str = "nl") -> str:
    """`render.render_html(build_document(as_of=as_of, lang=lang))` on the records as
    they are; `folder`: the session's shared folder (demo_copies.shared_folder)."""
    key = _key(as_of, lang)
    if key not in _HTML:
        path = folder / f"report-{key[:32]}.html"
        with demo_copies.locked(folder / "report.lock"):
            if path.exists():
                _HTML[key] = path.read_text(encoding="utf-8")
            else:
                _HTML[key] = render.render_html(_document(key, as_of, lang))
                partial = path.with_suffix(".partial")
                partial.write_text(_HTML[key], encoding="utf-8")
                partial.rename(path)
    return _HTML[key]
