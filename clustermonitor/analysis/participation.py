"""Participation and company KPIs: activity degree, active members, KPI 1 and KPI 2.

Definitions follow DESIGN §4:

- **active member** (deelnamegraad): took part in at least 2 distinct activities of the
  cluster in the 12 months before the reference date;
- **paying member** in a year: a membership active in that year with a paid contribution
  for that year;
- **KPI 1 — unique active companies**: distinct companies that are paying members of the
  cluster, counted over the agreement period up to the reporting date;
- **KPI 2 — new active companies**: those of KPI 1 whose first membership of the cluster
  starts on or after the agreement's start date.

The 12-month window is (reference date − 12 months, reference date]: the reference date
itself counts, the day exactly 12 months earlier does not. With a reference date of
31 December the window is exactly that calendar year (1 January – 31 December), which is
how the report counts "in het voorbije jaar". Twelve months back is calendar arithmetic
(``pd.DateOffset(years=1)``): 29 February 2020 looks back to 28 February 2019.

Programme-wide figures count an organisation once per cluster (a member of two clusters
counts in both, as the report's tables add clusters up); KPI totals also come as distinct
companies across clusters, named apart.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from clustermonitor.analysis.reach import SIZE_CLASSES

PROGRAMME = "programme"  # the ``cluster`` value of programme-wide rows
MIN_ACTIVITIES = 2  # distinct activities in the window to count as active
WINDOW = pd.DateOffset(years=1)
COMPANY = "company"
UNKNOWN = "unknown"
_ORDER = {"size_class": (*SIZE_CLASSES, UNKNOWN)}


def _require(df: pd.DataFrame, columns, name: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s): {', '.join(missing)}")


def window(reference_date) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The activity window as (exclusive start, inclusive end), whole days.

    >>> window("2019-12-31")
    (Timestamp('2018-12-31 00:00:00'), Timestamp('2019-12-31 00:00:00'))
    >>> window("2020-02-29")[0]
    Timestamp('2019-02-28 00:00:00')
    """
    end = pd.Timestamp(reference_date).normalize()
    return end - WINDOW, end


def activity_degree(
    participations: pd.DataFrame, members: pd.DataFrame, reference_date
) -> pd.DataFrame:
    """Distinct activities per member in the 12 months before ``reference_date``.

    ``participations``: ``cluster`` (the organising cluster: a joint activity of several
    clusters comes once per cluster), ``organisation_id``, ``activity_id``, ``date`` (the
    activity's date). ``members``: ``cluster``, ``organisation_id`` and any profile columns
    (e.g. ``size_class``, ``embedding``), one row per member the caller counts (e.g. the
    memberships active on the reference date); repeated rows of the same organisation in the
    same cluster collapse into the first.

    Returns the members rows with ``n_activities`` (distinct activities of that cluster with
    a date in the window, see :func:`window`) and ``active`` (``n_activities`` ≥ 2), sorted
    by cluster and organisation. Participations of non-members (guests), of other clusters
    and without a date are not counted; taking part twice in one activity counts once.

    >>> members = pd.DataFrame({"cluster": ["A", "A"], "organisation_id": [1, 2]})
    >>> seen = pd.DataFrame({"cluster": "A", "organisation_id": [1, 1, 1, 2, 9, 9],
    ...     "activity_id": [10, 11, 11, 10, 10, 11],
    ...     "date": ["2019-03-01", "2019-12-31", "2019-12-31", "2018-12-31", "2019-05-01",
    ...              "2019-06-01"]})
    >>> activity_degree(seen, members, "2019-12-31")
      cluster  organisation_id  n_activities  active
    0       A                1             2    True
    1       A                2             0   False
    """
    _require(
        participations, ("cluster", "organisation_id", "activity_id", "date"), "participations"
    )
    _require(members, ("cluster", "organisation_id"), "members")
    start, end = window(reference_date)
    dates = pd.to_datetime(participations["date"], errors="raise", format="mixed").dt.normalize()
    seen = participations[(dates > start) & (dates <= end)]
    counts = (
        seen.drop_duplicates(["cluster", "organisation_id", "activity_id"])
        .groupby(["cluster", "organisation_id"])
        .size()
        .rename("n_activities")
    )
    out = members.drop_duplicates(["cluster", "organisation_id"], keep="first")
    out = out.join(counts, on=["cluster", "organisation_id"])
    out["n_activities"] = out["n_activities"].fillna(0).astype("int64")
    out["active"] = out["n_activities"] >= MIN_ACTIVITIES
    return out.sort_values(["cluster", "organisation_id"], kind="stable").reset_index(drop=True)


