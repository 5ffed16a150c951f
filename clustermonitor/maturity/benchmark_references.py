"""The benchmark's reference quartiles (BenchmarkReference): the published quartiles of an
indicator (ESCA's benchmark of cluster organisations) the agency loads from a CSV file,
and which of them were known on D.

The file has the columns ``indicator,source,published_on,q1,median,q3,n``. Loading is all
or nothing: any error in the file, a row or a field and nothing is written; the errors
name the file, the row and the field. A row of the same indicator, source and publication
day replaces the one there; loading the same file again changes nothing (and leaves no
audit entries). Every write is audited (core.audit)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from clustermonitor.analysis.benchmark import BY_KEY
from clustermonitor.core import audit
from clustermonitor.maturity.models_ladder import BenchmarkReference

COLUMNS = ("indicator", "source", "published_on", "q1", "median", "q3", "n")
REQUIRED = ("indicator", "source", "published_on", "q1", "median", "q3")


@dataclass
class Loaded:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def _decimal(text: str) -> Decimal:
    value = Decimal(text.replace(",", ".").replace(" ", ""))
    if not value.is_finite() or abs(value) >= Decimal("1e10"):
        raise InvalidOperation
    return value.quantize(Decimal("0.0001"))


def _row(table, number: int, cells: list[str], where: str) -> tuple[dict | None, list[str]]:
    errors = []
    get = {c: table.cell(cells, c) for c in COLUMNS if c in table.headers}
    values = {}

    def error(column: str, message: str) -> None:
        errors.append(
            _("%(file)s, row %(row)s, %(field)s: %(problem)s")
            % {"file": where, "row": number, "field": column, "problem": message}
        )

    for column in REQUIRED:
        if not get.get(column, ""):
            error(column, _("empty"))
    indicator = get.get("indicator", "")
    if indicator and indicator not in BY_KEY:
        error("indicator", _("unknown indicator “%(key)s”") % {"key": indicator[:50]})
    values["indicator"] = indicator
    source = get.get("source", "")
    if len(source) > 200:
        error("source", _("longer than 200 characters"))
    values["source"] = source
    if get.get("published_on"):
        try:
            values["published_on"] = datetime.date.fromisoformat(get["published_on"])
        except ValueError:
            error("published_on", _("not a date (YYYY-MM-DD)"))
    for column in ("q1", "median", "q3"):
        if get.get(column):
            try:
                values[column] = _decimal(get[column])
            except (InvalidOperation, ValueError):
                error(column, _("not a number"))
    if all(c in values for c in ("q1", "median", "q3")) and not (
        values["q1"] <= values["median"] <= values["q3"]
    ):
        error("median", _("the quartiles must rise: q1 ≤ median ≤ q3"))
    values["n"] = None
    if get.get("n"):
        text = get["n"]
        if text.isdigit() and 0 < int(text) < 10**9:
            values["n"] = int(text)
        else:
            error("n", _("not a whole number above zero"))
    return (None if errors else values), errors


@transaction.atomic
def load(actor: audit.Actor, programme, table) -> Loaded:
    """Load the reference quartiles of ``table`` (core.tabular.Table) for ``programme``:
    all rows or none."""
    result = Loaded()
    missing = [c for c in REQUIRED if c not in table.headers]
    if missing:
        result.errors.append(
            _("%(file)s: missing column(s): %(columns)s")
            % {"file": table.name, "columns": ", ".join(missing)}
        )
        return result
    rows, seen = [], {}
    for number, cells in table.rows:
        if not any((c or "").strip() for c in cells):
            continue
        values, errors = _row(table, number, cells, table.name)
        result.errors.extend(errors)
        if values is None:
            continue
        key = (values["indicator"], values["source"], values["published_on"])
        if key in seen:
            result.errors.append(
                _("%(file)s, row %(row)s: the same indicator, source and date as row %(first)s")
                % {"file": table.name, "row": number, "first": seen[key]}
            )
            continue
        seen[key] = number
        rows.append(values)
    if not rows and not result.errors:
        result.errors.append(_("%(file)s: no rows") % {"file": table.name})
    if result.errors:
        return result
    existing = {
        (r.indicator, r.source, r.published_on): r
        for r in BenchmarkReference.objects.filter(programme=programme)
    }
    for values in rows:
        key = (values["indicator"], values["source"], values["published_on"])
        reference = existing.get(key) or BenchmarkReference(programme=programme)
        new = reference.pk is None
        for name, value in values.items():
            setattr(reference, name, value)
        if audit.save(actor, reference, note="benchmark reference upload"):
            if new:
                result.created += 1
            else:
                result.changed += 1
        else:
            result.unchanged += 1
    return result


def known_on(programme, on: datetime.date) -> dict[str, BenchmarkReference]:
    """Each indicator's reference quartiles known on ``on``: the latest published by
    then (of any source)."""
    found = {}
    for reference in BenchmarkReference.objects.filter(
        programme=programme, published_on__lte=on
    ).order_by("published_on", "source", "pk"):
        found[reference.indicator] = reference
    return found
