"""The economic-impact estimate's event-study curve as a deterministic SVG (the house
charts: analysis/charts.py). Pure: no Django.

One point per year relative to entry (e = 0 the year a company became a member) with its
95 % interval; the years before entry test the assumption of parallel trends (they should
hover around zero); e = −1 is the reference year of the Callaway–Sant'Anna comparison.
Suppressed points (too few firms) are left out and said so in the caption.
"""

from __future__ import annotations

from collections.abc import Sequence

from clustermonitor.analysis.charts import BAR, INK, STYLE, _figure, format_number, to_svg

TEXT = {
    "nl": {
        "x": "Jaren sinds de toetreding (0 = jaar van toetreding)",
        "y": "Effect op %(outcome)s",
        "none": "Geen punt met genoeg bedrijven om te tonen.",
        "interval": "95%-betrouwbaarheidsinterval",
    },
    "en": {
        "x": "Years since entry (0 = year of entry)",
        "y": "Effect on %(outcome)s",
        "none": "No point with enough firms to show.",
        "interval": "95% confidence interval",
    },
}


def event_study_svg(
    points: Sequence[dict], outcome_label: str, lang: str = "nl", *, percent: bool = False
) -> str:
    """The curve of `points` ({e, att, ci: [low, high]}, att None when suppressed)."""
    from matplotlib import rc_context  # when a chart is drawn (analysis/charts.py)

    text = TEXT.get(lang, TEXT["en"])
    shown = [p for p in points if p.get("att") is not None and p.get("ci")]
    shown.sort(key=lambda p: p["e"])
    with rc_context(STYLE):
        fig = _figure((6.4, 3.2))
        ax = fig.add_subplot()
        if not shown:
            ax.text(0.5, 0.5, text["none"], ha="center", va="center", color=INK)
            ax.set_axis_off()
            return to_svg(fig)
        xs = [p["e"] for p in shown]
        ys = [p["att"] for p in shown]
        lows = [p["ci"][0] for p in shown]
        highs = [p["ci"][1] for p in shown]
        ax.axhline(0, color="#999999", linewidth=0.8)
        ax.axvline(-0.5, color="#bbbbbb", linewidth=0.8, linestyle="--")
        ax.fill_between(xs, lows, highs, color=BAR, alpha=0.18, linewidth=0, label=text["interval"])
        ax.plot(xs, ys, color=BAR, marker="o", markersize=4, linewidth=1.4)
        ax.set_xticks(xs)
        ax.set_xlabel(text["x"])
        ax.set_ylabel(text["y"] % {"outcome": outcome_label})
        ax.yaxis.set_major_formatter(
            lambda value, _pos: format_number(value, lang, 0 if percent else 2, percent=percent)
        )
        ax.legend(loc="upper left")
        return to_svg(fig)
