"""Chapter: intercluster projects — Table 10, the report's comparisons, the calls, the
network of the clusters and its brokers.

The projects and tallies come from `collaborations.selectors.intercluster_overview`
(the intercluster page's function), asked for the selected clusters and the report's
date (an application is a project at or past submission on that date). The network is
drawn as on the network page (`analysis.network`), from the collaborations existing on
the report's date and the memberships active on it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import partial

from django.utils.translation import gettext as _

from clustermonitor.core import i18n
from clustermonitor.reports.document import Figure, Percent, Section, Table
from clustermonitor.reports.sections.collaborations import collaborations_on


@dataclass
class Tally:
    """The intercluster page's figures for the selected clusters on the report's date
    (`collaborations.selectors.intercluster_overview` with `until` and `clusters`), and
    each project's stage on that date."""

    projects: list = field(default_factory=list)
    stage: dict = field(default_factory=dict)
    applications: int = 0
    approved: int = 0
    ibn_spc_applications: int = 0
    ibn_spc_approved: int = 0
    involvements: Counter = field(default_factory=Counter)
    per_cluster: Counter = field(default_factory=Counter)
    per_call: dict = field(default_factory=dict)


def overview(ctx):
    """The whole programme's overview (for what the clusters reported)."""
    from clustermonitor.collaborations.selectors import intercluster_overview

    return ctx.shared(
        "intercluster.overview", lambda: intercluster_overview(ctx.programme, until=ctx.as_of)
    )


def tally(ctx) -> Tally:
    def compute() -> Tally:
        from clustermonitor.collaborations.selectors import intercluster_overview

        found = intercluster_overview(ctx.programme, until=ctx.as_of, clusters=ctx.clusters)
        existing = collaborations_on(ctx).states
        return Tally(
            projects=found.projects,
            stage={p.pk: existing[p.pk][0] for p in found.projects},
            applications=found.applications,
            approved=found.approved,
            ibn_spc_applications=found.ibn_spc_applications,
            ibn_spc_approved=found.ibn_spc_approved,
            involvements=found.involvements,
            per_cluster=Counter({c.pk: n for c, n, _reported in found.per_cluster if n}),
            per_call={c.pk: [c.recorded_applications, c.recorded_approved] for c in found.calls},
        )

    return ctx.shared("intercluster.tally", compute)


def _table10(ctx, data: Tally) -> Table:
    from clustermonitor.collaborations.models import Decision, Stage

    stages, decisions = dict(Stage.choices), dict(Decision.choices)
    rows = [
        [
            p.title,
            ", ".join(f"{c.cluster_type.code} {c.code}" for c in p.cluster_list),
            p.intercluster_call.year if p.intercluster_call else None,
            str(stages.get(data.stage[p.pk], data.stage[p.pk])),
            str(decisions.get(p.decision, "")),
            p.is_ibn_spc,
        ]
        for p in data.projects
    ]
    sources = sorted({p.source for p in data.projects if p.source})
    return Table(
        key="table10",
        title=_("Intercluster projects"),
        columns=[
            _("Title"),
            _("Participating clusters"),
            _("Call"),
            _("Stage"),
            _("Funding decision"),
            "IBN–SPC",
        ],
        rows=rows,
        source="; ".join(sources),
        notes=[
            _(
                "Collaborations with two or more clusters or funded by an intercluster "
                "call, of the selected clusters, with their stage on the report's date."
            )
        ],
    )


