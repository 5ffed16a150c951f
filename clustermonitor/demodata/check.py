"""The calibration as the platform computes it: the report's figures recomputed from the
loaded records with the platform's own selectors and analysis functions — the same
ones the pages use — beside the targets (tests/test_demo_data.py, docs/demo.md)."""

from __future__ import annotations

import pandas as pd

from clustermonitor.analysis import cofinancing, participation, reach
from clustermonitor.collaborations.selectors import cluster_kpi3
from clustermonitor.demodata.calibrate import (
    REFERENCE_DATE,
    TABLE8_YEAR,
    TARGETS,
    cluster_specs,
)
from clustermonitor.members import figures
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry.selectors import REACH_COLUMNS, reach_rows


def table8(clusters) -> pd.DataFrame:
    rows = pd.DataFrame(
        figures.contribution_rows(clusters, [TABLE8_YEAR]),
        columns=["cluster", "year", "membership_id", "organisation_id", "amount", "status"],
    )
    return cofinancing.table8(rows[rows["status"].isin(figures.STRUCTURE)])


def kpis(cluster, until) -> tuple[int, int]:
    """KPI 1 and KPI 2 as the dashboard and the KPI page compute them."""
    from clustermonitor.monitoring.dashboard import computed_kpis

    values = computed_kpis([cluster], until).values.get(cluster.code, {})
    return values.get("KPI1", 0), values.get("KPI2", 0)


def reach_frame(programme) -> pd.DataFrame:
    frame = pd.DataFrame(reach_rows(on=REFERENCE_DATE, programme=programme), columns=REACH_COLUMNS)
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    for column in ("employees", "turnover", "balance_total"):
        frame[column] = pd.to_numeric(frame[column])
    return frame


def active_share(clusters) -> float:
    import datetime

    degree = participation.activity_degree(
        pd.DataFrame(
            figures.participation_rows(
                clusters, REFERENCE_DATE - datetime.timedelta(days=366), REFERENCE_DATE
            ),
            columns=["cluster", "organisation_id", "activity_id", "date"],
        ),
        pd.DataFrame(
            figures.member_rows(clusters, REFERENCE_DATE),
            columns=["cluster", "organisation_id", "kind", "size_class", "embedding"],
        ),
        REFERENCE_DATE,
    )
    shares = participation.active_share(degree)
    return float(shares.loc[shares["cluster"] == participation.PROGRAMME, "share"].iloc[0])


def achieved(specs=None) -> dict:
    """Per cluster (Table 7 and 8) and programme-wide (chapter 2, survey): target and
    achieved value, computed from the records."""
    specs = list(specs or cluster_specs())
    clusters = {c.code: c for c in Cluster.objects.filter(code__in=[s.code for s in specs])}
    t8 = table8(list(clusters.values())).set_index("cluster")
    per_cluster = []
    for spec in specs:
        cluster = clusters[spec.code]
        row = {"code": spec.code, "basis": spec.basis, "until": spec.reporting_end}
        if spec.reported:
            kpi1, kpi2 = kpis(cluster, spec.reporting_end)
            kpi3 = cluster_kpi3(cluster, spec.reporting_end).value
            row |= {
                "members": (spec.members, kpi1),
                "new": kpi2,
                "collaborations": (spec.collaborations, kpi3),
            }
        if spec.table8 is not None and spec.code in t8.index:
            got = t8.loc[spec.code]
            published = spec.table8
            row["table8"] = {
                "n": (published.n, int(got["n"])),
                "max": (published.maximum, float(got["max"])),
                "min": (published.minimum, float(got["min"])),
                "median": (published.median, float(got["median"])),
                "n_max": (published.n_max, int(got["n_max"])),
                "k": (published.k, int(got["k"])),
                "total": float(got["total"]),
                "subsidy": spec.subsidy_in(TABLE8_YEAR),
            }
        per_cluster.append(row)
    programme = next(iter(clusters.values())).programme
    frame = reach_frame(programme)
    frame = frame[frame["cluster"].isin(list(clusters))]
    sme = reach.sme_share(frame)
    age = reach.age_summary(frame, pd.Timestamp(REFERENCE_DATE))
    multi = reach.memberships_per_organisation(frame)
    in_two_or_more = int(multi.loc[multi["memberships"] != "1", "total"].sum())
    overall = {
        "share_micro_or_small": (TARGETS["share_micro_or_small"], sme["share_micro_or_small"]),
        "share_sme": (TARGETS["share_sme"], sme["share"]),
        "mean_age": (TARGETS["mean_age"], age["mean_age"]),
        "share_startups": (TARGETS["share_startups"], age["share_startups"]),
        "share_up_to_10_years": ("> 1/3", age["share_up_to_10_years"]),
        "companies_in_two_or_more": (TARGETS["companies_in_two_or_more"], in_two_or_more),
        "share_active": (TARGETS["share_active"], active_share(list(clusters.values()))),
        "companies": int(frame.loc[frame["kind"] == "company", "organisation_id"].nunique()),
    }
    new = {}
    for embedding in ("zelfstandig", "gevestigd"):
        group = [r for r, s in zip(per_cluster, specs, strict=True) if s.embedding == embedding]
        new[embedding] = (
            sum(r["members"][1] for r in group if "members" in r),
            sum(r["new"] for r in group if "new" in r),
        )
    overall["kpi1_kpi2_by_embedding"] = new
    return {"clusters": per_cluster, "programme": overall}
