"""Charts are deterministic, well-formed SVG; the analysis package stays free of Django."""

import ast
import doctest
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from clustermonitor.analysis import charts, geo, reach
from tests.source_tree import parsed

SVG = "{http://www.w3.org/2000/svg}"
ANALYSIS = Path(reach.__file__).parent

SIZES = pd.DataFrame(
    {
        "size_class": ["micro", "small", "medium", "large", "unknown"],
        "n": [40, 20, 15, 5, 3],
        "share": [0.5, 0.25, 0.1875, 0.0625, float("nan")],
    }
)
MEMBERSHIPS = pd.DataFrame(
    {
        "memberships": ["1", "2", "3", "4+"],
        "micro": [30, 3, 0, 0],
        "small": [20, 2, 1, 0],
        "medium": [10, 1, 1, 1],
        "large": [5, 2, 1, 1],
        "unknown": [2, 0, 0, 0],
        "total": [67, 8, 3, 2],
    }
)
MUNICIPALITIES = pd.DataFrame(
    {
        "municipality_nis": ["11002", "44021", "24062", "31005", "71022"],
        "municipality": ["Antwerpen", "Gent", "Leuven", "Brugge", "Hasselt"],
        "province_nis": ["10000", "40000", "20001", "30000", "70000"],
        "n": [25, 12, 7, 3, 1],
        "latitude": [51.22, 51.05, 50.88, 51.21, 50.93],
        "longitude": [4.40, 3.72, 4.70, 3.22, 5.34],
    }
)


# Render each chart twice, once per module: rendering is the slow part of these tests.
RENDERS = {
    "bar": lambda: charts.bar_chart(SIZES, "size_class", "share"),
    "stacked": lambda: charts.stacked_bar_chart(MEMBERSHIPS, "memberships", normalize=True),
    # One municipality without coordinates: it must be skipped, not drawn at (0, 0).
    "map": lambda: charts.map_chart(
        pd.concat(
            [MUNICIPALITIES, MUNICIPALITIES.head(1).assign(latitude=float("nan"), n=4)],
            ignore_index=True,
        )
    ),
}


@pytest.fixture(scope="module")
def rendered():
    return {name: (render(), render()) for name, render in RENDERS.items()}


@pytest.mark.parametrize("name", sorted(RENDERS))
def test_same_input_gives_byte_identical_well_formed_svg(rendered, name):
    first, second = rendered[name]
    assert first == second
    assert first.startswith("<svg")
    root = ET.fromstring(first)  # well-formed XML
    assert root.tag == f"{SVG}svg"
    assert "<dc:date" not in first


def test_map_draws_one_circle_per_municipality_with_coordinates(rendered):
    root = ET.fromstring(rendered["map"][0])
    groups = [g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith("PathCollection")]
    assert sum(len(g.findall(f"{SVG}path")) for g in groups) == len(MUNICIPALITIES)


def test_labels_follow_the_language(rendered):
    english = charts.bar_chart(SIZES, "size_class", "n", lang="en", horizontal=True, title="Size")
    ET.fromstring(english)
    assert english != rendered["bar"][0]
    assert charts.label("medium") == "Middelgroot (50–249)"
    assert charts.label("medium", "en") == "Medium (50–249)"
    assert charts.label("medium", labels={"medium": "KMO"}) == "KMO"
    assert charts.nace_labels("en")["C"] == "C  Manufacturing"
    with pytest.raises(ValueError):
        charts.label("medium", "fr")


def test_numbers_are_formatted_the_belgian_way_in_dutch():
    assert charts.format_number(1234, "nl") == "1.234"
    assert charts.format_number(22.5, "nl", 1) == "22,5"
    assert charts.format_number(0.19, "nl", percent=True) == "19%"
    assert charts.format_number(1234.5, "en", 1) == "1,234.5"
    assert doctest.testmod(charts).failed == 0


def test_empty_inputs_still_render():
    empty = MUNICIPALITIES.iloc[0:0]
    ET.fromstring(charts.map_chart(empty))
    ET.fromstring(charts.bar_chart(SIZES.iloc[0:0], "size_class", "share"))
    # A cluster without companies: four empty slots, no legend.
    zeros = MEMBERSHIPS.assign(**{c: 0 for c in MEMBERSHIPS.columns if c != "memberships"})
    root = ET.fromstring(charts.stacked_bar_chart(zeros, "memberships", normalize=True))
    assert not [g for g in root.iter(f"{SVG}g") if g.get("id", "").startswith("legend")]


def test_legend_values_are_round():
    assert charts._nice_values(171) == [100, 50, 10]
    assert charts._nice_values(13) == [10, 5, 1]
    assert charts._nice_values(1) == [1]
    assert charts._nice_values(0) == []


def test_province_outlines_load_as_plain_polygons():
    areas = geo.load_areas()
    flemish = {a.name_nl for a in areas if a.region_nis == geo.FLANDERS}
    assert flemish == {
        "Antwerpen",
        "Limburg",
        "Oost-Vlaanderen",
        "Vlaams-Brabant",
        "West-Vlaanderen",
    }
    brabant = next(a for a in areas if a.name_nl == "Vlaams-Brabant")
    exterior, *holes = brabant.polygons[0]
    assert geo.signed_area(exterior) > 0  # exteriors counter-clockwise
    assert holes and all(geo.signed_area(h) < 0 for h in holes)  # Brussels is a hole
    x0, y0, x1, y1 = geo.bounds([a for a in areas if a.region_nis == geo.FLANDERS])
    assert 2.5 < x0 < 2.6 and 5.9 < x1 < 6.0 and 50.6 < y0 < 50.7 and 51.5 < y1 < 51.6
    assert doctest.testmod(geo).failed == 0


def test_the_analysis_package_imports_no_django():
    for path in sorted(ANALYSIS.rglob("*.py")):
        tree = parsed(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] != "django", f"{path.name} imports {name}"
                # Other clustermonitor packages may pull Django in behind our back.
                if name.startswith("clustermonitor"):
                    assert name.startswith("clustermonitor.analysis"), f"{path.name}: {name}"


def test_svg_has_no_inline_css_that_a_content_security_policy_would_block():
    import pandas as pd

    from clustermonitor.analysis import charts

    frame = pd.DataFrame({"size_class": ["micro", "small"], "share": [0.4, 0.6]})
    svg = charts.bar_chart(frame, "size_class", "share")
    assert "style=" not in svg and "<style" not in svg and "<metadata" not in svg
    assert 'fill="#' in svg and 'stroke-linejoin="round"' in svg