def _sort_key(column: str):
    order = _ORDER.get(column)

    def key(values: pd.Series) -> pd.Series:
        if order:
            return values.map({v: i for i, v in enumerate(order)}).fillna(len(order))
        # Plain text order with "unknown" last.
        return values.astype(str).map(lambda v: (v == UNKNOWN, v))

    return key


def active_share(degree: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """Share of active members per cluster and programme-wide, optionally split by profile.

    ``degree``: :func:`activity_degree` output. ``by``: profile columns to split on, e.g.
    ``["size_class"]``, ``["embedding"]`` or both; a missing value counts as ``"unknown"``.

    Columns: ``cluster``, the ``by`` columns, ``n_members``, ``n_active``, ``share`` =
    n_active / n_members. Cluster rows come first (by cluster), then the programme rows
    (``cluster`` = ``PROGRAMME``), which add the clusters up: an organisation counts once
    per cluster it is a member of, so a member of two clusters counts twice and may be
    active in one and not the other. Size classes appear in size order, other values
    alphabetically with "unknown" last; only combinations that occur get a row.

    >>> degree = pd.DataFrame({"cluster": list("AAB"), "organisation_id": [1, 2, 1],
    ...     "size_class": ["small", None, "small"], "active": [True, False, False]})
    >>> active_share(degree, ["size_class"])
         cluster size_class  n_members  n_active  share
    0          A      small          1         1    1.0
    1          A    unknown          1         0    0.0
    2          B      small          1         0    0.0
    3  programme      small          2         1    0.5
    4  programme    unknown          1         0    0.0
    """
    by = list(by or [])
    _require(degree, ("cluster", "organisation_id", "active", *by), "degree")
    rows = degree.drop_duplicates(["cluster", "organisation_id"], keep="first").copy()
    for column in by:
        values = rows[column].astype(object)
        rows[column] = values.where(values.notna(), UNKNOWN)
    rows["active"] = rows["active"].astype(bool)
    programme = rows.assign(cluster=PROGRAMME)
    parts = []
    for frame in (rows, programme):
        if frame.empty:
            continue
        grouped = frame.groupby(["cluster", *by], sort=False)["active"].agg(["size", "sum"])
        part = grouped.reset_index().rename(columns={"size": "n_members", "sum": "n_active"})
        for column in reversed(["cluster", *by]):
            key = _sort_key(column) if column != "cluster" else None
            part = part.sort_values(column, kind="stable", key=key)
        parts.append(part)
    columns = ["cluster", *by, "n_members", "n_active", "share"]
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True)
    out["n_members"] = out["n_members"].astype("int64")
    out["n_active"] = out["n_active"].astype("int64")
    out["share"] = out["n_active"] / out["n_members"]
    return out[columns]


# --- KPI 1 and KPI 2 ---------------------------------------------------------------------


def _starts(paid: pd.DataFrame, agreement_start) -> pd.Series:
    """The agreement start per row of ``paid``, as Timestamps."""
    if agreement_start is None:
        _require(paid, ("agreement_start",), "paid")
        starts = paid["agreement_start"]
    elif isinstance(agreement_start, Mapping | pd.Series):
        mapping = dict(agreement_start)
        unknown = sorted(set(paid["cluster"]) - set(mapping), key=str)
        if unknown:
            raise ValueError(f"no agreement start for cluster(s): {', '.join(map(str, unknown))}")
        starts = paid["cluster"].map(mapping)
    else:
        starts = pd.Series(agreement_start, index=paid.index)
    starts = pd.to_datetime(starts, errors="raise").dt.normalize()
    if starts.isna().any():
        cluster = paid.loc[starts.isna(), "cluster"].iloc[0]
        raise ValueError(f"no agreement start for cluster {cluster}")
    return starts