def _comparisons(ctx, data: Tally) -> Table:
    published = overview(ctx).published

    def pub(key):
        figure = published.get(key)
        return figure.value if figure else None

    rows = [
        [_("Applications"), data.applications, pub("intercluster.applications")],
        [_("Approved"), data.approved, pub("intercluster.approved")],
        [
            _("Involvements of hosted (gevestigde) IBNs"),
            data.involvements.get("gevestigd", 0),
            pub("intercluster.involvements.gevestigd"),
        ],
        [
            _("Involvements of independent (zelfstandige) IBNs"),
            data.involvements.get("zelfstandig", 0),
            pub("intercluster.involvements.zelfstandig"),
        ],
        [
            _("IBN–SPC applications"),
            data.ibn_spc_applications,
            pub("intercluster.ibn_spc.submitted"),
        ],
        [_("IBN–SPC approved"), data.ibn_spc_approved, pub("intercluster.ibn_spc.approved")],
    ]
    sources = sorted({f.source for f in published.values() if f.source})
    notes = []
    if ctx.selected:
        notes.append(
            _("Computed for the selected clusters only; the published figures are the programme's.")
        )
    return Table(
        key="ic_comparison",
        title=_("Intercluster applications: computed and published"),
        columns=[_("Figure"), _("Computed"), _("Published (2020)")],
        rows=rows,
        source="; ".join(sources),
        notes=notes,
    )


def _calls(ctx, data: Tally) -> Table:
    rows = []
    for call in sorted(overview(ctx).calls, key=lambda c: (c.year, c.pk)):
        applications, approved = data.per_call.get(call.pk, [0, 0])
        rows.append(
            [
                call.year,
                call.matchmaking_by_agency,
                applications,
                approved,
                call.reported_applications,
                call.reported_approved,
            ]
        )
    return Table(
        key="ic_calls",
        title=_("Intercluster calls: applications and approvals recorded and reported"),
        columns=[
            _("Call"),
            _("Matchmaking by the agency"),
            _("Applications (recorded)"),
            _("Approved (recorded)"),
            _("Applications with an IBN (reported)"),
            _("Approved (reported)"),
        ],
        rows=rows,
    )


def _per_cluster(ctx, data: Tally) -> Table:
    reported = {c.pk: value for c, _n, value in overview(ctx).per_cluster}
    rows = [
        [
            c.code,
            c.cluster_type.code,
            c.get_embedding_display(),
            data.per_cluster.get(c.pk, 0),
            reported.get(c.pk),
        ]
        for c in ctx.clusters
        if data.per_cluster.get(c.pk) or reported.get(c.pk) is not None
    ]
    return Table(
        key="ic_clusters",
        title=_("Involvements in intercluster applications per cluster"),
        columns=[
            _("Cluster"),
            _("Type"),
            _("Embedding"),
            _("Involvements (recorded)"),
            _("Intercluster projects (Table 7)"),
        ],
        rows=rows,
    )


# -- The network -----------------------------------------------------------------------


