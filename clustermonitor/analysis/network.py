"""The collaboration network: who works with whom, new ties, brokers and bridges.

Two graphs (networkx, undirected):

- the **cluster graph** (``cluster_graph``): clusters linked by the collaborations they
  take part in together (intercluster projects) and by the organisations that are a
  member of both;
- the **organisation graph** (``organisation_graph``): organisations linked when they are
  parties to the same collaboration, with the date the tie was first made.

On these graphs: the ties a member formed since joining (``new_ties``), the brokers
(``brokers``: highest betweenness), the bridges (``bridges``: edges without which the
network falls apart), the organisations that bridge clusters by membership
(``bridging_organisations``), a one-line ``summary`` and a deterministic SVG drawing
(``network_svg``, via ``charts.to_svg``).

Inputs are plain tuples and mappings, never ORM objects, so the same functions run in a
notebook. Every list that comes out has a documented, deterministic order.
"""

from __future__ import annotations

import datetime
import itertools
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clustermonitor.analysis.charts import BAR, INK, STYLE, _by_language, _figure, to_svg

if TYPE_CHECKING:
    import networkx as nx

# networkx and matplotlib are imported by the functions that use them, not with the module:
# the URLs of the network pages import it in every process that loads the URLs.

# code | Dutch | English
_LABEL_TABLE = """
empty | Geen samenwerkingen om te tonen | No collaborations to show
"""
LABELS = _by_language(_LABEL_TABLE)

LAYOUT_SEED = 7
# networkx switches spring_layout to a scipy-only method from 500 nodes on; scipy is not a
# dependency, and a drawing of that many nodes is unreadable anyway: a circle it is.
MAX_SPRING_NODES = 499
EDGE_COLOR = "#9aa5ad"
UNGROUPED = "#bdbdbd"
# Group colours in sorted group order: with "IBN" and "SPC" the IBNs are blue.
GROUP_COLORS = ("#2c6e9b", "#e67e22", "#27ae60", "#8e44ad", "#c0392b", "#7f8c8d")
MIN_EDGE_WIDTH = 0.8
MAX_EDGE_WIDTH = 3.2


@dataclass(frozen=True)
class Tie:
    """A tie of ``organisation`` with ``partner``, first made on ``first_date``."""

    organisation: int
    partner: int
    first_date: datetime.date
    collaborations: tuple[int, ...]


@dataclass(frozen=True)
class Broker:
    """A node on shortest paths between others: normalised betweenness and degree."""

    node: Hashable
    betweenness: float
    degree: int


def _key(node) -> tuple:
    """Sort key for nodes of any one type (and, should it happen, of mixed int/str)."""
    if isinstance(node, int | float):
        return (0, node, "")
    return (1, 0, str(node))


def _pair(a, b) -> tuple:
    return (a, b) if _key(a) <= _key(b) else (b, a)


def _pair_key(pair: tuple) -> tuple:
    return (_key(pair[0]), _key(pair[1]))


def _sorted_edges(graph: nx.Graph) -> list[tuple]:
    return sorted((_pair(a, b) for a, b in graph.edges), key=_pair_key)


# --- building the graphs ------------------------------------------------------------------


