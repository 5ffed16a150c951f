"""Trajectories: the path of a cluster's reported KPI values and a forecast to its target.

Input, per cluster and KPI: the reported points ``(date, value)``, the agreement's start,
the date the forecast is made for (the *horizon*: the agreement's end, which for an IBN is
also the 3-year target's due date) and the target.

Method (stated on the trajectory pages and in docs/dashboard.md):

1. The KPIs count from the agreement's start, so every path starts at ``(start, 0)``.
2. Each reported point becomes ``(t, v)`` with ``t`` = days elapsed since the start.
   Points on or before the start day carry no information about the pace and are left
   out; two reports for the same date keep the one given last.
3. The pace is the least-squares slope of a straight line *through the origin*:
   ``slope = Σ t·v / Σ t²`` (values per day). With a single point this is that point's
   own pace ``v / t`` — "the last reported pace".
4. The forecast is the value of that line at the horizon: ``slope × (horizon − start)``
   in days.
5. Status, against the target: **on track** when forecast ≥ target, **at risk** when
   forecast ≥ 90 % of the target, **off track** below that; **unknown** without a usable
   point or without a target.

Arithmetic is exact (fractions), so a forecast exactly on the target or on 90 % of it is
on track or at risk, never the victim of float noise. The whole-percent figures round
halves up, as the co-financing table does (``cofinancing.k_percent``).

Worked example (hand-computed): start 1/1/2017, horizon 31/12/2019 (1,094 days), points
60 after 365 days and 130 after 730 days. Σt·v = 60·365 + 130·730 = 116,800; Σt² =
365² + 730² = 666,125; slope = 116,800 / 666,125 = 0.17534 a day; forecast = 0.17534 ×
1,094 = 191.82. Against a target of 200: 95.9 %, **at risk**; against 190: on track.

>>> import datetime as dt
>>> t = trajectory([(dt.date(2018, 1, 1), 60), (dt.date(2019, 1, 1), 130)],
...                dt.date(2017, 1, 1), dt.date(2019, 12, 31), 200)
>>> round(float(t.forecast), 2), t.status, t.percent_of_target
(191.82, 'at_risk', 96)
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from numbers import Real

from clustermonitor.analysis.charts import BAR, INK, MARKER, STYLE, _figure, format_number, to_svg

ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
UNKNOWN = "unknown"
#: Most urgent first: the order of the programme's list.
STATUS_ORDER = (OFF_TRACK, AT_RISK, ON_TRACK, UNKNOWN)
#: A forecast at or above this share of the target is "at risk" rather than "off track".
AT_RISK_SHARE = Fraction(9, 10)

LEAST_SQUARES = "least_squares"
SINGLE_POINT = "single_point"
NO_POINTS = "no_points"

TARGET_COLOR = "#7f8c8d"


def exact(value) -> Fraction:
    """A number as an exact fraction: ints, Decimals and Fractions as they are, a float by
    its shortest decimal text (``0.1`` is one tenth, not the binary approximation).

    >>> exact(0.1), exact(Decimal("196.00")), exact(7)
    (Fraction(1, 10), Fraction(196, 1), Fraction(7, 1))
    """
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return Fraction(repr(value))
    if isinstance(value, Fraction | int | Decimal):
        return Fraction(value)
    if isinstance(value, Real):
        return Fraction(repr(float(value)))
    raise TypeError(f"not a number: {value!r}")


def whole_percent(part, whole) -> int | None:
    """100·part/whole as a whole percent, halves up; None when ``whole`` is 0 or missing.

    Table 5 of the 2020 evaluation: 1,132 of 1,337 → 85, 658 of 690 → 95, 176 of 246 → 72.

    >>> whole_percent(1132, 1337), whole_percent(658, 690), whole_percent(176, 246)
    (85, 95, 72)
    >>> whole_percent(1, 8), whole_percent(5, 0), whole_percent(None, 3)
    (13, None, None)
    """
    if part is None or whole is None or exact(whole) == 0:
        return None
    return math.floor(100 * exact(part) / exact(whole) + Fraction(1, 2))


def rounded(value, decimals: int = 1) -> Decimal | None:
    """A fraction as a Decimal with ``decimals`` places, halves up (for display only).

    >>> rounded(Fraction(383, 2), 0), rounded(Fraction(1, 3))
    (Decimal('192'), Decimal('0.3'))
    """
    if value is None:
        return None
    value = exact(value)
    quantum = Decimal(1).scaleb(-decimals)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        quantum, rounding=ROUND_HALF_UP
    )


def classify(forecast, target) -> str:
    """The status of a forecast against a target (step 5 of the method).

    >>> classify(200, 200), classify(180, 200), classify(Fraction(17999, 100), 200)
    ('on_track', 'at_risk', 'off_track')
    >>> classify(None, 200), classify(12, None), classify(0, 0)
    ('unknown', 'unknown', 'on_track')
    """
    if forecast is None or target is None:
        return UNKNOWN
    forecast, target = exact(forecast), exact(target)
    if forecast >= target:
        return ON_TRACK
    if forecast >= AT_RISK_SHARE * target:
        return AT_RISK
    return OFF_TRACK


@dataclass(frozen=True)
class Point:
    date: datetime.date
    value: Fraction
    days: int  # elapsed since the agreement's start

    @property
    def value_display(self) -> Decimal | None:
        return rounded(self.value, 0 if self.value.denominator == 1 else 2)


@dataclass(frozen=True)
class Trajectory:
    """One cluster's path for one KPI and where it leads (see the module docstring)."""

    start: datetime.date
    horizon: datetime.date
    target: Fraction | None
    points: tuple[Point, ...]  # the points used, by date
    ignored: tuple[tuple[datetime.date, Fraction], ...]  # on or before the start day
    slope: Fraction | None  # per day
    forecast: Fraction | None
    method: str  # least_squares | single_point | no_points
    status: str

    @property
    def total_days(self) -> int:
        return (self.horizon - self.start).days

    @property
    def last(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def percent_of_target(self) -> int | None:
        """The forecast as a whole percent of the target (halves up)."""
        return whole_percent(self.forecast, self.target)

    @property
    def forecast_display(self) -> Decimal | None:
        return rounded(self.forecast, 1)

    @property
    def target_display(self) -> Decimal | None:
        return rounded(self.target, 0 if self.target is None or self.target.denominator == 1 else 2)

    @property
    def pace_per_year(self) -> Decimal | None:
        """The fitted pace per 365 days (display only)."""
        return rounded(self.slope * 365, 1) if self.slope is not None else None

    @property
    def pace_needed_per_year(self) -> Decimal | None:
        """The pace of the straight path from (start, 0) to (horizon, target)."""
        if self.target is None or self.total_days <= 0:
            return None
        return rounded(self.target / self.total_days * 365, 1)

    def value_at(self, day: datetime.date) -> Fraction | None:
        """The fitted line's value on ``day``."""
        if self.slope is None:
            return None
        return self.slope * (day - self.start).days

    @property
    def reaches_target_on(self) -> datetime.date | None:
        """The day the fitted line reaches the target (None without a pace or target)."""
        if self.slope is None or not self.slope or self.target is None:
            return None
        return self.start + datetime.timedelta(days=math.ceil(self.target / self.slope))


def trajectory(
    points: Iterable[tuple[datetime.date, object]],
    start: datetime.date,
    horizon: datetime.date,
    target=None,
) -> Trajectory:
    """Fit the reported ``points`` and forecast the value at ``horizon`` (the method above).

    ``points``: ``(date, value)`` pairs in any order; for a date given twice the later pair
    wins (pass reports oldest first). ``target`` may be None (status ``unknown``).

    Hand-computed examples (agreement 1/1/2017 – 31/12/2019, 1,094 days):

    >>> import datetime as dt
    >>> start, end = dt.date(2017, 1, 1), dt.date(2019, 12, 31)

    One point, 50 after 365 days: pace 50/365 a day, forecast 50 × 1,094 / 365 = 149.86.

    >>> t = trajectory([(dt.date(2018, 1, 1), 50)], start, end, 150)
    >>> t.method, t.forecast_display, t.status
    ('single_point', Decimal('149.9'), 'at_risk')

    Exactly proportional points lie on the line: 40 after 365 days and 80 after 730 days
    give slope 40/365 and forecast 40 × 1,094 / 365 = 119.89, off track for 140
    (86 % < 90 %).

    >>> t = trajectory([(dt.date(2018, 1, 1), 40), (dt.date(2019, 1, 1), 80)], start, end, 140)
    >>> t.method, t.slope == Fraction(40, 365), t.forecast_display, t.status
    ('least_squares', True, Decimal('119.9'), 'off_track')

    Without points or target there is nothing to judge:

    >>> trajectory([], start, end, 100).status, trajectory([(end, 9)], start, end).status
    ('unknown', 'unknown')
    """
    if horizon <= start:
        raise ValueError(f"the horizon {horizon} must lie after the start {start}")
    by_date: dict[datetime.date, Fraction] = {}
    for day, value in points:
        if value is None:
            continue
        by_date[day] = exact(value)
    used = tuple(
        Point(day, value, (day - start).days)
        for day, value in sorted(by_date.items())
        if day > start
    )
    ignored = tuple((day, value) for day, value in sorted(by_date.items()) if day <= start)
    target = exact(target) if target is not None else None
    if not used:
        return Trajectory(start, horizon, target, used, ignored, None, None, NO_POINTS, UNKNOWN)
    slope = sum(Fraction(p.days) * p.value for p in used) / sum(Fraction(p.days) ** 2 for p in used)
    forecast = slope * (horizon - start).days
    method = SINGLE_POINT if len(used) == 1 else LEAST_SQUARES
    return Trajectory(
        start,
        horizon,
        target,
        used,
        ignored,
        slope,
        forecast,
        method,
        classify(forecast, target),
    )


def sort_key(status: str) -> int:
    """Position of a status in :data:`STATUS_ORDER` (most urgent first)."""
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


# -- Chart --------------------------------------------------------------------------

_TEXT = {
    "nl": {
        "reported": "Gerapporteerd",
        "forecast": "Prognose",
        "target": "Streefwaarde",
        "end": "einde",
    },
    "en": {"reported": "Reported", "forecast": "Forecast", "target": "Target", "end": "end"},
}
STATUS_COLORS = {ON_TRACK: "#2e7d32", AT_RISK: "#b26a00", OFF_TRACK: MARKER, UNKNOWN: BAR}


def _year_ticks(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [datetime.date(y, 1, 1) for y in range(start.year + 1, end.year + 1)]


def chart(
    t: Trajectory,
    *,
    lang: str = "nl",
    title: str | None = None,
    axis_label: str | None = None,
    figsize: tuple[float, float] = (5.2, 2.9),
) -> str:
    """A deterministic SVG line chart: the reported points joined from ``(start, 0)``, the
    forecast line (dashed) to the horizon, and the target (dotted, with its value).

    Dates are plotted as days since 1/1/1970 with ticks on the first of January, labelled
    with the year, so no locale leaks into the output.
    """
    import matplotlib  # when a chart is drawn (analysis/charts.py)
    import matplotlib.dates as mdates
    from matplotlib.ticker import FuncFormatter

    if lang not in _TEXT:
        raise ValueError(f"lang must be one of {sorted(_TEXT)}, not {lang!r}")
    words = _TEXT[lang]
    color = STATUS_COLORS.get(t.status, BAR)

    def x(day: datetime.date) -> float:
        return float(mdates.date2num(day))

    with matplotlib.rc_context(STYLE):
        fig = _figure(figsize)
        ax = fig.add_subplot()
        path: Sequence[tuple[datetime.date, Fraction]] = [(t.start, Fraction(0))] + [
            (p.date, p.value) for p in t.points
        ]
        ax.plot(
            [x(d) for d, _v in path],
            [float(v) for _d, v in path],
            color=BAR,
            marker="o",
            markersize=4,
            linewidth=1.4,
            label=words["reported"],
            zorder=3,
        )
        for p in t.points:
            ax.annotate(
                format_number(float(p.value), lang),
                (x(p.date), float(p.value)),
                xytext=(0, 5),
                textcoords="offset points",
                ha="center",
                color=INK,
            )
        if t.forecast is not None:
            ax.plot(
                [x(t.start), x(t.horizon)],
                [0.0, float(t.forecast)],
                color=color,
                linestyle="--",
                linewidth=1.2,
                label=words["forecast"],
                zorder=2,
            )
            ax.annotate(
                format_number(float(t.forecast), lang, 1),
                (x(t.horizon), float(t.forecast)),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                color=color,
            )
        if t.target is not None:
            ax.axhline(
                float(t.target),
                color=TARGET_COLOR,
                linestyle=":",
                linewidth=1.2,
                label=f"{words['target']} ({format_number(float(t.target), lang)})",
                zorder=1,
            )
        ax.axvline(x(t.horizon), color="#cccccc", linewidth=0.8, zorder=0)
        ticks = _year_ticks(t.start, t.horizon)
        ax.set_xticks([x(d) for d in ticks], [str(d.year) for d in ticks])
        span = max(t.total_days, 1)
        ax.set_xlim(x(t.start) - 0.02 * span, x(t.horizon) + 0.18 * span)
        tops = [float(v) for _d, v in path]
        tops += [float(v) for v in (t.forecast, t.target) if v is not None]
        ax.set_ylim(0, max([*tops, 1.0]) * 1.18)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: format_number(v, lang)))
        if axis_label:
            ax.set_ylabel(axis_label)
        fig.legend(loc="outside lower center", ncols=3, fontsize=8)
        if title:
            ax.set_title(title)
        return to_svg(fig)
