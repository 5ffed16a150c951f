"""The effect matrix as a figure (the report's Figure 7): points coloured by effect
group, their numbers nudged apart where points crowd, dashed cross-hairs, and a key with
every effect's number and short name. Split from survey.py, which keeps the numbers."""

from __future__ import annotations

import math

import pandas as pd

from clustermonitor.analysis.charts import INK, STYLE, to_svg
from clustermonitor.analysis.survey import (
    AXIS_LABELS,
    EFFECT_GROUPS,
    EFFECT_NAMES,
    GROUP_COLORS,
    Y_RANGE,
    effect_matrix,  # noqa: F401 - the doctest's
)

#: Where an effect's number may sit around its point, nearest first (offsets in points
#: of the label's centre): the first that overlaps no other label, no point and stays in
#: the frame is taken, farther ones get a thin leader line.
_LABEL_RADII = (7, 12, 18, 25, 33, 42)
_LABEL_ANGLES = (45, 135, -45, -135, 90, -90, 0, 180, 22, 158, -22, -158, 68, 112, -68, -112)
_MARKER_RADIUS = 4.0  # points: s=36 is a 6 pt disc, with its white edge


def _boxes_overlap(a, b) -> bool:
    return abs(a[0] - b[0]) * 2 < a[2] + b[2] and abs(a[1] - b[1]) * 2 < a[3] + b[3]


def _box_hits_disc(box, centre, radius) -> bool:
    dx = max(abs(centre[0] - box[0]) - box[2] / 2, 0)
    dy = max(abs(centre[1] - box[1]) - box[3] / 2, 0)
    return dx * dx + dy * dy < radius * radius


def place_labels(points, texts, frame, char_width=5.1, height=9.5) -> list[tuple[float, float]]:
    """Offsets (points) for the labels of points given in points (display units), so that
    no label covers another or a point: a simple deterministic nudge, nearest free place
    first. ``frame`` is (left, bottom, right, top); a label stays inside it.

    >>> place_labels([(100, 100), (101, 100)], ["1", "2"], (0, 0, 200, 200))
    [(8.49, 8.49), (-8.49, 8.49)]
    """
    placed: list[tuple] = []
    offsets = []
    for (px, py), text in zip(points, texts, strict=True):
        w, h = char_width * len(text) + 1.5, height
        chosen = None
        for r in _LABEL_RADII:
            for angle in _LABEL_ANGLES:
                dx = round(r * math.cos(math.radians(angle)), 2)
                dy = round(r * math.sin(math.radians(angle)), 2)
                box = (px + dx, py + dy, w, h)
                inside = (
                    frame[0] <= box[0] - w / 2
                    and box[0] + w / 2 <= frame[2]
                    and frame[1] <= box[1] - h / 2
                    and box[1] + h / 2 <= frame[3]
                )
                if (
                    inside
                    and not any(_boxes_overlap(box, other) for other in placed)
                    and not any(_box_hits_disc(box, p, _MARKER_RADIUS) for p in points)
                ):
                    chosen = (dx, dy)
                    break
            if chosen:
                break
        if chosen is None:  # nowhere free: the nearest place up and right
            chosen = (5.0, 5.0)
        placed.append((px + chosen[0], py + chosen[1], w, h))
        offsets.append(chosen)
    return offsets


def _key_lines(points: pd.DataFrame, lang: str) -> list[tuple[str, str, bool]]:
    """The key: per effect group (in GROUP_COLORS' order) its name, then its effects'
    numbers and short names. (text, colour, heading)."""
    index = 0 if lang == "nl" else 1
    lines = []
    for group, color in GROUP_COLORS.items():
        numbers = sorted(points.loc[points["group"] == group, "effect"]) if len(points) else []
        if not numbers:
            continue
        names = EFFECT_GROUPS.get(group)
        lines.append((names[index] if names else group, color, True))
        for n in numbers:
            name = EFFECT_NAMES.get(int(n))
            lines.append((f"{n}  {name[index]}" if name else str(n), INK, False))
    return lines


