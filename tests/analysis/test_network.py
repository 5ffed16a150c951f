"""Collaboration network: graphs, new ties, brokers and bridges on hand-drawn examples."""

import doctest
import re
import xml.etree.ElementTree as ET
from datetime import date

import networkx as nx
import pytest

from clustermonitor.analysis import network
from clustermonitor.analysis.network import (
    Broker,
    Tie,
    bridges,
    bridging_organisations,
    brokers,
    cluster_graph,
    network_svg,
    new_ties,
    organisation_graph,
    summary,
)

SVG = "{http://www.w3.org/2000/svg}"

# The hand-drawn graph: a path a-b-c joined at c to a star around s, whose leaves x and y
# are also linked to each other (a triangle s-x-y):
#
#     a - b - c - s - x
#                  \  |
#                   y-+
#
# n = 6, so normalised betweenness divides the number of pairs whose shortest paths run
# through a node by (n-1)(n-2)/2 = 10 (every shortest path here is unique):
#   b: a with c, s, x, y                 4 pairs → 0.4
#   c: {a, b} with {s, x, y}             6 pairs → 0.6
#   s: {a, b, c} with {x, y}; x-y direct 6 pairs → 0.6
#   a, x, y: on no shortest path between others → 0
HAND_EDGES = [("a", "b"), ("b", "c"), ("c", "s"), ("s", "x"), ("s", "y"), ("x", "y")]


def hand_graph(edges=HAND_EDGES) -> nx.Graph:
    return nx.Graph(edges)


def test_the_docstring_examples_hold():
    result = doctest.testmod(network)
    assert result.attempted >= 5
    assert result.failed == 0


# --- cluster graph ------------------------------------------------------------------------

CLUSTERS = {
    "A": {"name": "Alpha", "type": "IBN"},
    "B": {"name": "Beta", "type": "SPC"},
    "C": {"name": "Gamma", "type": "IBN"},
    "D": {"name": "Delta", "type": "SPC"},
    "E": {"name": "Epsilon", "type": "IBN"},
}


def test_cluster_graph_counts_shared_projects_and_shared_members():
    projects = [
        (2, ["B", "A", "C"]),
        (1, ["A", "B"]),
        (3, ["C"]),  # one cluster: no edge
        (4, ["A", "X"]),  # X is not in scope: ignored
        (5, ["D", "D"]),  # a code twice is still one cluster
    ]
    memberships = [(10, "A"), (10, "B"), (10, "A"), (11, "A"), (11, "B"), (11, "C"), (12, "D")]
    graph = cluster_graph(projects, memberships, CLUSTERS)

    assert sorted(graph.nodes) == ["A", "B", "C", "D", "E"]
    assert graph.nodes["B"] == {"name": "Beta", "type": "SPC"}
    assert graph.edges["A", "B"] == {
        "projects": 2,
        "project_ids": [1, 2],
        "shared_members": 2,
        "member_ids": [10, 11],
        "weight": 4,
    }
    assert graph.edges["A", "C"]["project_ids"] == [2]
    assert graph.edges["A", "C"]["member_ids"] == [11]
    assert graph.edges["A", "C"]["weight"] == 2
    assert graph.edges["B", "C"]["weight"] == 2
    assert graph.number_of_edges() == 3
    assert graph.degree("D") == 0 and graph.degree("E") == 0  # isolated, but present


def test_clusters_linked_by_members_only_or_projects_only():
    graph = cluster_graph([(7, ["A", "B"])], [(1, "C"), (1, "D")], CLUSTERS)
    assert graph.edges["A", "B"]["projects"] == 1
    assert graph.edges["A", "B"]["shared_members"] == 0
    assert graph.edges["C", "D"]["projects"] == 0
    assert graph.edges["C", "D"]["project_ids"] == []
    assert graph.edges["C", "D"]["weight"] == 1


# --- organisation graph and new ties --------------------------------------------------------

COLLABORATIONS = [
    (1, date(2019, 3, 1), [1, 2, 3]),
    (2, date(2020, 6, 1), [2, 1]),  # 1 and 2 again, later
    (3, None, [3, 4]),
    (5, date(2018, 1, 1), [4, 3, 3]),
    (4, None, [5]),  # one party: a node without ties
    (6, None, [6, 7]),  # no date at all
]


def test_organisation_graph_links_the_parties_of_each_collaboration():
    graph = organisation_graph(COLLABORATIONS)
    assert sorted(graph.nodes) == [1, 2, 3, 4, 5, 6, 7]
    assert graph.edges[1, 2] == {
        "collaborations": [1, 2],
        "weight": 2,
        "first_date": date(2019, 3, 1),
    }
    assert graph.edges[1, 3]["collaborations"] == [1]
    assert graph.edges[2, 3]["first_date"] == date(2019, 3, 1)
    # An unknown start date does not hide a known one.
    assert graph.edges[3, 4] == {
        "collaborations": [3, 5],
        "weight": 2,
        "first_date": date(2018, 1, 1),
    }
    assert graph.edges[6, 7]["first_date"] is None
    assert graph.degree(5) == 0
    assert graph.number_of_edges() == 5


