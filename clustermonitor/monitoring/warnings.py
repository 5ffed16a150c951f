"""Early warnings for the worklist of the account manager and the cluster manager.

Computed from the records each time, never stored, so a warning disappears as soon as
its cause is dealt with:

- **exit plan due**: no filed exit plan while the due date (6 months before the
  agreement ends, Norway's rule) has passed or comes within `EXIT_PLAN_NOTICE_DAYS`;
- **co-financing** (running agreements, years with contributions recorded): the rule
  not met in a past year of the agreement, or at risk in the current year (not met
  even when the outstanding fees are paid, or a single contributor's loss would break
  it);
- **KPI off track**: the trajectory's forecast falls short of the 3-year target
  (docs/dashboard.md states the method);
- **report overdue**: a progress report past its due date and not submitted;
- **key contributor left**: a member whose fee was at least a quarter of the
  cluster's contributions in its last paid year ended its membership in the last
  12 months.
"""

import datetime
from dataclasses import dataclass, field

import pandas as pd
from django.utils.translation import gettext as _

from clustermonitor.members.models import Contribution, Membership
from clustermonitor.monitoring.models import ReportingPeriod, State

EXIT_PLAN_NOTICE_DAYS = 60
KEY_CONTRIBUTOR_SHARE = 0.25


@dataclass
class Warning:
    cluster: object
    kind: str  # exit_plan | cofinancing | kpi | report | contributor
    severity: str  # high | medium
    message: str
    date: datetime.date | None = None
    url: str = ""
    details: dict = field(default_factory=dict)


KIND_LABELS = {
    "exit_plan": ("Exitplan", "Exit plan"),
    "cofinancing": ("Cofinanciering", "Co-financing"),
    "kpi": ("KPI", "KPI"),
    "report": ("Voortgangsrapport", "Progress report"),
    "contributor": ("Belangrijke bijdrager", "Key contributor"),
}


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def overdue_reports(clusters, today: datetime.date) -> list[Warning]:
    from django.urls import reverse

    periods = ReportingPeriod.objects.filter(
        cluster__in=clusters,
        due_date__lt=today,
        report__state__in=[State.DRAFT, State.RETURNED],
    ).select_related("cluster", "report")
    return [
        Warning(
            p.cluster,
            "report",
            "high",
            _("The progress report for year %(n)d was due on %(date)s and has not been submitted.")
            % {"n": p.number, "date": _fmt(p.due_date)},
            p.due_date,
            reverse("monitoring:report-detail", args=[p.report.pk]),
        )
        for p in periods
    ]


def cofinancing_warnings(clusters, today: datetime.date) -> list[Warning]:
    from django.urls import reverse

    from clustermonitor.members import cofinancing_checks as checks
    from clustermonitor.members.figures import cofinancing_frames

    # Only running agreements: a closed one is settled in its final report, not here.
    clusters = [c for c in clusters if c.start_date <= today <= c.end_date]
    if not clusters:
        return []
    _rows, fees, _table, ledger = cofinancing_frames(clusters)
    # A year without any contribution recorded says nothing about the rule: the fees are
    # simply not in the platform (yet). Data quality shows that; the worklist does not.
    recorded = set(zip(fees["cluster"], fees["year"], strict=True))
    by_code = {c.code: c for c in clusters}
    out = []
    for _i, row in ledger.iterrows():
        cluster = by_code.get(row["cluster"])
        year = int(row["year"])
        if cluster is None or not row["required"] or year > today.year:
            continue
        if year < cluster.start_date.year or year > cluster.end_date.year:
            continue
        if (cluster.code, year) not in recorded:
            continue
        url = reverse("members:cofinancing", args=[cluster.code]) + f"?year={year}"
        if year < today.year and not row["rule_met"]:
            out.append(
                Warning(
                    cluster,
                    "cofinancing",
                    "high",
                    _("The co-financing rule was not met in %(year)d: EUR %(short)s short.")
                    % {"year": year, "short": f"{row['shortfall']:,.0f}".replace(",", ".")},
                    datetime.date(year, 12, 31),
                    url,
                )
            )
        elif year == today.year:
            amounts = checks.year_amounts(fees, cluster.code, year)
            risk = checks.contributions_at_risk(amounts, row["required"], row["carry_in"])
            if not row["met_if_outstanding_paid"]:
                message = _(
                    "The co-financing rule is at risk in %(year)d: even with every "
                    "outstanding fee paid, contributions stay below what it requires."
                ) % {"year": year}
            elif checks.losing_one_breaks_the_rule(risk):
                message = _(
                    "The co-financing rule is at risk in %(year)d: losing one of %(n)d "
                    "contributions would break it."
                ) % {"year": year, "n": len(risk)}
            else:
                continue
            out.append(
                Warning(cluster, "cofinancing", "medium", message, datetime.date(year, 12, 31), url)
            )
    return out