def effect_matrix_svg(
    matrix: dict, lang: str = "nl", title: str | None = None, figsize=(6.4, 5.4)
) -> str:
    """The matrix as a deterministic SVG scatter: effect numbers as labels (nudged apart
    where points crowd, with a leader line when moved far), colour by effect group,
    dashed cross-hairs at ``x_mean``/``y_mean``, and below a key: each group with its
    effects' numbers and short names. Points without x or y are left out.

    >>> m = effect_matrix(pd.DataFrame({"q3_e1": [2, 1], "q5_e1": [2, 1]}), {1: "leverage"})
    >>> svg = effect_matrix_svg(m, "en")
    >>> svg.startswith("<svg"), svg == effect_matrix_svg(m, "en")
    (True, True)
    """
    import matplotlib  # when a chart is drawn (analysis/charts.py)
    from matplotlib.figure import Figure

    if lang not in AXIS_LABELS:
        raise ValueError(f"lang must be one of {sorted(AXIS_LABELS)}, not {lang!r}")
    kind, points = matrix["kind"], matrix["points"]
    shown = points.dropna(subset=["x", "y"]) if len(points) else points
    top = Y_RANGE[kind][1]
    key = _key_lines(points, lang)
    width, height = figsize
    row = 10.5 / 72  # inches per key line (7.5 pt type)
    rows = max(1, math.ceil(len(key) / 2)) if key else 0
    key_top = 0.12 + rows * row  # inches from the bottom
    left, right = 0.13, 0.97
    bottom = (key_top + 0.62) / height  # the x ticks and the axis label above the key
    top_edge = 1 - 0.38 / height
    with matplotlib.rc_context(STYLE):
        # A fixed layout: constrained layout doubles the time for the same picture.
        fig = Figure(figsize=figsize)
        fig.subplots_adjust(left=left, right=right, top=top_edge, bottom=bottom)
        ax = fig.add_subplot()
        # Where the points are, in points (1/72 inch) from the figure's corner.
        frame_w = (right - left) * width * 72
        frame_h = (top_edge - bottom) * height * 72
        ordered = (
            shown.sort_values(["y", "x", "effect"], ascending=[False, True, True])
            if len(shown)
            else shown
        )
        where = [
            (float(r["x"]) / 2 * frame_w, float(r["y"]) / top * frame_h)
            for _, r in ordered.iterrows()
        ]
        offsets = place_labels(
            where, [str(r["effect"]) for _, r in ordered.iterrows()], (0, 0, frame_w, frame_h)
        )
        for group, color in GROUP_COLORS.items():
            rows_ = shown[shown["group"] == group] if len(shown) else shown
            ax.scatter(rows_["x"], rows_["y"], s=36, color=color, edgecolors="white", zorder=3)
        for (_, r), (dx, dy) in zip(ordered.iterrows(), offsets, strict=True):
            far = math.hypot(dx, dy) > _LABEL_RADII[0] + 0.5
            ax.annotate(
                str(r["effect"]),
                (r["x"], r["y"]),
                xytext=(dx, dy),
                textcoords="offset points",
                ha="center",
                va="center",
                color=INK,
                fontsize=8,
                zorder=4,
                arrowprops=(
                    {
                        "arrowstyle": "-",
                        "color": "#999999",
                        "linewidth": 0.5,
                        "shrinkA": 4,
                        "shrinkB": 3,
                    }
                    if far
                    else None
                ),
            )
        for value, line in ((matrix["x_mean"], ax.axvline), (matrix["y_mean"], ax.axhline)):
            if not pd.isna(value):
                line(value, color="#888888", linestyle="--", linewidth=0.8, zorder=1)
        ax.set_xlim(0, 2)
        ax.set_ylim(0, top)
        ax.set_xticks([0, 0.5, 1, 1.5, 2])
        ax.set_xlabel(AXIS_LABELS[lang]["x"])
        ax.set_ylabel(f"{AXIS_LABELS[lang][kind]}\n{AXIS_LABELS[lang]['wanting']}")
        # The key in two columns: the first group fills the left one when it can.
        split = rows
        first = next((i for i, line in enumerate(key) if i and line[2]), len(key))
        if first <= rows and len(key) - first <= rows:
            split = first
        for i, (text, color, heading) in enumerate(key):
            column, line_no = (0, i) if i < split else (1, i - split)
            x, y = 0.02 + column * 0.5, (key_top - line_no * row) / height
            if heading:  # the group's colour as its points show it, the name in ink
                fig.text(x, y, "\u25cf", color=color, fontsize=8, va="top", ha="left")
                x += 0.022
            fig.text(x, y, text, color=INK, fontsize=7.5, va="top", ha="left")
        if title:
            ax.set_title(title)
        return to_svg(fig)
