"""The demo's applications and agreements (issue 19, part C).

Calls 1 and 2 of the IBNs as history, as far as the 2020 evaluation published them
(25 applications, 14 funded, EUR 4.7 million for call 1; 12, 6 and EUR 1.5 million for
call 2):

- the funded applications are the existing clusters of the call, each linked to its
  cluster, its funded amount the cluster's recorded subsidy. Where a cluster's subsidy is
  not known (call 2: BEACON, SBIU, FHEALTH) the published total less the known subsidies
  is split equally over them (a demo assumption; their clusters' records keep no
  subsidy). Call 1's clusters' subsidies add up to EUR 4,824,749: the records give that
  sum, 2.7 % above the published, rounded 4.7 million (within the published-vs-computed
  tolerance of 5 %);
- the others, whose applicants were not published, are rejected rows named "niet
  gepubliceerd"; no application of the history has times of submission or decision
  (known from the call's closing date, or from the start: core/known_agreements.py).

Agreements for the clusters whose subsidy is known — the history's and the live call's
(demodata.live: EUKA2, BIM2, HYDRO) — recorded afterwards from the clusters' records,
decided on their start (the decision dates are not published), with the default schedule:
the advance paid on the start, each intermediate payment and the balance paid on the day
their progress report was approved (the demo's reports are approved when it is loaded:
demodata.reports), none before. No cluster's record changes, no reporting period is
added: the 2020 report changes only by the figures that read applications and agreements
(the calls' applications, the subsidies committed and paid).

Deterministic: the same records give the same rows; a second run changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from clustermonitor.agreements import selectors, services
from clustermonitor.agreements.models import Agreement, Tranche
from clustermonitor.analysis.grant_figures import split
from clustermonitor.core import audit
from clustermonitor.programmes.models import Application, Call, Cluster

#: The published applications per IBN call: (submitted, funded, amount funded).
PUBLISHED = {1: (25, 14, Decimal("4700000")), 2: (12, 6, Decimal("1500000"))}
NOT_PUBLISHED = "niet gepubliceerd"
NOTE = (
    "Vastgelegd uit de gegevens van de cluster (vóór het platform); de datum van de "
    "beslissing is niet gepubliceerd: de start van de overeenkomst."
)


def _applications(actor, call: Call, submitted: int, funded: int, amount: Decimal) -> int:
    if call.applications.exists():
        return 0
    clusters = list(call.clusters.order_by("code"))
    unknown = [c for c in clusters if c.subsidy is None]
    rest = amount - sum((c.subsidy for c in clusters if c.subsidy is not None), Decimal(0))
    shares = iter(split(rest, [Decimal(1)] * len(unknown)) if unknown and rest > 0 else [])
    written = 0
    for cluster in clusters[:funded]:
        funded_amount = cluster.subsidy if cluster.subsidy is not None else next(shares, None)
        if funded_amount is None:
            continue
        audit.save(
            actor,
            Application(
                call=call,
                applicant=cluster.executing_organisation or cluster.name,
                title=cluster.name,
                status=Application.Status.FUNDED,
                funded_amount=funded_amount,
                cluster=cluster,
            ),
            note="demo: the call's history as published",
        )
        written += 1
    for number in range(1, submitted - written + 1):
        audit.save(
            actor,
            Application(
                call=call,
                applicant=NOT_PUBLISHED,
                title=f"Aanvraag {number} ({NOT_PUBLISHED})",
                status=Application.Status.REJECTED,
            ),
            note="demo: the call's history as published",
        )
        written += 1
    return written


def _approval_day(moment) -> datetime.date:
    return timezone.localtime(moment).date()


def _pay(actor, agreement: Agreement, today: datetime.date) -> int:
    """The advance on the start; every other tranche on the day its report's approval
    made it payable (when that day has come)."""
    agreement = selectors.with_records(Agreement.objects.filter(pk=agreement.pk)).get()
    approvals = _approvals(agreement.cluster)
    paid = 0
    for state in selectors.tranche_states(agreement, today):
        tranche = state.tranche
        if not state.payable or state.paid:
            continue
        if tranche.trigger == Tranche.Trigger.DATE:
            day = tranche.payable_from or agreement.start_date
        else:
            day = next((d for d in approvals if _payable_on(agreement, tranche, d)), None)
        if day is None or day > today:
            continue
        then = {s.tranche.pk: s for s in selectors.tranche_states(agreement, day)}.get(tranche.pk)
        if then is None:
            continue
        services.record_payment(
            actor,
            tranche,
            paid_on=day,
            reference=f"VLAIO-{agreement.cluster.code}-{tranche.number}",
            # The amount of its day (an amendment decided later may have changed it).
            amount=min(then.open, state.open),
            today=today,
        )
        paid += 1
    return paid


def _payable_on(agreement, tranche, day: datetime.date) -> bool:
    states = {s.tranche.pk: s for s in selectors.tranche_states(agreement, day)}
    state = states.get(tranche.pk)
    return state is not None and state.payable


def _approvals(cluster) -> list[datetime.date]:
    from clustermonitor.monitoring.models import ReportVersion

    moments = ReportVersion.objects.filter(
        report__period__cluster=cluster, approved_at__isnull=False
    ).values_list("approved_at", flat=True)
    return sorted({_approval_day(m) for m in moments})


@transaction.atomic
def load(today: datetime.date | None = None) -> dict:
    """Add the history's applications and the agreements with their payments."""
    today = today or timezone.localdate()
    actor = audit.Actor.system("demo")
    applications = 0
    for number, (submitted, funded, amount) in PUBLISHED.items():
        call = Call.objects.filter(cluster_type__code="IBN", number=number).first()
        if call is not None:
            applications += _applications(actor, call, submitted, funded, amount)
    agreements = payments = 0
    clusters = (
        Cluster.objects.filter(
            cluster_type__code="IBN", subsidy__isnull=False, agreement__isnull=True
        )
        .exclude(call=None)
        .select_related("cluster_type", "call")
        .order_by("code")
    )
    for cluster in clusters:
        if cluster.start_date > today:
            continue
        agreement = services.create_for_cluster(
            actor, cluster, signed_on=cluster.start_date, note=NOTE, periods=False
        )
        agreements += 1
        payments += _pay(actor, agreement, today)
    return {"applications": applications, "agreements": agreements, "payments": payments}
