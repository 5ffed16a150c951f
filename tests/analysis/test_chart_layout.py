"""Chart layout (issue 16): the concentration curve's axis labels were cut off on a
cluster's page (one panel), the effect matrix's numbers overlapped where points crowd
and the matrix had no key to effects 1–11. Checked on the drawn figure: every text
inside the figure, no two effect numbers on top of each other, a key line per effect."""

import re

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from clustermonitor.analysis import charts, cofinancing, effect_chart, survey


@pytest.fixture
def drawn(monkeypatch):
    """The matplotlib figures the chart functions render, drawn, as they were saved."""
    figures = []

    def keep(fig):
        figures.append(fig)
        return charts.to_svg(fig)

    monkeypatch.setattr(cofinancing, "to_svg", keep)
    monkeypatch.setattr(effect_chart, "to_svg", keep)
    return figures


def _texts(fig):
    with matplotlib.rc_context(charts.STYLE):
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        # The text's own box (an annotation's would include its leader line).
        return [
            (t, matplotlib.text.Text.get_window_extent(t, renderer))
            for t in fig.findobj(matplotlib.text.Text)
            if t.get_visible() and t.get_text().strip()
        ], fig.bbox


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("clusters", [1, 3])
def test_the_concentration_curves_labels_stay_inside_the_figure(drawn, lang, clusters):
    amounts = {f"C{i}": [5000, 1000, 1000, 500, 500, 500] for i in range(clusters)}
    cofinancing.lorenz_chart(amounts, lang)
    texts, frame = _texts(drawn[-1])
    for text, box in texts:
        assert box.x0 >= frame.x0 - 0.5 and box.x1 <= frame.x1 + 0.5, text.get_text()
        assert box.y0 >= frame.y0 - 0.5 and box.y1 <= frame.y1 + 0.5, text.get_text()


def _crowded_matrix(seed=1):
    rng = np.random.default_rng(seed)
    columns = {}
    for e in range(1, 12):
        columns[f"q3_e{e}"] = rng.integers(1, 3, 60)
        columns[f"q5_e{e}"] = rng.integers(0, 3, 60)
    return survey.effect_matrix(pd.DataFrame(columns))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_effect_numbers_do_not_overlap_and_stay_inside(drawn, seed):
    matrix = _crowded_matrix(seed)
    spread = matrix["points"][["x", "y"]].max() - matrix["points"][["x", "y"]].min()
    assert spread["x"] < 0.4 and spread["y"] < 0.4  # the points crowd
    survey.effect_matrix_svg(matrix, "nl", "Realisatie")
    texts, frame = _texts(drawn[-1])
    numbers = [(t, b) for t, b in texts if re.fullmatch(r"\d{1,2}", t.get_text())]
    numbers = [(t, b) for t, b in numbers if t.axes is not None and t.get_text() != "0"]
    labels = [(t, b) for t, b in numbers if isinstance(t, matplotlib.text.Annotation)]
    assert sorted(int(t.get_text()) for t, _ in labels) == list(range(1, 12))
    for i, (a, box_a) in enumerate(labels):
        assert frame.contains(box_a.x0, box_a.y0) and frame.contains(box_a.x1, box_a.y1)
        for b, box_b in labels[i + 1 :]:
            assert not box_a.overlaps(box_b), (a.get_text(), b.get_text())
    for text, box in texts:
        assert box.x0 >= frame.x0 - 0.5 and box.x1 <= frame.x1 + 0.5, text.get_text()
        assert box.y0 >= frame.y0 - 0.5, text.get_text()


@pytest.mark.parametrize(("lang", "index"), [("nl", 0), ("en", 1)])
def test_the_effect_matrix_has_a_key_to_effects_1_to_11(drawn, lang, index):
    svg = survey.effect_matrix_svg(_crowded_matrix(), lang)
    comments = re.findall(r"<!-- (.*?) -->", svg)
    for n in range(1, 12):
        assert f"{n}  {survey.EFFECT_NAMES[n][index]}" in comments, n
    for names in survey.EFFECT_GROUPS.values():
        assert names[index] in comments
    assert svg == survey.effect_matrix_svg(_crowded_matrix(), lang)  # same bytes


def test_a_label_is_placed_clear_of_the_points_and_the_other_labels():
    points = [(100 + i, 100 + (i % 3)) for i in range(11)]
    texts = [str(i + 1) for i in range(11)]
    offsets = effect_chart.place_labels(points, texts, (0, 0, 300, 300))
    boxes = [
        (p[0] + o[0], p[1] + o[1], 5.1 * len(t) + 1.5, 9.5)
        for p, o, t in zip(points, offsets, texts, strict=True)
    ]
    for i, a in enumerate(boxes):
        assert not any(
            effect_chart._box_hits_disc(a, p, effect_chart._MARKER_RADIUS) for p in points
        )
        assert not any(effect_chart._boxes_overlap(a, b) for b in boxes[i + 1 :])
    assert offsets == effect_chart.place_labels(points, texts, (0, 0, 300, 300))


def test_the_module_examples_hold():
    import doctest

    assert doctest.testmod(effect_chart).failed == 0
    assert doctest.testmod(cofinancing, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0