def test_new_ties_are_those_first_made_on_or_after_joining():
    graph = organisation_graph(COLLABORATIONS)
    joined = {
        4: date(2017, 1, 1),
        2: date(2020, 1, 1),  # tie with 1 dates from 2019: renewing it in 2020 is not new
        1: date(2019, 3, 1),  # joined the day collaboration 1 started: its ties count
        6: date(2000, 1, 1),  # tie with 7 has no date: cannot tell
        99: date(2000, 1, 1),  # not in any collaboration
    }
    assert new_ties(graph, joined) == [
        Tie(1, 2, date(2019, 3, 1), (1, 2)),
        Tie(1, 3, date(2019, 3, 1), (1,)),
        Tie(4, 3, date(2018, 1, 1), (3, 5)),
    ]


def test_a_tie_made_the_day_before_joining_is_not_new():
    graph = organisation_graph(COLLABORATIONS)
    assert new_ties(graph, {1: date(2019, 3, 2)}) == []
    assert new_ties(graph, {}) == []


def test_new_ties_are_ordered_by_organisation_then_date_then_partner():
    graph = organisation_graph(
        [
            (1, date(2021, 1, 1), [1, 9]),
            (2, date(2020, 1, 1), [1, 8]),
            (3, date(2020, 1, 1), [1, 7]),
            (4, date(2020, 1, 1), [0, 7]),
        ]
    )
    ties = new_ties(graph, {1: date(2019, 1, 1), 0: date(2019, 1, 1)})
    assert [(t.organisation, t.partner) for t in ties] == [(0, 7), (1, 7), (1, 8), (1, 9)]


# --- brokers, bridges, summary ---------------------------------------------------------------


def test_brokers_on_the_hand_drawn_graph():
    found = brokers(hand_graph())
    assert [b.node for b in found] == ["s", "c", "b"]  # s and c tie at 0.6: s has degree 3
    assert [b.betweenness for b in found] == pytest.approx([0.6, 0.6, 0.4])
    assert [b.degree for b in found] == [3, 2, 2]
    assert brokers(hand_graph(), top=1) == [Broker("s", pytest.approx(0.6), 3)]
    assert len(brokers(hand_graph(), top=None)) == 3  # a, x and y have betweenness 0


def test_brokers_without_the_triangle():
    # Without x-y, x and y only reach each other through s: s gains the pair (x, y).
    found = brokers(hand_graph(HAND_EDGES[:-1]))
    assert [(b.node, b.degree) for b in found] == [("s", 3), ("c", 2), ("b", 2)]
    assert [b.betweenness for b in found] == pytest.approx([0.7, 0.6, 0.4])


def test_equal_brokers_sort_by_node():
    # Path a-b-c-d, built back to front: b and c each lie on 2 of the 3 pairs of the others.
    found = brokers(nx.Graph([("d", "c"), ("c", "b"), ("b", "a")]))
    assert [b.node for b in found] == ["b", "c"]
    assert [b.betweenness for b in found] == pytest.approx([2 / 3, 2 / 3])
    assert brokers(nx.Graph([(1, 2)])) == []  # nobody in between
    assert brokers(nx.Graph()) == []


def test_bridges_are_sorted_pairs():
    assert bridges(hand_graph()) == [("a", "b"), ("b", "c"), ("c", "s")]
    reversed_edges = [(v, u) for u, v in reversed(HAND_EDGES)]
    assert bridges(hand_graph(reversed_edges)) == [("a", "b"), ("b", "c"), ("c", "s")]
    # Without the triangle every edge is a bridge.
    assert len(bridges(hand_graph(HAND_EDGES[:-1]))) == 5
    assert bridges(nx.Graph([(3, 1), (10, 3), (1, 10)])) == []
    assert bridges(nx.Graph([(10, 2), (2, 1)])) == [(1, 2), (2, 10)]  # numeric order


def test_bridging_organisations_most_clusters_first():
    org_clusters = {5: {"B", "A"}, 2: {"C"}, 9: {"C", "A", "B"}, 1: {"D", "C"}, 3: set()}
    assert bridging_organisations(org_clusters) == [
        (9, ("A", "B", "C")),
        (1, ("C", "D")),
        (5, ("A", "B")),
    ]


def test_summary_of_the_hand_drawn_graph_with_extras():
    graph = hand_graph()
    graph.add_edge("p", "q")
    graph.add_node("z")
    # 9 nodes, 7 edges: density 7 / (9 · 8 / 2) = 7/36.
    assert summary(graph) == {
        "nodes": 9,
        "edges": 7,
        "density": pytest.approx(7 / 36),
        "components": 3,
        "isolated": 1,
        "largest_component": 6,
    }
    assert summary(nx.Graph()) == {
        "nodes": 0,
        "edges": 0,
        "density": 0.0,
        "components": 0,
        "isolated": 0,
        "largest_component": 0,
    }


