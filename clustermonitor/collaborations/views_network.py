"""The collaboration network (clusters linked by shared projects and shared members,
organisations linked by working together) and matchmaking between clusters."""

import datetime
from collections import Counter, defaultdict

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clustermonitor.analysis import matchmaking, network
from clustermonitor.collaborations.models import Collaboration, Party
from clustermonitor.collaborations.tasks import network_figures_task
from clustermonitor.collaborations.views import VIEW, get_cluster
from clustermonitor.collaborations.views_analysis import _programme
from clustermonitor.core import i18n
from clustermonitor.core.exporters import Sheet, xlsx_response
from clustermonitor.core.memo import memo, memo_or_queue
from clustermonitor.members.models import Membership
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry.models import Organisation


def _collaboration_parties(collaborations) -> list[tuple[int, datetime.date | None, list[int]]]:
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


def _names(ids) -> dict[int, str]:
    return dict(Organisation.objects.filter(pk__in=set(ids)).values_list("pk", "name"))


def _broker_rows(graph, names, top=10):
    return [
        {"name": names.get(b.node, str(b.node)), "betweenness": b.betweenness, "degree": b.degree}
        for b in network.brokers(graph, top=top)
    ]


def _programme_figures(cluster_nodes, shared, members, parties, lang, title) -> dict:
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


def _network_inputs(programme):
    """What the programme's network figures are computed from (the key of the kept
    figures), the open memberships and the clusters' codes by id."""
    clusters = list(Cluster.objects.filter(programme=programme).select_related("cluster_type"))
    codes = {c.pk: c.code for c in clusters}
    shared = [
        (pk, [codes[c] for c in ids])
        for pk, ids in _clusters_per_collaboration(programme).items()
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
    parties = _collaboration_parties(Collaboration.objects.filter(programme=programme))
    inputs = (
        cluster_nodes,
        shared,
        [(o, codes[c]) for o, c in members],
        parties,
        i18n.lang(),
        _("Clusters linked by shared projects and shared members"),
    )
    return inputs, members, codes


def keep_network_figures(programme_id: int, lang: str) -> None:
    """Compute and keep the programme's network figures (the background task of the
    network page: the same inputs, so the same key, as the page computes)."""
    from clustermonitor.programmes.models import Programme

    with translation.override(lang):
        inputs, _members, _codes = _network_inputs(Programme.objects.get(pk=programme_id))
        memo("programme-network", inputs, lambda: _programme_figures(*inputs))


#: The placeholder asks every 2 s; after this many the page computes the figures itself.
MAX_POLLS = 30


@login_required
def programme_network(request):
    programme = _programme(request)
    inputs, members, codes = _network_inputs(programme)
    poll = int(request.GET["poll"]) if request.GET.get("poll", "").isdigit() else 0
    if request.GET.get("format") == "xlsx" or poll >= MAX_POLLS:
        figures = memo("programme-network", inputs, lambda: _programme_figures(*inputs))
    else:
        # Seconds for a programme of 200 clusters after a change: computed by the
        # background worker where there is one, the page says it is coming (core.memo).
        figures = memo_or_queue(
            "programme-network",
            inputs,
            lambda: _programme_figures(*inputs),
            network_figures_task,
            programme.pk,
            i18n.lang(),
        )
    if figures is None:
        query = request.GET.copy()
        query["part"], query["poll"] = "body", str(poll + 1)
        context = {"programme": programme, "pending": True, "poll_query": query.urlencode()}
        template = (
            "collaborations/_network_body.html"
            if request.GET.get("part") == "body"
            else "collaborations/network.html"
        )
        return render(request, template, context)
    org_clusters = defaultdict(set)
    for organisation_id, cluster_id in members:
        org_clusters[organisation_id].add(codes[cluster_id])
    bridging = network.bridging_organisations(org_clusters)
    names = _names(
        [
            *(b.node for b in figures["brokers"]),
            *(o for pair in figures["bridges"] for o in pair),
            *(o for o, _c in bridging),
        ]
    )
    edges = figures["edges"]
    brokers = [
        {"name": names.get(b.node, str(b.node)), "betweenness": b.betweenness, "degree": b.degree}
        for b in figures["brokers"]
    ]
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "network.xlsx",
            [
                Sheet(
                    _("Cluster links"),
                    [_("Cluster"), _("Cluster"), _("Shared projects"), _("Shared members")],
                    edges,
                ),
                Sheet(
                    _("Brokers"),
                    [_("Organisation"), _("Betweenness"), _("Partners")],
                    [[b["name"], b["betweenness"], b["degree"]] for b in brokers],
                ),
                Sheet(
                    _("Bridging members"),
                    [_("Organisation"), _("Clusters")],
                    [[names.get(o, str(o)), ", ".join(cs)] for o, cs in bridging],
                ),
            ],
        )
    return render(
        request,
        "collaborations/_network_body.html"
        if request.GET.get("part") == "body"
        else "collaborations/network.html",
        {
            "programme": programme,
            "svg": mark_safe(figures["svg"]),  # our own deterministic SVG, no user markup
            "summary": figures["summary"],
            "cluster_brokers": figures["cluster_brokers"],
            "org_summary": figures["org_summary"],
            "edges": edges,
            "brokers": brokers,
            "bridges": [(names.get(a, a), names.get(b, b)) for a, b in figures["bridges"]],
            "bridging": [(names.get(o, str(o)), cs) for o, cs in bridging][:50],
            "n_bridging": len(bridging),
        },
    )


