"""Reach of the member base: who the clusters reach (evaluation 2020, chapter 2, Figures 2–5).

Input is a *members frame*, one row per membership, with the columns in ``MEMBER_COLUMNS``.
Organisation attributes (size, age, address, ...) repeat on every membership of the same
organisation; wherever the report counts companies we count distinct ``organisation_id``
values, never memberships. Only ``kind == "company"`` rows enter the company figures.

The caller decides which memberships count (for example those active on the reference
date); these functions do not look at membership dates. Every function takes
``cluster=None``: give a cluster code to get that cluster's figure.

Definitions follow DESIGN §4:

- size class: micro < 10 employees, small 10–49, medium 50–249, large ≥ 250, unknown
  without a headcount;
- SME (EU recommendation 2003/361): < 250 employees and (turnover ≤ EUR 50M or balance
  total ≤ EUR 43M) when financials are known, headcount alone otherwise (and we say how
  many were decided on headcount alone);
- age: whole years from the KBO start date to the reference date; classes < 5 (start-up),
  5–9, 10–19, 20–49, ≥ 50.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MEMBER_COLUMNS = (
    "organisation_id",
    "cluster",
    "kind",
    "employees",
    "turnover",
    "balance_total",
    "start_date",
    "nace_section",
    "municipality_nis",
    "municipality",
    "province_nis",
    "latitude",
    "longitude",
)
COMPANY = "company"
UNKNOWN = "unknown"

SIZE_CLASSES = ("micro", "small", "medium", "large")
SIZE_BOUNDS = (0, 10, 50, 250, np.inf)  # lower bounds inclusive: [0, 10), [10, 50), ...
SME_MAX_EMPLOYEES = 250  # strictly fewer
SME_MAX_TURNOVER = 50_000_000.0  # EUR, at most
SME_MAX_BALANCE_TOTAL = 43_000_000.0  # EUR, at most

AGE_CLASSES = ("0-4", "5-9", "10-19", "20-49", "50+")
AGE_BOUNDS = (0, 5, 10, 20, 50, np.inf)
STARTUP_MAX_AGE = 4  # age < 5 whole years
YOUNG_MAX_AGE = 10  # the report's "up to 10 years old"

MEMBERSHIP_BINS = ("1", "2", "3", "4+")


def _require(df: pd.DataFrame, columns) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"members frame lacks column(s): {', '.join(missing)}")


def _organisations(df: pd.DataFrame, cluster: str | None, companies_only: bool) -> pd.DataFrame:
    """One row per organisation (its first membership row), sorted by id for stable output."""
    _require(df, ("organisation_id", "cluster", "kind"))
    rows = df if cluster is None else df[df["cluster"] == cluster]
    if companies_only:
        rows = rows[rows["kind"] == COMPANY]
    rows = rows.drop_duplicates("organisation_id", keep="first")
    return rows.sort_values("organisation_id", kind="stable").reset_index(drop=True)


def _numbers(series: pd.Series) -> pd.Series:
    # Plain float64 so that NaN comparisons are simply False (nullable NA would propagate).
    return pd.to_numeric(series, errors="coerce").astype("float64")


def _share(part, whole) -> float:
    return float(part) / float(whole) if whole else float("nan")


# --- per-company attributes -------------------------------------------------------------


def size_class(employees: pd.Series) -> pd.Series:
    """Size class per headcount: micro < 10, small 10–49, medium 50–249, large ≥ 250.

    A missing or negative headcount is ``"unknown"``.

    >>> size_class(pd.Series([0, 9, 9.5, 10, 49, 50, 249, 250, None])).tolist()
    ['micro', 'micro', 'micro', 'small', 'small', 'medium', 'medium', 'large', 'unknown']
    """
    classes = pd.cut(_numbers(employees), SIZE_BOUNDS, right=False, labels=SIZE_CLASSES)
    return classes.astype(object).where(classes.notna(), UNKNOWN).astype(str)


def sme_status(employees, turnover, balance_total) -> pd.DataFrame:
    """SME status per EU recommendation 2003/361, row by row.

    Returns columns ``sme`` (nullable boolean; NA without a headcount) and ``sme_basis``
    (``"financials"`` when turnover or balance total is known, ``"headcount_only"`` when
    neither is, ``"unknown"`` without a headcount). With one financial figure known, the
    ceiling test uses that one: a missing figure cannot bring a company under its ceiling.

    >>> sme_status([200, 200, 100, 260, None], [60e6, 60e6, None, 1e6, 1e6],
    ...            [40e6, 45e6, None, 1e6, 1e6])
         sme       sme_basis
    0   True      financials
    1  False      financials
    2   True  headcount_only
    3  False      financials
    4   <NA>         unknown
    """
    emp = _numbers(pd.Series(employees))
    turn = _numbers(pd.Series(turnover, index=emp.index))
    bal = _numbers(pd.Series(balance_total, index=emp.index))
    has_headcount = emp.notna() & (emp >= 0)
    has_financials = turn.notna() | bal.notna()
    within_ceiling = (turn <= SME_MAX_TURNOVER) | (bal <= SME_MAX_BALANCE_TOTAL)
    sme = (emp < SME_MAX_EMPLOYEES) & (within_ceiling | ~has_financials)
    basis = np.where(has_financials, "financials", "headcount_only")
    return pd.DataFrame(
        {
            "sme": pd.Series(sme, dtype="boolean").where(has_headcount, pd.NA),
            "sme_basis": pd.Series(basis, index=emp.index, dtype=object).where(
                has_headcount, UNKNOWN
            ),
        }
    )


def age_years(start_date: pd.Series, reference_date) -> pd.Series:
    """Whole years from each start date to ``reference_date`` (nullable Int64).

    A missing start date, or one after the reference date, gives NA.

    >>> age_years(pd.Series(pd.to_datetime(["2015-01-02", "2015-01-01", None])), "2020-01-01")
    0       4
    1       5
    2    <NA>
    Name: age, dtype: Int64
    """
    ref = pd.Timestamp(reference_date)
    start = pd.to_datetime(pd.Series(start_date), errors="coerce")
    years = ref.year - start.dt.year
    # One year less until the anniversary is reached in the reference year.
    before_anniversary = (start.dt.month > ref.month) | (
        (start.dt.month == ref.month) & (start.dt.day > ref.day)
    )
    age = (years - before_anniversary.astype(int)).where(start.notna() & (start <= ref))
    return age.astype("Int64").rename("age")


def age_class(age: pd.Series) -> pd.Series:
    """Age class per whole-year age: 0-4 (start-up), 5-9, 10-19, 20-49, 50+, or unknown.

    >>> age_class(pd.Series([0, 4, 5, 9, 10, 19, 20, 49, 50, None])).tolist()
    ['0-4', '0-4', '5-9', '5-9', '10-19', '10-19', '20-49', '20-49', '50+', 'unknown']
    """
    classes = pd.cut(_numbers(age), AGE_BOUNDS, right=False, labels=AGE_CLASSES)
    return classes.astype(object).where(classes.notna(), UNKNOWN).astype(str)


def companies(df: pd.DataFrame, reference_date=None, cluster: str | None = None) -> pd.DataFrame:
    """One row per distinct company with its derived attributes (the table behind the charts).

    Columns: ``organisation_id``, ``employees``, ``size_class``, ``sme``, ``sme_basis``, and
    when ``reference_date`` is given also ``age`` (Int64) and ``age_class``.
    """
    _require(df, ("employees", "turnover", "balance_total"))
    orgs = _organisations(df, cluster, companies_only=True)
    out = pd.DataFrame(
        {
            "organisation_id": orgs["organisation_id"],
            "employees": _numbers(orgs["employees"]),
            "size_class": size_class(orgs["employees"]),
        }
    )
    out = out.join(sme_status(orgs["employees"], orgs["turnover"], orgs["balance_total"]))
    if reference_date is not None:
        _require(df, ("start_date",))
        out["age"] = age_years(orgs["start_date"], reference_date).to_numpy()
        out["age_class"] = age_class(out["age"]).to_numpy()
    return out


# --- Figure 2: size --------------------------------------------------------------------


def size_classes(df: pd.DataFrame, cluster: str | None = None) -> pd.DataFrame:
    """Companies per size class (Figure 2).

    Columns: ``size_class`` (micro, small, medium, large, unknown — always all five, in
    that order), ``n`` (distinct companies), ``share`` (of companies with a known class;
    NaN on the unknown row).

    >>> members = pd.DataFrame({"organisation_id": [1, 1, 2, 3, 4], "cluster": list("ABAAA"),
    ...     "kind": ["company"] * 4 + ["knowledge"], "employees": [5, 5, 60, None, 900],
    ...     "turnover": None, "balance_total": None})
    >>> size_classes(members)
      size_class  n  share
    0      micro  1    0.5
    1      small  0    0.0
    2     medium  1    0.5
    3      large  0    0.0
    4    unknown  1    NaN
    """
    table = companies(df, cluster=cluster)
    order = (*SIZE_CLASSES, UNKNOWN)
    counts = table["size_class"].value_counts().reindex(order, fill_value=0).astype("int64")
    known = int(counts[list(SIZE_CLASSES)].sum())
    shares = [_share(counts[c], known) if c != UNKNOWN else float("nan") for c in order]
    return pd.DataFrame({"size_class": list(order), "n": counts.to_numpy(), "share": shares})


def sme_share(df: pd.DataFrame, cluster: str | None = None) -> dict:
    """SME summary (Figure 2): counts of distinct companies and the SME share.

    Returns ``{"sme": int, "non_sme": int, "unknown": int, "share": float (sme of the
    known; NaN when none is known), "share_micro_or_small": float (< 50 employees, of the
    known), "basis_counts": {"financials": int, "headcount_only": int}}``. The basis counts
    cover the companies whose status is known and tell how many rested on headcount alone.

    >>> members = pd.DataFrame({"organisation_id": [1, 2, 3, 4], "cluster": "A",
    ...     "kind": "company", "employees": [200, 200, 100, None],
    ...     "turnover": [60e6, 60e6, None, None], "balance_total": [40e6, 45e6, None, None]})
    >>> summary = sme_share(members)
    >>> summary["sme"], summary["non_sme"], summary["unknown"], round(summary["share"], 3)
    (2, 1, 1, 0.667)
    >>> summary["basis_counts"]
    {'financials': 2, 'headcount_only': 1}
    """
    table = companies(df, cluster=cluster)
    known = table[table["sme"].notna()]
    sme = int(known["sme"].sum())
    small = int(table["size_class"].isin(("micro", "small")).sum())
    return {
        "sme": sme,
        "non_sme": len(known) - sme,
        "unknown": len(table) - len(known),
        "share": _share(sme, len(known)),
        "share_micro_or_small": _share(small, len(known)),
        "basis_counts": {
            "financials": int((known["sme_basis"] == "financials").sum()),
            "headcount_only": int((known["sme_basis"] == "headcount_only").sum()),
        },
    }


# --- Figure 3: age ---------------------------------------------------------------------


def age_classes(df: pd.DataFrame, reference_date, cluster: str | None = None) -> pd.DataFrame:
    """Companies per age class on ``reference_date`` (Figure 3).

    Columns: ``age_class`` (0-4, 5-9, 10-19, 20-49, 50+, unknown — always all six, in that
    order; 0-4 are the start-ups), ``n`` (distinct companies), ``share`` (of companies with
    a known age; NaN on the unknown row).
    """
    table = companies(df, reference_date, cluster)
    order = (*AGE_CLASSES, UNKNOWN)
    counts = table["age_class"].value_counts().reindex(order, fill_value=0).astype("int64")
    known = int(counts[list(AGE_CLASSES)].sum())
    shares = [_share(counts[c], known) if c != UNKNOWN else float("nan") for c in order]
    return pd.DataFrame({"age_class": list(order), "n": counts.to_numpy(), "share": shares})


def age_summary(df: pd.DataFrame, reference_date, cluster: str | None = None) -> dict:
    """Mean age and young-company shares on ``reference_date`` (Figure 3's caption).

    Returns ``{"n": int (companies with a known age), "unknown": int, "mean_age": float
    (mean of whole-year ages; NaN when none), "share_startups": float (age < 5),
    "share_up_to_10_years": float (age ≤ 10)}``; shares are of the companies with a known age.

    >>> members = pd.DataFrame({"organisation_id": [1, 2, 3], "cluster": "A",
    ...     "kind": "company", "employees": None, "turnover": None, "balance_total": None,
    ...     "start_date": pd.to_datetime(["2017-06-01", "2000-01-01", "1967-01-01"])})
    >>> summary = age_summary(members, "2020-01-01")
    >>> summary["mean_age"], round(summary["share_startups"], 3)
    (25.0, 0.333)
    """
    ages = companies(df, reference_date, cluster)["age"]
    known = ages.dropna().astype("int64")
    return {
        "n": len(known),
        "unknown": len(ages) - len(known),
        "mean_age": float(known.mean()) if len(known) else float("nan"),
        "share_startups": _share((known <= STARTUP_MAX_AGE).sum(), len(known)),
        "share_up_to_10_years": _share((known <= YOUNG_MAX_AGE).sum(), len(known)),
    }


# --- Figure 5: memberships per organisation --------------------------------------------


def cluster_counts(df: pd.DataFrame, cluster: str | None = None) -> pd.DataFrame:
    """Per company: in how many distinct clusters it is a member.

    Columns: ``organisation_id``, ``clusters`` (int), ``memberships`` (bin "1", "2", "3",
    "4+"), ``size_class``. With ``cluster`` the rows are that cluster's companies, but their
    memberships are counted over every cluster in ``df`` (otherwise every count would be 1).
    """
    _require(df, ("employees",))
    rows = df[df["kind"] == COMPANY]
    counts = rows.groupby("organisation_id")["cluster"].nunique().rename("clusters")
    table = companies(df, cluster=cluster)[["organisation_id", "size_class"]]
    table = table.join(counts, on="organisation_id")
    table["clusters"] = table["clusters"].astype("int64")
    binned = table["clusters"].clip(upper=4).astype(str).replace("4", "4+")
    table["memberships"] = binned
    return table[["organisation_id", "clusters", "memberships", "size_class"]]


def memberships_per_organisation(df: pd.DataFrame, cluster: str | None = None) -> pd.DataFrame:
    """Companies by number of cluster memberships (1, 2, 3, 4+) crossed with size class
    (Figure 5).

    Columns: ``memberships`` ("1", "2", "3", "4+" — always four rows), ``micro``,
    ``small``, ``medium``, ``large``, ``unknown`` (distinct companies), ``total``. The
    report's "about 50 companies in two or more IBNs" is ``total`` summed over "2", "3", "4+".

    >>> members = pd.DataFrame({"organisation_id": [1, 1, 2, 3, 3, 3, 3, 3],
    ...     "cluster": ["A", "B", "A", "A", "B", "C", "D", "E"], "kind": "company",
    ...     "employees": [5, 5, 20, 300, 300, 300, 300, 300],
    ...     "turnover": None, "balance_total": None})
    >>> memberships_per_organisation(members)
      memberships  micro  small  medium  large  unknown  total
    0           1      0      1       0      0        0      1
    1           2      1      0       0      0        0      1
    2           3      0      0       0      0        0      0
    3          4+      0      0       0      1        0      1
    """
    table = cluster_counts(df, cluster)
    order = (*SIZE_CLASSES, UNKNOWN)
    cross = pd.crosstab(table["memberships"], table["size_class"])
    cross = cross.reindex(index=list(MEMBERSHIP_BINS), columns=list(order), fill_value=0)
    cross = cross.astype("int64")
    cross["total"] = cross.sum(axis=1)
    cross.columns.name = None
    return cross.rename_axis("memberships").reset_index()


# --- NACE mix --------------------------------------------------------------------------


def nace_sections(
    df: pd.DataFrame, cluster: str | None = None, companies_only: bool = True
) -> pd.DataFrame:
    """Distinct organisations per NACE section (letter), largest first.

    Columns: ``nace_section`` (letter, or "unknown" for a missing or malformed section —
    that row only when it is non-zero, and always last), ``n``, ``share`` (of those with a
    known section; NaN on the unknown row). Ties sort alphabetically.
    """
    _require(df, ("nace_section",))
    orgs = _organisations(df, cluster, companies_only)
    section = orgs["nace_section"].astype(object).where(orgs["nace_section"].notna(), "")
    section = section.astype(str).str.strip().str.upper()
    valid = section.str.fullmatch(r"[A-Z]")
    counts = section[valid].value_counts()
    known = int(counts.sum())
    frame = pd.DataFrame({"nace_section": counts.index.astype(str), "n": counts.to_numpy()})
    frame = frame.sort_values(["n", "nace_section"], ascending=[False, True], kind="stable")
    frame["share"] = frame["n"] / known if known else float("nan")
    unknown = int((~valid).sum())
    if unknown:
        tail = pd.DataFrame({"nace_section": [UNKNOWN], "n": [unknown], "share": [np.nan]})
        frame = pd.concat([frame, tail], ignore_index=True)
    frame["n"] = frame["n"].astype("int64")
    return frame.reset_index(drop=True)


# --- Figure 4: where the members are ---------------------------------------------------


def by_municipality(
    df: pd.DataFrame, cluster: str | None = None, companies_only: bool = True
) -> pd.DataFrame:
    """Distinct organisations per municipality of the registered office (Figure 4's map).

    Columns: ``municipality_nis``, ``municipality``, ``province_nis``, ``n`` (distinct
    organisations), ``latitude``, ``longitude`` (mean of the organisations' coordinates in
    that municipality; NaN when none has coordinates). Largest first, then by NIS code.
    Organisations without a municipality are left out; count them with
    ``df.municipality_nis.isna()`` if the page should say so.

    >>> members = pd.DataFrame({"organisation_id": [1, 1, 2, 3], "cluster": list("ABAA"),
    ...     "kind": "company", "municipality_nis": ["11002", "11002", "11002", "44021"],
    ...     "municipality": ["Antwerpen", "Antwerpen", "Antwerpen", "Gent"],
    ...     "province_nis": ["10000", "10000", "10000", "40000"],
    ...     "latitude": [51.2, 51.2, 51.3, 51.05], "longitude": [4.4, 4.4, 4.5, 3.72]})
    >>> by_municipality(members)
      municipality_nis municipality province_nis  n  latitude  longitude
    0            11002    Antwerpen        10000  2     51.25       4.45
    1            44021         Gent        40000  1     51.05       3.72
    """
    _require(df, ("municipality_nis", "municipality", "province_nis", "latitude", "longitude"))
    orgs = _organisations(df, cluster, companies_only)
    orgs = orgs[orgs["municipality_nis"].notna()].copy()
    orgs["municipality_nis"] = orgs["municipality_nis"].astype(str)
    orgs["latitude"] = _numbers(orgs["latitude"])
    orgs["longitude"] = _numbers(orgs["longitude"])
    grouped = orgs.groupby("municipality_nis", sort=True)
    frame = pd.DataFrame(
        {
            "municipality": grouped["municipality"].first(),
            "province_nis": grouped["province_nis"].first(),
            "n": grouped["organisation_id"].nunique().astype("int64"),
            "latitude": grouped["latitude"].mean(),
            "longitude": grouped["longitude"].mean(),
        }
    ).reset_index()
    if frame.empty:  # keep the documented columns and dtypes for an empty cluster
        frame = frame.astype({"n": "int64", "latitude": "float64", "longitude": "float64"})
    frame = frame.sort_values(["n", "municipality_nis"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)
