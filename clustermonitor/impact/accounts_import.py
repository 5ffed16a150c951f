"""Importing annual accounts (issue 20; docs/impact.md, "Data: annual accounts").

impact.accounts_read reads and checks a source (the CBSO's JSON documents or the long
CSV) without the database; this module writes what it read, in one transaction:
organisations missing from the registry are added (named from the KBO lookup, one query
for all), new filings inserted in batches, changed ones updated with their audit entries,
all compared with what is stored one query per chunk of organisations. Re-importing the
same file changes nothing. `run_import` does both and records the run.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from clustermonitor.impact.accounts_read import (  # noqa: F401 (the API in one place)
    COMPLETE,
    CSV_OPTIONAL,
    CSV_REQUIRED,
    REFERENCE,
    RUBRIC_CODES,
    SCHEME,
    START,
    VALUE_FIELDS,
    VALUES,
    AccountsFormatError,
    Parsed,
    Problem,
    as_decimal,
    parse_amount,
    parse_date,
    read_source,
    sha256_of,
)
from clustermonitor.registry import enterprise

if TYPE_CHECKING:
    from clustermonitor.core import audit
    from clustermonitor.impact.models import AccountsImport

# --- Writing (Django) ---------------------------------------------------------------------

#: Organisations whose stored filings are compared in one query (SQLite's parameters).
CHUNK = 2000
BATCH = 5000


@dataclass
class Counts:
    filings: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    organisations_added: int = 0
    ignored: int = 0
    values: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    def __str__(self) -> str:
        return (
            f"{self.filings} filings: {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged; {self.organisations_added} organisations added; "
            f"{self.ignored} values of other rubrics ignored"
        )


class _DryRun(Exception):
    pass


def apply(
    parsed: Parsed,
    *,
    actor: audit.Actor,
    run: AccountsImport | None = None,
    lookup_dir: Path | None = None,
    dry_run: bool = False,
    progress: Callable[[int, str], None] | None = None,
) -> Counts:
    """Write `parsed` in one transaction and return the counts; with `dry_run` the same
    work is done and rolled back (the counts say what an import would do). The run
    record (`run`) gets the counts and one audit entry summing the filings written; each
    organisation added and each filing changed has its own audit entry."""
    from django.db import transaction

    counts = Counts(filings=len(parsed.filings), ignored=parsed.ignored, values=parsed.values)
    try:
        with transaction.atomic():
            _write(parsed, counts, actor, lookup_dir, progress)
            if run is not None and not dry_run:
                _summary(actor, run, parsed, counts)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return counts


def _insert(model, rows: list[dict]) -> None:
    """INSERT `rows` (attname → value) into `model`'s table with executemany, in
    batches: many times faster than bulk_create for rows whose ids are not needed back.
    Columns not given take the field's default."""
    from django.db import connection, models

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = _now()
    defaults = {
        f.attname: now
        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)
        else f.get_default()
        for f in fields
    }
    prepared = {
        f.attname: f
        for f in fields
        if isinstance(f, models.DateField | models.DecimalField | models.JSONField)
    }
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    params = []
    with connection.cursor() as cursor:
        for row in rows:
            values = []
            for f in fields:
                value = row.get(f.attname, defaults[f.attname])
                if value is not None and f.attname in prepared:
                    value = f.get_db_prep_save(value, connection)
                values.append(value)
            params.append(values)
            if len(params) >= BATCH:
                cursor.executemany(sql, params)
                params = []
        if params:
            cursor.executemany(sql, params)


def _now():
    from django.utils import timezone

    return timezone.now()


