"""Writes of agreements, all audited (core.audit): a funded application becoming a
cluster and its agreement in one step; an agreement recorded for a cluster that had one
before the platform; amendments; conditions met; payments on tranches.

An amendment never changes what was recorded before it: it is a new row with its own
budget lines, and the cluster's current end date and subsidy (programmes.Cluster) are
written with it through the audit log (so core.known sets them back for an earlier day).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from clustermonitor.agreements.models import (
    Agreement,
    Amendment,
    BudgetLine,
    Condition,
    Payment,
    Tranche,
    TrancheChange,
)
from clustermonitor.agreements.selectors import agreement_as_of, tranche_states
from clustermonitor.analysis.grant_figures import split
from clustermonitor.core import audit
from clustermonitor.grants import selectors as grants_selectors
from clustermonitor.programmes import rules_math
from clustermonitor.programmes.models import KPI, Application, Cluster, Target
from clustermonitor.review.models import Decision

#: The default schedule: an advance from the start, intermediate payments after each
#: year's approved report (all years but the last sharing them), the balance after the
#: final report. Shares of the subsidy.
ADVANCE_SHARE = Decimal("0.30")
BALANCE_SHARE = Decimal("0.10")


class AgreementError(Exception):
    """The step is refused; the message says why."""


def _describe(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return " ".join(f"{m}" for messages in exc.message_dict.values() for m in messages)
    return " ".join(exc.messages)


def _save(actor, instance, note: str) -> None:
    try:
        audit.save(actor, instance, note=note)
    except ValidationError as exc:
        raise AgreementError(_describe(exc)) from None


def reporting_years(start: datetime.date, end: datetime.date) -> int:
    """Years of operation (a started year counts)."""
    months = rules_math.agreement_months(start, end)
    return max(1, -(-months // 12))


def reference_for(cluster: Cluster) -> str:
    parts = [cluster.cluster_type.code]
    if cluster.call_id:
        parts.append(str(cluster.call.number))
    parts.append(cluster.code)
    return "-".join(parts)


# -- The version of a funded application ------------------------------------------------------


def _decimal(text, default=None):
    if text in (None, ""):
        return default
    try:
        return Decimal(str(text))
    except InvalidOperation:
        raise AgreementError(
            _("The application holds an amount that is not a number: %(v)s") % {"v": text}
        ) from None


def _date(text, what: str):
    try:
        return datetime.date.fromisoformat(str(text))
    except ValueError:
        raise AgreementError(
            _("The application's %(what)s is not a date: %(v)s") % {"what": what, "v": text}
        ) from None


def proposal(application: Application) -> dict:
    """What the agreement takes from a funded application's last version (the shape of
    grants.contract), checked: the cluster's name, domain, keywords, start, term, the
    co-financing plan per year and the targets per KPI."""
    if application.status != Application.Status.FUNDED or application.funded_amount is None:
        raise AgreementError(_("Only a funded application with its amount becomes a cluster."))
    if application.cluster_id:
        raise AgreementError(_("This application is a cluster already."))
    if application.online:
        # An application of the platform is funded by the jury's decision (review), with
        # its amount: never by a status set otherwise.
        decision = Decision.objects.filter(application=application).first()
        if decision is None or decision.outcome != Decision.Outcome.FUNDED:
            raise AgreementError(
                _("The jury has not decided to fund this application: no agreement yet.")
            )
        if decision.funded_amount != application.funded_amount:
            raise AgreementError(
                _("The funded amount differs from the jury's decision (%(amount)s).")
                % {"amount": decision.funded_amount}
            )
    version = grants_selectors.latest_version(application)
    data = dict(version.data) if version is not None else {}
    start = _date(data["start_date"], _("start date")) if data.get("start_date") else None
    term = data.get("term_years")
    if term is not None and (not isinstance(term, int) or not 1 <= term <= 20):
        raise AgreementError(
            _("The application's term is not a number of years: %(v)s") % {"v": term}
        )
    plan = [
        {
            "subsidy": _decimal(row.get("subsidy"), Decimal(0)),
            "cofinancing": _decimal(row.get("member_fees"), Decimal(0))
            + _decimal(row.get("other"), Decimal(0)),
        }
        for row in data.get("cofinancing") or []
    ]
    targets = [
        {
            "kpi": str(row.get("kpi", "")),
            "value": _decimal(row.get("value")),
            "due_date": _date(row["due_date"], _("target's due date"))
            if row.get("due_date")
            else None,
        }
        for row in data.get("targets") or []
    ]
    return {
        "version": version,
        "name": str(data.get("cluster_name") or application.title)[:200],
        "domain": str(data.get("domain") or "")[:200],
        "keywords": [str(k)[:80] for k in data.get("keywords") or []][:30],
        "start_date": start,
        "term_years": term or application.call.cluster_type.max_years,
        "plan": plan,
        "targets": targets,
        "organisation": str(data.get("applicant") or application.applicant)[:200],
    }


# -- Creating agreements -----------------------------------------------------------------------


def _budget_lines(subsidy: Decimal, years: int, plan: list[dict]) -> list[tuple]:
    """(year, subsidy, co-financing) per year of operation: the plan's subsidy per year
    scaled to the subsidy granted (its own shares kept), or equal shares without a plan."""
    plan = (plan or [])[:years]
    weights = [row["subsidy"] for row in plan] + [Decimal(0)] * (years - len(plan))
    if not any(weights):
        weights = [Decimal(1)] * years
    amounts = split(subsidy, weights)
    cofinancing = [row["cofinancing"] for row in plan] + [Decimal(0)] * (years - len(plan))
    return [(n + 1, amounts[n], cofinancing[n]) for n in range(years)]


def default_tranches(subsidy: Decimal, years: int) -> list[dict]:
    """The advance, one intermediate payment per year but the last, the balance."""
    if years <= 1:
        weights = [ADVANCE_SHARE, 1 - ADVANCE_SHARE]
    else:
        middle = (1 - ADVANCE_SHARE - BALANCE_SHARE) / (years - 1)
        weights = [ADVANCE_SHARE, *([middle] * (years - 1)), BALANCE_SHARE]
    amounts = split(subsidy, weights)
    out = [{"kind": Tranche.Kind.ADVANCE, "trigger": Tranche.Trigger.DATE, "report_year": None}]
    out += [
        {"kind": Tranche.Kind.INTERMEDIATE, "trigger": Tranche.Trigger.REPORT, "report_year": y}
        for y in range(1, years)
    ]
    out.append(
        {"kind": Tranche.Kind.BALANCE, "trigger": Tranche.Trigger.FINAL_REPORT, "report_year": None}
    )
    for spec, amount in zip(out, amounts, strict=True):
        spec["amount"] = amount
    return out


def _write_agreement(actor, agreement: Agreement, lines, conditions) -> Agreement:
    _save(actor, agreement, "agreement")
    for year, subsidy, cofinancing in lines:
        _save(
            actor,
            BudgetLine(agreement=agreement, year=year, subsidy=subsidy, cofinancing=cofinancing),
            "agreement: budget line",
        )
    for description, due_date in conditions:
        _save(
            actor,
            Condition(agreement=agreement, description=description, due_date=due_date),
            "agreement: condition",
        )
    years = reporting_years(agreement.start_date, agreement.end_date)
    for number, spec in enumerate(default_tranches(agreement.subsidy, years), start=1):
        _save(
            actor,
            Tranche(
                agreement=agreement,
                number=number,
                payable_from=agreement.start_date if spec["trigger"] == "date" else None,
                **spec,
            ),
            "agreement: tranche",
        )
    return agreement


def _periods(actor, cluster) -> None:
    from clustermonitor.monitoring import services as monitoring

    monitoring.create_periods(actor, cluster)


@transaction.atomic
def create_from_application(
    actor: audit.Actor,
    application: Application,
    *,
    code: str,
    signed_on: datetime.date,
    start_date: datetime.date | None = None,
    conditions: list[tuple[str, datetime.date]] = (),
) -> Agreement:
    """A funded application becomes a cluster and its agreement in one audited step: the
    cluster (its name, domain and keywords from the application, the call's type, the
    term and the subsidy granted), the application linked to it, the targets of its
    roadmap, the agreement with its yearly budget lines, conditions and tranches, and the
    cluster's reporting periods."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    found = proposal(application)
    start = start_date or found["start_date"]
    if start is None:
        raise AgreementError(_("Give the start date: the application has none."))
    if signed_on > timezone.localdate():
        raise AgreementError(_("The agreement cannot be decided in the future."))
    if signed_on > start + datetime.timedelta(days=366):
        raise AgreementError(_("The agreement is decided long after its start."))
    if (
        application.decided_at is not None
        and signed_on < timezone.localtime(application.decided_at).date()
    ):
        raise AgreementError(_("The agreement cannot be decided before the application."))
    end = rules_math.add_years(start, found["term_years"]) - datetime.timedelta(days=1)
    call = application.call
    if Cluster.objects.filter(code=code).exists():
        raise AgreementError(_("A cluster with code %(code)s exists already.") % {"code": code})
    cluster = Cluster(
        programme=call.programme,
        code=code,
        name=found["name"],
        cluster_type=call.cluster_type,
        call=call,
        executing_organisation=found["organisation"],
        domain=found["domain"],
        keywords=found["keywords"],
        start_date=start,
        end_date=end,
        subsidy=application.funded_amount,
    )
    _save(actor, cluster, f"agreement from application {application.pk}")
    application.cluster = cluster
    _save(actor, application, "application became a cluster")
    kpis = {k.code: k for k in KPI.objects.filter(programme=call.programme)}
    for target in found["targets"]:
        kpi = kpis.get(target["kpi"])
        if kpi is None or target["value"] is None:
            raise AgreementError(
                _("The application's target for %(kpi)s names no KPI of the programme.")
                % {"kpi": target["kpi"] or "–"}
            )
        _save(
            actor,
            Target(
                cluster=cluster,
                kpi=kpi,
                value=target["value"],
                due_date=target["due_date"] or Target.default_due_date(cluster),
                note=_("from the application"),
            ),
            "agreement: target from the application",
        )
    years = reporting_years(start, end)
    agreement = Agreement(
        cluster=cluster,
        application=application,
        source=Agreement.Source.APPLICATION,
        reference=reference_for(cluster),
        signed_on=signed_on,
        start_date=start,
        end_date=end,
        subsidy=application.funded_amount,
    )
    _write_agreement(
        actor, agreement, _budget_lines(application.funded_amount, years, found["plan"]), conditions
    )
    _periods(actor, cluster)
    return agreement