# --- SVG ---------------------------------------------------------------------------------


def _circles(svg: str) -> list:
    root = ET.fromstring(svg)
    groups = [g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith("PathCollection")]
    return [use for g in groups for use in g.iter(f"{SVG}use")]


def _comments(svg: str) -> list[str]:
    # With glyphs as paths, matplotlib keeps each text as a comment beside them.
    return re.findall(r"<!-- (.*?) -->", svg)


@pytest.fixture(scope="module")
def cluster_svgs():
    """One cluster graph, and the same graph with nodes and edges added back to front."""
    projects = [(1, ["A", "B"]), (2, ["A", "B", "C"]), (3, ["C", "D"])]
    memberships = [(10, "A"), (10, "C"), (11, "B"), (11, "D")]
    groups = {code: attrs["type"] for code, attrs in CLUSTERS.items()}
    first = cluster_graph(projects, memberships, CLUSTERS)
    second = nx.Graph()
    second.add_nodes_from(reversed(list(first.nodes(data=True))))
    second.add_edges_from((v, u, d) for u, v, d in reversed(list(first.edges(data=True))))
    assert list(second) != list(first)
    return [network_svg(g, groups=groups, title="Clusters") for g in (first, second, first)]


def test_svg_is_byte_identical_whatever_the_insertion_order(cluster_svgs):
    first, second, again = cluster_svgs
    assert first == again
    assert first == second
    assert first.startswith("<svg")
    ET.fromstring(first)


def test_svg_has_no_inline_css(cluster_svgs):
    svg = cluster_svgs[0]
    assert " style=" not in svg
    assert "<style" not in svg


def test_svg_draws_every_node_coloured_by_group_with_a_legend(cluster_svgs):
    svg = cluster_svgs[0]
    circles = _circles(svg)
    assert len(circles) == 5  # E is isolated but drawn
    fills = sorted(c.get("fill") for c in circles)
    # Sorted groups IBN, SPC get the first two colours: A, C, E are IBN; B, D are SPC.
    assert fills.count(network.GROUP_COLORS[0]) == 3
    assert fills.count(network.GROUP_COLORS[1]) == 2
    comments = _comments(svg)
    assert {"A", "B", "C", "D", "E", "IBN", "SPC", "Clusters"} <= set(comments)


def test_edge_width_follows_weight():
    graph = nx.Graph()
    graph.add_edge("a", "b", weight=1)
    graph.add_edge("b", "c", weight=3)
    graph.add_edge("c", "a", weight=2)
    root = ET.fromstring(network_svg(graph))
    lines = next(g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith("LineCollection"))
    widths = sorted(float(p.get("stroke-width")) for p in lines.iter(f"{SVG}path"))
    assert widths == [network.MIN_EDGE_WIDTH, 2.0, network.MAX_EDGE_WIDTH]


def test_only_the_given_labels_are_shown():
    svg = network_svg(hand_graph(), labels={"s": "Star", "zz": "not a node"})
    comments = _comments(svg)
    assert "Star" in comments
    assert not {"a", "b", "c", "s", "x", "y", "not a node"} & set(comments)
    assert len(_circles(svg)) == 6
    # Without groups every node has the one default colour.
    assert {c.get("fill") for c in _circles(svg)} == {network.BAR}


def test_a_graph_without_edges_says_there_is_nothing_to_show():
    dutch = network_svg(nx.Graph())
    english = network_svg(nx.Graph(), lang="en")
    assert _comments(dutch) == ["Geen samenwerkingen om te tonen"]
    assert _comments(english) == ["No collaborations to show"]
    isolated = nx.Graph()
    isolated.add_nodes_from(["A", "B"])
    assert network_svg(isolated) == dutch
    root = ET.fromstring(dutch)  # small: 4 × 1 inch
    assert (root.get("width"), root.get("height")) == ("288pt", "72pt")
    assert " style=" not in dutch
    with pytest.raises(ValueError):
        network_svg(nx.Graph(), lang="fr")


_BETWEENNESS_SCRIPT = """
import random, sys
import networkx as nx
from clustermonitor.analysis.network import betweenness_centrality
rng = random.Random(7)
codes = [f"C{i:02d}" for i in range(40)]
graph = nx.Graph()
graph.add_nodes_from(codes)
graph.add_edges_from((a, b) for a in codes for b in codes if a < b and rng.random() < 0.2)
values = betweenness_centrality(graph)
print(sorted((node, repr(value)) for node, value in values.items()))
"""


@pytest.mark.slow
@pytest.mark.any_database
def test_betweenness_is_the_same_to_the_last_bit_in_every_process():
    """The report's workbook shows betweenness unrounded: restored from a backup (another
    process, another hash seed) it must be byte-identical. The nodes of a component came
    in set order, which follows the per-process string hash, and with it the order of the
    floating-point sums."""
    import os
    import subprocess
    import sys

    outputs = set()
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", _BETWEENNESS_SCRIPT],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        outputs.add(out.stdout)
    assert len(outputs) == 1