def _network(ctx) -> Section:
    from clustermonitor.analysis import network
    from clustermonitor.collaborations.figures_network import (
        broker_rows,
        collaboration_parties,
        organisation_names,
    )
    from clustermonitor.collaborations.models import Collaboration
    from clustermonitor.members.models import Membership

    section = Section("network", _("The network of the clusters"))
    ids = collaborations_on(ctx).ids
    codes = {c.pk: c.code for c in ctx.clusters}
    per_collaboration = defaultdict(list)
    for collaboration_id, cluster_id in (
        Collaboration.clusters.through.objects.filter(collaboration__in=ids)
        .values_list("collaboration_id", "cluster_id")
        .order_by("collaboration_id", "cluster_id")
    ):
        if cluster_id in codes:
            per_collaboration[collaboration_id].append(codes[cluster_id])
    shared = [(pk, found) for pk, found in sorted(per_collaboration.items()) if len(found) > 1]
    members = list(
        Membership.objects.filter(cluster__in=ctx.clusters)
        .active_on(ctx.as_of)
        .values_list("organisation_id", "cluster_id")
        .order_by("organisation_id", "cluster_id")
        .distinct()
    )
    graph = network.cluster_graph(
        shared,
        [(o, codes[c]) for o, c in members],
        {
            c.code: {"name": c.name, "type": c.cluster_type.code, "embedding": c.embedding}
            for c in ctx.clusters
        },
    )
    summary = network.summary(graph)
    section.text(
        _(
            "Two clusters are linked when they share collaborations or current members. "
            "On %(date)s the %(nodes)s selected clusters have %(edges)s links (density "
            "%(density)s); %(isolated)s clusters have none."
        )
        % {
            "date": ctx.date(ctx.as_of),
            "nodes": ctx.number(summary["nodes"]),
            "edges": ctx.number(summary["edges"]),
            "density": ctx.percent(summary["density"]),
            "isolated": ctx.number(summary["isolated"]),
        }
    )
    lang = i18n.supported(ctx.lang)
    title = _("Clusters linked by shared projects and shared members")
    section.add(
        Figure(
            key="fig_network",
            title=title,
            svg=partial(
                network.network_svg,
                graph,
                groups={c.code: c.cluster_type.code for c in ctx.clusters},
                lang=lang,
                title=title,
            ),
            caption=_("Line width: shared collaborations plus shared members."),
        )
    )
    edges = sorted(
        ([a, b, d["projects"], d["shared_members"]] for a, b, d in graph.edges(data=True)),
        key=lambda e: (-(e[2] + e[3]), e[0], e[1]),
    )
    section.add(
        Table(
            key="ic_links",
            title=_("Links between the clusters"),
            columns=[_("Cluster"), _("Cluster"), _("Shared projects"), _("Shared members")],
            rows=edges,
            display_rows=25,
        )
    )
    cluster_brokers = [
        [b.node, Percent(b.betweenness, 1), b.degree] for b in network.brokers(graph, top=10)
    ]
    section.add(
        Table(
            key="ic_cluster_brokers",
            title=_("Brokers among the clusters"),
            columns=[_("Cluster"), _("Betweenness"), _("Linked clusters")],
            rows=cluster_brokers,
            notes=[
                _(
                    "Betweenness: the share of the shortest paths between two other "
                    "clusters that run through this one (normalised, unweighted)."
                )
            ],
        )
    )
    organisations = network.organisation_graph(
        collaboration_parties(Collaboration.objects.filter(pk__in=ids))
    )
    names = organisation_names(organisations.nodes)
    brokers = [
        [b["name"], Percent(b["betweenness"], 1), b["degree"]]
        for b in broker_rows(organisations, names)
    ]
    section.add(
        Table(
            key="ic_brokers",
            title=_("Brokers among the organisations working together"),
            columns=[_("Organisation"), _("Betweenness"), _("Partners")],
            rows=brokers,
            notes=[
                _(
                    "Organisations linked by taking part in the same collaborations of the "
                    "selected clusters; the ten with the highest betweenness."
                )
            ],
        )
    )
    return section


def build(ctx) -> Section:
    section = Section("intercluster", _("Intercluster projects"))
    data = tally(ctx)
    if data.projects:
        share = data.ibn_spc_applications / data.applications if data.applications else None
        section.text(
            _(
                "By %(date)s the selected clusters recorded %(projects)s intercluster "
                "projects; %(applications)s were submitted to a call and %(approved)s "
                "approved. %(ibn_spc)s applications join an IBN and an SPC (%(share)s)."
            )
            % {
                "date": ctx.date(ctx.as_of),
                "projects": ctx.number(len(data.projects)),
                "applications": ctx.number(data.applications),
                "approved": ctx.number(data.approved),
                "ibn_spc": ctx.number(data.ibn_spc_applications),
                "share": ctx.percent(share),
            }
        )
        section.add(_table10(ctx, data))
    else:
        section.text(
            _("No intercluster project of the selected clusters was recorded by %(date)s.")
            % {"date": ctx.date(ctx.as_of)}
        )
    section.add(_comparisons(ctx, data), _calls(ctx, data), _per_cluster(ctx, data))
    section.subsections.append(_network(ctx))
    return section
