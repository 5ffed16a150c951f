"""The calibration as the platform computes it: the report's figures recomputed from the
loaded records with the platform's own selectors and analysis functions — the same
ones the pages use — beside the targets (tests/test_demo_data.py,
tests/test_demo_survey.py, docs/demo.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from clustermonitor.activities import figures as activity_figures
from clustermonitor.analysis import cofinancing, participation, reach
from clustermonitor.collaborations.selectors import cluster_kpi3
from clustermonitor.demodata.calibrate import (
    REFERENCE_DATE,
    TABLE8_YEAR,
    TARGETS,
    cluster_specs,
)
from clustermonitor.members import figures
from clustermonitor.members.reach import REACH_COLUMNS, reach_rows
from clustermonitor.programmes.models import Cluster


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
            activity_figures.participation_rows(
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
    return {
        "clusters": per_cluster,
        "programme": overall,
        "survey": survey_achieved(list(clusters)),
    }


# -- The member survey (demodata/survey.py) ---------------------------------------------


def survey_frame(wave, codes) -> pd.DataFrame:
    """The completed questionnaires of `codes`' respondents, as the results page reads
    them (surveys/results.py), scale answers as numbers."""
    from clustermonitor.analysis import survey as analysis
    from clustermonitor.surveys import results

    frame = results.response_frame(wave)
    frame = frame[frame["cluster"].isin(list(codes))].reset_index(drop=True)
    for q in results.analysed_questions(wave.questionnaire):
        if analysis.question_kind(q) in (analysis.SCALE, analysis.NUMERIC):
            frame[q["name"]] = analysis.as_numbers(frame[q["name"]])
    return frame


def pooled_means(frame, questions, prefix: str, profile: str) -> dict[str, float]:
    """The mean over a battery's statements (``q7_s1``…) per group of `profile`, from the
    crosses of the results page (each statement's n and mean); `all` for everyone."""
    from clustermonitor.analysis import survey as analysis

    sums: dict[str, list[float]] = {}
    for q in questions:
        if not q["name"].startswith(prefix):
            continue
        table = analysis.cross(frame.assign(all="all"), q, profile)["table"]
        for row in table.itertuples():
            if row.n:
                total = sums.setdefault(row.group, [0.0, 0])
                total[0] += row.n * row.mean
                total[1] += row.n
    return {group: s / n for group, (s, n) in sums.items()}


def survey_achieved(codes) -> dict:
    """The survey's published figures (published_figures_2020.yaml and the annex's
    effect matrices) beside those of the demo wave's respondents in `codes`; {} without
    the demo wave."""
    from clustermonitor.analysis import survey as analysis
    from clustermonitor.demodata import survey as demo
    from clustermonitor.surveys import invitations

    wave = demo.demo_wave()
    if wave is None:
        return {}
    figures = demo.published()
    _rows, total = invitations.tracking(wave, codes)
    frame = survey_frame(wave, codes)
    questions = [q for q in wave.questionnaire.questions if analysis.question_kind(q)]
    by_name = {q["name"]: q for q in questions}
    seconds = wave.responses.filter(
        completed_at__isnull=False, invitation__cluster__code__in=list(codes)
    ).values_list("duration_seconds", flat=True)
    q1 = analysis.distribution(frame["q1"], by_name["q1"]["choices"]).set_index("choice")
    q2 = analysis.distribution(frame["q2"], by_name["q2"]["choices"]).set_index("choice")
    result = {
        "invited": (figures["invited"], total.invited),
        "started": (figures["responded"], total.started),
        "completed": (figures["completed"], total.completed),
        "response_rate": (figures["response_rate"], total.started_rate),
        "minutes": (figures["mean_completion_minutes"], float(np.mean(seconds)) / 60),
        "share_active": (figures["share_active"], float(q1.at["yes", "share"])),
        "share_relevant": (
            figures["share_relevant_or_very_relevant"],
            float(q2.loc[["3", "4"], "share"].sum()),
        ),
        "q2": (figures["q2_relevance_mean"], analysis.mean_ci(frame["q2"])["mean"]),
    }
    for key, prefix in (("q7", "q7_s"), ("q8", "q8_b")):
        means = {}
        for profile in ("call", "size", "embedding", "activity"):
            means |= {
                (profile, g): m for g, m in pooled_means(frame, questions, prefix, profile).items()
            }
        published = figures["q7_by_profile" if key == "q7" else "q8_benefits_by_profile"]
        result[f"{key}_by_profile"] = {
            name: (value, means.get(demo.PROFILE_GROUPS[name])) for name, value in published.items()
        }
        result[key] = pooled_means(frame, questions, prefix, "all")["all"]
    result["q7"] = (figures["q7_collaborative_strength_mean"], result["q7"])
    result["q8"] = (None, result["q8"])  # the report gives Q8 by profile only
    q9 = {p: analysis.q9_shares(frame, p).set_index("group")["share"] for p in ("activity", "size")}
    result["q9_within_3y"] = (
        figures["q9_expect_competitiveness_gain_within_3y"],
        float(q9["size"]["all"]),
    )
    for key, profile in (("q9_by_activity", "activity"), ("q9_by_size", "size")):
        result[key] = {
            name: (value, float(q9[profile].get(demo.PROFILE_GROUPS[name][1], np.nan)))
            for name, value in figures[key].items()
        }
    result["matrix"] = {}
    result["matrix_by_profile"] = {}
    scopes = [("all", "all", frame)]
    for profile in ("call", "size", "embedding", "activity"):
        scopes += [(profile, g, frame[frame[profile] == g]) for g in analysis.PROFILES[profile]]
    for profile, group, part in scopes:
        real = analysis.effect_matrix(part, kind=analysis.REALISATION)
        share = analysis.effect_matrix(part, kind=analysis.CONTRIBUTION)
        point = {
            "x": real["x_mean"],
            "realisation": real["y_mean"],
            "contribution": share["y_mean"],
        }
        if profile == "all":
            result["matrix"] = {k: (demo.MATRIX[k], v) for k, v in point.items()}
            points = real["points"].assign(contribution=share["points"]["y"])
            result["effects"] = points.rename(columns={"y": "realisation"}).to_dict("records")
        else:
            result["matrix_by_profile"][(profile, group)] = point
    return result
