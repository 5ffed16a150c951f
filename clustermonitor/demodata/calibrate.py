"""The targets the demo is calibrated to, read from the real reference files.

Per IBN (`ClusterSpec`): the agreement (start, end, embedding, origin, subsidy), Table 7's
members (KPI 1) and collaborations (KPI 3) with the date they were reported up to, and
Table 8's fee structure. Programme-wide (`TARGETS`): the reach figures of chapter 2, the
share of active members and the split of KPI 2 by embedding (Table 5). Also here: the
list of published figures that contradict each other (`inconsistencies`), which the demo
documents instead of reproducing (docs/demo.md).

Nothing here touches the database: the plan is built from files and a seed.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache

from clustermonitor.demodata import table8
from clustermonitor.programmes.reference import REFERENCE_DIR, read_reference
from clustermonitor.programmes.rules_math import add_years, subsidy_by_year

#: The year whose fees reproduce Table 8 (the report does not say which year it shows;
#: 2019 is a full year of contributions for all 17 IBNs in the table).
TABLE8_YEAR = 2019
#: Reference date of the reach figures and the share of active members: the active
#: window (12 months before it) is then calendar 2019, the last full year before the
#: January 2020 report.
REFERENCE_DATE = datetime.date(2019, 12, 31)
#: The records run until the last agreement has ended.
DATA_END = datetime.date(2021, 12, 31)
#: An IBN agreement runs three years (the reference loader derives starts from ends).
IBN_YEARS = 3

#: Chapter 2 of the report and the survey annex (published_figures_2020.yaml).
TARGETS = {
    "share_micro_or_small": 0.60,
    "share_sme": 0.80,
    "mean_age": 22.5,
    "share_startups": 0.19,
    "companies_in_two_or_more": 50,
    "share_active": 0.80,
}
#: Size classes of the companies with a known headcount (micro + small = 60 %; large
#: 19 % and 1 % of medium companies above both EU financial ceilings: 80 % SMEs).
SIZE_SHARES = {"micro": 0.35, "small": 0.25, "medium": 0.21, "large": 0.19}
NON_SME_MEDIUM_SHARE = 0.01
#: Age classes (whole years on REFERENCE_DATE); 19 % start-ups, over a third up to 10.
AGE_SHARES = {"0-4": 0.19, "5-9": 0.15, "10-19": 0.21, "20-49": 0.35, "50+": 0.10}
#: Table 5, end of year 2: new active companies (KPI 2) of the active ones (KPI 1).
NEW_SHARE_BY_EMBEDDING = {"zelfstandig": 423 / 692, "gevestigd": 232 / 447}
#: Clusters whose origin is "Nieuw" had (almost) no members before the agreement.
NEW_SHARE_FOR_NEW_CLUSTERS = 0.9
#: Clusters without a report yet (Table 7's targets, marked **): members and
#: collaborations reach this share of the target by the end of the agreement.
TARGET_ATTAINMENT = 0.9


@dataclass(frozen=True)
class ClusterSpec:
    code: str
    name: str
    call: int
    embedding: str
    origin: str
    keywords: tuple[str, ...]
    start: datetime.date
    end: datetime.date
    subsidy: Decimal | None
    #: Table 7: "reported_2y", "reported_1y" or "target".
    basis: str
    members: int
    collaborations: int
    future: str
    future_path: str
    future_organisation: str
    #: Table 8 (None for the three IBNs without it).
    table8: table8.Row | None
    #: The code this spec was copied from (`generate --scale`), else the code itself.
    source_code: str = ""

    @property
    def reported(self) -> bool:
        return self.basis != "target"

    @property
    def reporting_end(self) -> datetime.date:
        """The date Table 7's figures were reported up to (the end of year 1 or 2); the
        agreement's end for a cluster that had no report."""
        if not self.reported:
            return self.end
        years = 2 if self.basis == "reported_2y" else 1
        return add_years(self.start, years) - datetime.timedelta(days=1)

    @property
    def report_year_number(self) -> int | None:
        """The year of operation whose progress report carries Table 7's figures."""
        return {"reported_2y": 2, "reported_1y": 1}.get(self.basis)

    @property
    def years(self) -> range:
        """Calendar years the agreement touches: each has member contributions."""
        return range(self.start.year, self.end.year + 1)

    @property
    def kpi_years(self) -> range:
        """Years counted by KPI 1 at the reporting date."""
        return range(self.start.year, self.reporting_end.year + 1)

    @property
    def new_cluster(self) -> bool:
        return self.origin.lower().startswith("nieuw")

    def subsidy_in(self, year: int) -> float | None:
        if self.subsidy is None:
            return None
        return float(subsidy_by_year(self.subsidy, self.start, self.end).get(year, 0))

    def copy(self, number: int) -> ClusterSpec:
        """The spec of copy `number` (2, 3, ...) for `generate --scale`."""
        return replace(
            self,
            code=f"{self.code}-{number}",
            name=f"{self.name} ({number})",
            source_code=self.source_code or self.code,
        )


