"""Write a plan in bulk: one INSERT per batch instead of one audited save per row.

Demo data is thousands of rows; the audited save (validate, snapshot, one log entry per
row) would take minutes. The bulk path leaves one audit entry per kind of record written
(`stage`, the demo) or a single one for the whole run (`run`, `generate --scale`),
saying what was written, how many and with which seed — never one per row
(docs/demo.md). Records are valid by construction: the generators follow the models'
rules, and tests/test_demo_data.py checks them with full_clean on a sample.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

from clustermonitor.activities.models import Activity, Participation
from clustermonitor.collaborations.models import Collaboration, Party, StageChange
from clustermonitor.core.models import AuditEntry
from clustermonitor.demodata.plan import Plan
from clustermonitor.members.models import (
    Contact,
    Contribution,
    FeeSchedule,
    FeeTier,
    Membership,
)
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry.models import (
    FirmFigures,
    LegalForm,
    NaceCode,
    Organisation,
    Postcode,
)

VIA = "demo-data"
BATCH = 1000
SOURCE = "Demo (fictief, gegenereerd)"


def _decimal(value, places: int = 0):
    if value is None:
        return None
    return Decimal(str(round(value, places)))


def _preparer(field, database):
    """The field's get_db_prep_save, short-cut for the plain types the demo passes (a
    Decimal to a DecimalField, a date to a DateField): the backend's adapter of the
    same value, without the field's generic path (it runs once per value)."""
    ops = database.ops

    def generic(value):
        return field.get_db_prep_save(value, database)

    if isinstance(field, models.DecimalField):
        digits, places = field.max_digits, field.decimal_places

        def prepare(value):
            if type(value) is Decimal:
                return ops.adapt_decimalfield_value(value, digits, places)
            return generic(value)

        return prepare
    if type(field) is models.DateField:

        def prepare_date(value):
            if type(value) is datetime.date:
                return ops.adapt_datefield_value(value)
            return generic(value)

        return prepare_date
    return generic


