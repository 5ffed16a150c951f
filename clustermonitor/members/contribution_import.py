"""Importing contributions (payments) from an accounting export: same experience as the
member list — mapping, dry run with a verdict per row, one transaction, idempotent."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clustermonitor.core import audit, tabular
from clustermonitor.core.tabular import RowOutcome, Table, parse_amount, parse_date
from clustermonitor.members.importing import SYNONYMS as MEMBER_SYNONYMS
from clustermonitor.members.models import Contribution, Membership
from clustermonitor.registry import enterprise
from clustermonitor.registry.models import Organisation

SYNONYMS: dict[str, set[str]] = {
    "enterprise_number": MEMBER_SYNONYMS["enterprise_number"],
    "name": MEMBER_SYNONYMS["name"] | {"lid", "klant", "member", "customer", "client"},
    "year": {"jaar", "boekjaar", "lidmaatschapsjaar", "year", "annee", "exercice"},
    "amount": {
        "bedrag",
        "ledenbijdrage",
        "bijdrage",
        "lidgeld",
        "amount",
        "fee",
        "montant",
        "cotisation",
        "totaal",
        "total",
    },
    "status": {"status", "toestand", "state", "statut"},
    "invoiced_on": {"factuurdatum", "gefactureerdop", "invoicedate", "invoicedon", "datefacture"},
    "paid_on": {
        "betaaldop",
        "betaaldatum",
        "datumbetaling",
        "paidon",
        "paymentdate",
        "datepaiement",
    },
    "payer_number": {
        "betaler",
        "ondernemingsnummerbetaler",
        "payer",
        "paidby",
        "payernumber",
        "payeur",
    },
    "note": {"opmerking", "omschrijving", "mededeling", "note", "remark", "description"},
}
FIELDS = list(SYNONYMS)
LABELS = {
    "enterprise_number": gettext_lazy("enterprise number"),
    "name": gettext_lazy("name"),
    "year": gettext_lazy("year"),
    "amount": gettext_lazy("amount"),
    "status": gettext_lazy("status"),
    "invoiced_on": gettext_lazy("invoiced on"),
    "paid_on": gettext_lazy("paid on"),
    "payer_number": gettext_lazy("payer's enterprise number"),
    "note": gettext_lazy("note"),
}
STATUSES = {
    **dict.fromkeys(["betaald", "paid", "paye", "payé", "voldaan"], Contribution.Status.PAID),
    **dict.fromkeys(
        ["gefactureerd", "invoiced", "facture", "facturé", "open"], Contribution.Status.INVOICED
    ),
    **dict.fromkeys(
        ["verwacht", "expected", "attendu", "te factureren"], Contribution.Status.EXPECTED
    ),
    **dict.fromkeys(
        ["kwijtgescholden", "vrijgesteld", "waived", "annule", "annulé"], Contribution.Status.WAIVED
    ),
}


def suggest_mapping(table: Table, remembered: dict | None = None) -> dict[str, str]:
    return tabular.suggest_mapping(table.headers, SYNONYMS, remembered)


@dataclass
class RowPlan:
    outcome: RowOutcome
    contribution: Contribution | None = None
    changes: dict = field(default_factory=dict)


@dataclass
class Plan(tabular.PlanSummary):
    rows: list[RowPlan]
    missing: list = field(default_factory=list)


def plan(
    table: Table, cluster, mapping: dict[str, str], *, year: int | None = None, user=None
) -> Plan:
    """`user`: who imports; a payer is one of the organisations they may see (None: the
    system, any organisation of the registry)."""
    registry = Organisation.objects.all()
    if user is not None:
        from clustermonitor.accounts import access

        registry = access.organisations_for(user, registry)
    value = table.mapped(mapping)

    memberships = list(Membership.objects.filter(cluster=cluster).select_related("organisation"))
    existing = {
        (c.membership_id, c.year): c
        for c in Contribution.objects.filter(membership__cluster=cluster)
    }
    payers = {}
    rows, seen = [], {}
    for number, cells in table.rows:
        outcome = RowOutcome(number=number, cells=cells)
        row = RowPlan(outcome=outcome)
        rows.append(row)
        year_text = value(cells, "year")
        row_year = year
        if year_text:
            if year_text.isdigit() and 1990 <= int(year_text) <= 2100:
                row_year = int(year_text)
            else:
                outcome.reject(mapping["year"], _("%r is not a year") % year_text)
        if row_year is None:
            outcome.reject(mapping.get("year", _("year")), _("missing"))
        try:
            amount = parse_amount(value(cells, "amount") or "")
        except ValueError as exc:
            outcome.reject(mapping.get("amount", _("amount")), str(exc))
            amount = None
        dates = {}
        for name in ("invoiced_on", "paid_on"):
            text = value(cells, name)
            if text:
                try:
                    dates[name] = parse_date(text)
                except ValueError as exc:
                    outcome.reject(mapping[name], str(exc))
        status_text = value(cells, "status").lower()
        if status_text and status_text not in STATUSES:
            outcome.reject(mapping["status"], _("unknown status %r") % status_text)
        status = STATUSES.get(status_text) or (
            Contribution.Status.PAID
            if dates.get("paid_on")
            else Contribution.Status.INVOICED
            if dates.get("invoiced_on")
            else Contribution.Status.EXPECTED
        )
        member = _find_member(
            value(cells, "enterprise_number"),
            value(cells, "name"),
            memberships,
            row_year,
            outcome,
            mapping,
            cluster,
        )
        payer = None
        payer_text = value(cells, "payer_number")
        if payer_text:
            payer = _find_payer(payer_text, payers, outcome, mapping, registry)
        if outcome.status == "rejected":
            continue
        key = (member.pk, row_year)
        if key in seen:
            outcome.reject(
                mapping.get("enterprise_number") or mapping.get("name"),
                _("duplicate of row %d") % seen[key],
            )
            continue
        seen[key] = number
        values = {
            "amount": amount,
            "status": status,
            "invoiced_on": dates.get("invoiced_on"),
            "paid_on": dates.get("paid_on"),
            "payer": payer,
            "note": value(cells, "note"),
        }
        current = existing.get(key)
        candidate = Contribution(membership=member, year=row_year, **values)
        if current is not None:
            candidate.pk = current.pk
        try:
            candidate.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                outcome.reject(
                    mapping.get(name) or mapping.get("amount") or name, " ".join(messages)
                )
            continue
        if current is None:
            outcome.status = "new"
            row.contribution = candidate
        else:
            row.changes = {
                k: v
                for k, v in values.items()
                if (getattr(current, "payer" if k == "payer" else k) != v)
                and not (k == "note" and not v)
            }
            row.contribution = current
            outcome.status = "updated" if row.changes else "unchanged"
    return Plan(rows=rows)


def _find_member(number_text, name, memberships, year, outcome, mapping, cluster):
    candidates = []
    if number_text:
        try:
            number = enterprise.normalise(number_text)
        except enterprise.InvalidEnterpriseNumber as exc:
            outcome.reject(mapping["enterprise_number"], f"{number_text}: {_(exc.reason)}")
            return None
        candidates = [m for m in memberships if m.organisation.enterprise_number == number]
    elif name:
        candidates = [m for m in memberships if m.organisation.name.lower() == name.lower()]
    else:
        outcome.reject(
            mapping.get("enterprise_number") or mapping.get("name", _("name")), _("missing")
        )
        return None
    if year is not None:
        active = [
            m
            for m in candidates
            if m.start_date.year <= year and (m.end_date is None or m.end_date.year >= year)
        ]
        if candidates and not active:
            outcome.reject(
                mapping.get("year", _("year")),
                _("%(year)d is outside the membership of %(name)s")
                % {"year": year, "name": candidates[0].organisation.name},
            )
            return None
        candidates = active
    if not candidates:
        column = mapping.get("enterprise_number") if number_text else mapping.get("name")
        outcome.reject(column, _("not a member of %s") % cluster.code)
        return None
    return candidates[0]


def _find_payer(text, cache, outcome, mapping, registry):
    try:
        number = enterprise.normalise(text)
    except enterprise.InvalidEnterpriseNumber as exc:
        outcome.reject(mapping["payer_number"], f"{text}: {_(exc.reason)}")
        return None
    if number not in cache:
        cache[number] = registry.filter(enterprise_number=number).first()
    if cache[number] is None:
        outcome.reject(mapping["payer_number"], _("%s is not in the registry") % text)
    return cache[number]


@transaction.atomic
def commit(table: Table, cluster, mapping, *, actor: audit.Actor, year: int | None = None) -> Plan:
    result = plan(table, cluster, mapping, year=year, user=actor.user)
    note = f"import {table.name}"
    for row in result.rows:
        if row.outcome.status == "new":
            audit.save(actor, row.contribution, note=note, validate=False)
        elif row.outcome.status == "updated":
            for key, value in row.changes.items():
                setattr(row.contribution, key, value)
            audit.save(actor, row.contribution, note=note)
    return result
