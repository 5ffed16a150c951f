"""Reads of agreements: the agreement as it stood on a day, the state of each tranche
(payable or not, and why), the payment schedule per cluster and per call, and the
programme's committed and paid subsidies (issue 19). Every "as of D" goes through
core/known_agreements.py."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from clustermonitor.agreements.models import (
    Agreement,
    Amendment,
    BudgetLine,
    Payment,
    Tranche,
    TrancheChange,
)
from clustermonitor.analysis import grant_figures
from clustermonitor.core import known_agreements as known
from clustermonitor.core.templatetags.format import format_date as format_day
from clustermonitor.monitoring.models import ReportingPeriod, ReportVersion

ZERO = Decimal(0)


@dataclass
class Terms:
    """An agreement's terms as known on a day: the signed terms with the amendments
    decided by then applied in their order."""

    agreement: Agreement
    on: datetime.date
    known: bool
    start_date: datetime.date
    end_date: datetime.date
    subsidy: Decimal
    lines: dict = field(default_factory=dict)  # year → (subsidy, cofinancing)
    amendments: list = field(default_factory=list)

    @property
    def lines_total(self) -> Decimal:
        return sum((s for s, _c in self.lines.values()), ZERO)


def agreement_as_of(agreement: Agreement, on: datetime.date) -> Terms:
    """The agreement as it stood on ``on``. Reproducible: amendments recorded or decided
    later change nothing. Before it was decided (``known`` False) the signed terms are
    shown with nothing applied."""
    amendments = sorted(
        (a for a in agreement.amendments.all() if known.amendments_decided(a, on)),
        key=lambda a: (a.decided_on, a.number),
    )
    lines_by_amendment: dict = {}
    for line in agreement.lines.all():
        lines_by_amendment.setdefault(line.amendment_id, []).append(line)
    terms = Terms(
        agreement=agreement,
        on=on,
        known=agreement.signed_on <= on,
        start_date=agreement.start_date,
        end_date=agreement.end_date,
        subsidy=agreement.subsidy,
        lines={
            line.year: (line.subsidy, line.cofinancing)
            for line in sorted(lines_by_amendment.get(None, []), key=lambda x: x.year)
        },
    )
    for amendment in amendments:
        if amendment.new_end_date is not None:
            terms.end_date = amendment.new_end_date
        if amendment.new_subsidy is not None:
            terms.subsidy = amendment.new_subsidy
        for line in sorted(lines_by_amendment.get(amendment.pk, []), key=lambda x: x.year):
            terms.lines[line.year] = (line.subsidy, line.cofinancing)
        terms.amendments.append(amendment)
    terms.lines = dict(sorted(terms.lines.items()))
    return terms


def with_records(queryset=None):
    """Agreements with what the pages read of them, in one query per kind."""
    queryset = Agreement.objects.all() if queryset is None else queryset
    return queryset.select_related(
        "cluster", "cluster__cluster_type", "cluster__call", "application"
    ).prefetch_related(
        Prefetch("amendments", queryset=Amendment.objects.order_by("number")),
        Prefetch("lines", queryset=BudgetLine.objects.order_by("amendment_id", "year")),
        "conditions",
        Prefetch(
            "tranches",
            queryset=Tranche.objects.select_related("condition", "added_by")
            .prefetch_related(
                Prefetch("payments", queryset=Payment.objects.order_by("paid_on")),
                Prefetch("changes", queryset=TrancheChange.objects.select_related("amendment")),
            )
            .order_by("number"),
        ),
    )


# -- Reports and tranches -------------------------------------------------------------------


def approvals(cluster_ids, on: datetime.date) -> dict:
    """Per cluster: {period number: (period end, approved on ``on``)}, one query."""
    periods = {}
    for period in ReportingPeriod.objects.filter(cluster_id__in=cluster_ids).order_by("number"):
        periods.setdefault(period.cluster_id, {})[period.number] = [period.end_date, False]
    versions = ReportVersion.objects.filter(
        report__period__cluster_id__in=cluster_ids, approved_at__isnull=False
    ).values_list("report__period__cluster_id", "report__period__number", "approved_at")
    for cluster_id, number, approved_at in versions:
        if known.approved(approved_at, on):
            periods[cluster_id][number][1] = True
    return {c: {n: tuple(v) for n, v in p.items()} for c, p in periods.items()}


@dataclass
class TrancheState:
    """A tranche on a day: ``amount`` is its amount as it stood then (an amendment decided
    later had not changed it yet)."""

    tranche: Tranche
    paid: Decimal
    payable: bool
    reason: str
    amount: Decimal

    @property
    def open(self) -> Decimal:
        return self.amount - self.paid

    @property
    def state(self) -> str:
        if self.paid >= self.amount:
            return "paid"
        if self.paid > 0:
            return "partly_paid"
        return "payable" if self.payable else "planned"


def final_year(terms: Terms, periods: dict) -> int | None:
    """The reporting period that covers the agreement's end (as the terms say): its
    report is the final report."""
    covering = [n for n, (end, _a) in periods.items() if end >= terms.end_date]
    return min(covering) if covering else None


def payable(tranche: Tranche, terms: Terms, periods: dict, on: datetime.date) -> tuple:
    """(payable on ``on``, why or why not) from the records: the date reached, the
    year's report or the final report approved, and the condition it also needs met."""
    if not terms.known:
        return False, _("The agreement was not decided yet.")
    if tranche.trigger == Tranche.Trigger.DATE:
        day = tranche.payable_from or terms.start_date
        if day > on:
            return False, _("Payable from %(day)s.") % {"day": format_day(day)}
        reason = _("Payable since %(day)s.") % {"day": format_day(day)}
    elif tranche.trigger == Tranche.Trigger.REPORT:
        year = tranche.report_year
        if year not in periods:
            return False, _("No reporting period %(n)s.") % {"n": year}
        if not periods[year][1]:
            return False, _("Waits for the approval of the progress report of year %(n)s.") % {
                "n": year
            }
        reason = _("The progress report of year %(n)s is approved.") % {"n": year}
    else:
        year = final_year(terms, periods)
        if year is None:
            return False, _("No reporting period covers the end of the agreement.")
        if not periods[year][1]:
            return False, _("Waits for the approval of the final report (year %(n)s).") % {
                "n": year
            }
        reason = _("The final report (year %(n)s) is approved.") % {"n": year}
    condition = tranche.condition
    if condition is not None and not known.condition_met(condition, on):
        return False, _("Waits for the condition: %(condition)s.") % {
            "condition": condition.description
        }
    return True, reason