@transaction.atomic
def create_for_cluster(
    actor: audit.Actor,
    cluster: Cluster,
    *,
    signed_on: datetime.date,
    subsidy: Decimal | None = None,
    conditions: list[tuple[str, datetime.date]] = (),
    note: str = "",
    periods: bool = True,
) -> Agreement:
    """The agreement of a cluster funded before the platform (its record's dates and
    subsidy; a subsidy given here is written to the cluster when it had none)."""
    cluster = (
        Cluster.objects.select_for_update(of=("self",))
        .select_related("cluster_type", "call")
        .get(pk=cluster.pk)
    )
    if Agreement.objects.filter(cluster=cluster).exists():
        raise AgreementError(_("This cluster has an agreement already."))
    if subsidy is None:
        subsidy = cluster.subsidy
    if subsidy is None:
        raise AgreementError(_("Give the subsidy: the cluster's record has none."))
    if cluster.subsidy is None:
        cluster.subsidy = subsidy
        _save(actor, cluster, "agreement recorded: the subsidy")
    elif cluster.subsidy != subsidy:
        raise AgreementError(
            _("The cluster's subsidy is %(amount)s; record a change as an amendment.")
            % {"amount": cluster.subsidy}
        )
    application = Application.objects.filter(cluster=cluster).first()
    agreement = Agreement(
        cluster=cluster,
        application=application,
        source=Agreement.Source.HISTORY,
        reference=reference_for(cluster),
        signed_on=signed_on,
        start_date=cluster.start_date,
        end_date=cluster.end_date,
        subsidy=subsidy,
        note=note,
    )
    years = reporting_years(cluster.start_date, cluster.end_date)
    _write_agreement(actor, agreement, _budget_lines(subsidy, years, []), conditions)
    if periods:
        _periods(actor, cluster)
    return agreement


