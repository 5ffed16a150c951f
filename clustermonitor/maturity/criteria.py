"""The metric registry of criteria sets, and how a criterion is judged.

A *computed* criterion names a metric from this registry, an operator and a threshold
("private_companies ≥ 20"). Each metric is a function `(cluster, on_date) -> Decimal |
None` that reads the cluster's records as they stood on the date. It returns None —
*unknown*, not zero — when the cluster has recorded nothing of that kind at all (the
member list, the contributions of a year, the activities or the collaborations were
never kept here), so that a missing list never reads as a failing cluster.

An *evidence* criterion is answered by the cluster with evidence and checked by the
agency: accepted passes, rejected fails, anything else is unknown.

A set passes when every criterion passes, fails when any fails, and is unknown
otherwise (docs/maturity.md).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clustermonitor.core import known
from clustermonitor.programmes import rules_math

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"
OUTCOME_LABELS = {PASS: _("pass"), FAIL: _("fail"), UNKNOWN: _("unknown")}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    function: Callable[[object, datetime.date], Decimal | None]
    #: Templates list metrics; they must not call them.
    do_not_call_in_templates: ClassVar[bool] = True

    def __call__(self, cluster, on: datetime.date) -> Decimal | None:
        value = self.function(cluster, on)
        return None if value is None else Decimal(value).quantize(CENT)


# -- Members ----------------------------------------------------------------------------


def _memberships(cluster, on):
    """Memberships active on `on`, or None when the cluster has no membership records."""
    from clustermonitor.members.models import Membership

    recorded = Membership.objects.filter(cluster=cluster)
    if not recorded.exists():
        return None
    return recorded.active_on(on)


def _count_organisations(cluster, on, kind: str | None = None) -> Decimal | None:
    active = _memberships(cluster, on)
    if active is None:
        return None
    if kind is not None:
        active = active.filter(organisation__kind=kind)
    return Decimal(active.order_by().values("organisation").distinct().count())


def members(cluster, on):
    return _count_organisations(cluster, on)


def private_companies(cluster, on):
    from clustermonitor.registry.models import Organisation

    return _count_organisations(cluster, on, Organisation.Kind.COMPANY)


def knowledge_members(cluster, on):
    from clustermonitor.registry.models import Organisation

    return _count_organisations(cluster, on, Organisation.Kind.KNOWLEDGE)


def member_kinds(cluster, on):
    active = _memberships(cluster, on)
    if active is None:
        return None
    return Decimal(
        active.order_by().values_list("organisation__kind", flat=True).distinct().count()
    )


def paying_members_last_year(cluster, on):
    """Paying members (DESIGN §4) in the calendar year before `on`: memberships active in
    that year with a paid contribution for it. Unknown when no contribution of that year is
    recorded at all."""
    from clustermonitor.members.models import Contribution

    year = on.year - 1
    recorded = Contribution.objects.filter(membership__cluster=cluster, year=year)
    if not recorded.exists():
        return None
    # Known on `on` (core.known): paid by then, of a membership started by then.
    paid = known.memberships(known.paid(recorded, on), on, "membership__").filter(
        membership__start_date__lte=datetime.date(year, 12, 31)
    )
    paid = paid.filter(
        Q(membership__end_date__isnull=True)
        | Q(membership__end_date__gte=datetime.date(year, 1, 1))
    )
    return Decimal(paid.values("membership").distinct().count())


# -- Activities and collaborations --------------------------------------------------------


def activities_last_12_months(cluster, on):
    """Activities of the cluster in (on − 12 months, on], the window of DESIGN §4's active
    member; unknown when the cluster has recorded no activity at all."""
    from clustermonitor.activities.models import Activity

    recorded = known.activities(Activity.objects.filter(clusters=cluster), on)
    if not recorded.exists():
        return None
    since = rules_math.add_months(on, -12)
    return Decimal(recorded.filter(date__gt=since).distinct().count())


def _collaborations(cluster, on):
    """The cluster's collaborations known on `on` (core.known: from their first step,
    started when the step to *started* was taken by then); None without any."""
    from clustermonitor.collaborations.models import Collaboration
    from clustermonitor.collaborations.selectors import with_derived

    recorded = known.collaborations(Collaboration.objects.filter(clusters=cluster), on)
    if not recorded.exists():
        return None
    return with_derived(recorded, on)


def collaborations_started(cluster, on):
    """Collaborations of the cluster that reached *started* (or later) by `on`, whatever
    their number of parties."""
    collaborations = _collaborations(cluster, on)
    if collaborations is None:
        return None
    return Decimal(collaborations.filter(reached_started=True, start_date__lte=on).count())


def kpi3(cluster, on):
    from clustermonitor.collaborations.selectors import cluster_kpi3

    if _collaborations(cluster, on) is None:
        return None
    return Decimal(cluster_kpi3(cluster, on).value)


def intercluster_projects(cluster, on):
    """Collaborations of the cluster with at least one other cluster that reached
    *started* (or later) by `on`."""
    collaborations = _collaborations(cluster, on)
    if collaborations is None:
        return None
    return Decimal(
        collaborations.filter(n_clusters__gt=1, reached_started=True, start_date__lte=on).count()
    )


# -- The agreement ------------------------------------------------------------------------


def agreement_years(cluster, on):
    """Years of the agreement elapsed on `on` (a started month counts), at most its full
    term: 0 before the start, 3 for a 36-month agreement from its end on."""
    if on < cluster.start_date:
        return Decimal(0)
    until = min(on, cluster.end_date)
    return rules_math.agreement_years(cluster.start_date, until)


METRICS: dict[str, Metric] = {
    m.code: m
    for m in [
        Metric("members", _("members (active memberships on the date)"), members),
        Metric(
            "private_companies",
            _("private companies among the members (kind: company)"),
            private_companies,
        ),
        Metric(
            "member_kinds",
            _("kinds of organisation among the members (company, knowledge institution, ...)"),
            member_kinds,
        ),
        Metric(
            "knowledge_members",
            _("knowledge institutions among the members"),
            knowledge_members,
        ),
        Metric(
            "collaborations_started",
            _("collaborations that reached 'started'"),
            collaborations_started,
        ),
        Metric("kpi3", _("KPI 3: collaborations with at least 3 companies"), kpi3),
        Metric(
            "intercluster_projects",
            _("intercluster projects that reached 'started'"),
            intercluster_projects,
        ),
        Metric(
            "activities_last_12_months",
            _("activities in the 12 months before the date"),
            activities_last_12_months,
        ),
        Metric(
            "paying_members_last_year",
            _("paying members in the previous calendar year"),
            paying_members_last_year,
        ),
        Metric("agreement_years", _("years of the agreement elapsed"), agreement_years),
    ]
}


def metric_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} — {m.label}") for code, m in METRICS.items()]


def unknown_metric_message(code: str) -> str | None:
    """The refusal for a metric code that is not in the registry, or None when it is."""
    if code in METRICS:
        return None
    return gettext("Unknown metric “%(code)s”. Valid metrics: %(valid)s.") % {
        "code": code,
        "valid": ", ".join(METRICS),
    }


def compute(code: str, cluster, on: datetime.date) -> Decimal | None:
    """The metric's value; None (unknown) as well for a code that has left the registry
    since a published set named it."""
    metric = METRICS.get(code)
    return None if metric is None else metric(cluster, on)


def compare(value: Decimal | None, operator: str, threshold: Decimal | None) -> str:
    """PASS or FAIL for a value against `operator threshold`; UNKNOWN without a value."""
    if value is None or threshold is None:
        return UNKNOWN
    ok = {
        ">=": value >= threshold,
        "<=": value <= threshold,
        "=": value == threshold,
    }[operator]
    return PASS if ok else FAIL


def verdict(outcomes) -> str:
    """The set's verdict: FAIL when any fails, PASS when all pass (and there is at least
    one), UNKNOWN otherwise."""
    outcomes = list(outcomes)
    if FAIL in outcomes:
        return FAIL
    if outcomes and all(o == PASS for o in outcomes):
        return PASS
    return UNKNOWN
