"""The panel the economic-impact estimate rests on, as known on a date (docs/impact.md).

One row per company and financial year: its outcomes from the latest annual accounts
deposited by D (core.known.accounts), its cohort — the year of its first membership of a
programme cluster known on D (core.known.memberships), empty for a company never a
member as far as D knew — and the attributes the estimate conditions on or splits by.
Everything here reads records; the estimate itself is pure (analysis/impact.py).

Decisions (documented in docs/impact.md):

- companies only (registry kind "company"), on both sides: knowledge institutions and
  federations file accounts too, but they are not the firms the programme wants to grow;
- a company's entry cluster is the cluster of its earliest membership (of several
  begun the same day: each of them); an estimate for some clusters (a cluster's own, a
  type's) treats the companies that entered the programme through them and leaves out
  those that entered through another cluster — they are neither treated nor comparable;
- the financial year is the calendar year of its end date; of two filings for the same
  year (a change of financial year), the later year end holds;
- covariates are fixed per company: NACE section (2008) and province from the registry,
  size class from the first FTE the accounts give, age class (docs/definitions.md) at
  the company's first year in the panel from its start date; a company without one is
  left out of the conditional estimate only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pandas as pd
from django.db.models import Min

from clustermonitor.analysis.reach import age_class, size_class
from clustermonitor.core import known

#: The registry's kind of the companies on both sides of the comparison.
COMPANY = "company"
#: Intensity bands: activities attended per year of membership (the active-member rule
#: counts two activities in a year as active: analysis.participation.MIN_ACTIVITIES).
INTENSITY_BANDS = ("none", "occasional", "active")
#: The attributes the estimate may condition on, in this order.
COVARIATES = ("nace_section", "province", "size_class", "age_class")
#: The columns the treated companies may be split by.
SPLITS = ("call", "embedding", "size_class", "intensity")
#: The splits both sides of the comparison have: a group is compared with its own kind.
SHARED_SPLITS = frozenset({"size_class"})


@dataclass
class Panel:
    """The panel as of ``on`` for one selection of clusters, with what was left out."""

    on: datetime.date
    accounts: pd.DataFrame  # firm, year, fte, turnover, gross_margin, total_assets
    firms: pd.DataFrame  # firm, cohort, call, embedding, cluster_type, intensity + COVARIATES
    left_out: dict = field(default_factory=dict)  # reason → number of companies
    intensity: pd.DataFrame | None = None  # firm, year, activities, contributions, collaborations

    def frame(self, outcome_frame: pd.DataFrame) -> pd.DataFrame:
        """`outcome_frame` (firm, year, y) with the firms' cohort and attributes."""
        merged = outcome_frame.merge(self.firms, on="firm", how="inner")
        return merged.sort_values(["firm", "year"], kind="stable").reset_index(drop=True)


def accounts_known(on: datetime.date, firms: set[str] | None = None) -> pd.DataFrame:
    """Per company and financial year, the outcomes of the latest filing deposited by
    ``on`` (impact.accounts_selectors.accounts_known_on): columns firm (the
    organisation's id as text), year, fte, turnover, gross_margin, total_assets (floats;
    NaN where the filing does not report it). ``firms`` narrows them (else: companies)."""
    from clustermonitor.impact.accounts_selectors import accounts_known_on
    from clustermonitor.registry.models import Organisation

    rows = accounts_known_on(on, floats=True)
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in ACCOUNT_COLUMNS.items()})
    frame = pd.DataFrame.from_records(
        rows, columns=["organisation_id", "year", "period_end", *OUTCOME_FIELDS]
    )
    if firms is None:
        companies = Organisation.objects.filter(kind=COMPANY).values_list("pk", flat=True)
        firms = {str(pk) for pk in companies}
    frame["firm"] = frame["organisation_id"].astype(str)
    frame = frame[frame["firm"].isin(firms)]
    for name in OUTCOME_FIELDS:
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype(float)
    # Of two year ends in one calendar year (a change of financial year), the later.
    frame = frame.sort_values(["firm", "year", "period_end"], kind="stable")
    frame = frame.drop_duplicates(["firm", "year"], keep="last")
    return frame[list(ACCOUNT_COLUMNS)].reset_index(drop=True)


