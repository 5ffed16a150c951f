"""Chapter: collaborations — KPI 3 per cluster with the verdicts, and the typology.

KPI 3 is `collaborations.selectors.programme_kpi3` on the report's date (as the
dashboard and the KPI chapter compute it). The typology is `selectors.breakdowns` over
the collaborations of the selected clusters that existed on the report's date (a step
in their history on or before it), each counted once, at the stage they had then.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.utils.translation import gettext as _

from clustermonitor.core import known
from clustermonitor.reports.document import Percent, Section, Table

REASONS = ("few_companies", "not_started", "before_agreement", "after_period")


@dataclass(frozen=True)
class AsOf:
    """The selected clusters' collaborations as they stood on the report's date:
    collaboration id → (stage, stop reason) of its latest step on or before it."""

    states: dict[int, tuple[str, str]]

    @property
    def ids(self) -> list[int]:
        return sorted(self.states)


def collaborations_on(ctx) -> AsOf:
    """One query, shared by the collaboration and intercluster chapters."""

    def compute() -> AsOf:
        from clustermonitor.collaborations.models import Collaboration
        from clustermonitor.collaborations.selectors import states_on

        attributed = Collaboration.objects.filter(clusters__in=ctx.clusters).values("pk")
        return AsOf(states_on(attributed, ctx.as_of))

    return ctx.shared("collaborations.as_of", compute)


def kpi3(ctx):
    """`programme_kpi3` for the selected clusters on the report's date (shared)."""
    from clustermonitor.collaborations.selectors import programme_kpi3

    return ctx.shared("collaborations.kpi3", lambda: programme_kpi3(ctx.clusters, ctx.as_of))


def annotated_on(ctx) -> list:
    """The selected clusters' collaborations existing on the report's date, annotated by
    `with_derived`, with `stage` and `stop_reason` as they were on that date."""

    def compute() -> list:
        from clustermonitor.collaborations.selectors import annotated_on

        return annotated_on(collaborations_on(ctx).states, ctx.as_of)

    return ctx.shared("collaborations.annotated", compute)


def _reported(ctx) -> dict[int, object]:
    from clustermonitor.programmes.models import ReportedFigure

    return dict(
        known.reported_figures(
            ReportedFigure.objects.filter(
                cluster__in=ctx.clusters, metric=ReportedFigure.Metric.KPI3
            ),
            ctx.as_of,
        )
        .order_by("source_date", "pk")
        .values_list("cluster_id", "value")
    )


