"""Charts for the reach analysis as deterministic SVG strings (matplotlib, no pyplot).

We build ``matplotlib.figure.Figure`` objects directly instead of using pyplot: no global
figure state to leak between web requests or threads, and no backend switch forced on a
notebook that imports this module. Rendering is headless (the SVG backend; Agg for PNG).

Determinism: ``svg.hashsalt`` is fixed so the ids matplotlib derives for clip paths and
markers are the same every run, and the metadata date is dropped. The same input gives a
byte-identical SVG. The returned string starts at ``<svg`` (no XML declaration or
DOCTYPE) so it can be inlined in HTML as it is.

Labels are Dutch by default (``lang="en"`` for English); class codes from ``reach`` are
translated with ``LABELS``, and ``labels={code: text}`` overrides any of them.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from clustermonitor.analysis import geo

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch

# matplotlib is imported by the functions that draw, not with this module: the modules
# that import it for its labels, colours and number format (the home page's inbox, the
# pages' figures) are imported by every process, and most never draw a chart.

STYLE = {
    "svg.hashsalt": "clustermonitor",
    "svg.fonttype": "path",  # glyphs as paths: looks the same in browsers, PDF and PNG
    "font.family": "DejaVu Sans",  # ships with matplotlib, so no font lookup differences
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#666666",
    "axes.labelcolor": "#333333",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "legend.frameon": False,
}
INK = "#333333"
BAR = "#2c6e9b"
# Ordinal classes get a sequential palette (light = small); unknown is grey.
SIZE_COLORS = {
    "micro": "#c6dbef",
    "small": "#6baed6",
    "medium": "#2171b5",
    "large": "#08306b",
    "unknown": "#bdbdbd",
}
FLANDERS_FILL = "#eef2f5"
BRUSSELS_FILL = "#f7f7f7"
MARKER = "#c0392b"

# code | Dutch | English — side by side so that a missing translation shows.
_LABEL_TABLE = """
micro | Micro (< 10) | Micro (< 10)
small | Klein (10–49) | Small (10–49)
medium | Middelgroot (50–249) | Medium (50–249)
large | Groot (≥ 250) | Large (≥ 250)
unknown | Onbekend | Unknown
0-4 | < 5 jaar (start-up) | < 5 years (start-up)
5-9 | 5–9 jaar | 5–9 years
10-19 | 10–19 jaar | 10–19 years
20-49 | 20–49 jaar | 20–49 years
50+ | ≥ 50 jaar | ≥ 50 years
4+ | 4 of meer | 4 or more
n | Aantal bedrijven | Number of companies
share | Aandeel | Share
memberships | Aantal clusterlidmaatschappen | Number of cluster memberships
members | Leden | Members
size_class | Grootteklasse | Size class
no_contributions | Geen bijdragen | No contributions
lorenz_x | Aandeel van de bijdragen, grootste eerst | Share of contributions, largest first
lorenz_y | Aandeel van het totaalbedrag | Share of the total amount
"""
# Short NACE-BEL 2008 section names (the official ones are too long for an axis).
_NACE_TABLE = """
A | Landbouw, bosbouw, visserij | Agriculture, forestry, fishing
B | Winning van delfstoffen | Mining and quarrying
C | Industrie | Manufacturing
D | Energievoorziening | Energy supply
E | Water en afval | Water and waste
F | Bouw | Construction
G | Groot- en detailhandel | Wholesale and retail trade
H | Vervoer en opslag | Transport and storage
I | Horeca | Accommodation and food
J | Informatie en communicatie | Information and communication
K | Financiële activiteiten | Finance and insurance
L | Vastgoed | Real estate
M | Vrije beroepen, wetenschap, techniek | Professional, scientific, technical
N | Administratieve diensten | Administrative services
O | Openbaar bestuur | Public administration
P | Onderwijs | Education
Q | Gezondheidszorg en welzijn | Health and social work
R | Kunst en recreatie | Arts and recreation
S | Overige diensten | Other services
T | Huishoudens | Households
U | Extraterritoriale organisaties | Extraterritorial organisations
"""


def _by_language(table: str) -> dict[str, dict[str, str]]:
    rows = [[cell.strip() for cell in line.split("|")] for line in table.strip().splitlines()]
    return {"nl": {r[0]: r[1] for r in rows}, "en": {r[0]: r[2] for r in rows}}


LABELS = _by_language(_LABEL_TABLE)
NACE_SECTIONS = _by_language(_NACE_TABLE)


def label(code, lang: str = "nl", labels: Mapping | None = None) -> str:
    """The display text for a class code: ``labels`` first, then ``LABELS[lang]``."""
    if lang not in LABELS:
        raise ValueError(f"lang must be one of {sorted(LABELS)}, not {lang!r}")
    if labels and code in labels:
        return str(labels[code])
    return LABELS[lang].get(str(code), str(code))


def nace_labels(lang: str = "nl") -> dict[str, str]:
    """``{"C": "C  Industrie", ...}`` for ``bar_chart(..., labels=nace_labels())``."""
    return {k: f"{k}  {v}" for k, v in NACE_SECTIONS[lang].items()}


def format_number(value: float, lang: str = "nl", decimals: int = 0, percent=False) -> str:
    """Belgian style for Dutch (``1.234,5``, ``19%``), English style otherwise.

    >>> format_number(1234.5, "nl", 1), format_number(0.195, "nl", percent=True)
    ('1.234,5', '20%')
    """
    if percent:
        value *= 100
    text = f"{value:,.{decimals}f}"
    if lang == "nl":
        text = text.translate(str.maketrans(",.", ".,"))
    return f"{text}%" if percent else text


_PATH_DATA = re.compile(r' d="([^"]*)"')
_LONG_DECIMAL = re.compile(r"(\d\.\d{2})\d+")


def _round_path(match: re.Match) -> str:
    return ' d="' + _LONG_DECIMAL.sub(r"\1", match.group(1)) + '"'


_STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"\s*<defs>\s*<style[^>]*>\*\{([^}]*)\}</style>\s*</defs>")
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)


def _attributes(declarations: str) -> str:
    """'fill: #fff; stroke-width: 0.8' → ' fill="#fff" stroke-width="0.8"'."""
    pairs = (d.split(":", 1) for d in declarations.split(";") if ":" in d)
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs)


def to_svg(fig: Figure) -> str:
    """Render a figure to an SVG string without date metadata or XML prologue.

    Path coordinates are cut to 2 decimals (1/100 pt): matplotlib writes 6, which more than
    doubles the size of a map with hundreds of circles for no visible difference. Inline
    CSS (style attributes and the <style> element) becomes SVG presentation attributes:
    a page's Content-Security-Policy without 'unsafe-inline' styles blocks the former,
    and the figure would render black.
    """
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context(STYLE):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue().decode("utf-8")
    text = _METADATA.sub("", text[text.index("<svg") :])
    match = _STYLE_ELEMENT.search(text)
    if match:
        text = text[: match.start()] + text[match.end() :]
        text = text.replace(
            '<g id="figure_1">', f'<g id="figure_1"{_attributes(match.group(1))}>', 1
        )
    text = _STYLE_ATTRIBUTE.sub(lambda m: _attributes(m.group(1)), text)
    return _PATH_DATA.sub(_round_path, text)


def _figure(figsize) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="constrained")


def _wrapped(names: list[str], width_inches: float) -> list[str]:
    """Wrap category labels that would run into their neighbours on a horizontal axis."""
    # About 0.6 em per character at the 9 pt font size; 72 pt to the inch.
    chars = max(8, int(width_inches * 72 / max(len(names), 1) / (0.6 * 9)) - 1)
    return [textwrap.fill(n, chars, break_long_words=False) for n in names]


def _value_axis_off(ax, horizontal: bool) -> None:
    # The bars carry their values; a value axis would repeat them.
    side = ("bottom",) if horizontal else ("left",)
    for name in side:
        ax.spines[name].set_visible(False)
    (ax.xaxis if horizontal else ax.yaxis).set_visible(False)


def bar_chart(
    frame: pd.DataFrame,
    category: str,
    value: str,
    *,
    lang: str = "nl",
    labels: Mapping | None = None,
    title: str | None = None,
    axis_label: str | None = None,
    percent: bool | None = None,
    horizontal: bool = False,
    color: str = BAR,
    figsize: tuple[float, float] | None = None,
) -> str:
    """One bar per row of ``frame``: ``category`` on one axis, ``value`` as bar length.

    Rows with a missing value (e.g. the NaN share of "unknown") are left out; order is kept.
    ``percent`` defaults to ``value == "share"``. Each bar is labelled with its value (the
    value axis is hidden); ``axis_label`` names the category axis.
    """
    import matplotlib

    with matplotlib.rc_context(STYLE):
        rows = frame[frame[value].notna()]
        percent = value == "share" if percent is None else percent
        names = [label(c, lang, labels) for c in rows[category]]
        values = rows[value].astype(float).tolist()
        if figsize is None:
            figsize = (6.4, 0.32 * len(names) + 0.8) if horizontal else (6.4, 3.2)
        fig = _figure(figsize)
        ax = fig.add_subplot()
        positions = range(len(names))
        if horizontal:
            bars = ax.barh(positions, values, color=color, height=0.7)
            ax.set_yticks(list(positions), names)
            ax.invert_yaxis()  # first row on top
            ax.tick_params(axis="y", length=0)
        else:
            bars = ax.bar(positions, values, color=color, width=0.7)
            ax.set_xticks(list(positions), _wrapped(names, figsize[0]))
            ax.tick_params(axis="x", length=0)
        # A share under 1 % would read "0%": give it one decimal.
        texts = [
            format_number(v, lang, int(percent and 0 < v < 0.01), percent=percent) for v in values
        ]
        ax.bar_label(bars, texts, padding=3, color=INK)
        ax.margins(**({"x": 0.12} if horizontal else {"y": 0.12}))
        _value_axis_off(ax, horizontal)
        if axis_label:
            (ax.set_ylabel if horizontal else ax.set_xlabel)(axis_label)
        if title:
            ax.set_title(title)
        return to_svg(fig)


def stacked_bar_chart(
    frame: pd.DataFrame,
    category: str,
    stacks: Sequence[str] = ("micro", "small", "medium", "large", "unknown"),
    *,
    normalize: bool = False,
    lang: str = "nl",
    labels: Mapping | None = None,
    title: str | None = None,
    axis_label: str | None = None,
    legend_title: str | None = None,
    colors: Mapping[str, str] | None = None,
    figsize: tuple[float, float] = (6.4, 3.4),
) -> str:
    """Vertical bars per ``category`` row, stacked by the ``stacks`` columns.

    Made for ``reach.memberships_per_organisation`` (category ``"memberships"``, stacks the
    size classes). With ``normalize`` each bar shows shares (the composition, which is what
    Figure 5 compares: the "1" bar dwarfs the others in counts); "n = ..." above each bar
    gives its total either way. Stack columns that are zero everywhere are left out.
    """
    import matplotlib
    from matplotlib.ticker import FuncFormatter

    colors = {**SIZE_COLORS, **(colors or {})}
    with matplotlib.rc_context(STYLE):
        stacks = [s for s in stacks if frame[s].sum() > 0]
        totals = frame[stacks].sum(axis=1).astype(float).to_numpy()
        fig = _figure(figsize)
        ax = fig.add_subplot()
        positions = list(range(len(frame)))
        bottom = [0.0] * len(frame)
        for stack in stacks:
            counts = frame[stack].astype(float).to_numpy()
            heights = [
                (c / t if t else 0.0) if normalize else c
                for c, t in zip(counts, totals, strict=True)
            ]
            ax.bar(
                positions,
                heights,
                bottom=bottom,
                width=0.65,
                color=colors.get(stack, BAR),
                edgecolor="white",
                linewidth=0.6,
                label=label(stack, lang, labels),
            )
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        for x, top, total in zip(positions, bottom, totals, strict=True):
            ax.annotate(
                f"n = {format_number(total, lang)}",
                (x, top),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                color=INK,
            )
        names = [label(c, lang, labels) for c in frame[category]]
        ax.set_xticks(positions, _wrapped(names, figsize[0] * 0.7))  # the legend takes 30 %
        ax.tick_params(axis="x", length=0)
        ax.set_xlabel(axis_label if axis_label is not None else label(category, lang, labels))
        ax.margins(y=0.1)
        if normalize:
            ax.set_ylim(0, 1.1)
            ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
            ax.yaxis.set_major_formatter(
                FuncFormatter(lambda v, _: format_number(v, lang, percent=True))
            )
            ax.spines["left"].set_bounds(0, 1)
        else:
            ax.set_ylabel(label("n", lang, labels))
        ax.set_xlim(-0.5, len(positions) - 0.5)  # keep the slots when every bar is empty
        handles, names = ax.get_legend_handles_labels()
        if handles:
            fig.legend(
                handles[::-1],  # top of the stack first, as the eye reads it
                names[::-1],
                loc="outside right center",
                title=legend_title if legend_title is not None else label("size_class", lang),
                alignment="left",
            )
        if title:
            ax.set_title(title)
        return to_svg(fig)


def _nice_values(maximum: float) -> list[int]:
    """Up to three round legend values (1-2-5 steps) not above ``maximum``."""
    if maximum < 1:
        return []
    exponent = 10 ** math.floor(math.log10(maximum))
    top = max(m * exponent for m in (1, 2, 5, 10) if m * exponent <= maximum)
    candidates = [top, top / 2, top / 10] if top >= 10 else [top, top / 2]
    values = sorted({round(v) for v in candidates if v >= 1}, reverse=True)
    return values[:3]


def _area_patch(area: geo.Area, **style) -> PathPatch:
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    vertices, codes = [], []
    for polygon in area.polygons:
        for ring in polygon:
            vertices.extend(ring)
            codes.extend(
                [MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + [MplPath.CLOSEPOLY]
            )
    return PathPatch(MplPath(vertices, codes), **style)


def map_chart(
    municipalities: pd.DataFrame,
    provinces_geojson_path: str | Path = geo.PROVINCES_GEOJSON,
    *,
    value: str = "n",
    lang: str = "nl",
    title: str | None = None,
    legend_title: str | None = None,
    max_marker_area: float = 700.0,
    max_area_per_member: float = 60.0,
    figsize: tuple[float, float] = (8.0, 3.1),
) -> str:
    """Flanders' provinces (Brussels lightly) with a circle per municipality, area ∝ ``value``.

    ``municipalities`` is ``reach.by_municipality`` output (``latitude``, ``longitude`` and
    ``value`` columns); rows without coordinates are skipped. The largest circle has
    ``max_marker_area`` pt², but one member never gets more than ``max_area_per_member`` pt²
    (so a small cluster's single members do not show as big blobs); a size legend shows
    round values. Drawn from the shipped
    GeoJSON only: no tiles, no network. Lon/lat are stretched by 1/cos(latitude) so the
    shapes are not squashed. Walloon provinces appear faintly only when a member lies
    outside Flanders and Brussels.
    """
    import matplotlib
    from matplotlib.lines import Line2D

    areas = geo.load_areas(provinces_geojson_path)
    core = [a for a in areas if a.region_nis in (geo.FLANDERS, geo.BRUSSELS)]
    points = municipalities[municipalities[["latitude", "longitude"]].notna().all(axis=1)]
    points = points[points[value] > 0].sort_values(value, ascending=False, kind="stable")
    x0, y0, x1, y1 = geo.bounds(core)
    outside = points[~points["longitude"].between(x0, x1) | ~points["latitude"].between(y0, y1)]
    if len(outside):
        x0, x1 = min(x0, outside["longitude"].min()), max(x1, outside["longitude"].max())
        y0, y1 = min(y0, outside["latitude"].min()), max(y1, outside["latitude"].max())
    with matplotlib.rc_context(STYLE):
        fig = _figure(figsize)
        ax = fig.add_subplot()
        for area in areas:
            if area.region_nis == geo.FLANDERS:
                style = {"facecolor": FLANDERS_FILL, "edgecolor": "#7f8c8d", "linewidth": 0.7}
            elif area.region_nis == geo.BRUSSELS:
                style = {"facecolor": BRUSSELS_FILL, "edgecolor": "#b0b0b0", "linewidth": 0.5}
            elif len(outside):
                style = {"facecolor": "none", "edgecolor": "#dddddd", "linewidth": 0.4}
            else:
                continue
            ax.add_patch(_area_patch(area, zorder=1, **style))
        maximum = float(points[value].max()) if len(points) else 0.0
        scale = min(max_marker_area / maximum, max_area_per_member) if maximum else 0.0
        marker = {"color": MARKER, "alpha": 0.55, "edgecolors": "white", "linewidths": 0.5}
        # Largest first so small circles stay visible on top of big ones.
        ax.scatter(
            points["longitude"], points["latitude"], s=points[value] * scale, zorder=2, **marker
        )
        pad_x, pad_y = 0.03 * (x1 - x0), 0.05 * (y1 - y0)
        ax.set_xlim(x0 - pad_x, x1 + pad_x)
        ax.set_ylim(y0 - pad_y, y1 + pad_y)
        ax.set_aspect(geo.aspect_ratio((y0 + y1) / 2))
        ax.set_axis_off()
        # Legend keys built apart from the axes (a Line2D's markersize is the diameter,
        # scatter's s the area, so markersize = sqrt(s)).
        handles = [
            Line2D(
                [],
                [],
                linestyle="",
                marker="o",
                markersize=math.sqrt(v * scale),
                markerfacecolor=MARKER,
                markeredgecolor="white",
                markeredgewidth=0.5,
                alpha=0.55,
                label=format_number(v, lang),
            )
            for v in _nice_values(maximum)
        ]
        if handles:
            fig.legend(
                handles=handles,
                loc="outside right center",
                title=legend_title if legend_title is not None else label("members", lang),
                labelspacing=1.6,
                borderpad=1.0,
                handletextpad=1.2,
            )
        if title:
            ax.set_title(title)
        return to_svg(fig)