def _clusters_per_collaboration(programme) -> dict[int, list[int]]:
    result = defaultdict(list)
    for collaboration_id, cluster_id in (
        Collaboration.clusters.through.objects.filter(collaboration__programme=programme)
        .values_list("collaboration_id", "cluster_id")
        .order_by("collaboration_id", "cluster_id")
    ):
        result[collaboration_id].append(cluster_id)
    return result


@login_required
def cluster_network(request, code):
    cluster = get_cluster(request.user, code, VIEW)
    collaborations = Collaboration.objects.filter(clusters=cluster)
    graph = network.organisation_graph(_collaboration_parties(collaborations))
    joined = dict(
        Membership.objects.filter(cluster=cluster)
        .order_by("organisation_id", "-start_date")
        .values_list("organisation_id", "start_date")
    )
    ties = network.new_ties(graph, joined)
    names = _names(graph.nodes)
    members = set(joined)
    tie_rows = [
        {
            "organisation": names.get(t.organisation),
            "partner": names.get(t.partner),
            "first_date": t.first_date,
            "collaborations": len(t.collaborations),
        }
        for t in ties
    ]
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"network-{cluster.code}.xlsx",
            [
                Sheet(
                    _("New ties since joining"),
                    [_("Member"), _("Partner"), _("First together"), _("Collaborations")],
                    [list(r.values()) for r in tie_rows],
                )
            ],
        )
    return render(
        request,
        "collaborations/cluster_network.html",
        {
            "cluster": cluster,
            "svg": mark_safe(  # our own deterministic SVG, no user markup
                network.network_svg(
                    graph,
                    labels={n: names.get(n, str(n)) for n in graph.nodes},
                    groups={n: ("member" if n in members else "partner") for n in graph.nodes},
                    lang=i18n.lang(),
                    title=_("Organisations linked by taking part in the same collaborations"),
                )
            ),
            "summary": network.summary(graph),
            "brokers": _broker_rows(graph, names),
            "ties": tie_rows,
            "n_members_with_new_ties": len({t.organisation for t in ties}),
        },
    )


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


@login_required
def matchmaking_view(request, code):
    cluster = get_cluster(request.user, code, VIEW)
    all_profiles = profiles(cluster.programme)
    target = all_profiles.pop(cluster.code)
    suggestions = matchmaking.rank_partners(target, all_profiles.values(), top=10)
    names = dict(Cluster.objects.filter(programme=cluster.programme).values_list("code", "name"))
    rows = [
        {
            "code": s.code,
            "name": names.get(s.code, s.code),
            "score": s.score,
            "keyword_similarity": s.keyword_similarity,
            "nace_similarity": s.nace_similarity,
            "member_overlap": s.member_overlap,
            "reasons": [reason_text(c, p) for c, p in s.reasons],
        }
        for s in suggestions
    ]
    return render(
        request,
        "collaborations/matchmaking.html",
        {"cluster": cluster, "rows": rows, "target": target},
    )