# -- Amendments --------------------------------------------------------------------------------


def _locked(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update().select_related("cluster").get(pk=agreement.pk)


@transaction.atomic
def amend(
    actor: audit.Actor,
    agreement: Agreement,
    *,
    kind: str,
    decided_on: datetime.date,
    effective_on: datetime.date,
    decision: str,
    new_end_date: datetime.date | None = None,
    new_subsidy: Decimal | None = None,
    lines: list[tuple[int, Decimal, Decimal]] = (),
) -> Amendment:
    """Record an amendment: a new numbered row, its lines replacing those years' lines
    from its decision on. The cluster's end date and subsidy follow; the balance tranche
    (or, when it is paid, a new one after the final report) takes the subsidy's change."""
    agreement = _locked(agreement)
    last = agreement.amendments.order_by("-decided_on", "-number").first()
    if last is not None and decided_on < last.decided_on:
        raise AgreementError(
            _("An amendment cannot be decided before the previous one (%(day)s).")
            % {"day": last.decided_on.strftime("%d/%m/%Y")}
        )
    if decided_on < agreement.signed_on:
        raise AgreementError(_("An amendment cannot be decided before the agreement."))
    if decided_on > timezone.localdate():
        # The cluster's end date and subsidy change now: a decision of a later day would
        # have them change before the agreement as of that day says so.
        raise AgreementError(_("An amendment cannot be decided in the future."))
    if not (decision or "").strip():
        raise AgreementError(_("Give the decision and its motivation."))
    now = agreement_as_of(agreement, decided_on)
    if new_end_date is not None and new_end_date < agreement.start_date:
        raise AgreementError(_("The new end date is before the start."))
    if kind == Amendment.Kind.EXTENSION and (new_end_date is None or new_end_date <= now.end_date):
        raise AgreementError(_("An extension needs an end date after the current one."))
    if kind == Amendment.Kind.PHASE_OUT and (new_end_date is None or new_end_date > now.end_date):
        raise AgreementError(_("A phase-out needs an end date on or before the current one."))
    if kind == Amendment.Kind.SUBSIDY_INCREASE and (
        new_subsidy is None or new_subsidy <= now.subsidy
    ):
        raise AgreementError(_("A higher subsidy needs an amount above the current one."))
    if kind == Amendment.Kind.BUDGET_SHIFT and not lines:
        raise AgreementError(_("A budget shift needs the new yearly lines."))
    paid = Payment.objects.filter(tranche__agreement=agreement).aggregate(t=Sum("amount"))["t"]
    if new_subsidy is not None and new_subsidy < (paid or 0):
        raise AgreementError(
            _("The new subsidy is below what has been paid already (%(paid)s).") % {"paid": paid}
        )
    subsidy = new_subsidy if new_subsidy is not None else now.subsidy
    if lines:
        merged = dict(now.lines)
        merged.update({year: (s, c) for year, s, c in lines})
        total = sum((s for s, _c in merged.values()), Decimal(0))
        if total != subsidy:
            raise AgreementError(
                _("The yearly subsidies add up to %(total)s, not to the subsidy %(subsidy)s.")
                % {"total": total, "subsidy": subsidy}
            )
    number = (agreement.amendments.aggregate(n=Max("number"))["n"] or 0) + 1
    amendment = Amendment(
        agreement=agreement,
        number=number,
        kind=kind,
        decided_on=decided_on,
        effective_on=effective_on,
        decision=decision.strip(),
        new_end_date=new_end_date,
        new_subsidy=new_subsidy,
        recorded_by=actor.user if getattr(actor.user, "pk", None) else None,
    )
    _save(actor, amendment, f"amendment {number}")
    for year, line_subsidy, cofinancing in lines:
        _save(
            actor,
            BudgetLine(
                agreement=agreement,
                amendment=amendment,
                year=year,
                subsidy=line_subsidy,
                cofinancing=cofinancing,
            ),
            f"amendment {number}: budget line",
        )
    cluster = agreement.cluster
    if new_end_date is not None:
        cluster.end_date = new_end_date
    if new_subsidy is not None:
        cluster.subsidy = new_subsidy
        _retranche(actor, agreement, amendment, new_subsidy)
    if new_end_date is not None or new_subsidy is not None:
        _save(actor, cluster, f"amendment {number} of {agreement.reference}")
    if new_end_date is not None and new_end_date > now.end_date:
        _periods(actor, cluster)
    return amendment


def _retranche(actor, agreement: Agreement, amendment: Amendment, subsidy: Decimal) -> None:
    """The subsidy's change on the last unpaid tranche, or a new balance tranche. History
    stays: the change is recorded with the amendment (a TrancheChange with the amount
    before), a new tranche names the amendment that added it (``added_by``), so the
    schedule as of a day before the amendment's decision shows the tranches as they were."""
    tranches = list(agreement.tranches.order_by("number"))
    planned = sum((t.amount for t in tranches), Decimal(0))
    change = subsidy - planned
    if not change:
        return
    for tranche in reversed(tranches):
        paid = tranche.payments.aggregate(t=Sum("amount"))["t"] or Decimal(0)
        if paid == 0 and tranche.amount + change >= 0:
            before = tranche.amount
            tranche.amount += change
            _save(actor, tranche, "amendment: the tranche takes the subsidy's change")
            _save(
                actor,
                TrancheChange(
                    tranche=tranche,
                    amendment=amendment,
                    amount_before=before,
                    amount=tranche.amount,
                ),
                f"amendment {amendment.number}: the tranche's amount before and after",
            )
            return
    if change < 0:
        raise AgreementError(_("The lower subsidy does not fit the tranches left unpaid."))
    _save(
        actor,
        Tranche(
            agreement=agreement,
            number=len(tranches) + 1,
            kind=Tranche.Kind.BALANCE,
            amount=change,
            trigger=Tranche.Trigger.FINAL_REPORT,
            added_by=amendment,
        ),
        "amendment: a tranche for the higher subsidy",
    )


# -- Conditions and payments --------------------------------------------------------------------


@transaction.atomic
def add_condition(actor, agreement: Agreement, description: str, due_date) -> Condition:
    condition = Condition(agreement=agreement, description=description, due_date=due_date)
    _save(actor, condition, "agreement: condition")
    return condition


@transaction.atomic
def meet_condition(actor, condition: Condition, met_on: datetime.date, evidence: str) -> Condition:
    condition = Condition.objects.select_for_update().get(pk=condition.pk)
    if condition.met_on is not None:
        raise AgreementError(_("This condition was met already."))
    if not (evidence or "").strip():
        raise AgreementError(_("Give the evidence that the condition is met."))
    if met_on < condition.agreement.signed_on:
        raise AgreementError(_("A condition cannot be met before the agreement."))
    condition.met_on, condition.evidence = met_on, evidence.strip()
    _save(actor, condition, "agreement: condition met")
    return condition


@transaction.atomic
def record_payment(
    actor: audit.Actor,
    tranche: Tranche,
    *,
    paid_on: datetime.date,
    reference: str,
    amount: Decimal,
    today: datetime.date | None = None,
) -> Payment:
    """A payment on a tranche that was payable on its date, never above what the tranche
    leaves open (the tranche is locked while the sum is checked: two payments at the same
    moment cannot both pass)."""
    tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)
    if paid_on > (today or timezone.localdate()):
        raise AgreementError(_("A payment cannot be dated in the future."))
    if amount is None or amount <= 0:
        raise AgreementError(_("The amount must be above zero."))
    agreement = Agreement.objects.select_related("cluster").get(pk=tranche.agreement_id)
    states = {s.tranche.pk: s for s in tranche_states(agreement, paid_on)}
    state = states.get(tranche.pk)
    if state is None:
        raise AgreementError(
            _("This tranche did not exist yet on %(day)s: an amendment added it later.")
            % {"day": paid_on.strftime("%d/%m/%Y")}
        )
    if not state.payable:
        raise AgreementError(
            _("This tranche was not payable on %(day)s: %(reason)s")
            % {"day": paid_on.strftime("%d/%m/%Y"), "reason": state.reason}
        )
    # Against the amount of its day (what was paid by then) and, for a payment dated
    # before an amendment that changed the tranche, against the amount since then too.
    paid = tranche.payments.aggregate(t=Sum("amount"))["t"] or Decimal(0)
    left = min(state.open, tranche.amount - paid)
    if amount > left:
        raise AgreementError(
            _("%(amount)s is more than the tranche leaves open (%(open)s).")
            % {"amount": amount, "open": left}
        )
    if Payment.objects.filter(reference=reference).exists():
        raise AgreementError(_("A payment with this reference exists already."))
    payment = Payment(
        tranche=tranche,
        paid_on=paid_on,
        reference=reference.strip(),
        amount=amount,
        recorded_by=actor.user if getattr(actor.user, "pk", None) else None,
    )
    _save(actor, payment, f"payment on {tranche}")
    return payment
