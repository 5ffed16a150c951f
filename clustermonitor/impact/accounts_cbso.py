"""The CBSO's JSON documents (impact.accounts_read reads the rest of a source).

The NBB's authentic-data webservices deliver, per filing, an accounting-data document
(`/authentic/deposit/{reference}/accountingData`, `application/x.jsonxbrl`: the
reference, the entity's description and `Rubrics`, each with `Code`, `Period` N or NM1
and `Value`) and, per enterprise or per day, the references of the deposits (`DepositDate`,
`ExerciseDates`, `ModelType`, `EnterpriseNumber`, ...). A document is read with its
reference: from the document where it carries it, else from a references file beside it.
docs/impact.md ("Data: annual accounts") describes the layout.
"""

from __future__ import annotations

import json

from clustermonitor.impact.accounts_read import (
    MODEL_SCHEMES,
    RUBRIC_CODES,
    RUBRIC_INDEX,
    VALUES,
    WHERE,
    Parsed,
    _Cache,
    _Problems,
    _shown,
    parse_amount,
    parse_date,
    where_text,
)
from clustermonitor.registry import enterprise


def read_json(
    data: bytes, name: str, references: dict, documents: list, problems: _Problems
) -> None:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        problems.add(name, None, "", "not a JSON document")
        return
    if isinstance(document, dict) and isinstance(document.get("value"), list):
        document = document["value"]  # a references answer some clients leave wrapped
    if isinstance(document, list):
        for position, entry in enumerate(document, start=1):
            ref = entry.get("ReferenceNumber") if isinstance(entry, dict) else None
            if not isinstance(ref, str) or not ref.strip():
                problems.add(name, position, "ReferenceNumber", "a reference without its number")
                continue
            references[ref.strip()] = entry
        return
    if not isinstance(document, dict):
        problems.add(name, None, "", "not a CBSO accounting-data document nor a list of references")
        return
    if "Rubrics" in document:
        documents.append((name, _slim(document)))
    elif isinstance(document.get("ReferenceNumber"), str):
        references[document["ReferenceNumber"].strip()] = document
    else:
        problems.add(
            name, None, "", "not a CBSO accounting-data document (no Rubrics) nor a reference"
        )


#: What is kept of a document until the references are all read (the administrators,
#: shareholders and participating interests, and the other rubrics, are not).
_KEPT = (
    "ReferenceNumber",
    "EnterpriseNumber",
    "enterpriseNumber",
    "EnterpriseName",
    "enterpriseName",
    "DepositDate",
    "depositDate",
    "ExerciseDates",
    "ModelType",
    "modelType",
    "Currency",
    "currency",
)


def _slim(document: dict) -> dict:
    """A document as far as the import reads it: its description and, of its rubrics,
    those of year N that the estimate uses (each with its position, for messages) and
    the number of the others; so that a zip of many documents is not held whole."""
    slim = {k: document[k] for k in _KEPT if k in document}
    rubrics = document.get("Rubrics")
    if not isinstance(rubrics, list):
        slim["Rubrics"] = rubrics
        return slim
    kept, ignored = [], 0
    for position, rubric in enumerate(rubrics, start=1):
        if isinstance(rubric, dict):
            if str(rubric.get("Period", "")).strip().upper() != "N":
                continue  # NM1: the previous year's comparative, read from that year's filing
            if str(rubric.get("Code", "")).strip().upper() not in RUBRIC_INDEX:
                ignored += 1
                continue
        kept.append((position, rubric))
    slim["Rubrics"], slim["_ignored"] = kept, ignored
    return slim


def _get(mapping: dict, *keys):
    """The first of `keys` that `mapping` has filled (the API spells some in two cases)."""
    for key in keys:
        value = mapping.get(key)
        if value not in (None, ""):
            return value
    return None


