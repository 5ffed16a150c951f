"""Context and portfolio: the cluster types and their rules (Table 1), what the records
hold about the types (the report's Table 2 is policy prose, not data), the supported
clusters (Table 3) and the keywords per IBN (Table 4).

Everything comes from the programme's records: ClusterType rules, the clusters'
agreements and their exit plans as filed on the report's date.
"""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _

from clustermonitor.core import known
from clustermonitor.maturity.models import ExitPlan
from clustermonitor.programmes.models import ClusterType, Embedding
from clustermonitor.reports.document import Money, Percent, Section, Table

NO_EMBEDDING = ""


def cluster_types(ctx) -> list[ClusterType]:
    """The programme's cluster types with their KPIs, by code (two queries)."""
    return ctx.shared(
        "portfolio.cluster_types",
        lambda: list(
            ClusterType.objects.filter(programme=ctx.programme)
            .prefetch_related("kpis")
            .order_by("code")
        ),
    )


def type_counts(ctx) -> dict[str, int]:
    """Selected clusters per cluster type code."""
    return dict(sorted(Counter(c.cluster_type.code for c in ctx.clusters).items()))


def _kpi_codes(cluster_type: ClusterType) -> str:
    kpis = sorted(cluster_type.kpis.all(), key=lambda k: (k.order, k.code))
    return ", ".join(k.code for k in kpis)


def table1(ctx) -> Table:
    counts = type_counts(ctx)
    rows = [
        [
            t.code,
            t.label,
            counts.get(t.code, 0),
            Money(t.max_annual_subsidy),
            t.max_years,
            Money(t.max_total_subsidy),
            Percent(float(t.cofinancing_share), 0),
            _kpi_codes(t),
        ]
        for t in cluster_types(ctx)
    ]
    return Table(
        key="table1",
        title=_("Types of clusters and their rules"),
        columns=[
            _("Type"),
            _("Name"),
            _("Clusters"),
            _("Maximum subsidy a year"),
            _("Maximum duration (years)"),
            _("Maximum subsidy over the maximum duration"),
            _("Co-financing by the members"),
            _("KPIs"),
        ],
        rows=rows,
        notes=[
            _(
                "The members co-finance this share of the total budget (subsidy plus "
                "contributions) each year."
            )
        ],
        source=_("Cluster types and their rules as recorded in the programme."),
    )


def _embedding_label(code: str) -> str:
    return str(dict(Embedding.choices).get(code, _("not given")))


def types_by_embedding(ctx) -> Table:
    """What the records hold about the types: clusters per type and embedding."""
    order = [*Embedding.values, NO_EMBEDDING]
    present = {c.embedding or NO_EMBEDDING for c in ctx.clusters}
    embeddings = [e for e in order if e in present]
    counts = Counter((c.cluster_type.code, c.embedding or NO_EMBEDDING) for c in ctx.clusters)
    rows = []
    for code, total in type_counts(ctx).items():
        rows.append([code, *(counts[(code, e)] for e in embeddings), total])
    by_embedding = [sum(counts[c, e] for c in type_counts(ctx)) for e in embeddings]
    rows.append([_("Total"), *by_embedding, len(ctx.clusters)])
    return Table(
        key="types_embedding",
        title=_("Clusters per type and embedding"),
        columns=[_("Type"), *(_embedding_label(e) for e in embeddings), _("Total")],
        rows=rows,
        source=_("The clusters' records (type and embedding of the executing organisation)."),
        total_rows=1,
    )


def _exit_plans(ctx) -> dict[int, ExitPlan]:
    """Exit plans filed (or accepted) on or before the report's date, by cluster id."""

    def load():
        plans = known.exit_plans_filed(
            ExitPlan.objects.filter(cluster__in=[c.pk for c in ctx.clusters]), ctx.as_of
        ).order_by("cluster_id")
        return {p.cluster_id: p for p in plans}

    return ctx.shared("portfolio.exit_plans", load)


def _exit_plan_text(plan: ExitPlan | None, ctx) -> str:
    if plan is None:
        return ""
    accepted = known.accepted(plan, ctx.as_of)
    state = _("accepted") if accepted else _("filed")
    path = plan.get_path_display()
    if plan.organisation:
        path = f"{path}: {plan.organisation}"
    return _("%(path)s (%(state)s)") % {"path": path, "state": state}


