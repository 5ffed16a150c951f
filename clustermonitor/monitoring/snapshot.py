"""The figures a progress report is pre-filled with, taken from the records at the end
of its period, and frozen into the version on submission (JSON-ready)."""

import datetime
from decimal import Decimal

import pandas as pd
from django.utils import timezone

from clustermonitor.activities import figures as activity_figures
from clustermonitor.activities.models import Activity, Participation
from clustermonitor.analysis import participation
from clustermonitor.collaborations import selectors as collaboration_selectors
from clustermonitor.collaborations.models import Collaboration, Stage, StageChange
from clustermonitor.members import figures


def computed_kpis(cluster, until: datetime.date) -> dict[str, Decimal | None]:
    """KPI code → the value the records give at `until` (None for a KPI the platform
    does not compute: a cluster-specific one is reported only)."""
    from clustermonitor.monitoring.dashboard import computed_kpis as records

    values = records([cluster], until).values.get(cluster.code, {})
    known = {code: Decimal(value) for code, value in values.items()}
    return {k.code: known.get(k.code) for k in cluster.cluster_type.kpis.order_by("order")}


def _ledger(cluster, period) -> list[dict]:
    _rows, _fees, _table, ledger = figures.cofinancing_frames([cluster])
    years = range(period.start_date.year, period.end_date.year + 1)
    ledger = ledger[ledger["year"].isin(list(years))]
    columns = ["year", "subsidy", "required", "paid", "outstanding", "carry_in", "shortfall"]
    return [
        {
            **{c: round(float(r[c]), 2) for c in columns if c != "year"},
            "year": int(r["year"]),
            "rule_met": bool(r["rule_met"]),
        }
        for _i, r in ledger.iterrows()
    ]


def _collaborations(cluster, period) -> dict:
    steps = StageChange.objects.filter(
        collaboration__clusters=cluster,
        date__gte=period.start_date,
        date__lte=period.end_date,
        stage__in=[Stage.STARTED, Stage.STOPPED],
    ).select_related("collaboration")
    started = [s for s in steps if s.stage == Stage.STARTED]
    stopped = [s for s in steps if s.stage == Stage.STOPPED]
    existing = collaboration_selectors.with_derived(
        Collaboration.objects.filter(
            clusters=cluster, stage_changes__date__lte=period.end_date
        ).distinct()
    )
    counts = collaboration_selectors.breakdowns(existing)
    return {
        "started": [
            {"id": s.collaboration_id, "title": s.collaboration.title, "date": s.date.isoformat()}
            for s in started
        ],
        "stopped": [
            {
                "id": s.collaboration_id,
                "title": s.collaboration.title,
                "date": s.date.isoformat(),
                "reason": s.reason,
            }
            for s in stopped
        ],
        "breakdown": {
            dimension: {str(k): v for k, v in sorted(c.items(), key=lambda kv: str(kv[0]))}
            for dimension, c in counts.items()
        },
    }


def _activities(cluster, period) -> dict:
    activities = Activity.objects.filter(
        clusters=cluster, date__gte=period.start_date, date__lte=period.end_date
    )
    until = period.end_date
    members = pd.DataFrame(
        figures.member_rows([cluster], until),
        columns=["cluster", "organisation_id", "kind", "size_class", "embedding"],
    )
    seen = pd.DataFrame(
        activity_figures.participation_rows([cluster], until - datetime.timedelta(days=366), until),
        columns=["cluster", "organisation_id", "activity_id", "date"],
    )
    degree = participation.activity_degree(seen, members, pd.Timestamp(until))
    active = int(degree["active"].sum()) if len(degree) else 0
    return {
        "activities": activities.count(),
        "participations": Participation.objects.filter(
            activity__in=activities, is_guest=False
        ).count(),
        "members": len(degree),
        "active_members": active,
        "active_share": round(active / len(degree), 4) if len(degree) else None,
    }


def build(period) -> dict:
    """Everything the report shows from the records, as of the period's end."""
    cluster = period.cluster
    until = min(period.end_date, datetime.date.today())
    kpis = computed_kpis(cluster, until)
    return {
        "until": until.isoformat(),
        "computed_at": timezone.now().isoformat(timespec="seconds"),
        "kpis": {code: (str(v) if v is not None else None) for code, v in kpis.items()},
        "cofinancing": _ledger(cluster, period),
        "collaborations": _collaborations(cluster, period),
        "participation": _activities(cluster, period),
    }