def filing_from_document(
    name: str, document: dict, references: dict, parsed: Parsed, cache: _Cache, problems: _Problems
) -> None:
    add = problems.add
    before = problems.total
    ref = document.get("ReferenceNumber")
    if not isinstance(ref, str) or not ref.strip():
        add(name, None, "ReferenceNumber", "missing")
        return
    ref = ref.strip()
    own = {k: v for k, v in document.items() if v not in (None, "") and k in _KEPT}
    meta = {**references.get(ref, {}), **own}
    where = f"(reference {ref}: not in the document nor in a references file beside it)"
    number_text = _get(meta, "EnterpriseNumber", "enterpriseNumber")
    number = None
    if number_text is None:
        add(name, None, "EnterpriseNumber", f"missing {where}")
    else:
        try:
            number = cache.number(str(number_text).strip())
        except enterprise.InvalidEnterpriseNumber as exc:
            add(name, None, "EnterpriseNumber", f"{_shown(exc.text)}: {exc.reason}")
    dates = meta.get("ExerciseDates") if isinstance(meta.get("ExerciseDates"), dict) else {}
    found = {}
    for label, value in (
        ("DepositDate", _get(meta, "DepositDate", "depositDate")),
        ("ExerciseDates.endDate", _get(dates, "endDate", "EndDate")),
        ("ExerciseDates.startDate", _get(dates, "startDate", "StartDate")),
    ):
        if value is None:
            if label != "ExerciseDates.startDate":
                add(name, None, label, f"missing {where}")
            continue
        try:
            found[label] = cache.date(value) if isinstance(value, str) else parse_date(value)
        except ValueError as exc:
            add(name, None, label, f"{_shown(value)}: {exc}")
    currency = _get(meta, "Currency", "currency")
    if isinstance(currency, str) and currency.strip().upper() not in ("EUR", "CCY:MEUR"):
        add(
            name,
            None,
            "Currency",
            f"amounts in {_shown(currency, 10)}: import the NBB's EURO_CONVERTED version",
        )
    model = str(_get(meta, "ModelType", "modelType") or "").strip().lower()
    scheme = MODEL_SCHEMES.get(model, "other" if model else "")
    rubrics = document.get("Rubrics")
    if not isinstance(rubrics, list):
        add(name, None, "Rubrics", "not a list of rubrics")
        return
    values: list[int | None] = [None] * len(RUBRIC_CODES)
    kept = 0
    parsed.ignored += document.get("_ignored", 0)
    for position, rubric in rubrics:  # _slim: year N, the rubrics used, with positions
        if not isinstance(rubric, dict):
            add(name, position, "Rubrics", "not a rubric (Code, Period, Value)")
            continue
        code = str(rubric.get("Code", "")).strip().upper()
        index = RUBRIC_INDEX[code]
        try:
            cents = parse_amount(rubric.get("Value"))
        except ValueError as exc:
            add(
                name,
                position,
                f"Rubrics[{position}].Value",
                f"{_shown(rubric.get('Value'))} (rubric {code}): {exc}",
            )
            continue
        if values[index] is not None and values[index] != cents:
            add(
                name,
                position,
                f"Rubrics[{position}].Value",
                f"rubric {code} appears twice with different values",
            )
            continue
        if values[index] is None:
            kept += 1
        values[index] = cents
    if problems.total > before or number is None:
        return
    period_end, filed_on = found["ExerciseDates.endDate"], found["DepositDate"]
    start = found.get("ExerciseDates.startDate")
    if start is not None and start > period_end:
        add(
            name,
            None,
            "ExerciseDates.startDate",
            f"{start:%Y-%m-%d} is after the year end {period_end:%Y-%m-%d}",
        )
        return
    if filed_on < period_end:
        add(
            name,
            None,
            "DepositDate",
            f"{filed_on:%Y-%m-%d} is before the year end {period_end:%Y-%m-%d}",
        )
        return
    key = (number, period_end, filed_on)
    filing = [scheme, start, ref[:40], True, name, *values]
    known = parsed.filings.get(key)
    if known is not None and known[VALUES:] != filing[VALUES:]:
        add(
            name,
            None,
            "ReferenceNumber",
            f"{ref}: the same filing as {where_text(known[WHERE])} with other values",
        )
        return
    parsed.filings[key] = filing
    parsed.values += kept
    enterprise_name = _get(meta, "EnterpriseName", "enterpriseName")
    if isinstance(enterprise_name, str) and enterprise_name.strip():
        parsed.names[number] = enterprise_name.strip()