def _future_text(cluster) -> str:
    if cluster.future_note:
        return cluster.future_note
    return str(cluster.get_future_path_display()) if cluster.future_path else ""


def _call_number(cluster) -> int | None:
    return cluster.call.number if cluster.call_id else None


def _sorted_clusters(ctx) -> list:
    return sorted(
        ctx.clusters,
        key=lambda c: (c.cluster_type.code, _call_number(c) or 0, c.end_date, c.code),
    )


def table3(ctx) -> Table:
    plans = _exit_plans(ctx)
    rows = []
    for c in _sorted_clusters(ctx):
        rows.append(
            [
                c.code,
                c.name,
                c.cluster_type.code,
                _call_number(c),
                _embedding_label(c.embedding) if c.embedding else None,
                c.start_date,
                c.end_date,
                Money(c.subsidy),
                _future_text(c) or None,
                _exit_plan_text(plans.get(c.pk), ctx) or None,
            ]
        )
    return Table(
        key="table3",
        title=_("Overview of the supported clusters"),
        columns=[
            _("Code"),
            _("Name"),
            _("Type"),
            _("Call"),
            _("Embedding"),
            _("Start"),
            _("End"),
            _("Subsidy"),
            _("Future (as reported)"),
            _("Exit plan"),
        ],
        rows=rows,
        notes=[_("Exit plans as filed on or before %(date)s.") % {"date": ctx.date(ctx.as_of)}],
        source=_("The clusters' agreements and exit plans as recorded."),
    )


def table4(ctx) -> Table:
    rows = [
        [c.code, c.name, _call_number(c), "; ".join(str(k) for k in c.keywords or [])]
        for c in _sorted_clusters(ctx)
        if c.cluster_type.code == "IBN"
    ]
    return Table(
        key="table4",
        title=_("Keywords per IBN"),
        columns=[_("Code"), _("Name"), _("Call"), _("Keywords")],
        rows=rows,
        source=_("The keywords recorded for each cluster."),
    )


def _overview_text(ctx) -> str:
    counts = type_counts(ctx)
    labels = {t.code: t.label for t in cluster_types(ctx)}
    parts = [
        _("%(type)s: %(n)s") % {"n": ctx.number(n), "type": labels.get(code, code)}
        for code, n in counts.items()
    ]
    text = _("The report covers %(n)s clusters: %(types)s.") % {
        "n": ctx.number(len(ctx.clusters)),
        "types": "; ".join(parts),
    }
    calls = Counter(
        (c.cluster_type.code, _call_number(c)) for c in ctx.clusters if c.call_id is not None
    )
    if calls:
        by_call = "; ".join(
            _("%(type)s call %(call)s: %(n)s")
            % {"type": t, "call": ctx.number(n), "n": ctx.number(k)}
            for (t, n), k in sorted(calls.items())
        )
        text += " " + _("Clusters per call: %(calls)s.") % {"calls": by_call}
    running = sum(1 for c in ctx.clusters if c.is_running(ctx.as_of))
    ended = sum(1 for c in ctx.clusters if c.end_date < ctx.as_of)
    text += " " + _("On %(date)s %(running)s agreements were running and %(ended)s had ended.") % {
        "date": ctx.date(ctx.as_of),
        "running": ctx.number(running),
        "ended": ctx.number(ended),
    }
    return text


def build(ctx) -> Section:
    section = Section("portfolio", _("Context and portfolio"))
    if not ctx.clusters:
        return section.text(_("No clusters are selected."))
    section.text(_overview_text(ctx))
    section.add(table1(ctx))
    section.text(
        _(
            "The roles the policy framework gives each type of cluster (Table 2 of the 2020 "
            "evaluation) are policy text, not records: the platform holds no roles per type, "
            "so that table is left out. What the records hold about the types is the "
            "executing organisation's embedding, shown below."
        )
    )
    section.add(types_by_embedding(ctx))
    section.add(table3(ctx))
    if ctx.ibns:
        section.add(table4(ctx))
        missing = [c.code for c in ctx.ibns if not c.keywords]
        if missing:
            section.text(
                _("No keywords are recorded for %(codes)s.") % {"codes": ", ".join(missing)}
            )
    else:
        section.text(_("No IBN is selected, so there are no keywords per IBN to show."))
    # The grant cycle (issue 19): applications per call, subsidies committed and paid.
    from clustermonitor.reports.sections import grants

    grants.add_to(section, ctx)
    return section