OUTCOME_FIELDS = ("fte", "turnover", "gross_margin", "total_assets")
ACCOUNT_COLUMNS = {"firm": "object", "year": "int64", **dict.fromkeys(OUTCOME_FIELDS, "float64")}


def _entries(programme, on: datetime.date) -> dict[int, list]:
    """Per company: its memberships of the programme's clusters known on ``on`` that
    began on its first day in the programme (the entry clusters)."""
    from clustermonitor.members.models import Membership

    rows = known.memberships(
        Membership.objects.filter(cluster__programme=programme, organisation__kind=COMPANY),
        on,
    ).values_list(
        "organisation_id",
        "start_date",
        "cluster_id",
        "cluster__code",
        "cluster__call__number",
        "cluster__embedding",
        "cluster__cluster_type__code",
    )
    first: dict[int, list] = {}
    for org, start, *cluster in sorted(rows, key=lambda r: (r[0], r[1], r[3])):
        entry = first.get(org)
        if entry is None or start < entry[0][0]:
            first[org] = [(start, *cluster)]
        elif start == entry[0][0]:
            entry.append((start, *cluster))
    return first


def firms_known(
    programme, on: datetime.date, clusters: list | None = None
) -> tuple[pd.DataFrame, dict]:
    """The companies on both sides as known on ``on``: one row per company with its
    cohort (Int64; <NA> for a company never a member by then) and, for the treated, its
    entry cluster's call, embedding and type. With ``clusters``, only the companies that
    entered the programme through one of them are treated; those that entered through
    another cluster are left out. Returns the frame of every company with accounts known
    on ``on`` and the number left out per reason."""
    from clustermonitor.impact.models import AnnualAccounts

    with_accounts = set(
        known.annual_accounts(AnnualAccounts.objects, on)
        .filter(organisation__kind=COMPANY)
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    entries = _entries(programme, on)
    selected = None if clusters is None else {c.pk for c in clusters}
    rows, other_cluster = [], 0
    for org in sorted(with_accounts):
        entry = entries.get(org)
        if entry is None:
            rows.append((str(org), pd.NA, "", "", ""))
            continue
        chosen = [e for e in entry if selected is None or e[1] in selected]
        if not chosen:
            other_cluster += 1
            continue
        start, _pk, _code, call, embedding, type_code = chosen[0]
        rows.append((str(org), start.year, str(call or ""), embedding or "", type_code or ""))
    frame = pd.DataFrame(rows, columns=["firm", "cohort", "call", "embedding", "cluster_type"])
    frame["cohort"] = frame["cohort"].astype("Int64")
    left_out = {"entered through another cluster": other_cluster} if selected else {}
    return frame, left_out


def attributes(firm_ids: list[str], accounts: pd.DataFrame, on: datetime.date) -> pd.DataFrame:
    """The covariates of each company (COVARIATES), None where unknown; the registry's
    attributes as they were on ``on`` (registry.known.organisation_rows)."""
    from clustermonitor.registry.known import organisation_rows
    from clustermonitor.registry.models import Organisation

    fields = ("id", "nace_2008__section", "municipality__province__nis", "start_date")
    records = organisation_rows(
        list(Organisation.objects.filter(pk__in=[int(f) for f in firm_ids]).values(*fields)),
        on,
        "id",
        "",
    )
    frame = pd.DataFrame.from_records(
        [
            (
                str(r["id"]),
                r["nace_2008__section"] or None,
                r["municipality__province__nis"] or None,
                r["start_date"],
            )
            for r in sorted(records, key=lambda r: r["id"])
        ],
        columns=["firm", "nace_section", "province", "start_date"],
    )
    if accounts.empty:
        first = pd.DataFrame(columns=["firm", "first_year", "first_fte"])
    else:
        ordered = accounts.sort_values(["firm", "year"], kind="stable")
        first_year = ordered.groupby("firm", sort=True)["year"].min().rename("first_year")
        first_fte = (
            ordered.dropna(subset=["fte"]).groupby("firm", sort=True)["fte"].first()
        ).rename("first_fte")
        first = pd.concat([first_year, first_fte], axis=1).reset_index()
    frame = frame.merge(first, on="firm", how="left")
    sizes = size_class(frame["first_fte"])
    frame["size_class"] = sizes.where(sizes != "unknown", None)
    ages = [
        None if pd.isna(start) or pd.isna(year) else max(int(year) - start.year, 0)
        for start, year in zip(frame["start_date"], frame["first_year"], strict=True)
    ]
    classes = age_class(pd.Series(ages, dtype="float64"))
    frame["age_class"] = classes.where(classes != "unknown", None)
    return frame[["firm", *COVARIATES]]


def intensity_known(programme, on: datetime.date, firms: pd.DataFrame) -> pd.DataFrame:
    """Per treated company and calendar year from its entry up to ``on``: the programme
    clusters' activities it attended (held by ``on``), its contributions paid (by
    ``on``) and the collaborations it started (first step by ``on``)."""
    from clustermonitor.activities.models import Participation
    from clustermonitor.collaborations.models import Party
    from clustermonitor.members.models import Contribution

    treated = firms.dropna(subset=["cohort"])
    ids = [int(f) for f in treated["firm"]]
    if not ids:
        return pd.DataFrame(
            columns=["firm", "year", "activities", "contributions", "collaborations"]
        )
    attended = known.activities(
        Participation.objects.filter(
            organisation_id__in=ids, activity__clusters__programme=programme
        ),
        on,
        prefix="activity__",
    )
    activity_rows = set(attended.values_list("organisation_id", "activity_id", "activity__date"))
    paid = known.paid(
        Contribution.objects.filter(
            membership__organisation_id__in=ids, membership__cluster__programme=programme
        ),
        on,
    ).values_list("membership__organisation_id", "paid_on")
    started = (
        Party.objects.filter(organisation_id__in=ids, collaboration__programme=programme)
        .annotate(first_step=Min("collaboration__stage_changes__date"))
        .filter(first_step__lte=on)
        .values_list("organisation_id", "first_step")
    )
    counts: dict[tuple[str, int], list[int]] = {}
    for org, _activity, day in activity_rows:
        counts.setdefault((str(org), day.year), [0, 0, 0])[0] += 1
    for org, day in paid:
        counts.setdefault((str(org), day.year), [0, 0, 0])[1] += 1
    for org, day in started:
        counts.setdefault((str(org), day.year), [0, 0, 0])[2] += 1
    cohorts = dict(zip(treated["firm"], treated["cohort"].astype(int), strict=True))
    rows = [
        (firm, year, *values)
        for (firm, year), values in sorted(counts.items())
        if year >= cohorts.get(firm, year + 1)
    ]
    return pd.DataFrame(
        rows, columns=["firm", "year", "activities", "contributions", "collaborations"]
    )


def _band(activities: float, years: int) -> str:
    if activities <= 0:
        return INTENSITY_BANDS[0]
    from clustermonitor.analysis.participation import MIN_ACTIVITIES

    return (
        INTENSITY_BANDS[2] if activities / max(years, 1) >= MIN_ACTIVITIES else (INTENSITY_BANDS[1])
    )


def build(programme, on: datetime.date, clusters: list | None = None) -> Panel:
    """The panel as of ``on``: accounts, companies with cohort, attributes and intensity."""
    firms, left_out = firms_known(programme, on, clusters)
    accounts = accounts_known(on, set(firms["firm"]))
    firms = firms.merge(attributes(list(firms["firm"]), accounts, on), on="firm", how="left")
    intensity = intensity_known(programme, on, firms)
    totals = intensity.groupby("firm")["activities"].sum() if not intensity.empty else {}
    bands = []
    for firm, cohort in zip(firms["firm"], firms["cohort"], strict=True):
        if pd.isna(cohort):
            bands.append("")
        else:
            years = on.year - int(cohort) + 1
            bands.append(_band(float(totals.get(firm, 0)), years))
    firms["intensity"] = bands
    return Panel(on=on, accounts=accounts, firms=firms, left_out=left_out, intensity=intensity)