def tranche_states(agreement: Agreement, on: datetime.date, periods=None) -> list[TrancheState]:
    """Each tranche of ``agreement`` as it stood on ``on`` (one an amendment added later
    is not there; an amount an amendment changed later is the amount before): what was
    paid by then and whether it was payable."""
    terms = agreement_as_of(agreement, on)
    if periods is None:
        periods = approvals([agreement.cluster_id], on).get(agreement.cluster_id, {})
    states = []
    for tranche in agreement.tranches.all():
        if not known.tranche_exists(tranche, on):
            continue
        paid = sum((p.amount for p in tranche.payments.all() if p.paid_on <= on), ZERO)
        ok, reason = payable(tranche, terms, periods, on)
        states.append(TrancheState(tranche, paid, ok, reason, known.tranche_amount(tranche, on)))
    return states


# -- The programme's schedule ----------------------------------------------------------------


def agreements_for(programme, on: datetime.date, *, call: str = "", clusters=None):
    """The programme's agreements known on ``on`` (``clusters``: those the user reads),
    optionally of one call number."""
    queryset = known.agreements(Agreement.objects.filter(cluster__programme=programme), on)
    if clusters is not None:
        queryset = queryset.filter(cluster__in=clusters)
    if call:
        if not str(call).isdigit():
            return []
        queryset = queryset.filter(cluster__call__number=int(call))
    return list(with_records(queryset).order_by("cluster__code"))


def schedule(agreements, on: datetime.date) -> list[dict]:
    """One row per agreement: its terms on ``on``, the tranches with their states, and the
    totals planned, payable, paid and open."""
    periods = approvals([a.cluster_id for a in agreements], on)
    rows = []
    for agreement in agreements:
        terms = agreement_as_of(agreement, on)
        states = tranche_states(agreement, on, periods.get(agreement.cluster_id, {}))
        rows.append(
            {
                "agreement": agreement,
                "cluster": agreement.cluster,
                "call": agreement.cluster.call.number if agreement.cluster.call_id else None,
                "terms": terms,
                "tranches": states,
                "planned": sum((s.amount for s in states), ZERO),
                "paid": sum((s.paid for s in states), ZERO),
                "payable_open": sum((s.open for s in states if s.payable), ZERO),
            }
        )
    return rows


def per_call(rows) -> list[dict]:
    """The schedule's totals per call (clusters without a call as one row, last)."""
    out: dict = {}
    for row in rows:
        totals = out.setdefault(
            row["call"], {"call": row["call"], "agreements": 0, "subsidy": ZERO, "paid": ZERO}
        )
        totals["agreements"] += 1
        totals["subsidy"] += row["terms"].subsidy
        totals["paid"] += row["paid"]
        totals.setdefault("payable_open", ZERO)
        totals["payable_open"] += row["payable_open"]
    return sorted(out.values(), key=lambda t: (t["call"] is None, t["call"] or 0))


def committed_and_paid(programme, on: datetime.date, *, clusters=None) -> list[dict]:
    """Per year up to ``on``: subsidies committed (agreements and amendments decided by
    then) and paid (payments made by then); ``clusters``: only theirs (ids)."""
    agreements = known.agreements(Agreement.objects.filter(cluster__programme=programme), on)
    if clusters is not None:
        agreements = agreements.filter(cluster__in=clusters)
    commitments = list(agreements.values_list("signed_on", "subsidy"))
    for agreement in with_records(agreements):
        before = agreement.subsidy
        for amendment in sorted(
            (a for a in agreement.amendments.all() if known.amendments_decided(a, on)),
            key=lambda a: (a.decided_on, a.number),
        ):
            if amendment.new_subsidy is not None:
                commitments.append((amendment.decided_on, amendment.new_subsidy - before))
                before = amendment.new_subsidy
    payments = known.payments(
        Payment.objects.filter(tranche__agreement__in=agreements), on
    ).values_list("paid_on", "amount")
    return grant_figures.committed_and_paid(sorted(commitments), sorted(payments))
