"""KoboToolbox response exports (CSV or XLSX, "XML values and headers").

What a Kobo export looks like: `start`, `end` (the form's own timestamps, with a UTC
offset), `today`, the questions with their group path (`group_effects/q3_e1`; the
group path is stripped), for a select_multiple a column with the chosen options
separated by spaces *and/or* one 0/1 column per option (`group_q/q7/option`), then
`_id`, `_uuid`, `_submission_time` (UTC), `_validation_status`, `_index` and other
columns starting with `_`. CSV exports are often separated by semicolons.

The id in the source is `_uuid` (else `meta/instanceID`, else `_id`). A Kobo
submission is always complete: completed at `end` (else `_submission_time`), which is
also the row's timestamp for the overwrite rule. Choose "XML values and headers" when
exporting; label exports work for single choices but not for multiple ones.
"""

import datetime

from django.utils.translation import gettext as _

from clustermonitor.core.tabular import Table
from clustermonitor.surveys.imports import (
    Index,
    RowError,
    RowMeta,
    parse_timestamp,
    question_type,
)
from clustermonitor.surveys.models import Response

SOURCE = Response.Source.KOBO
SYSTEM = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "audit",
    "instanceid",
    "instancename",
    "deprecatedid",
}
SYSTEM_GROUPS = {"meta", "formhub"}
ID_COLUMNS = ("_uuid", "meta/instanceid", "_id")


def _parts(header: str) -> list[str]:
    return [p for p in header.strip().split("/") if p]


def short_name(header: str) -> str:
    parts = _parts(header)
    return parts[-1] if parts else header


def map_header(header: str, index: Index):
    parts = _parts(header)
    if not parts or parts[0].lower() in SYSTEM_GROUPS:
        return None
    if len(parts) >= 2:
        parent = index.get(parts[-2])
        if parent is not None and question_type(parent) == "select_multiple":
            option = index.option(parent, parts[-1])
            if option is not None:
                return parent, option
    question = index.get(parts[-1])
    return (question, None) if question is not None else None


def is_system(header: str) -> bool:
    parts = _parts(header)
    if not parts:
        return False
    last = parts[-1].lower()
    return parts[0].lower() in SYSTEM_GROUPS or last.startswith("_") or last in SYSTEM


def hint(header: str, index: Index) -> str:
    parts = _parts(header)
    if len(parts) >= 2:
        parent = index.get(parts[-2])
        if parent is not None and question_type(parent) == "select_multiple":
            return _("“%(o)s” is not an option of %(q)s (%(names)s)") % {
                "o": parts[-1],
                "q": parent["name"],
                "names": ", ".join(str(c["name"]) for c in parent.get("choices") or []),
            }
    return ""


def expected_headers(index: Index) -> str:
    names = list(index.questions)[:4]
    return _("expected Kobo headers such as %(names)s (with or without a group path)") % {
        "names": ", ".join(names)
    }


def _column(headers: list[str], name: str) -> str:
    return next((h for h in headers if h.strip().lower() == name), "")


def id_column(headers: list[str]) -> str:
    return next((c for n in ID_COLUMNS if (c := _column(headers, n))), "_uuid")


def has_id(headers: list[str]) -> bool:
    return any(_column(headers, n) for n in ID_COLUMNS)


def missing_id_message() -> str:
    return _(
        "The file has no column “_uuid” or “_id” (Kobo's submission id): without it a "
        "second import could not recognise the responses it already brought in."
    )


def _time(table: Table, cells, name: str, naive_in=None):
    column = _column(table.headers, name)
    if not column:
        return None
    try:
        return parse_timestamp(table.cell(cells, column), naive_in)
    except ValueError as exc:
        raise RowError(column, str(exc)) from None


def row_meta(table: Table, cells) -> RowMeta:
    identifier = ""
    for name in ID_COLUMNS:
        column = _column(table.headers, name)
        if column and table.cell(cells, column):
            identifier = table.cell(cells, column).removeprefix("uuid:")
            break
    started = _time(table, cells, "start")
    ended = _time(table, cells, "end")
    submitted = _time(table, cells, "_submission_time", datetime.UTC)
    meta = RowMeta(external_id=identifier, started=started, completed=True)
    meta.completed_at = ended or submitted
    meta.saved = meta.completed_at or started
    if started and ended:
        meta.duration = max(0, int((ended - started).total_seconds()))
    return meta