def _organisations(parsed: Parsed, counts: Counts, actor, lookup_dir) -> dict[str, int]:
    """number → organisation id; the numbers the registry lacks are added, as companies
    outside any cluster, named from the KBO lookup (one query for all), else from the
    filing, else by their number; each with its audit entry."""
    from clustermonitor.registry import kbo
    from clustermonitor.registry.models import Organisation

    numbers = sorted({key[0] for key in parsed.filings})
    ids = _organisation_ids(numbers)
    unknown = [n for n in numbers if n not in ids]
    if not unknown:
        return ids
    names = kbo.lookup_names(unknown, lookup_dir=lookup_dir)
    limit = Organisation._meta.get_field("name").max_length
    rows = [
        {
            "enterprise_number": n,
            "kind": Organisation.Kind.COMPANY.value,
            "name": (names.get(n) or parsed.names.get(n) or enterprise.display(n))[:limit],
        }
        for n in unknown
    ]
    _insert(Organisation, rows)
    added = _organisation_ids(unknown)
    _audit_created(actor, Organisation, rows, added)
    ids.update(added)
    counts.organisations_added = len(added)
    return ids


def _organisation_ids(numbers: list[str]) -> dict[str, int]:
    from clustermonitor.registry.models import Organisation

    ids: dict[str, int] = {}
    for start in range(0, len(numbers), CHUNK):
        chunk = numbers[start : start + CHUNK]
        ids.update(
            Organisation.objects.filter(enterprise_number__in=chunk).values_list(
                "enterprise_number", "pk"
            )
        )
    return ids


def _audit_created(actor, model, rows: list[dict], ids: dict[str, int]) -> None:
    """One audit entry per organisation added (what was written: the fields given, the
    others at their defaults), inserted in batches."""
    from django.contrib.contenttypes.models import ContentType

    from clustermonitor.core import audit
    from clustermonitor.core.models import AuditEntry

    content_type = ContentType.objects.get_for_model(model)
    user = actor.user.pk if getattr(actor.user, "pk", None) else None
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: audit._jsonable(f.get_default()) for f in fields}
    note = "added from annual accounts (outside any cluster)"
    entries = [
        {
            "actor_id": user,
            "via": actor.via,
            "action": AuditEntry.Action.CREATE.value,
            "content_type_id": content_type.pk,
            "object_id": str(ids[row["enterprise_number"]]),
            "object_repr": row["name"][:200],
            "before": None,
            "after": {**defaults, **row},
            "note": note,
        }
        for row in rows
        if row["enterprise_number"] in ids
    ]
    _insert(AuditEntry, entries)


def _decimal_text(cents: int | None) -> str | None:
    """An amount in cents as the text of its decimal ("-1234.50"): what the SQLite
    adapter makes of a Decimal, without building one."""
    if cents is None:
        return None
    digits = str(abs(cents)).rjust(3, "0")
    return f"{'-' if cents < 0 else ''}{digits[:-2]}.{digits[-2:]}"


def _sqlite_amount(cents: int | None) -> float | None:
    return None if cents is None else cents / 100


def _cents_of(value) -> int | None:
    """A stored amount (a float or int from SQLite, a Decimal elsewhere) in cents."""
    if value is None:
        return None
    if isinstance(value, float | int):
        return round(value * 100)
    return int(Decimal(value).scaleb(2).to_integral_value())


class _Days(dict):
    """A stored date as a date (SQLite answers raw queries with text)."""

    def __missing__(self, value):
        day = datetime.date.fromisoformat(value) if isinstance(value, str) else value
        self[value] = day
        return day


_STORED = (
    "id",
    "organisation_id",
    "period_end",
    "filed_on",
    "scheme",
    "period_start",
    "reference",
    *VALUE_FIELDS,
)