def _table8_rows() -> dict[str, table8.Row]:
    rows = {}
    with (REFERENCE_DIR / "ibn_cofinancing_2020.csv").open(encoding="utf-8-sig") as handle:
        for r in csv.DictReader(handle):
            rows[r["code"]] = table8.Row(
                n=int(r["n_contributing_members"]),
                maximum=int(r["annual_fee_max_eur"]),
                minimum=int(r["annual_fee_min_eur"]),
                median=float(r["annual_fee_median_eur"]),
                n_max=int(r["n_max_contributions"]),
                k=int(r["n_contributions_to_half"]),
            )
    return rows


@cache
def cluster_specs() -> tuple[ClusterSpec, ...]:
    """The 20 IBNs of the reference files, in the files' order."""
    data = read_reference()
    rows = _table8_rows()
    specs = []
    for row in data["ibn"]:
        end = row["end_date"]
        start = add_years(end + datetime.timedelta(days=1), -IBN_YEARS)
        specs.append(
            ClusterSpec(
                code=row["code"],
                name=row["name"],
                call=row["call"],
                embedding=row["embedding"],
                origin=row["origin"],
                keywords=tuple(data["keywords"].get(row["code"], [])),
                start=start,
                end=end,
                subsidy=data["subsidies"].get(row["code"]),
                basis=row["basis"],
                members=int(row["members"]),
                collaborations=int(row["collaborations"]),
                future=row["future"],
                future_path=row["future_path"],
                future_organisation=row["future_organisation"],
                table8=rows.get(row["code"]),
                source_code=row["code"],
            )
        )
    return tuple(specs)


def new_shares(specs) -> dict[str, float]:
    """Per cluster, the share of KPI 1's companies that are new (KPI 2), so that each
    embedding's total follows Table 5 while clusters that were new ("Nieuw") have almost
    only new members."""
    shares = {}
    for embedding, share in NEW_SHARE_BY_EMBEDDING.items():
        group = [s for s in specs if s.embedding == embedding and s.reported]
        wanted = share * sum(s.members for s in group)
        fixed = sum(s.members * NEW_SHARE_FOR_NEW_CLUSTERS for s in group if s.new_cluster)
        rest = sum(s.members for s in group if not s.new_cluster)
        other = min(1.0, max(0.0, (wanted - fixed) / rest)) if rest else share
        for s in group:
            shares[s.code] = NEW_SHARE_FOR_NEW_CLUSTERS if s.new_cluster else other
    for s in specs:
        shares.setdefault(s.code, 0.6)
    return shares


@cache
def fees_for(code: str) -> table8.Solution | None:
    """Table 8's fees of one IBN for TABLE8_YEAR, aiming at that year's co-financing
    requirement (contributions ≥ subsidy, with 5 % margin)."""
    spec = next((s for s in cluster_specs() if s.code == code), None)
    if spec is None or spec.table8 is None:
        return None
    subsidy = spec.subsidy_in(TABLE8_YEAR) or 0
    wanted = max(subsidy * 1.05, spec.table8.n * spec.table8.median)
    return table8.solve(spec.table8, wanted)


#: Table 8 prints "(50%)" for these two, where k/N is 51.6 % and 49.1 % (the CSV keeps
#: k and N; the printed percentage is noted here).
PRINTED_PERCENT = {"P2G": 50, "BIM": 50}


def inconsistencies() -> list[dict]:
    """Table 8's figures that contradict each other, and what the demo shows instead
    (the programme-wide ones are listed in docs/demo.md)."""
    out = []
    for spec in cluster_specs():
        solution = fees_for(spec.code)
        if solution is None:
            continue
        got = table8.figures(solution.amounts)
        for problem in solution.problems:
            out.append(
                {
                    "where": f"Table 8, {spec.code}",
                    "problem": problem,
                    "demo": f"{got.k} van {got.n}, the definition (DESIGN §4)",
                }
            )
        printed = PRINTED_PERCENT.get(spec.code)
        percent = (200 * got.k + got.n) // (2 * got.n)  # as cofinancing.k_percent
        if printed is not None and printed != percent:
            out.append(
                {
                    "where": f"Table 8, {spec.code}",
                    "problem": f"the percentage is printed as {printed} %, "
                    f"where k/N = {got.k}/{got.n}",
                    "demo": f"{percent} % (k/N, rounded)",
                }
            )
    return out