def contributor_warnings(clusters, today: datetime.date) -> list[Warning]:
    """Members that paid at least a quarter of their cluster's contributions in their
    last paid year and left in the last 12 months."""
    from django.urls import reverse

    since = today - datetime.timedelta(days=365)
    left = list(
        Membership.objects.filter(
            cluster__in=clusters, end_date__gte=since, end_date__lte=today
        ).select_related("cluster", "organisation")
    )
    if not left:
        return []
    paid = pd.DataFrame(
        Contribution.objects.filter(
            membership__cluster__in={m.cluster_id for m in left}, status="paid"
        ).values("membership_id", "membership__cluster_id", "year", "amount"),
        columns=["membership_id", "membership__cluster_id", "year", "amount"],
    )
    if paid.empty:
        return []
    paid["amount"] = paid["amount"].astype(float)
    totals = paid.groupby(["membership__cluster_id", "year"])["amount"].sum()
    out = []
    for membership in left:
        own = paid[paid["membership_id"] == membership.pk]
        if own.empty:
            continue
        year = int(own["year"].max())
        amount = float(own[own["year"] == year]["amount"].sum())
        total = float(totals.get((membership.cluster_id, year), 0.0))
        share = amount / total if total else 0.0
        if share >= KEY_CONTRIBUTOR_SHARE:
            out.append(
                Warning(
                    membership.cluster,
                    "contributor",
                    "high",
                    _(
                        "%(member)s left on %(date)s; it paid %(share)d %% of the "
                        "contributions in %(year)d."
                    )
                    % {
                        "member": membership.organisation.name,
                        "date": _fmt(membership.end_date),
                        "share": round(share * 100),
                        "year": year,
                    },
                    membership.end_date,
                    reverse("members:membership-detail", args=[membership.pk]),
                    {"share": share},
                )
            )
    return out


SEVERITY_ORDER = {"high": 0, "medium": 1}


def collect(clusters, today: datetime.date | None = None) -> list[Warning]:
    """Every warning for `clusters`, the most severe and the oldest first."""
    today = today or datetime.date.today()
    clusters = list(clusters)
    found = [
        *exit_plan_warnings(clusters, today),
        *cofinancing_warnings(clusters, today),
        *kpi_warnings(clusters, today),
        *overdue_reports(clusters, today),
        *contributor_warnings(clusters, today),
    ]
    return sorted(
        found,
        key=lambda w: (SEVERITY_ORDER[w.severity], w.date or today, w.cluster.code, w.kind),
    )


def exit_plan_warnings(clusters, today: datetime.date) -> list[Warning]:
    """Running clusters without a filed exit plan whose due date (6 months before the
    end) has passed (high) or comes within EXIT_PLAN_NOTICE_DAYS (medium)."""
    from django.urls import reverse

    from clustermonitor.maturity.selectors import missing_exit_plans

    out = []
    for cluster, due in missing_exit_plans(clusters, today, horizon_days=EXIT_PLAN_NOTICE_DAYS):
        late = due < today
        message = (
            _(
                "No exit plan filed: it was due on %(date)s, 6 months before the agreement "
                "ends on %(end)s."
            )
            if late
            else _(
                "The exit plan is due on %(date)s, 6 months before the agreement ends on "
                "%(end)s, and is not filed yet."
            )
        ) % {"date": _fmt(due), "end": _fmt(cluster.end_date)}
        out.append(
            Warning(
                cluster,
                "exit_plan",
                "high" if late else "medium",
                message,
                due,
                reverse("programmes:exit-plan", args=[cluster.code]),
            )
        )
    return out


def kpi_warnings(clusters, today: datetime.date) -> list[Warning]:
    """Running clusters whose trajectory falls short of a KPI's 3-year target."""
    from django.urls import reverse

    from clustermonitor.monitoring.dashboard import off_track
    from clustermonitor.programmes.models import Programme

    wanted = {c.pk: c for c in clusters}
    ids = list(dict.fromkeys(c.programme_id for c in wanted.values()))
    found = Programme.objects.in_bulk(ids)  # one query, not one per cluster
    programmes = {i: found[i] for i in ids}
    out = []
    for programme in programmes.values():
        for cluster, code, status, forecast, target in off_track(programme, today):
            if cluster.pk not in wanted:
                continue
            message = (
                _(
                    "%(kpi)s is off track: the forecast %(forecast)s stays below 90 %% of the "
                    "target %(target)s."
                )
                if status == "off_track"
                else _(
                    "%(kpi)s is at risk: the forecast %(forecast)s falls short of the "
                    "target %(target)s."
                )
            ) % {"kpi": code, "forecast": f"{forecast:g}", "target": f"{target:g}"}
            out.append(
                Warning(
                    wanted[cluster.pk],
                    "kpi",
                    "high" if status == "off_track" else "medium",
                    message,
                    None,
                    reverse("monitoring:trajectories-cluster", args=[cluster.code]),
                )
            )
    return out