def kpi_companies(paid: pd.DataFrame, agreement_start, reporting_date) -> pd.DataFrame:
    """The companies behind KPI 1 and KPI 2, one row per cluster and company (drill-down).

    ``paid``: one row per year in which a membership was active and its contribution for
    that year paid — ``cluster``, ``organisation_id``, ``kind`` (only ``"company"``
    counts), ``year``, ``first_start`` (the organisation's first membership start in that
    cluster). ``agreement_start``: one date for every cluster, a mapping or Series cluster →
    date (a cluster of ``paid`` missing from it raises), or ``None`` to read an
    ``agreement_start`` column of ``paid``.

    A row counts when ``year`` lies from the agreement's start year through the reporting
    date's year (contributions are per year, so the year is the finest grain; the caller
    passes only years in which the membership was active). KPI 2 (``new``): the earliest
    ``first_start`` of the company in the cluster is on or after the agreement start; an
    unknown first start is not counted as new (it cannot be shown to be).

    Columns: ``cluster``, ``organisation_id``, ``agreement_start``, ``first_start``,
    ``first_paid_year``, ``last_paid_year``, ``n_paid_years``, ``new``; sorted by cluster
    and organisation. KPI 1 of a cluster is its number of rows, KPI 2 the rows with ``new``.

    >>> paid = pd.DataFrame({"cluster": ["A", "A", "A", "A", "A"],
    ...     "organisation_id": [1, 2, 2, 3, 4], "kind": ["company"] * 4 + ["government"],
    ...     "year": [2016, 2017, 2018, 2020, 2018],
    ...     "first_start": ["2015-01-01", "2016-10-01", "2016-10-01", "2020-01-01",
    ...                     "2017-01-01"]})
    >>> kpi_companies(paid, "2016-10-01", "2019-12-31")[
    ...     ["organisation_id", "first_paid_year", "n_paid_years", "new"]]
       organisation_id  first_paid_year  n_paid_years    new
    0                1             2016             1  False
    1                2             2017             2   True
    """
    _require(paid, ("cluster", "organisation_id", "kind", "year", "first_start"), "paid")
    rows = paid.assign(
        agreement_start=_starts(paid, agreement_start),
        first_start=pd.to_datetime(paid["first_start"], errors="raise").dt.normalize(),
        year=pd.to_numeric(paid["year"], errors="raise").astype("int64"),
    )
    last_year = pd.Timestamp(reporting_date).year
    rows = rows[
        (rows["kind"] == COMPANY)
        & (rows["year"] >= rows["agreement_start"].dt.year)
        & (rows["year"] <= last_year)
    ]
    grouped = rows.groupby(["cluster", "organisation_id"], sort=True)
    out = grouped.agg(
        agreement_start=("agreement_start", "first"),
        first_start=("first_start", "min"),
        first_paid_year=("year", "min"),
        last_paid_year=("year", "max"),
        n_paid_years=("year", "nunique"),
    ).reset_index()
    out["new"] = (out["first_start"] >= out["agreement_start"]).fillna(False).astype(bool)
    return out


def kpi1_kpi2(paid: pd.DataFrame, agreement_start, reporting_date) -> pd.DataFrame:
    """KPI 1 and KPI 2 per cluster at ``reporting_date`` (DESIGN §4).

    Same input as :func:`kpi_companies`, which lists the companies behind each number.
    Columns: ``cluster``, ``agreement_start``, ``kpi1`` (unique active companies),
    ``kpi2`` (new active companies, a subset of ``kpi1``). With a mapping of agreement
    starts every cluster in it gets a row, also without companies (0); otherwise the
    clusters in ``paid``. Programme totals: :func:`kpi_programme`.

    >>> paid = pd.DataFrame({"cluster": ["A", "A", "B"], "organisation_id": [1, 2, 1],
    ...     "kind": "company", "year": 2018,
    ...     "first_start": ["2015-01-01", "2017-03-01", "2018-01-01"]})
    >>> kpi1_kpi2(paid, {"A": "2016-10-01", "B": "2017-01-01", "C": "2017-01-01"},
    ...           "2019-12-31")
      cluster agreement_start  kpi1  kpi2
    0       A      2016-10-01     2     1
    1       B      2017-01-01     1     1
    2       C      2017-01-01     0     0
    """
    companies = kpi_companies(paid, agreement_start, reporting_date)
    grouped = companies.groupby("cluster", sort=True)
    out = pd.DataFrame(
        {
            "agreement_start": grouped["agreement_start"].first(),
            "kpi1": grouped.size(),
            "kpi2": grouped["new"].sum(),
        }
    )
    if isinstance(agreement_start, Mapping | pd.Series):
        starts = pd.to_datetime(pd.Series(dict(agreement_start)), errors="raise").dt.normalize()
        out = out.reindex(sorted(set(out.index) | set(starts.index), key=str))
        out["agreement_start"] = starts.reindex(out.index)
    out = out.rename_axis("cluster").reset_index()
    out["kpi1"] = out["kpi1"].fillna(0).astype("int64")
    out["kpi2"] = out["kpi2"].fillna(0).astype("int64")
    return out[["cluster", "agreement_start", "kpi1", "kpi2"]]


