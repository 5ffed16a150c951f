"""Province outlines from the shipped GeoJSON as plain Python polygons (no geopandas/shapely).

The file is ``clustermonitor/data/be/geo/be_provinces_simplified.geojson`` (WGS84 lon/lat,
one feature per province plus the Brussels-Capital Region; see its PROVENANCE.md). Rings
are re-oriented here — exteriors counter-clockwise, holes clockwise — so that a renderer
using the non-zero fill rule leaves holes (Brussels inside Vlaams-Brabant) empty whatever
the orientation in the source file.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

PROVINCES_GEOJSON = (
    Path(__file__).resolve().parent.parent
    / "data"
    / "be"
    / "geo"
    / "be_provinces_simplified.geojson"
)
FLANDERS = "02000"
WALLONIA = "03000"
BRUSSELS = "04000"

Point = tuple[float, float]  # (longitude, latitude)
Ring = tuple[Point, ...]
Polygon = tuple[Ring, ...]  # exterior first, then holes


@dataclass(frozen=True)
class Area:
    """One province (or the Brussels-Capital Region) and its polygons."""

    nis: str
    name_nl: str
    name_fr: str
    region_nis: str
    polygons: tuple[Polygon, ...]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return bounds([self])


def signed_area(ring: Ring) -> float:
    """Shoelace area in degrees²: positive when the ring runs counter-clockwise.

    >>> signed_area(((0, 0), (1, 0), (1, 1), (0, 1), (0, 0)))
    1.0
    >>> signed_area(((0, 0), (0, 1), (1, 1), (1, 0)))  # clockwise, left open
    -1.0
    """
    closed = ring if ring[:1] == ring[-1:] else (*ring, *ring[:1])
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(closed))


def _oriented(ring, counter_clockwise: bool) -> Ring:
    points = tuple((float(x), float(y)) for x, y, *_ in ring)
    if (signed_area(points) > 0) != counter_clockwise:
        points = points[::-1]
    return points


def _polygon(rings) -> Polygon:
    return (_oriented(rings[0], True), *(_oriented(r, False) for r in rings[1:]))


def load_areas(path: str | Path = PROVINCES_GEOJSON) -> list[Area]:
    """Read the features of a province GeoJSON (Polygon or MultiPolygon geometries).

    >>> areas = load_areas()
    >>> sorted(a.name_nl for a in areas if a.region_nis == FLANDERS)
    ['Antwerpen', 'Limburg', 'Oost-Vlaanderen', 'Vlaams-Brabant', 'West-Vlaanderen']
    """
    return list(_read_areas(str(Path(path).resolve())))


@lru_cache(maxsize=8)
def _read_areas(path: str) -> tuple[Area, ...]:
    # Areas are immutable, so one parse per process serves every map rendered.
    data = json.loads(Path(path).read_text("utf-8"))
    areas = []
    for feature in data["features"]:
        props, geometry = feature["properties"], feature["geometry"]
        if geometry["type"] == "Polygon":
            polygons = (_polygon(geometry["coordinates"]),)
        elif geometry["type"] == "MultiPolygon":
            polygons = tuple(_polygon(p) for p in geometry["coordinates"])
        else:
            raise ValueError(f"{path}: unsupported geometry {geometry['type']!r}")
        areas.append(
            Area(
                nis=str(props["nis"]),
                name_nl=props.get("name_nl", ""),
                name_fr=props.get("name_fr", ""),
                region_nis=str(props.get("region_nis", "")),
                polygons=polygons,
            )
        )
    return tuple(areas)


def bounds(areas) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) over all exterior rings of ``areas``."""
    xs = [x for a in areas for poly in a.polygons for x, _ in poly[0]]
    ys = [y for a in areas for poly in a.polygons for _, y in poly[0]]
    if not xs:
        raise ValueError("no areas to bound")
    return min(xs), min(ys), max(xs), max(ys)


def aspect_ratio(latitude: float) -> float:
    """Vertical stretch for plotting lon/lat degrees at ``latitude`` (1 / cos φ).

    A degree of longitude is shorter than a degree of latitude by cos φ; at Flemish
    latitudes (about 51°) an unscaled lon/lat plot is some 60 % too wide.
    """
    return 1.0 / math.cos(math.radians(latitude))
