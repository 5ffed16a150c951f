"""Chapter: exit and maturity — each selected cluster's exit plan (path and status on the
report's date) beside the "future" the 2020 evaluation reported, readiness against
the latest published version of each criteria set, each cluster's level on the maturity
ladder and the labels it holds, and the benchmark of the cluster organisations' indicators
(issue 21; docs/maturity.md).

Readiness per cluster and set: the latest assessment on or before the report's date as
it was made (`selectors_maturity.assessment_readiness`: frozen values, evidence as
checked); without one, the computed criteria from the records on the date
(`selectors_maturity.readiness`) and the evidence criteria unknown.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from clustermonitor.core import known
from clustermonitor.reports.document import Section, Table


def _status(plan, as_of) -> str:
    """The plan's status on the report's date, from its filing and acceptance dates."""
    if plan is None:
        return _("no exit plan")
    if known.accepted(plan, as_of):
        return str(plan.Status.ACCEPTED.label)
    from clustermonitor.maturity.selectors import filed_by

    if filed_by(plan, as_of):
        return str(plan.Status.FILED.label)
    return str(plan.Status.DRAFT.label)


def _path(plan) -> str:
    if plan is None or not plan.path:
        return ""
    text = plan.get_path_display()
    if plan.organisation:
        text += f": {plan.organisation}"
    if plan.spc_id:
        text += f": {plan.spc.code}"
    return str(text)


def _future(cluster) -> str:
    label = cluster.get_future_path_display() if cluster.future_path else ""
    if cluster.future_note and label and cluster.future_note != label:
        return f"{cluster.future_note} ({label})"
    return str(cluster.future_note or label)


def _exit_plans(ctx) -> Section:
    from clustermonitor.maturity import selectors
    from clustermonitor.maturity.models import ExitPlan

    section = Section("exit_plans", _("Exit plans"))
    plans = {
        p.cluster_id: p
        for p in ExitPlan.objects.filter(cluster__in=ctx.clusters).select_related("spc")
    }
    rows = []
    filed = overdue = 0
    for cluster in ctx.clusters:
        plan = plans.get(cluster.pk)
        due = selectors.exit_plan_due_date(cluster)
        is_filed = selectors.filed_by(plan, ctx.as_of)
        late = not is_filed and due < ctx.as_of <= cluster.end_date
        filed += is_filed
        overdue += late
        rows.append(
            [
                cluster.code,
                cluster.cluster_type.code,
                cluster.end_date,
                _future(cluster),
                due,
                _path(plan),
                _status(plan, ctx.as_of),
                plan.filed_on if is_filed else None,
                plan.accepted_on if known.accepted(plan, ctx.as_of) else None,
                late,
            ]
        )
    section.text(
        _(
            "An exit plan is due %(months)s months before the agreement ends. On %(date)s, "
            "%(filed)s of the %(clusters)s selected clusters had filed one; %(overdue)s "
            "running clusters were past the due date without one."
        )
        % {
            "months": ctx.number(selectors.EXIT_PLAN_MONTHS_BEFORE_END),
            "date": ctx.date(ctx.as_of),
            "filed": ctx.number(filed),
            "clusters": ctx.number(len(ctx.clusters)),
            "overdue": ctx.number(overdue),
        }
    )
    section.add(
        Table(
            key="exit_plans",
            title=_("Exit plans and the future reported in 2020"),
            columns=[
                _("Cluster"),
                _("Type"),
                _("End date"),
                _("Future (2020)"),
                _("Exit plan due"),
                _("Path after the funding"),
                _("Status"),
                _("Filed on"),
                _("Accepted on"),
                _("Overdue"),
            ],
            rows=rows,
            notes=[
                _(
                    "Future (2020): the evaluation's “Toekomst?” column as reported. The "
                    "path is the plan's current text; its status is the one on the "
                    "report's date."
                )
            ],
        )
    )
    return section


def latest_sets(ctx) -> list:
    """The latest version of each criteria set published on or before the date."""
    from clustermonitor.maturity import selectors

    latest, seen = [], set()
    for criteria_set in selectors.published_sets(ctx.programme):
        if criteria_set.published_on is not None and not known.criteria_published(
            criteria_set, ctx.as_of
        ):
            continue
        if criteria_set.name not in seen:
            seen.add(criteria_set.name)
            latest.append(criteria_set)
    return latest


def _readiness_of(ctx, cluster, criteria_set, assessment):
    from clustermonitor.maturity import criteria, selectors

    if assessment is not None:
        return selectors.assessment_readiness(assessment)
    live = selectors.readiness(cluster, criteria_set, ctx.as_of)
    # No assessment by the date: evidence is unknown (a later assessment does not count).
    for row in live.rows:
        if not row.criterion.is_computed:
            row.answer, row.outcome = None, criteria.UNKNOWN
    live.assessment = None
    return live


def _readiness(ctx) -> Section:
    from clustermonitor.maturity import criteria
    from clustermonitor.maturity.models import Assessment

    section = Section("readiness", _("Readiness against the criteria sets"))
    sets = latest_sets(ctx)
    if not sets:
        return section.text(
            _("No criteria set was published by %(date)s.") % {"date": ctx.date(ctx.as_of)}
        )
    assessments = {}
    for assessment in (
        known.assessments(
            Assessment.objects.filter(cluster__in=ctx.clusters, criteria_set__in=sets), ctx.as_of
        )
        .select_related("cluster", "criteria_set")
        .order_by("cluster_id", "criteria_set_id", "-assessed_on", "-pk")
    ):
        assessments.setdefault((assessment.cluster_id, assessment.criteria_set_id), assessment)
    summary, details = [], []
    for criteria_set in sets:
        name = str(criteria_set)
        for cluster in ctx.clusters:
            assessment = assessments.get((cluster.pk, criteria_set.pk))
            result = _readiness_of(ctx, cluster, criteria_set, assessment)
            outcomes = [r.outcome for r in result.rows]
            basis = (
                _("assessment of %(date)s") % {"date": ctx.date(assessment.assessed_on)}
                if assessment is not None
                else _("computed on %(date)s, no assessment") % {"date": ctx.date(ctx.as_of)}
            )
            summary.append(
                [
                    cluster.code,
                    name,
                    basis,
                    outcomes.count(criteria.PASS),
                    outcomes.count(criteria.FAIL),
                    outcomes.count(criteria.UNKNOWN),
                    result.verdict_label,
                ]
            )
            for row in result.rows:
                item = row.criterion
                threshold = (
                    f"{item.get_operator_display()} {ctx.number(item.threshold)}"
                    if item.is_computed and item.threshold is not None
                    else ""
                )
                details.append(
                    [
                        cluster.code,
                        name,
                        item.text_label,
                        item.get_kind_display(),
                        row.value if item.is_computed else None,
                        threshold,
                        row.outcome_label,
                    ]
                )
    section.text(
        _(
            "Each selected cluster against the latest published version of each criteria "
            "set: the latest assessment on or before %(date)s as it was made, or else the "
            "computed criteria from the records on that date (evidence unknown)."
        )
        % {"date": ctx.date(ctx.as_of)}
    )
    section.add(
        Table(
            key="readiness",
            title=_("Readiness per cluster and criteria set"),
            columns=[
                _("Cluster"),
                _("Criteria set"),
                _("Basis"),
                _("Pass"),
                _("Fail"),
                _("Unknown"),
                _("Verdict"),
            ],
            rows=summary,
        ),
        Table(
            key="readiness_criteria",
            title=_("Readiness per criterion"),
            columns=[
                _("Cluster"),
                _("Criteria set"),
                _("Criterion"),
                _("Kind"),
                _("Value"),
                _("Threshold"),
                _("Outcome"),
            ],
            rows=details,
        ),
    )
    return section


def _ladder(ctx) -> Section:
    """Each selected cluster's level on the report's date (the latest decision decided
    and effective by then) and the labels valid on it, with the count per level."""
    from clustermonitor.maturity import ladder

    section = Section("maturity_ladder", _("The maturity ladder and labels"))
    levels = ladder.levels(ctx.programme)
    if not levels:
        return section.text(_("The programme has defined no maturity ladder."))
    decisions = ladder.levels_on(ctx.clusters, ctx.as_of)
    awards: dict[int, list] = {}
    for award in ladder.awards(ctx.clusters, ctx.as_of):
        if ladder.valid_on(award, ctx.as_of):
            awards.setdefault(award.cluster_id, []).append(award)
    counts = {level.pk: 0 for level in levels}
    rows = []
    for cluster in ctx.clusters:
        decision = decisions.get(cluster.pk)
        if decision is not None:
            counts[decision.level_id] = counts.get(decision.level_id, 0) + 1
        held = sorted(awards.get(cluster.pk, []), key=lambda a: (a.label.rank, a.label.code))
        rows.append(
            [
                cluster.code,
                cluster.cluster_type.code,
                str(decision.level) if decision else None,
                decision.effective_from if decision else None,
                ", ".join(a.label.name for a in held) or None,
                max((a.valid_until for a in held), default=None),
            ]
        )
    section.text(
        _("On %(date)s: %(levels)s; %(none)s selected clusters not yet on the ladder.")
        % {
            "date": ctx.date(ctx.as_of),
            "levels": "; ".join(
                f"{level.label} {ctx.number(counts.get(level.pk, 0))}" for level in levels
            ),
            "none": ctx.number(sum(1 for c in ctx.clusters if c.pk not in decisions)),
        }
    )
    section.add(
        Table(
            key="maturity_ladder",
            title=_("Level and labels per cluster"),
            columns=[
                _("Cluster"),
                _("Type"),
                _("Level"),
                _("Since"),
                _("Labels held"),
                _("Valid until"),
            ],
            rows=rows,
            notes=[
                _(
                    "Level: the latest level decision decided and effective on or before the "
                    "report's date. Labels: those awarded by then and still valid on it."
                )
            ],
        )
    )
    return section


def _benchmark(ctx) -> Section:
    """Every indicator's distribution over the selected clusters on the report's date
    (quartiles; under five clusters with a value: not shown), as the benchmark page."""
    from clustermonitor.analysis import benchmark
    from clustermonitor.maturity import benchmark_references
    from clustermonitor.maturity.indicators import indicators_on

    section = Section("maturity_benchmark", _("Benchmark of the cluster organisations"))
    found = indicators_on(ctx.programme, ctx.as_of, clusters=ctx.clusters)
    distributions = found.distributions(suppress=True)
    references = benchmark_references.known_on(ctx.programme, ctx.as_of)
    rows = []
    for indicator in benchmark.INDICATORS:
        shown = distributions.get(indicator.key, {"n": 0, "suppressed": True})
        reference = references.get(indicator.key)
        hidden = shown.get("suppressed")
        rows.append(
            [
                indicator.label(ctx.lang),
                shown.get("n", 0),
                None if hidden else _rounded(shown.get("q1")),
                None if hidden else _rounded(shown.get("median")),
                None if hidden else _rounded(shown.get("q3")),
                _rounded(reference.median) if reference is not None else None,
            ]
        )
    section.add(
        Table(
            key="benchmark_distribution",
            title=_("Indicators of the cluster organisations: quartiles"),
            columns=[
                _("Indicator"),
                _("Clusters with a value"),
                _("First quartile"),
                _("Median"),
                _("Third quartile"),
                _("Reference median"),
            ],
            rows=rows,
            notes=[
                _(
                    "Computed from the records as known on the report's date; a value the "
                    "records cannot give is unknown, not zero, and left out. Under five "
                    "clusters with a value no quartile is shown. Reference: the published "
                    "benchmark the agency loaded, as known on the date."
                )
            ],
            display_rows=len(rows),
        )
    )
    return section


def _rounded(value):
    return None if value is None else round(float(value), 2)


def build(ctx) -> Section:
    section = Section("maturity", _("Exit and maturity"))
    section.subsections += [_exit_plans(ctx), _readiness(ctx), _ladder(ctx), _benchmark(ctx)]
    return section