def kpi_programme(companies: pd.DataFrame) -> dict:
    """Programme-wide KPI 1 and KPI 2 from :func:`kpi_companies` output, counted two ways.

    - ``kpi1_sum_over_clusters`` / ``kpi2_sum_over_clusters``: the clusters' numbers added
      up, a company counted once per cluster (a company in two clusters counts twice) — how
      the report's Table 5 totals the programme;
    - ``kpi1_distinct_companies`` / ``kpi2_distinct_companies``: distinct companies across
      clusters; a company is in the KPI 2 count when it is new in at least one cluster.

    >>> paid = pd.DataFrame({"cluster": ["A", "B"], "organisation_id": [7, 7],
    ...     "kind": "company", "year": 2018, "first_start": ["2015-01-01", "2018-01-01"]})
    >>> kpi_programme(kpi_companies(paid, "2016-10-01", "2019-12-31"))
    {'kpi1_sum_over_clusters': 2, 'kpi2_sum_over_clusters': 1, 'kpi1_distinct_companies': 1, \
'kpi2_distinct_companies': 1}
    """
    new = companies[companies["new"]]
    return {
        "kpi1_sum_over_clusters": len(companies),
        "kpi2_sum_over_clusters": len(new),
        "kpi1_distinct_companies": int(companies["organisation_id"].nunique()),
        "kpi2_distinct_companies": int(new["organisation_id"].nunique()),
    }


def kpi_by_year(paid: pd.DataFrame, agreement_start, reporting_date) -> pd.DataFrame:
    """KPI 1 and KPI 2 per cluster as they stood at the end of each year (cumulative).

    One :func:`kpi1_kpi2` per year from the earliest agreement start year through the
    reporting date's year, each counted up to that year. Columns: ``cluster``, ``year``,
    ``agreement_start``, ``kpi1``, ``kpi2``; a year before a cluster's agreement started
    shows 0.

    >>> paid = pd.DataFrame({"cluster": "A", "organisation_id": [1, 2, 3],
    ...     "kind": "company", "year": [2017, 2017, 2019],
    ...     "first_start": ["2015-01-01", "2017-01-01", "2019-01-01"]})
    >>> kpi_by_year(paid, "2017-01-01", "2019-06-30")[["year", "kpi1", "kpi2"]]
       year  kpi1  kpi2
    0  2017     2     1
    1  2018     2     1
    2  2019     3     2
    """
    starts = _starts(paid, agreement_start) if len(paid) else pd.Series(dtype="datetime64[ns]")
    if isinstance(agreement_start, Mapping | pd.Series):
        first = pd.to_datetime(pd.Series(dict(agreement_start))).min().year
    elif agreement_start is None:
        first = starts.min().year if len(starts) else pd.Timestamp(reporting_date).year
    else:
        first = pd.Timestamp(agreement_start).year
    last = pd.Timestamp(reporting_date).year
    frames = [
        kpi1_kpi2(paid, agreement_start, f"{year}-12-31").assign(year=year)
        for year in range(first, last + 1)
    ]
    columns = ["cluster", "year", "agreement_start", "kpi1", "kpi2"]
    if not frames:
        return pd.DataFrame(columns=columns)
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["cluster", "year"], kind="stable").reset_index(drop=True)
    return out[columns].astype({"year": np.int64})