def cluster_graph(
    projects: Iterable[tuple[int, Sequence[str]]],
    memberships: Iterable[tuple[int, str]],
    clusters: Mapping[str, Mapping],
) -> nx.Graph:
    """Clusters linked by shared collaborations and shared members.

    ``clusters`` maps each cluster code to its attributes (e.g. ``name``, ``type`` "IBN" or
    "SPC") and sets the nodes: every cluster in it is a node, with or without edges, and
    codes not in it are ignored (the caller scopes the graph, e.g. to one programme).
    ``projects`` are (collaboration id, cluster codes); ``memberships`` are (organisation
    id, cluster code) of current members.

    An edge between two clusters carries ``projects`` (collaborations both take part in),
    ``project_ids`` (their ids, sorted), ``shared_members`` (organisations member of both),
    ``member_ids`` (their ids, sorted) and ``weight`` = projects + shared_members.

    >>> g = cluster_graph([(1, ["A", "B"]), (2, ["A", "B", "C"])], [(9, "A"), (9, "C")],
    ...     {"A": {"type": "IBN"}, "B": {"type": "SPC"}, "C": {}, "D": {}})
    >>> g.edges["A", "B"]["weight"], g.edges["A", "C"]["weight"], g.degree("D")
    (2, 2, 0)
    """
    import networkx as nx

    graph = nx.Graph()
    for code in sorted(clusters, key=_key):
        graph.add_node(code, **dict(clusters[code]))
    shared_projects: dict[tuple, set[int]] = defaultdict(set)
    for project_id, codes in projects:
        known = sorted({c for c in codes if c in clusters}, key=_key)
        for a, b in itertools.combinations(known, 2):
            shared_projects[(a, b)].add(project_id)
    member_clusters: dict[int, set[str]] = defaultdict(set)
    for organisation_id, code in memberships:
        if code in clusters:
            member_clusters[organisation_id].add(code)
    shared_members: dict[tuple, set[int]] = defaultdict(set)
    for organisation_id, codes in member_clusters.items():
        for a, b in itertools.combinations(sorted(codes, key=_key), 2):
            shared_members[(a, b)].add(organisation_id)
    for a, b in sorted(shared_projects.keys() | shared_members.keys(), key=_pair_key):
        project_ids = sorted(shared_projects.get((a, b), ()))
        member_ids = sorted(shared_members.get((a, b), ()))
        graph.add_edge(
            a,
            b,
            projects=len(project_ids),
            project_ids=project_ids,
            shared_members=len(member_ids),
            member_ids=member_ids,
            weight=len(project_ids) + len(member_ids),
        )
    return graph


def organisation_graph(
    collaborations: Iterable[tuple[int, datetime.date | None, Sequence[int]]],
) -> nx.Graph:
    """Organisations linked by taking part in the same collaborations.

    ``collaborations`` are (collaboration id, start date or None, organisation ids of the
    parties). Each pair of parties gets an edge with ``collaborations`` (ids, sorted),
    ``weight`` (their number) and ``first_date`` (the earliest start date among them that
    is known; None when none is). Every party is a node, also the sole party of a
    one-party collaboration (an isolated node).

    >>> g = organisation_graph([(1, None, [10, 11]), (2, datetime.date(2020, 5, 1), [11, 10, 12])])
    >>> g.edges[10, 11]
    {'collaborations': [1, 2], 'weight': 2, 'first_date': datetime.date(2020, 5, 1)}
    """
    parties: set = set()
    ties: dict[tuple, dict[int, datetime.date | None]] = defaultdict(dict)
    for collaboration_id, start, organisations in collaborations:
        members = sorted(set(organisations), key=_key)
        parties.update(members)
        for a, b in itertools.combinations(members, 2):
            known = ties[(a, b)].get(collaboration_id)
            # The same id twice (should not happen) keeps the earliest known date.
            dates = [d for d in (known, start) if d is not None]
            ties[(a, b)][collaboration_id] = min(dates) if dates else None
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(sorted(parties, key=_key))
    for (a, b), starts in sorted(ties.items(), key=lambda t: _pair_key(t[0])):
        dates = [d for d in starts.values() if d is not None]
        graph.add_edge(
            a,
            b,
            collaborations=sorted(starts),
            weight=len(starts),
            first_date=min(dates) if dates else None,
        )
    return graph


# --- metrics --------------------------------------------------------------------------------


