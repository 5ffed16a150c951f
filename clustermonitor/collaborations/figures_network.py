"""The figures of the collaboration network (issue 5): the programme's graphs and their
metrics, a cluster's organisations, the matchmaking profiles. Rows and values only: the
network pages render them, the background task keeps them (core.memo), the report's
network chapter reads them."""

import datetime
from collections import Counter, defaultdict

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clustermonitor.analysis import matchmaking, network
from clustermonitor.collaborations.models import Collaboration, Party
from clustermonitor.core.memo import memo
from clustermonitor.members.models import Membership
from clustermonitor.programmes.models import Cluster, Programme
from clustermonitor.registry.models import Organisation


def collaboration_parties(collaborations) -> list[tuple[int, datetime.date | None, list[int]]]:
    parties = defaultdict(list)
    for collaboration_id, organisation_id in Party.objects.filter(
        collaboration__in=collaborations
    ).values_list("collaboration_id", "organisation_id"):
        parties[collaboration_id].append(organisation_id)
    return [
        (pk, start, sorted(parties[pk]))
        for pk, start in collaborations.values_list("pk", "start_date").order_by("pk")
        if len(parties[pk]) > 1
    ]


def cluster_network_svg(parties, graph, labels, groups, lang: str, title: str) -> str:
    """A cluster's organisation network drawn (`network.network_svg`, most of the page's
    time), kept by what it is drawn from (core.memo): `parties`
    (`collaboration_parties`, which `graph` is built from), the labels, the groups, the
    language and the title."""
    return memo(
        "cluster-network-svg",
        (parties, labels, groups, lang, title),
        lambda: network.network_svg(graph, labels=labels, groups=groups, lang=lang, title=title),
    )


def organisation_names(ids) -> dict[int, str]:
    return dict(Organisation.objects.filter(pk__in=set(ids)).values_list("pk", "name"))


def broker_rows(graph, names, top=10):
    return [
        {"name": names.get(b.node, str(b.node)), "betweenness": b.betweenness, "degree": b.degree}
        for b in network.brokers(graph, top=top)
    ]


def programme_figures(cluster_nodes, shared, members, parties, lang, title) -> dict:
    """The graphs' drawing and metrics, by organisation id: the expensive part of the page
    (betweenness over every organisation of the programme), kept by its inputs."""
    graph = network.cluster_graph(shared, members, cluster_nodes)
    organisations = network.organisation_graph(parties)
    return {
        "edges": sorted(
            ((a, b, d["projects"], d["shared_members"]) for a, b, d in graph.edges(data=True)),
            key=lambda e: (-(e[2] + e[3]), e[0], e[1]),
        ),
        "svg": network.network_svg(
            graph,
            groups={code: attrs["type"] for code, attrs in cluster_nodes.items()},
            lang=lang,
            title=title,
        ),
        "summary": network.summary(graph),
        "cluster_brokers": [
            {"name": b.node, "betweenness": b.betweenness, "degree": b.degree}
            for b in network.brokers(graph, top=10)
        ],
        "org_summary": network.summary(organisations),
        "brokers": network.brokers(organisations, top=10),
        "bridges": network.bridges(organisations)[:20],
    }


def network_inputs(programme, lang: str):
    """What the programme's network figures are computed from (the key of the kept
    figures), the open memberships and the clusters' codes by id."""
    clusters = list(Cluster.objects.filter(programme=programme).select_related("cluster_type"))
    codes = {c.pk: c.code for c in clusters}
    shared = [
        (pk, [codes[c] for c in ids])
        for pk, ids in clusters_per_collaboration(programme).items()
        if len(ids) > 1
    ]
    members = list(
        Membership.objects.filter(cluster__programme=programme, end_date__isnull=True)
        .values_list("organisation_id", "cluster_id")
        .order_by("organisation_id", "cluster_id")
    )
    cluster_nodes = {
        c.code: {"name": c.name, "type": c.cluster_type.code, "embedding": c.embedding}
        for c in clusters
    }
    parties = collaboration_parties(Collaboration.objects.filter(programme=programme))
    inputs = (
        cluster_nodes,
        shared,
        [(o, codes[c]) for o, c in members],
        parties,
        lang,
        _("Clusters linked by shared projects and shared members"),
    )
    return inputs, members, codes


def keep_network_figures(programme_id: int, lang: str) -> None:
    """Compute and keep the programme's network figures (the background task of the
    network page: the same inputs, so the same key, as the page computes)."""
    with translation.override(lang):
        inputs, _members, _codes = network_inputs(Programme.objects.get(pk=programme_id), lang)
        memo("programme-network", inputs, lambda: programme_figures(*inputs))


def clusters_per_collaboration(programme) -> dict[int, list[int]]:
    result = defaultdict(list)
    for collaboration_id, cluster_id in (
        Collaboration.clusters.through.objects.filter(collaboration__programme=programme)
        .values_list("collaboration_id", "cluster_id")
        .order_by("collaboration_id", "cluster_id")
    ):
        result[collaboration_id].append(cluster_id)
    return result


def profiles(programme) -> dict[str, matchmaking.Profile]:
    """Each cluster's keywords, its current members' NACE divisions and its members."""
    clusters = list(Cluster.objects.filter(programme=programme))
    members = defaultdict(set)
    nace = defaultdict(Counter)
    for cluster_id, organisation_id, code in (
        Membership.objects.filter(cluster__in=clusters, end_date__isnull=True)
        .values_list("cluster_id", "organisation_id", "organisation__nace_2008__code")
        .order_by("cluster_id", "organisation_id")
    ):
        members[cluster_id].add(organisation_id)
        if code:
            nace[cluster_id][code[:2]] += 1
    return {
        c.code: matchmaking.Profile(
            code=c.code,
            keywords=[*c.keywords, *([c.domain] if c.domain else [])],
            nace=dict(nace[c.pk]),
            members=frozenset(members[c.pk]),
        )
        for c in clusters
    }


def reason_text(code: str, params: dict) -> str:
    if code == "keywords":
        return _("shared keywords: %(keywords)s") % {"keywords": ", ".join(params["keywords"])}
    if code == "nace":
        return _("similar member activities (NACE %(divisions)s)") % {
            "divisions": ", ".join(params["divisions"])
        }
    if code == "members":
        return ngettext("%(n)d member in common", "%(n)d members in common", params["n"]) % {
            "n": params["n"]
        }
    return code
