"""LimeSurvey response exports (CSV, "question code" headings, answer codes).

What a LimeSurvey export looks like: one row per response; `id` (the response id, kept
as the id in the source), `submitdate` (empty while the respondent has not submitted:
an incomplete response; `1980-01-01 00:00:00` in a survey without date stamps: complete,
time unknown), `lastpage`, `startlanguage`, `seed`, `startdate`, `datestamp` (the last
save), then one column per question code, and `interviewtime` / `…Time` timing columns
when timings are on.

How headings become question names (the documented rule):

- `q2` → the question `q2` (names compare case-insensitively);
- `{code}[{sub}]` → `{code}_{sub}` lower-cased: `Q7[S1]` → `q7_s1`, `q3[e1]` → `q3_e1`
  (LimeSurvey codes allow no underscore, so the questionnaire's matrix rows arrive as
  sub-questions); `{code}[{a}][{b}]` → `{code}_{a}_{b}`;
- `{code}[{option}]` of a select_multiple `code` → that option (`Y` = chosen, empty or
  `N` = not).

LimeSurvey's default sub-question codes (`SQ001`, …) say nothing about which item they
are: give the sub-questions the questionnaire's codes (s1, s2, …) in LimeSurvey before
exporting; such headings are listed with that hint. Answer codes: the choice whose name
is the code (`3`), `A3` → `3` where the choices are numbered, `Y`/`N` → yes/no; a
"full answers" export (the label text) works too.
"""

import re

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

SOURCE = Response.Source.LIMESURVEY
SYSTEM = {
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "token",
    "startdate",
    "datestamp",
    "ipaddr",
    "refurl",
    "interviewtime",
    "firstname",
    "lastname",
    "email",
    "optout",
}
TIMING = re.compile(r"(?i)^(grouptime\d+|.+time)$")
SUBQUESTION = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)((?:\[[^\]]+\])+)$")
NOT_DATED = (1980, 1, 1)


def short_name(header: str) -> str:
    return header


def _split(header: str):
    match = SUBQUESTION.match(header.strip())
    if not match:
        return None
    return match.group(1), re.findall(r"\[([^\]]+)\]", match.group(2))


def map_header(header: str, index: Index):
    question = index.get(header)
    if question is not None:
        return question, None
    parts = _split(header)
    if parts is None:
        return None
    code, subs = parts
    parent = index.get(code)
    if parent is not None and question_type(parent) == "select_multiple" and len(subs) == 1:
        option = index.option(parent, subs[0])
        if option is not None:
            return parent, option
    question = index.get("_".join([code, *subs]))
    return (question, None) if question is not None else None


def is_system(header: str) -> bool:
    name = header.strip().lower()
    return name in SYSTEM or name.startswith("attribute_") or bool(TIMING.match(name))


def hint(header: str, index: Index) -> str:
    parts = _split(header)
    if parts is None:
        return ""
    code, subs = parts
    if any(re.fullmatch(r"(?i)sq\d+", s) for s in subs):
        return _(
            "LimeSurvey's default sub-question codes (SQ001, …) do not say which item "
            "this is: give the sub-questions the questionnaire's codes (%(example)s)."
        ) % {"example": f"{code}[s1] → {code.lower()}_s1"}
    siblings = [n for n in index.questions if n.startswith(code.lower() + "_")]
    if siblings:
        return _("no question %(name)s; the questions of %(code)s are %(names)s") % {
            "name": "_".join([code, *subs]).lower(),
            "code": code,
            "names": ", ".join(siblings[:12]) + ("…" if len(siblings) > 12 else ""),
        }
    return ""


def expected_headers(index: Index) -> str:
    names = list(index.questions)[:4]
    return _("expected LimeSurvey question codes such as %(names)s, or q7[s1] for q7_s1") % {
        "names": ", ".join(names)
    }


def _column(headers: list[str], name: str) -> str:
    return next((h for h in headers if h.strip().lower() == name), "")


def has_id(headers: list[str]) -> bool:
    return bool(_column(headers, "id"))


def id_column(headers: list[str]) -> str:
    return _column(headers, "id") or "id"


def missing_id_message() -> str:
    return _(
        "The file has no column “id” (LimeSurvey's response id): without it a second "
        "import could not recognise the responses it already brought in."
    )


def _time(table: Table, cells, name: str):
    column = _column(table.headers, name)
    if not column:
        return None
    try:
        return parse_timestamp(table.cell(cells, column))
    except ValueError as exc:
        raise RowError(column, str(exc)) from None


def row_meta(table: Table, cells) -> RowMeta:
    meta = RowMeta(
        external_id=table.cell(cells, id_column(table.headers)) if has_id(table.headers) else ""
    )
    started = _time(table, cells, "startdate")
    saved = _time(table, cells, "datestamp")
    submitted = _time(table, cells, "submitdate")
    undated = submitted is not None and submitted.timetuple()[:3] == NOT_DATED
    meta.completed = submitted is not None
    meta.completed_at = None if undated else submitted
    meta.started = started
    meta.saved = saved or meta.completed_at or started
    column = _column(table.headers, "interviewtime")
    if column and meta.completed and table.cell(cells, column):
        try:
            meta.duration = round(float(table.cell(cells, column).replace(",", ".")))
        except ValueError:
            raise RowError(column, _("not a number of seconds")) from None
    return meta