def new_ties(graph: nx.Graph, joined: Mapping[int, datetime.date]) -> list[Tie]:
    """The ties each member formed since joining: first made on or after its joining date.

    ``joined`` maps a member's organisation id to the start of its membership. A tie whose
    first date is unknown (no start date on any of its collaborations) is not counted: we
    cannot tell whether it is new. A tie between two members that both joined before it
    was made is listed once for each of them (count distinct ties with
    ``{frozenset((t.organisation, t.partner)) for t in ties}``).

    Ordered by organisation, then first date, then partner.
    """
    ties = []
    for organisation, since in joined.items():
        if organisation not in graph:
            continue
        for partner in graph.neighbors(organisation):
            edge = graph.edges[organisation, partner]
            first = edge.get("first_date")
            if first is not None and first >= since:
                ties.append(Tie(organisation, partner, first, tuple(edge["collaborations"])))
    return sorted(ties, key=lambda t: (_key(t.organisation), t.first_date, _key(t.partner)))


#: Sources walked at once: a batch holds a few (nodes x sources) float matrices.
_BATCH_CELLS = 1_000_000


def betweenness_centrality(graph: nx.Graph) -> dict:
    """networkx's ``betweenness_centrality(graph, normalized=True)`` of an unweighted,
    undirected graph, equal to it up to floating-point rounding, in a fraction of the time.

    Brandes' algorithm, but each connected component walks a batch of sources at once: a
    breadth-first level is one sparse matrix product (path counts of the frontier times
    the adjacency matrix) and so is each level of the dependency accumulation. networkx's
    pure-Python walk took a minute on the ×10 demo's 7,500 organisations.

    >>> import networkx as nx
    >>> betweenness_centrality(nx.Graph([("a", "b"), ("b", "c")]))
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    import networkx as nx
    import numpy as np
    from scipy import sparse

    result = dict.fromkeys(graph, 0.0)
    n_all = graph.number_of_nodes()
    if n_all < 3:
        return result
    scale = 1.0 / ((n_all - 1) * (n_all - 2))
    # Sorted nodes and components: a set's order follows PYTHONHASHSEED, and the order of
    # the sources decides the order of the float additions (the last bit of the result).
    components = sorted(
        (sorted(c, key=_key) for c in nx.connected_components(graph) if len(c) >= 3),
        key=lambda nodes: _key(nodes[0]),
    )
    where = {node: (k, i) for k, nodes in enumerate(components) for i, node in enumerate(nodes)}
    pairs: list[list[tuple[int, int]]] = [[] for _ in components]
    for a, b in graph.edges():
        if a != b and a in where:
            k, i = where[a]
            pairs[k].append((i, where[b][1]))
    for nodes, edges in zip(components, pairs, strict=True):
        n = len(nodes)
        rows = [i for i, _j in edges] + [j for _i, j in edges]
        cols = [j for _i, j in edges] + [i for i, _j in edges]
        adjacency = sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        totals = np.zeros(n)
        step = max(1, min(n, _BATCH_CELLS // n))
        for first in range(0, n, step):
            sources = np.arange(first, min(n, first + step))
            columns = np.arange(len(sources))
            frontier = np.zeros((n, len(sources)))
            frontier[sources, columns] = 1.0
            sigma = frontier.copy()  # shortest paths from each source (column) to each node
            levels = [frontier > 0]  # the nodes at each distance from each source
            unseen = ~levels[0]
            while True:
                reached = adjacency @ frontier
                new = (reached > 0) & unseen
                if not new.any():
                    break
                unseen &= ~new
                levels.append(new)
                frontier = np.multiply(reached, new, out=reached)
                sigma += frontier
            delta = np.zeros_like(sigma)
            for level in range(len(levels) - 1, 0, -1):
                coefficient = np.zeros_like(sigma)
                np.divide(1.0 + delta, sigma, where=levels[level], out=coefficient)
                gained = adjacency @ coefficient
                gained *= sigma
                delta += np.multiply(gained, levels[level - 1], out=gained)
            delta[sources, columns] = 0.0
            totals += delta.sum(axis=1)
        for node, value in zip(nodes, totals.tolist(), strict=True):
            result[node] = value * scale
    return result


def brokers(graph: nx.Graph, top: int | None = 10) -> list[Broker]:
    """The nodes that most often lie on the shortest paths between others.

    Betweenness is networkx's normalised betweenness centrality on the unweighted graph
    (networkx reads an edge weight as a distance, so a strong tie would count as a long
    one; a tie is a tie). Degree is the number of partners. Nodes with betweenness 0 are
    left out; sorted by betweenness (high first), then degree (high first), then node; the
    first ``top`` (all when None).
    """
    betweenness = betweenness_centrality(graph)
    found = [
        Broker(node, value, graph.degree(node)) for node, value in betweenness.items() if value > 0
    ]
    # Rounded for the sort: equal betweenness may differ in the last bit of the float.
    found.sort(key=lambda b: (-round(b.betweenness, 12), -b.degree, _key(b.node)))
    return found if top is None else found[:top]


def bridges(graph: nx.Graph) -> list[tuple]:
    """The edges whose removal splits a component (networkx ``bridges``), each as a sorted
    pair, sorted.

    >>> import networkx as nx
    >>> bridges(nx.Graph([("b", "a"), ("b", "c"), ("c", "d"), ("d", "b")]))
    [('a', 'b')]
    """
    import networkx as nx

    found = (_pair(a, b) for a, b in nx.bridges(graph))
    return sorted(found, key=_pair_key)


def bridging_organisations(
    org_clusters: Mapping[int, set[str]],
) -> list[tuple[int, tuple[str, ...]]]:
    """Organisations linked to two or more clusters, with those clusters (sorted).

    Most clusters first, then by organisation id.

    >>> bridging_organisations({1: {"B", "A"}, 2: {"A"}, 3: {"C", "B", "A"}})
    [(3, ('A', 'B', 'C')), (1, ('A', 'B'))]
    """
    found = [
        (organisation, tuple(sorted(codes, key=_key)))
        for organisation, codes in org_clusters.items()
        if len(set(codes)) >= 2
    ]
    return sorted(found, key=lambda row: (-len(row[1]), _key(row[0])))


def summary(graph: nx.Graph) -> dict:
    """``{"nodes", "edges", "density", "components", "isolated", "largest_component"}``.

    Density is edges over possible edges (0 for fewer than two nodes); components counts
    isolated nodes too; largest_component is the number of nodes in the biggest one.

    >>> import networkx as nx
    >>> summary(nx.Graph([(1, 2), (2, 3), (4, 5)]))["components"]
    2
    """
    import networkx as nx

    components = list(nx.connected_components(graph))
    return {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "density": nx.density(graph) if graph.number_of_nodes() > 1 else 0.0,
        "components": len(components),
        "isolated": nx.number_of_isolates(graph),
        "largest_component": max((len(c) for c in components), default=0),
    }


# --- drawing --------------------------------------------------------------------------------


def _layout(graph: nx.Graph) -> dict:
    """Node positions that depend on the graph's content only, not on insertion order.

    The connected nodes get a spring layout (fixed seed) in which ties pull with the square
    root of their weight (with the weight itself, a handful of heavy ties would squeeze
    their nodes on top of each other). Isolated nodes would be pushed to the far edge of
    the drawing: they go on a row under it instead.
    """
    import networkx as nx

    isolated = sorted(nx.isolates(graph), key=_key)
    ordered = nx.Graph()
    ordered.add_nodes_from(n for n in sorted(graph.nodes, key=_key) if graph.degree(n))
    ordered.add_edges_from(
        (a, b, {"weight": math.sqrt(max(float(graph.edges[a, b].get("weight", 1)), 0.0))})
        for a, b in _sorted_edges(graph)
    )
    if len(ordered) > MAX_SPRING_NODES:
        pos = nx.circular_layout(ordered)
    else:
        pos = nx.spring_layout(ordered, seed=LAYOUT_SEED, weight="weight")
    pos = {n: (float(x), float(y)) for n, (x, y) in pos.items()}
    if isolated:
        xs = [x for x, _ in pos.values()] or [0.0]
        bottom = min((y for _, y in pos.values()), default=0.0) - 0.35
        left, right = min(xs), max(xs)
        step = (right - left) / (len(isolated) - 1) if len(isolated) > 1 else 0.0
        start = left if len(isolated) > 1 else (left + right) / 2
        pos.update({n: (start + i * step, bottom) for i, n in enumerate(isolated)})
    return pos


def _empty_svg(lang: str, title: str) -> str:
    import matplotlib  # when a chart is drawn (analysis/charts.py)

    with matplotlib.rc_context(STYLE):
        fig = _figure((4.0, 1.0 if not title else 1.3))
        if title:
            fig.suptitle(title, x=0.02, ha="left", fontsize=STYLE["axes.titlesize"])
        fig.text(0.5, 0.4, LABELS[lang]["empty"], ha="center", va="center", color=INK)
        return to_svg(fig)


def network_svg(
    graph: nx.Graph,
    *,
    labels: Mapping | None = None,
    groups: Mapping | None = None,
    lang: str = "nl",
    title: str = "",
    figsize: tuple[float, float] = (6.4, 4.8),
) -> str:
    """The graph drawn as a deterministic SVG string.

    Layout: spring layout with a fixed seed on a copy with sorted nodes and edges (so the
    drawing depends on the graph, not on the order it was built in), stronger ties
    (``weight``) pulling harder; a circle from 500 nodes on; isolated nodes in a row
    underneath. Edge width grows with
    ``weight`` from 0.8 to 3.2 pt (lightest to heaviest). Nodes are coloured by
    ``groups[node]`` (e.g. "IBN"/"SPC", with a legend; nodes without a group are grey).
    ``labels`` maps nodes to the text shown next to them and only those nodes are
    labelled; without ``labels`` every node shows its own name. A graph without edges
    gives a small SVG saying there are no collaborations to show.
    """
    import matplotlib  # when a chart is drawn (analysis/charts.py)
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    if lang not in LABELS:
        raise ValueError(f"lang must be one of {sorted(LABELS)}, not {lang!r}")
    if graph.number_of_edges() == 0:
        return _empty_svg(lang, title)
    pos = _layout(graph)
    nodes = sorted(graph.nodes, key=_key)
    edges = _sorted_edges(graph)
    weights = [float(graph.edges[a, b].get("weight", 1)) for a, b in edges]
    low, high = min(weights), max(weights)
    widths = [
        (MIN_EDGE_WIDTH + (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH) * (w - low) / (high - low))
        if high > low
        else 1.2
        for w in weights
    ]
    group_of = {n: groups.get(n) for n in nodes} if groups else {}
    present = sorted({g for g in group_of.values() if g is not None}, key=_key)
    palette = {g: GROUP_COLORS[i % len(GROUP_COLORS)] for i, g in enumerate(present)}
    colors = [palette.get(group_of.get(n), UNGROUPED if groups else BAR) for n in nodes]
    with matplotlib.rc_context(STYLE):
        fig = _figure(figsize)
        ax = fig.add_subplot()
        segments = [[pos[a], pos[b]] for a, b in edges]
        ax.add_collection(
            LineCollection(segments, linewidths=widths, colors=EDGE_COLOR, alpha=0.8, zorder=1)
        )
        ax.scatter(
            [pos[n][0] for n in nodes],
            [pos[n][1] for n in nodes],
            s=80,
            c=colors,
            edgecolors="white",
            linewidths=0.8,
            zorder=2,
        )
        for node in nodes:
            if labels is not None and node not in labels:
                continue
            text = str(labels[node]) if labels is not None else str(node)
            ax.annotate(
                text,
                pos[node],
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=8,
                color=INK,
                zorder=3,
            )
        ax.margins(0.12)
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_axis_off()
        if present:
            handles = [
                Line2D(
                    [],
                    [],
                    linestyle="",
                    marker="o",
                    markersize=8,
                    markerfacecolor=palette[g],
                    markeredgecolor="white",
                    label=str(g),
                )
                for g in present
            ]
            fig.legend(handles=handles, loc="outside right center")
        if title:
            ax.set_title(title)
        return to_svg(fig)
