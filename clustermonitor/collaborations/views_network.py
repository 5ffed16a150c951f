"""The collaboration network (clusters linked by shared projects and shared members,
organisations linked by working together) and matchmaking between clusters."""

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from clustermonitor.accounts import access
from clustermonitor.analysis import matchmaking, network
from clustermonitor.collaborations import exports
from clustermonitor.collaborations.figures_network import (
    broker_rows,
    cluster_network_svg,
    collaboration_parties,
    network_inputs,
    organisation_names,
    profiles,
    programme_figures,
    reason_text,
)
from clustermonitor.collaborations.models import Collaboration
from clustermonitor.collaborations.tasks import network_figures_task
from clustermonitor.core import i18n
from clustermonitor.core.exporters import xlsx_response
from clustermonitor.core.memo import memo, memo_or_queue
from clustermonitor.members.models import Membership
from clustermonitor.programmes.models import Cluster, Programme

#: The placeholder asks every 2 s; after this many the page computes the figures itself.
MAX_POLLS = 30


@login_required
def programme_network(request):
    programme = access.get_collaborations_programme_for_user(request.user, Programme.objects)
    inputs, members, codes = network_inputs(programme, i18n.lang())
    poll = int(request.GET["poll"]) if request.GET.get("poll", "").isdigit() else 0
    if request.GET.get("format") == "xlsx" or poll >= MAX_POLLS:
        figures = memo("programme-network", inputs, lambda: programme_figures(*inputs))
    else:
        # Seconds for a programme of 200 clusters after a change: computed by the
        # background worker where there is one, the page says it is coming (core.memo).
        figures = memo_or_queue(
            "programme-network",
            inputs,
            lambda: programme_figures(*inputs),
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
    names = organisation_names(
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
            exports.programme_network_sheets(
                edges, brokers, [(names.get(o, str(o)), cs) for o, cs in bridging]
            ),
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


@login_required
def cluster_network(request, code):
    cluster = access.get_cluster_collaborations_for_user(request.user, Cluster.objects, code)
    collaborations = Collaboration.objects.filter(clusters=cluster)
    parties = collaboration_parties(collaborations)
    graph = network.organisation_graph(parties)
    joined = dict(
        Membership.objects.filter(cluster=cluster)
        .order_by("organisation_id", "-start_date")
        .values_list("organisation_id", "start_date")
    )
    ties = network.new_ties(graph, joined)
    names = organisation_names(graph.nodes)
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
            f"network-{cluster.code}.xlsx", exports.cluster_network_sheets(tie_rows)
        )
    return render(
        request,
        "collaborations/cluster_network.html",
        {
            "cluster": cluster,
            "svg": mark_safe(  # our own deterministic SVG, no user markup
                cluster_network_svg(
                    parties,
                    graph,
                    labels={n: names.get(n, str(n)) for n in graph.nodes},
                    groups={n: ("member" if n in members else "partner") for n in graph.nodes},
                    lang=i18n.lang(),
                    title=_("Organisations linked by taking part in the same collaborations"),
                )
            ),
            "summary": network.summary(graph),
            "brokers": broker_rows(graph, names),
            "ties": tie_rows,
            "n_members_with_new_ties": len({t.organisation for t in ties}),
        },
    )


@login_required
def matchmaking_view(request, code):
    cluster = access.get_cluster_collaborations_for_user(request.user, Cluster.objects, code)
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