def _write(parsed: Parsed, counts: Counts, actor, lookup_dir, progress) -> None:
    from django.db import connection

    from clustermonitor.impact.models import AnnualAccounts

    ids = _organisations(parsed, counts, actor, lookup_dir)
    by_org: dict[int, list] = {}
    for key in parsed.filings:
        by_org.setdefault(ids[key[0]], []).append(key)
    orgs = sorted(by_org)
    ops, now = connection.ops, _now()
    source = parsed.format or AnnualAccounts.Source.CSV.value
    meta = AnnualAccounts._meta
    quote = ops.quote_name
    columns = [
        "organisation",
        "period_start",
        "period_end",
        "filed_on",
        "reference",
        "scheme",
        *VALUE_FIELDS,
        "source",
        "imported_at",
    ]
    insert_sql = (
        f"INSERT INTO {quote(meta.db_table)} "
        f"({', '.join(quote(meta.get_field(c).column) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    select_sql = (
        f"SELECT {', '.join(quote(meta.get_field(c.removesuffix('_id')).column) for c in _STORED)} "
        f"FROM {quote(meta.db_table)} WHERE {quote(meta.get_field('organisation').column)} IN "
    )
    # SQLite keeps a decimal column's values as REAL: a float of the cents / 100 is the
    # same value the text of the Decimal would become (int / int is correctly rounded).
    amount = _sqlite_amount if connection.vendor == "sqlite" else as_decimal
    stamp = ops.adapt_datetimefield_value(now)
    day, days = ops.adapt_datefield_value, _Days()
    changes = []
    with connection.cursor() as cursor:
        for start in range(0, len(orgs), CHUNK):
            if progress:
                progress(int(100 * start / max(len(orgs), 1)), "writing filings")
            chunk = orgs[start : start + CHUNK]
            cursor.execute(select_sql + f"({', '.join(['%s'] * len(chunk))})", chunk)
            stored = {(row[1], days[row[2]], days[row[3]]): row for row in cursor.fetchall()}
            inserts = []
            for org in chunk:
                for key in by_org[org]:
                    filing = parsed.filings[key]
                    _, period_end, filed_on = key
                    old = stored.get((org, period_end, filed_on))
                    if old is None:
                        inserts.append(
                            (
                                org,
                                day(filing[START]),
                                day(period_end),
                                day(filed_on),
                                filing[REFERENCE],
                                filing[SCHEME],
                                *(amount(v) for v in filing[VALUES:]),
                                source,
                                stamp,
                            )
                        )
                        continue
                    old_values = [_cents_of(v) for v in old[7:]]
                    old_start = days[old[5]] if old[5] is not None else None
                    if filing[COMPLETE]:
                        values = list(filing[VALUES:])
                        scheme, period_start, reference = (
                            filing[SCHEME],
                            filing[START],
                            filing[REFERENCE],
                        )
                    else:  # a CSV fills what it lists
                        values = [
                            o if v is None else v
                            for v, o in zip(filing[VALUES:], old_values, strict=True)
                        ]
                        scheme = filing[SCHEME] or old[4]
                        period_start, reference = old_start, old[6]
                    if values == old_values and (scheme, period_start, reference) == (
                        old[4],
                        old_start,
                        old[6],
                    ):
                        counts.unchanged += 1
                        continue
                    changes.append(
                        (old, old_values, old_start, scheme, period_start, reference, values)
                    )
            for at in range(0, len(inserts), BATCH):
                cursor.executemany(insert_sql, inserts[at : at + BATCH])
            counts.new += len(inserts)
    if changes:
        _update(changes, actor, source, now, days)
        counts.updated = len(changes)


