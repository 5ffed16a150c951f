"""The live benchmarking indicators (issue 21) of every cluster of a programme, as known
on D, in a constant number of queries whatever the number of clusters.

Each value is an :class:`clustermonitor.analysis.benchmark.Value`: computed (from which
records), answered (by whom, when: an accepted readiness answer to an evidence criterion
that covers the indicator) or unknown (what is missing) — never a zero for a missing
list. The definitions are in docs/definitions.md ("Live benchmarking"); the arithmetic of
quartiles and positions in analysis/benchmark.py.

Known on D (core.known): clusters whose agreement had started; memberships started by D
(of a cluster started by then), organisations' attributes as they were (the audit-log
rule); activities held by D; collaborations from their first step, started from the step
to *started*; contributions with the status they had on D; staff assignments started by
D and trainings completed by D; readiness answers checked by D.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from clustermonitor.analysis import benchmark as b
from clustermonitor.analysis import participation
from clustermonitor.analysis.reach import SME_MAX_EMPLOYEES, STARTUP_MAX_AGE
from clustermonitor.core import known
from clustermonitor.programmes import rules_math

#: Evidence criteria whose text holds one of these words answer the indicator (lower
#: case, Dutch and English): the indicators the platform holds no records of.
ANSWERED_BY = {
    "communication": ("communicat",),
    "other_income": ("andere inkomsten", "other income", "eigen inkomsten", "own income"),
}


@dataclass
class Benchmark:
    """Every indicator of every cluster known on ``on``."""

    on: datetime.date
    clusters: list = field(default_factory=list)
    #: cluster id → indicator key → Value
    values: dict = field(default_factory=dict)
    #: cluster id → activity kind → activities in the 12 months before ``on``
    activity_kinds: dict = field(default_factory=dict)
    #: cluster id → role → FTE on ``on``
    staff_roles: dict = field(default_factory=dict)

    def distributions(self, *, suppress: bool = True) -> dict[str, dict]:
        return b.distributions(self.values, suppress=suppress)

    def of(self, cluster) -> dict:
        return self.values.get(getattr(cluster, "pk", cluster), {})


def _window_start(on: datetime.date) -> datetime.date:
    """The day before the 12-month window (on − 12 months, on] (analysis.participation)."""
    return rules_math.add_months(on, -12)


def indicators_on(programme, on: datetime.date, clusters=None) -> Benchmark:
    """Every indicator of every cluster of ``programme`` known on ``on`` (its agreement
    started by then); ``clusters`` narrows them (e.g. the one cluster of its own page —
    the same queries). A constant number of queries."""
    from clustermonitor.programmes.models import Cluster

    queryset = known.clusters(Cluster.objects.filter(programme=programme), on)
    if clusters is not None:
        queryset = queryset.filter(pk__in=[getattr(c, "pk", c) for c in clusters])
    found = known.cluster_attributes(queryset.select_related("cluster_type").order_by("code"), on)
    result = Benchmark(on=on, clusters=found)
    if not found:
        return result
    ids = [c.pk for c in found]
    values = {pk: {} for pk in ids}
    result.values = values
    _members(found, ids, on, values)
    _activities(ids, on, values, result)
    _collaborations(ids, on, values)
    _financing(found, ids, on, values)
    _staff(ids, on, values, result)
    _answered(ids, on, values)
    return result


# -- Members -------------------------------------------------------------------------------


def _age(start: datetime.date | None, on: datetime.date) -> int | None:
    """Whole years from ``start`` to ``on`` (analysis.reach.age_years, row by row): None
    without a start date or with one after ``on``.

    >>> _age(datetime.date(2015, 1, 2), datetime.date(2020, 1, 1))
    4
    """
    if start is None or start > on:
        return None
    return on.year - start.year - ((on.month, on.day) < (start.month, start.day))


def _headcounts(ids, on) -> dict[int, float]:
    """The latest known headcount of every member organisation of the clusters ``ids``, up
    to the last year whose firm figures are known on ``on`` (members.contributions'
    size classes, DESIGN §4): one query."""
    from clustermonitor.members.models import Membership
    from clustermonitor.registry.models import FirmFigures

    found = {}
    for organisation_id, employees in (
        FirmFigures.objects.filter(
            organisation_id__in=Membership.objects.filter(cluster_id__in=ids).values(
                "organisation_id"
            ),
            year__lte=known.firm_figures_year(on),
            employees__isnull=False,
        )
        .order_by("year")
        .values_list("organisation_id", "employees")
    ):
        found[organisation_id] = float(employees)
    return found


def _members(clusters, ids, on, values) -> None:
    from clustermonitor.members.models import Membership
    from clustermonitor.registry import known as registry_known

    rows = list(
        known.memberships(Membership.objects.filter(cluster_id__in=ids), on).values(
            "cluster_id",
            "organisation_id",
            "start_date",
            "end_date",
            "organisation__kind",
            "organisation__start_date",
            "organisation__country",
            "organisation__no_number_reason",
            "organisation__municipality__province__nis",
        )
    )
    rows = registry_known.organisation_rows(rows, on, "organisation_id", "organisation__")
    year_ago = _window_start(on)
    running = [r for r in rows if r["end_date"] is None or r["end_date"] >= on]
    companies = {r["organisation_id"] for r in running if r["organisation__kind"] == "company"}
    headcount = _headcounts(ids, on) if companies else {}
    recorded = {r["cluster_id"] for r in rows}
    by_cluster = defaultdict(dict)
    for r in running:
        by_cluster[r["cluster_id"]].setdefault(r["organisation_id"], r)
    before = defaultdict(set)
    for r in rows:
        if r["start_date"] <= year_ago and (r["end_date"] is None or r["end_date"] >= year_ago):
            before[r["cluster_id"]].add(r["organisation_id"])
    basis = _("memberships")
    no_records = _("no membership records known on the date")
    no_members = _("no members on the date")
    starts = {c.pk: c.start_date for c in clusters}
    for pk in ids:
        v = values[pk]
        if pk not in recorded:
            for key in (
                "members",
                "companies",
                "sme_share",
                "research_share",
                "other_share",
                "startup_share",
                "provinces",
                "member_growth",
                "international_share",
            ):
                v[key] = b.unknown(no_records)
            continue
        members = list(by_cluster[pk].values())
        n = len(members)
        kinds = Counter(m["organisation__kind"] for m in members)
        firms = [m for m in members if m["organisation__kind"] == "company"]
        v["members"] = b.computed(n, basis)
        v["companies"] = b.computed(kinds["company"], _("memberships, organisations' kind"))
        v["research_share"] = b.share(
            kinds["knowledge"], n, _("memberships, organisations' kind"), no_members
        )
        v["other_share"] = b.share(
            n - kinds["company"] - kinds["knowledge"],
            n,
            _("memberships, organisations' kind"),
            no_members,
        )
        sized = [
            headcount[m["organisation_id"]] for m in firms if m["organisation_id"] in headcount
        ]
        v["sme_share"] = b.share(
            sum(1 for e in sized if e < SME_MAX_EMPLOYEES),
            len(sized),
            _("memberships, firm figures (headcount)"),
            _("no headcount of any member company"),
        )
        ages = [_age(m["organisation__start_date"], on) for m in firms]
        ages = [a for a in ages if a is not None]
        v["startup_share"] = b.share(
            sum(1 for a in ages if a <= STARTUP_MAX_AGE),
            len(ages),
            _("memberships, registry start dates"),
            _("no start date of any member company"),
        )
        provinces = {m["organisation__municipality__province__nis"] for m in members} - {None}
        v["provinces"] = (
            b.computed(len(provinces), _("memberships, organisations' municipality"))
            if provinces
            else b.unknown(_("no member located in a Belgian municipality"))
        )
        foreign = sum(
            1
            for m in members
            if (m["organisation__country"] or "BE") != "BE"
            or m["organisation__no_number_reason"] == "foreign"
        )
        v["international_share"] = b.share(
            foreign, n, _("memberships, organisations' country"), no_members
        )
        if starts[pk] > year_ago:
            v["member_growth"] = b.unknown(_("the agreement started less than 12 months before"))
        else:
            v["member_growth"] = b.computed(n - len(before[pk]), basis)


# -- Activities and participation -------------------------------------------------------------


def _activities(ids, on, values, result) -> None:
    from clustermonitor.activities.models import Activity, Participation
    from clustermonitor.members.models import Membership

    since = _window_start(on)
    through = Activity.clusters.through.objects.filter(cluster_id__in=ids)
    counts = (
        known.activities(through, on, "activity__")
        .values("cluster_id", "activity__kind")
        .annotate(total=Count("pk"), recent=Count("pk", filter=Q(activity__date__gt=since)))
        .order_by()
    )
    recorded, kinds = set(), defaultdict(dict)
    for r in counts:
        recorded.add(r["cluster_id"])
        if r["recent"]:
            kinds[r["cluster_id"]][r["activity__kind"]] = r["recent"]
    seen = list(
        Participation.objects.filter(
            activity__clusters__in=ids, activity__date__gt=since, activity__date__lte=on
        ).values_list("activity__clusters", "organisation_id", "activity_id", "activity__date")
    )
    members = list(
        known.active_memberships(Membership.objects.filter(cluster_id__in=ids), on).values_list(
            "cluster_id", "organisation_id"
        )
    )
    degree = participation.activity_degree(
        pd.DataFrame(seen, columns=["cluster", "organisation_id", "activity_id", "date"]),
        pd.DataFrame(members, columns=["cluster", "organisation_id"]),
        on,
    )
    active = degree.groupby("cluster")["active"].agg(["sum", "count"])
    participants = Counter(row[0] for row in seen)
    result.activity_kinds = {pk: dict(kinds.get(pk, {})) for pk in ids}
    for pk in ids:
        v = values[pk]
        if pk not in recorded:
            missing = _("no activity recorded by the date")
            v["activities"] = v["participants"] = v["active_share"] = b.unknown(missing)
            continue
        v["activities"] = b.computed(sum(kinds[pk].values()), _("activities"))
        v["participants"] = b.computed(participants[pk], _("activities, participations"))
        if pk in active.index and active.loc[pk, "count"]:
            v["active_share"] = b.computed(
                active.loc[pk, "sum"] / active.loc[pk, "count"],
                _("memberships, participations (active: 2 activities in 12 months)"),
            )
        else:
            v["active_share"] = b.unknown(_("no members on the date"))


# -- Collaborations -----------------------------------------------------------------------------


def _collaborations(ids, on, values) -> None:
    from clustermonitor.collaborations.models import Collaboration
    from clustermonitor.collaborations.selectors import with_derived

    links = list(
        Collaboration.clusters.through.objects.filter(cluster_id__in=ids).values_list(
            "cluster_id", "collaboration_id"
        )
    )
    derived = {
        r["pk"]: r
        for r in with_derived(
            known.collaborations(Collaboration.objects.filter(pk__in={c for _k, c in links}), on),
            on,
        ).values("pk", "reached_started", "n_clusters", "start_date")
    }
    started, inter, recorded = Counter(), Counter(), set()
    for cluster_id, collaboration_id in links:
        r = derived.get(collaboration_id)
        if r is None:
            continue  # no step by the date: did not exist yet
        recorded.add(cluster_id)
        if r["reached_started"] and r["start_date"] is not None and r["start_date"] <= on:
            started[cluster_id] += 1
            if r["n_clusters"] > 1:
                inter[cluster_id] += 1
    for pk in ids:
        if pk not in recorded:
            missing = _("no collaboration recorded by the date")
            values[pk]["collaborations"] = values[pk]["intercluster"] = b.unknown(missing)
            continue
        values[pk]["collaborations"] = b.computed(started[pk], _("collaborations, their steps"))
        values[pk]["intercluster"] = b.computed(
            inter[pk], _("collaborations with other clusters, their steps")
        )


# -- Financing -----------------------------------------------------------------------------------


def _financing(clusters, ids, on, values) -> None:
    from clustermonitor.members.models import Contribution

    year = on.year - 1
    rows = known.memberships(
        Contribution.objects.filter(membership__cluster_id__in=ids, year=year),
        on,
        "membership__",
    ).values("membership__cluster_id", "amount", "status", "invoiced_on", "paid_on")
    recorded, paid = set(), defaultdict(Decimal)
    for r in rows:
        recorded.add(r["membership__cluster_id"])
        if known.status_on(r, on) == known.PAID:
            paid[r["membership__cluster_id"]] += r["amount"]
    for cluster in clusters:
        v = values[cluster.pk]
        if cluster.pk in recorded:
            v["fees_paid"] = b.computed(
                paid[cluster.pk], _("contributions of %(year)s, payments") % {"year": year}
            )
        else:
            v["fees_paid"] = b.unknown(_("no contribution of %(year)s recorded") % {"year": year})
        if cluster.subsidy is None:
            v["public_subsidy"] = b.unknown(_("the agreement's subsidy is not known"))
        else:
            by_year = rules_math.subsidy_by_year(
                cluster.subsidy, cluster.start_date, cluster.end_date
            )
            v["public_subsidy"] = b.computed(
                by_year.get(year, Decimal(0)),
                _("the agreement's subsidy spread over %(year)s") % {"year": year},
            )
        v["other_income"] = b.unknown(_("no record of other income is kept"))
        fees, subsidy = v["fees_paid"].value, v["public_subsidy"].value
        if fees is None or subsidy is None:
            v["fee_share"] = b.unknown(
                *(m for x in (v["fees_paid"], v["public_subsidy"]) for m in x.missing)
            )
        else:
            v["fee_share"] = b.share(
                fees,
                fees + subsidy,
                _("fees paid and subsidy (other income not recorded)"),
                _("no fees nor subsidy in %(year)s") % {"year": year},
            )


# -- The management team -----------------------------------------------------------------------


def _staff(ids, on, values, result) -> None:
    from clustermonitor.maturity.models_ladder import StaffAssignment, Training

    assignments = StaffAssignment.objects.filter(
        staff__cluster_id__in=ids, start_date__lte=on
    ).values_list("staff__cluster_id", "role", "end_date", "fte")
    recorded, fte, roles = set(), defaultdict(Decimal), defaultdict(lambda: defaultdict(Decimal))
    for cluster_id, role, end, share in assignments:
        recorded.add(cluster_id)
        if end is None or end >= on:
            fte[cluster_id] += share
            roles[cluster_id][role] += share
    trainings = dict(
        Training.objects.filter(
            staff__cluster_id__in=ids,
            completed_on__gt=_window_start(on),
            completed_on__lte=on,
        )
        .values("staff__cluster_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("staff__cluster_id", "n")
    )
    result.staff_roles = {pk: {k: float(x) for k, x in roles[pk].items()} for pk in ids}
    for pk in ids:
        v = values[pk]
        if pk not in recorded:
            missing = _("no staff records (assignments) by the date")
            v["staff_fte"] = v["staff_roles"] = v["trainings"] = b.unknown(missing)
            continue
        v["staff_fte"] = b.computed(fte[pk], _("staff assignments running on the date"))
        v["staff_roles"] = b.computed(len(roles[pk]), _("staff assignments running on the date"))
        v["trainings"] = b.computed(trainings.get(pk, 0), _("trainings of the staff"))


# -- Answered with evidence ---------------------------------------------------------------------


def _answered(ids, on, values) -> None:
    """The indicators the platform keeps no records of: the latest accepted answer (by
    its check) to an evidence criterion covering it, of an assessment made by ``on``."""
    from clustermonitor.maturity.models import Answer, CriterionKind

    words = Q()
    for keys in ANSWERED_BY.values():
        for word in keys:
            words |= Q(criterion__text__icontains=word) | Q(criterion__text_en__icontains=word)
    answers = Answer.objects.filter(
        assessment__cluster_id__in=ids,
        assessment__assessed_on__lte=on,
        criterion__kind=CriterionKind.EVIDENCE,
        status=Answer.Status.ACCEPTED,
        checked_on__lte=on,
    )
    rows = (
        answers.filter(words)
        .order_by("checked_on", "pk")
        .values_list(
            "assessment__cluster_id",
            "criterion__text",
            "criterion__text_en",
            "value",
            "answered_by__username",
            "answered_on",
        )
    )
    latest = {}
    for cluster_id, text, text_en, value, by, answered_on in rows:
        haystack = f"{text} {text_en}".lower()
        for key, keys in ANSWERED_BY.items():
            if any(w in haystack for w in keys):
                latest[(cluster_id, key)] = b.answered(value, by or "?", answered_on)
    for pk in ids:
        for key in ANSWERED_BY:
            if (pk, key) in latest:
                values[pk][key] = latest[(pk, key)]
            elif key not in values[pk]:
                values[pk][key] = b.unknown(_("no records kept; no accepted evidence answer"))