def insert(model, rows: list[dict]) -> int:
    """INSERT `rows` (attname → value) into `model`'s table with executemany: about ten
    times faster than bulk_create for rows nothing refers to (no ids come back).
    Columns not given take the field's default."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults = {
        f.attname: now if getattr(f, "auto_now_add", False) else f.get_default() for f in fields
    }
    prepared = {f.attname for f in fields if isinstance(f, models.DateField | models.DecimalField)}
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    # The connection itself, not the thread-local proxy: this runs once per value.
    database = connections[DEFAULT_DB_ALIAS]
    columns = []
    for f in fields:
        prepare = _preparer(f, database) if f.attname in prepared else None
        default = defaults[f.attname]
        if prepare is not None and default is not None:
            default = prepare(default)  # the same for every row: prepared once
        columns.append((f.attname, default, prepare))
    params = []
    for row in rows:
        values = []
        for name, default, prepare in columns:
            if name not in row:
                values.append(default)
                continue
            value = row[name]
            if value is not None and prepare is not None:
                value = prepare(value)
            values.append(value)
        params.append(values)
    with connection.cursor() as cursor:
        for start in range(0, len(params), 5 * BATCH):
            cursor.executemany(sql, params[start : start + 5 * BATCH])
    return len(rows)


def bulk_entry(model, text: str, after: dict, note: str, via: str = VIA) -> AuditEntry:
    """The one audit entry for rows of `model` a loader wrote in bulk (not saved yet)."""
    return AuditEntry(
        via=via,
        action=AuditEntry.Action.CREATE,
        content_type=ContentType.objects.get_for_model(model),
        object_id="bulk",
        object_repr=text[:200],
        after=after,
        note=note[:300],
    )


class Writer:
    def __init__(self, plan: Plan, *, audit_mode: str = "stage", note: str = ""):
        self.plan, self.audit_mode, self.note = plan, audit_mode, note
        self.counts: dict[str, int] = {}
        self.clusters = {
            c.code: c for c in Cluster.objects.filter(code__in=[s.code for s in plan.specs])
        }
        self.legal_forms = dict(LegalForm.objects.values_list("code", "pk"))
        self.nace = dict(NaceCode.objects.filter(version=2008).values_list("code", "pk"))
        self.postcodes = {}
        for p in Postcode.objects.filter(primary=True).order_by("pk"):
            self.postcodes.setdefault(p.code, (p.municipality_id, p.latitude, p.longitude))

    def _entry(self, model, count: int, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + count
        if self.audit_mode != "stage" or not count:
            return
        bulk_entry(
            model,
            f"{count} × {what} (demo data, copy {self.plan.copy})",
            {"count": count, "seed": self.plan.seed, "copy": self.plan.copy},
            self.note,
        ).save()

    def write(self) -> dict[str, int]:
        org_ids = self._organisations()
        membership_ids, contact_ids = self._memberships(org_ids)
        self._contributions(membership_ids)
        self._activities(org_ids, membership_ids, contact_ids)
        self._collaborations(org_ids)
        return self.counts

    # -- Registry and members -----------------------------------------------------------

    def _organisations(self) -> list[int]:
        rows = []
        for o in self.plan.orgs:
            place = self.postcodes.get(o.postcode) if o.country == "BE" else None
            rows.append(
                Organisation(
                    enterprise_number=o.enterprise_number,
                    no_number_reason=o.no_number_reason,
                    kind=o.kind,
                    name=o.name,
                    legal_form_id=self.legal_forms.get(o.legal_form),
                    start_date=o.start_date,
                    status=o.status,
                    nace_2008_id=self.nace.get(o.nace),
                    street=o.street,
                    house_number=o.house_number,
                    postcode=o.postcode,
                    city=o.city,
                    municipality_id=place[0] if place else None,
                    latitude=place[1] if place else None,
                    longitude=place[2] if place else None,
                    country=o.country,
                    website=o.website,
                )
            )
        Organisation.objects.bulk_create(rows, batch_size=BATCH)
        self._entry(Organisation, len(rows), "organisations")
        figures = [
            {
                "organisation_id": rows[o.key].pk,
                "year": year,
                "employees": _decimal(employees, 1),
                "turnover": _decimal(turnover),
                "balance_total": _decimal(balance),
                "value_added": _decimal(value_added),
                "source": SOURCE,
            }
            for o in self.plan.orgs
            for year, employees, turnover, balance, value_added in o.figures
        ]
        insert(FirmFigures, figures)
        self._entry(FirmFigures, len(figures), "firm figures")
        return [r.pk for r in rows]

    def _memberships(self, org_ids):
        rows = [
            Membership(
                organisation_id=org_ids[m.org],
                cluster=self.clusters[m.cluster],
                start_date=m.start,
                end_date=m.end,
            )
            for m in self.plan.memberships
        ]
        Membership.objects.bulk_create(rows, batch_size=BATCH)
        self._entry(Membership, len(rows), "memberships")
        contacts, keys = [], []
        for m, row in zip(self.plan.memberships, rows, strict=True):
            for i, c in enumerate(m.contacts):
                contacts.append(
                    Contact(membership=row, name=c.name, role=c.role, email=c.email, phone=c.phone)
                )
                keys.append((m.key, i))
        Contact.objects.bulk_create(contacts, batch_size=BATCH)
        self._entry(Contact, len(contacts), "contact persons")
        contact_ids = {key: c.pk for key, c in zip(keys, contacts, strict=True)}
        return [r.pk for r in rows], contact_ids

    def _contributions(self, membership_ids) -> None:
        rows = [
            {
                "membership_id": membership_ids[c.membership],
                "year": c.year,
                "amount": Decimal(c.amount),
                "status": c.status,
                "invoiced_on": c.invoiced_on,
                "paid_on": c.paid_on,
            }
            for c in self.plan.contributions
        ]
        insert(Contribution, rows)
        self._entry(Contribution, len(rows), "contributions")
        schedules, tiers = [], []
        for (code, year), amounts in sorted(self.plan.fee_schedules.items()):
            schedule = FeeSchedule(cluster=self.clusters[code], year=year, note="Ledenbijdragen")
            schedules.append(schedule)
            tiers.append(amounts)
        FeeSchedule.objects.bulk_create(schedules, batch_size=BATCH)
        insert(
            FeeTier,
            [
                {"schedule_id": s.pk, "size_class": size, "amount": Decimal(amount)}
                for s, amounts in zip(schedules, tiers, strict=True)
                for size, amount in sorted(amounts.items())
            ],
        )
        self._entry(FeeSchedule, len(schedules), "fee schedules")

    # -- Activities ---------------------------------------------------------------------

    def _activities(self, org_ids, membership_ids, contact_ids) -> None:
        rows = [
            Activity(
                title=a.title,
                kind=a.kind,
                date=a.date,
                end_date=a.end_date,
                location=a.location,
                description=a.description,
            )
            for a in self.plan.activities
        ]
        Activity.objects.bulk_create(rows, batch_size=BATCH)
        insert(
            Activity.clusters.through,
            [
                {"activity_id": row.pk, "cluster_id": self.clusters[code].pk}
                for a, row in zip(self.plan.activities, rows, strict=True)
                for code in a.clusters
            ],
        )
        self._entry(Activity, len(rows), "activities")
        participations = [
            {
                "activity_id": rows[p.activity].pk,
                "organisation_id": org_ids[p.org] if p.org is not None else None,
                "contact_id": contact_ids.get((p.membership, p.contact)),
                "name": p.name,
                "organisation_name": p.organisation_name,
                "is_guest": p.is_guest,
                "needs_review": p.needs_review,
            }
            for p in self.plan.participations
        ]
        insert(Participation, participations)
        self._entry(Participation, len(participations), "participations")

    # -- Collaborations -----------------------------------------------------------------

    def _collaborations(self, org_ids) -> None:
        programme = next(iter(self.clusters.values())).programme_id if self.clusters else None
        rows = [
            Collaboration(
                programme_id=programme,
                title=c.title,
                description=c.description,
                nature=c.nature,
                value_chain=c.value_chain,
                purpose=c.purpose,
                instrument=c.instrument,
                decision=c.decision,
                budget=Decimal(c.budget) if c.budget is not None else None,
                grant=Decimal(c.grant) if c.grant is not None else None,
                start_date=c.start,
                end_date=c.end,
                stage=c.stage,
                stop_reason=c.stop_reason,
                source=SOURCE,
            )
            for c in self.plan.collaborations
        ]
        Collaboration.objects.bulk_create(rows, batch_size=BATCH)
        pairs = list(zip(self.plan.collaborations, rows, strict=True))
        insert(
            Collaboration.clusters.through,
            [
                {"collaboration_id": row.pk, "cluster_id": self.clusters[code].pk}
                for c, row in pairs
                for code in c.clusters
            ],
        )
        insert(
            Party,
            [
                {"collaboration_id": row.pk, "organisation_id": org_ids[org], "role": role}
                for c, row in pairs
                for org, role in c.parties
            ],
        )
        insert(
            StageChange,
            [
                {
                    "collaboration_id": row.pk,
                    "stage": step.stage,
                    "date": step.date,
                    "reason": step.reason,
                    "note": step.note,
                }
                for c, row in pairs
                for step in c.steps
            ],
        )
        self._entry(Collaboration, len(rows), "collaborations")