def _update(changes, actor, source, now, days) -> None:
    """Changed filings: saved in batches, each with its audit entry (before and after)."""
    from django.contrib.contenttypes.models import ContentType

    from clustermonitor.core import audit
    from clustermonitor.core.models import AuditEntry
    from clustermonitor.impact.models import AnnualAccounts

    content_type = ContentType.objects.get_for_model(AnnualAccounts)
    user = actor.user if getattr(actor.user, "pk", None) else None
    objects, entries = [], []
    for old, old_values, old_start, scheme, period_start, reference, values in changes:
        record = AnnualAccounts(
            pk=old[0],
            organisation_id=old[1],
            period_end=days[old[2]],
            filed_on=days[old[3]],
            scheme=old[4],
            period_start=old_start,
            reference=old[6],
            **{name: as_decimal(c) for name, c in zip(VALUE_FIELDS, old_values, strict=True)},
        )
        before = audit.snapshot(record)
        record.scheme, record.period_start, record.reference = scheme, period_start, reference
        for name, cents in zip(VALUE_FIELDS, values, strict=True):
            setattr(record, name, as_decimal(cents))
        record.source, record.imported_at = source, now
        after = audit.snapshot(record)
        for data in (before, after):
            data.pop("imported_at", None)
            data.pop("source", None)
        objects.append(record)
        entries.append(
            AuditEntry(
                actor=user,
                via=actor.via,
                action=AuditEntry.Action.UPDATE,
                content_type=content_type,
                object_id=str(record.pk),
                object_repr=str(record)[:200],
                before=before,
                after=after,
                note="annual accounts import: the filing changed",
            )
        )
    fields = ["scheme", "period_start", "reference", *VALUE_FIELDS, "source", "imported_at"]
    AnnualAccounts.objects.bulk_update(objects, fields, batch_size=500)
    AuditEntry.objects.bulk_create(entries, batch_size=500)


def _summary(actor, run, parsed: Parsed, counts: Counts) -> None:
    """The run's own audit entry: what it read and wrote (the new filings are not
    logged one by one: 600,000 entries would double the import's time; each is traced
    to its run by this entry, its source and its imported_at)."""
    from clustermonitor.core import audit
    from clustermonitor.core.models import AuditEntry

    audit.record(
        actor,
        AuditEntry.Action.CREATE,
        run,
        None,
        {"source": run.source, "sha256": run.sha256, "format": parsed.format, **counts.as_dict()},
        note=f"annual accounts imported: {counts}"[:300],
    )


# --- A run: read, write, record -----------------------------------------------------------


def run_import(
    run: AccountsImport,
    path: Path,
    *,
    actor: audit.Actor,
    lookup_dir: Path | None = None,
    progress: Callable[[int, str], None] | None = None,
    parsed: Parsed | None = None,
) -> AccountsImport:
    """Read `path` (unless the caller read it already: `parsed`) and write it, recording
    the outcome on `run` (state done with the counts, or failed with the problems; then
    no filing or organisation was written). AccountsFormatError is re-raised for the
    caller after it is recorded."""
    from django.utils import timezone

    run.state = run.State.RUNNING
    if not run.sha256:
        run.sha256, run.size = sha256_of(path)
    run.save()
    try:
        if parsed is None:
            parsed = read_source(path, run.source or None)
        run.format = parsed.format
        counts = apply(parsed, actor=actor, run=run, lookup_dir=lookup_dir, progress=progress)
    except AccountsFormatError as exc:
        run.state, run.finished_at = run.State.FAILED, timezone.now()
        run.error_count, run.errors = exc.total, [p.as_dict() for p in exc.problems]
        run.save()
        raise
    except Exception as exc:
        run.state, run.finished_at = run.State.FAILED, timezone.now()
        run.error_count, run.errors = (
            1,
            [Problem(run.source, None, "", f"failed: {exc}"[:500]).as_dict()],
        )
        run.save()
        raise
    for name in ("filings", "new", "updated", "unchanged", "organisations_added", "ignored"):
        setattr(run, name, getattr(counts, name))
    run.state, run.finished_at = run.State.DONE, timezone.now()
    run.error_count, run.errors = 0, []
    run.save()
    return run


def counts_of(run: AccountsImport) -> Counts:
    """The counts a finished run recorded."""
    return Counts(
        filings=run.filings,
        new=run.new,
        updated=run.updated,
        unchanged=run.unchanged,
        organisations_added=run.organisations_added,
        ignored=run.ignored,
    )


def iter_problems(exc: AccountsFormatError) -> Iterator[str]:
    yield from (str(p) for p in exc.problems)
    if exc.total > len(exc.problems):
        yield f"… and {exc.total - len(exc.problems)} more problems"