def _kpi3_section(ctx) -> Section:
    from clustermonitor.collaborations import selectors

    section = Section("kpi3", _("KPI 3: collaborations with at least 3 companies"))
    result = kpi3(ctx)
    existing = set(collaborations_on(ctx).states)
    reported = _reported(ctx)
    rows = []
    totals = Counter()
    for item in result.per_cluster:
        # A verdict is shown for what existed on the report's date (and for whatever
        # counts: KPI 3 reads the start date, as everywhere in the platform).
        verdicts = [v for v in item.verdicts if v.counted or v.collaboration.pk in existing]
        reasons = Counter(v.reason for v in verdicts)
        cells = [reasons.get(r, 0) for r in REASONS]
        rows.append(
            [
                item.cluster.code,
                item.cluster.name,
                item.value,
                *cells,
                len(verdicts),
                reported.get(item.cluster.pk),
            ]
        )
        totals.update({"value": item.value, "considered": len(verdicts)})
        totals.update({r: n for r, n in zip(REASONS, cells, strict=True)})
    rows.append(
        [
            _("Programme (sum over clusters)"),
            "",
            result.sum_over_clusters,
            *[totals[r] for r in REASONS],
            totals["considered"],
        ]
    )
    rows.append([_("Programme (each collaboration once)"), "", result.distinct])
    section.text(
        _(
            "On %(date)s, %(distinct)s collaborations count for KPI 3 in the programme "
            "(each once); summed over the clusters, as a table of clusters adds up, that "
            "is %(sum)s: an intercluster project counts for each of its clusters."
        )
        % {
            "date": ctx.date(ctx.as_of),
            "distinct": ctx.number(result.distinct),
            "sum": ctx.number(result.sum_over_clusters),
        }
    )
    section.add(
        Table(
            key="kpi3",
            title=_("KPI 3 per cluster, with the verdict on every collaboration"),
            columns=[
                _("Cluster"),
                _("Name"),
                "KPI 3",
                *[selectors.reason_label(r) for r in REASONS],
                _("Collaborations considered"),
                _("KPI 3 reported (2020)"),
            ],
            rows=rows,
            notes=[
                _(
                    "A collaboration counts when at least %(n)s distinct companies take "
                    "part and it reached the stage started within the agreement, up to "
                    "the report's date."
                )
                % {"n": ctx.number(selectors.KPI3_MIN_COMPANIES)}
            ],
            total_rows=2,
        )
    )
    years = result.years
    if years:
        distinct = result.distinct_by_year
        by_year = [
            [k.cluster.code, *[k.by_year.get(y, 0) for y in years], k.value]
            for k in result.per_cluster
        ]
        by_year.append(
            [
                _("Programme (sum over clusters)"),
                *[sum(k.by_year.get(y, 0) for k in result.per_cluster) for y in years],
                result.sum_over_clusters,
            ]
        )
        by_year.append(
            [
                _("Programme (each collaboration once)"),
                *[distinct.get(y, 0) for y in years],
                result.distinct,
            ]
        )
        section.add(
            Table(
                key="kpi3_years",
                title=_("KPI 3 per cluster and year the collaboration started"),
                columns=[_("Cluster"), *[str(y) for y in years], _("Total")],
                rows=by_year,
                total_rows=2,
            )
        )
    return section


def _typology_section(ctx) -> Section:
    from clustermonitor.collaborations import selectors

    section = Section("typology", _("Typology of the collaborations"))
    collaborations = annotated_on(ctx)
    total = len(collaborations)
    if not total:
        return section.text(
            _("No collaboration of the selected clusters was recorded by %(date)s.")
            % {"date": ctx.date(ctx.as_of)}
        )
    counts = selectors.breakdowns(collaborations)
    multilateral = counts["scale"].get("multilateral", 0)
    knowledge = counts["knowledge"][True]
    intercluster = counts["intercluster"][True]
    section.text(
        _(
            "The selected clusters recorded %(total)s collaborations by %(date)s, from the "
            "first idea on. %(multi)s of them have 3 or more companies among the parties "
            "(%(multi_share)s), %(knowledge)s involve a knowledge institution "
            "(%(knowledge_share)s) and %(inter)s are intercluster projects "
            "(%(inter_share)s)."
        )
        % {
            "total": ctx.number(total),
            "date": ctx.date(ctx.as_of),
            "multi": ctx.number(multilateral),
            "multi_share": ctx.percent(multilateral / total),
            "knowledge": ctx.number(knowledge),
            "knowledge_share": ctx.percent(knowledge / total),
            "inter": ctx.number(intercluster),
            "inter_share": ctx.percent(intercluster / total),
        }
    )
    rows = [
        [dimension, value, n, Percent(n / total)]
        for dimension, values in selectors.breakdown_table(counts)
        for value, n in values
    ]
    section.add(
        Table(
            key="typology",
            title=_("Collaborations by stage, scale and typology (each collaboration once)"),
            columns=[_("Dimension"), _("Value"), _("Collaborations"), _("Share")],
            rows=rows,
            notes=[
                _(
                    "Stage on the report's date. Scale, knowledge institution and "
                    "intercluster are derived from the parties and the clusters; nature, "
                    "value chain, purpose and funding instrument are entered."
                )
            ],
        )
    )
    return section


def build(ctx) -> Section:
    section = Section("collaborations", _("Collaborations"))
    section.subsections.append(_kpi3_section(ctx))
    section.subsections.append(_typology_section(ctx))
    return section
