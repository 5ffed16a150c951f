"""Published vs computed (issue 8): every figure of the 2020 evaluation
(data/reference/published_figures_2020.yaml) beside the value the platform computes from
the current records, with the difference.

The YAML is walked generically, so every leaf is a row; the computable ones are mapped
to a computation in COMPUTATIONS (key → function), the others say why they are not
computed. On the demo data the page shows how closely the platform reproduces the
evaluation; on real data, what changed since.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path

import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clustermonitor.core import known
from clustermonitor.core.exporters import Sheet
from clustermonitor.monitoring import published_labels, published_texts
from clustermonitor.monitoring.published_labels import day
from clustermonitor.programmes.models import Cluster, ClusterType
from clustermonitor.programmes.selectors import figures_by_call

FILE = Path(__file__).resolve().parent.parent / "data" / "reference" / "published_figures_2020.yaml"
COUNT, SHARE, EUR, YEARS, SCORE, TEXT = "count", "share", "eur", "years", "score", "text"
#: A difference beyond this is highlighted: absolute for shares, scores and years,
#: relative to the published value for counts and amounts.
TOLERANCE = {SHARE: 0.02, SCORE: 0.1, YEARS: 1.0, COUNT: 0.05, EUR: 0.05}
RELATIVE = {COUNT, EUR}
KPI_NAMES = {
    "unique_active_companies": "KPI1",
    "new_active_companies": "KPI2",
    "collaborations_min_3_parties": "KPI3",
}
EMBEDDING_FIGURES = {"active_members": "KPI1", "new_members": "KPI2"}
#: Clusters the 2020 evaluation's reach analysis (chapter 2) left out: The Beacon's
#: member list had no enterprise numbers. The annex compares the reach figures over the
#: evaluation's population; the reach chapter and pages keep every IBN. Code → the name
#: the evaluation gives it (a fact of 2020, so a report as of a date before the cluster
#: started names it the same way).
REACH_2020_LEFT_OUT = {"BEACON": "IoT Value Chain (The Beacon)"}
#: Table 5's "end of year 2": each IBN's figure at its agreement start + this many years.
END_OF_YEAR = 2
#: The survey's published breakdowns (q7_by_profile, q8_benefits_by_profile, q9_by_…)
#: → (profile variable, group) of analysis/survey.py. The report's "large" in the Q9
#: split by size is the instrument's size class "medium or large" (≥ 50 employees).
SURVEY_GROUPS = {
    "call1": ("call", "1"),
    "call2": ("call", "2"),
    "small": ("size", "small"),
    "medium_large": ("size", "medium_large"),
    "large": ("size", "medium_large"),
    "zelfstandig": ("embedding", "zelfstandig"),
    "ingebed": ("embedding", "gevestigd"),
    "active": ("activity", "active"),
    "non_active": ("activity", "non_active"),
}
#: The batteries the report gives per profile: the published key → question prefix.
SURVEY_BATTERIES = {"q7_by_profile": ("q7", "q7_s"), "q8_benefits_by_profile": ("q8", "q8_b")}
_NUMBER = re.compile(
    r"^\s*(?:about|almost|around|over|under|>|<|≥|≤|~|≈)?\s*"
    r"(?:(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?))\s*$"
)
_QUALIFIER = re.compile(r"^\s*(about|almost|around|over|under|>|<|≥|≤|~|≈)")
#: A published figure in words is compared by its meaning (docs/monitoring.md):
#: "> 1/3", "over 50" are inequalities (hold or not); "about 50", "almost 0.80", "~ 12"
#: are approximate, within APPROXIMATE of the number (relative).
GREATER, LESS = (">", "over", "≥"), ("<", "under", "≤")
APPROXIMATE = 0.10


def qualifier(value) -> str:
    """The word or sign before the number of a published text ("" for none)."""
    if not isinstance(value, str):
        return ""
    match = _QUALIFIER.match(value)
    return match.group(1) if match else ""


@dataclass
class Row:
    section: str
    key: str  # the YAML path, e.g. programme_kpis.unique_active_companies.reported
    label: str
    published: object  # number, or text as printed
    computed: float | int | bool | None
    difference: float | None  # computed − published, numbers only
    unit: str
    note: str
    reported_sum: float | None = None  # programme_kpis: sum of the clusters' reported
    approximate_difference: float | None = None  # computed − the number in a text

    @property
    def is_computed(self) -> bool:
        return self.computed is not None

    @property
    def flagged(self) -> bool:
        """Beyond the tolerance (or, for a yes/no figure, different)."""
        if isinstance(self.computed, bool):
            return self.computed != self.published
        diff = self.difference if self.difference is not None else self.approximate_difference
        if diff is None or self.unit not in TOLERANCE:
            return False
        word = qualifier(self.published)
        if word in GREATER:
            return not (diff > 0 or (word == "≥" and diff == 0))
        if word in LESS:
            return not (diff < 0 or (word == "≤" and diff == 0))
        if word:
            base = parse_number(self.published)
            return bool(base) and abs(diff) / abs(base) > APPROXIMATE
        if self.unit in RELATIVE:
            base = parse_number(self.published)
            return bool(base) and abs(diff) / abs(base) > TOLERANCE[self.unit]
        return abs(diff) > TOLERANCE[self.unit]


def leaves(data, path: str = ""):
    """(key, value) for every leaf: dicts and lists of dicts are walked (list items as
    ``[i]``); a list of plain values is one leaf."""
    if isinstance(data, dict):
        for name, value in data.items():
            yield from leaves(value, f"{path}.{name}" if path else str(name))
    elif isinstance(data, list) and any(isinstance(v, dict | list) for v in data):
        for i, value in enumerate(data):
            yield from leaves(value, f"{path}[{i}]")
    else:
        yield path, data


def read(path: Path = FILE) -> dict:
    import yaml  # with the first read, not the module (the forms and pages import it)

    return yaml.safe_load(path.read_text("utf-8"))


def parse_number(value) -> float | None:
    """The number in a published value: 0.80 in "almost 0.80", 1/3 in "> 1/3"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    if not isinstance(value, str):
        return None
    match = _NUMBER.match(value)
    if match is None:
        return None
    if match.group(1):
        return float(match.group(1)) / float(match.group(2))
    return float(match.group(3))


def _number(value):
    if value is None or isinstance(value, bool):
        return value
    value = float(value)
    return int(value) if value.is_integer() else value


def unit_of(key: str, value) -> str:
    last = key.rsplit(".", 1)[-1]
    if isinstance(value, bool) or (isinstance(value, str) and parse_number(value) is None):
        return TEXT
    if isinstance(value, list) or last in ("call", "period", "name"):
        return TEXT
    if "_eur" in key:
        return EUR
    if "share" in last or last in ("response_rate",) or key.startswith("survey.q9"):
        return SHARE
    if "years" in last or "_age_" in last:
        return YEARS
    if key.startswith(("survey.q2", "survey.q7", "survey.q8")):
        return SCORE
    return COUNT


def label_of(key: str) -> str:
    return published_labels.label(key)


# -- The context: what the computations share, each computed once ----------------------


class Context:
    def __init__(self, programme, as_of: datetime.date):
        self.programme = programme
        self.as_of = as_of

    @cached_property
    def dashboard(self):
        from clustermonitor.monitoring import dashboard

        return dashboard.dashboard(self.programme, today=self.as_of, cluster_type="IBN")

    def total(self, code: str):
        return self.dashboard.programme_total.totals[code]

    def group(self, groups, key: str):
        return next((g for g in groups if g.key == key), None)

    @cached_property
    def intercluster(self):
        from clustermonitor.collaborations.selectors import intercluster_overview

        return intercluster_overview(self.programme, until=self.as_of)

    def intercluster_call(self, year: int):
        return next((c for c in self.intercluster.calls if c.year == year), None)

    @cached_property
    def reach(self) -> pd.DataFrame:
        from clustermonitor.members.reach import REACH_COLUMNS, reach_rows

        frame = pd.DataFrame(
            reach_rows(on=self.as_of, programme=self.programme), columns=REACH_COLUMNS
        )
        codes = set(
            Cluster.objects.filter(programme=self.programme, cluster_type__code="IBN").values_list(
                "code", flat=True
            )
        )
        # The 2020 evaluation's population: without the clusters it left out.
        codes -= set(REACH_2020_LEFT_OUT)
        frame = frame[frame["cluster"].isin(codes)].copy()
        frame["start_date"] = pd.to_datetime(frame["start_date"])
        for column in ("employees", "turnover", "balance_total"):
            frame[column] = pd.to_numeric(frame[column])
        return frame

    @cached_property
    def wave(self):
        from clustermonitor.surveys.models import Wave, member_waves

        waves = member_waves(Wave.objects.filter(questionnaire__programme=self.programme))
        return known.waves(waves, self.as_of).order_by("-closes_on", "-pk").first()

    @cached_property
    def survey(self):
        from clustermonitor.surveys import results

        return results.build(self.wave, suppressed=False, lang="en")

    @cached_property
    def survey_frame(self) -> pd.DataFrame:
        """The completed questionnaires, as the results page analyses them."""
        from clustermonitor.surveys import results

        return results.analysis_frame(self.wave)

    @cached_property
    def end_of_year_2(self) -> dict[str, tuple[datetime.date, str, dict]]:
        """Per IBN started by the date: (day, embedding, KPI values) at its end of year 2 (agreement
        start + END_OF_YEAR years), as known on that day (core.known through
        dashboard.computed_kpis); an IBN whose year 2 has not ended by the date is taken
        on the date itself, as the evaluation took the IBNs with less than two years."""
        from clustermonitor.core import known
        from clustermonitor.monitoring.dashboard import computed_kpis
        from clustermonitor.programmes.rules_math import add_years

        clusters = known.clusters(
            Cluster.objects.filter(programme=self.programme, cluster_type__code="IBN"),
            self.as_of,
        ).order_by("code")
        by_day: dict[datetime.date, list] = {}
        for cluster in clusters:
            day = min(add_years(cluster.start_date, END_OF_YEAR), self.as_of)
            by_day.setdefault(day, []).append(cluster)
        result = {}
        for day in sorted(by_day):
            values = computed_kpis(by_day[day], day).values
            for cluster in by_day[day]:
                result[cluster.code] = (day, cluster.embedding, values.get(cluster.code, {}))
        return dict(sorted(result.items()))

    def cluster_type(self, code: str):
        return ClusterType.objects.filter(programme=self.programme, code=code).first()


class NotComputed(Exception):
    """Raised by a computation that has nothing to compute from (the reason)."""


# -- The computations: key → function(context, parts) -> (value, note[, reported sum]) --


def _cluster_type_figure(ctx, key):
    code, field = key.split(".")[2:4]
    if field == "count_2020":
        n = known.clusters(
            Cluster.objects.filter(programme=ctx.programme, cluster_type__code=code), ctx.as_of
        ).count()
        return n, _("clusters of this type started by %(date)s") % {"date": day(ctx.as_of)}
    cluster_type = ctx.cluster_type(code)
    if cluster_type is None:
        raise NotComputed(_("no cluster type %(code)s in the programme") % {"code": code})
    if field == "max_annual_subsidy_eur":
        return cluster_type.max_annual_subsidy, _("the cluster type's maximum annual subsidy")
    return cluster_type.max_years, _("the cluster type's maximum duration")


def _cofinancing_share(ctx, key):
    cluster_type = ctx.cluster_type("IBN")
    if cluster_type is None or cluster_type.cofinancing_share is None:
        raise NotComputed(_("no IBN cluster type with a co-financing share"))
    return cluster_type.cofinancing_share, _("the IBN type's co-financing share by members")


def _call_figure(index: int, number: int):
    def compute(ctx, key):
        field = key.rsplit(".", 1)[-1]
        figures = figures_by_call(ctx.programme, ctx.as_of).get(("IBN", number))
        if not figures or not figures["received"]:
            raise NotComputed(
                _("no applications recorded for IBN call %(number)s") % {"number": number}
            )
        if field == "submitted":
            return figures["received"], _(
                "applications received by the call, known on %(date)s (drafts never count)"
            ) % {"date": day(ctx.as_of)}
        if field == "funded":
            return figures["funded"], _("funded applications of the call, decided by %(date)s") % {
                "date": day(ctx.as_of)
            }
        return figures["funded_amount"], _(
            "sum of the funded amounts of the call's applications decided by %(date)s"
        ) % {"date": day(ctx.as_of)}

    return compute


def _table5(name: str, field: str):
    code = KPI_NAMES[name]

    def compute(ctx, key):
        total = ctx.total(code)
        reported = float(total.reported) if total.n_reported else None
        until = ctx.dashboard.until
        if field == "reported":
            return (
                total.distinct,
                _(
                    "computed: %(code)s from the records up to %(until)s, each counted once; "
                    "reported sum: the clusters' latest reported figures (Table 7)"
                )
                % {"code": code, "until": day(until)},
                reported,
            )
        if field == "target_3y":
            value = total.target if total.n_target else None
            return value, _("sum of the IBNs' 3-year targets (%(n)s clusters)") % {
                "n": total.n_target
            }
        return total.computed_pct, _("computed value / target, over the IBNs with both")

    return compute


def _by_embedding(embedding: str, figure: str):
    code = EMBEDDING_FIGURES[figure]

    def compute(ctx, key):
        ibns = [v for v in ctx.end_of_year_2.values() if v[1] == embedding]
        if not ibns:
            raise NotComputed(_("no %(embedding)s IBNs") % {"embedding": embedding})
        group = ctx.group(ctx.dashboard.by_embedding, embedding)
        total = group.totals[code] if group is not None else None
        reported = float(total.reported) if total is not None and total.n_reported else None
        early = sum(1 for day, _e, _v in ibns if day == ctx.as_of)
        return (
            sum(values.get(code, 0) for _day, _e, values in ibns),
            _(
                "%(code)s per IBN at the end of its year 2 (agreement start + 2 years, "
                "records known on that day), summed over the %(n)s %(embedding)s IBNs; "
                "%(early)s of them had not completed year 2 on %(date)s and are taken "
                "on that date"
            )
            % {
                "code": code,
                "n": len(ibns),
                "embedding": embedding,
                "early": early,
                "date": day(ctx.as_of),
            },
            reported,
        )

    return compute


def _call1_collaboration_target(ctx, key):
    group = ctx.group(ctx.dashboard.by_call, "1")
    if group is None or not group.totals["KPI3"].n_target:
        raise NotComputed(_("no targets recorded for the IBNs of call 1"))
    return group.totals["KPI3"].target, _("sum of the KPI 3 targets of the IBNs of call 1")


def _reach(field: str):
    def compute(ctx, key):
        from clustermonitor.analysis import reach

        frame = ctx.reach
        if frame.empty:
            raise NotComputed(
                _("no IBN member with registry data on %(date)s") % {"date": day(ctx.as_of)}
            )
        on = pd.Timestamp(ctx.as_of)
        note = _(
            "IBN member companies on %(date)s without %(left_out)s, the 2020 evaluation's "
            "population (analysis/reach)"
        ) % {"date": day(ctx.as_of), "left_out": ", ".join(sorted(REACH_2020_LEFT_OUT))}
        if field in ("share_micro_or_small", "share"):
            return reach.sme_share(frame)[field], note
        if field == "in_two_or_more":
            multi = reach.memberships_per_organisation(frame)
            return int(multi.loc[multi["memberships"] != "1", "total"].sum()), note
        return reach.age_summary(frame, on)[field], note

    return compute


def _survey(field: str):
    def compute(ctx, key):
        if ctx.wave is None:
            raise NotComputed(_("no survey wave opened by %(date)s") % {"date": day(ctx.as_of)})
        note = _("survey wave “%(wave)s”") % {"wave": ctx.wave.name}
        counts = ctx.survey.counts
        if field in counts:
            return counts[field], note
        means = ctx.survey.tables["means"]
        row = next((r for r in means if r["question"] == field), None)
        if row is not None and row.get("mean") is not None:
            return row["mean"], note + " · " + _("mean of %(q)s") % {"q": field}
        # A battery (q7_s1 … q7_s5): the mean over its statements, weighted by their n.
        battery = [r for r in means if r["question"].startswith(f"{field}_s") and r.get("n")]
        if not battery:
            raise NotComputed(_("no answers to %(q)s in the wave") % {"q": field})
        total = sum(r["n"] for r in battery)
        mean = sum(r["n"] * r["mean"] for r in battery) / total
        return mean, note + " · " + _("mean over the statements of %(q)s") % {"q": field}

    return compute


def _wave_note(ctx) -> str:
    return _("survey wave “%(wave)s”") % {"wave": ctx.wave.name}


def _survey_frame(ctx, question: str) -> pd.DataFrame:
    if ctx.wave is None:
        raise NotComputed(_("no survey wave opened by %(date)s") % {"date": day(ctx.as_of)})
    frame = ctx.survey_frame
    if question not in frame or not frame[question].notna().any():
        raise NotComputed(_("no answers to %(q)s in the wave") % {"q": question})
    return frame


def _survey_share(question: str, names: tuple[str, ...], how):
    """The share of the completed questionnaires answering `question` with one of
    `names` (Q1 yes: active; Q2 3 or 4: relevant or very relevant)."""

    def compute(ctx, key):
        from clustermonitor.analysis import survey_figures

        frame = _survey_frame(ctx, question)
        share = survey_figures.share_choosing(frame[question], names)
        return share["share"], _wave_note(ctx) + " · " + str(how) % {
            "hit": share["n_hit"],
            "n": share["n"],
        }

    return compute


def _survey_minutes(ctx, key):
    from clustermonitor.analysis import survey_figures
    from clustermonitor.surveys import results

    if ctx.wave is None:
        raise NotComputed(_("no survey wave opened by %(date)s") % {"date": day(ctx.as_of)})
    seconds = results.completion_seconds(ctx.wave)
    minutes = survey_figures.mean_minutes(seconds)
    if not minutes["n"]:
        raise NotComputed(_("no completed questionnaire with a start and submission time"))
    return minutes["mean"], _wave_note(ctx) + " · " + _(
        "mean time taken by the %(n)s completed questionnaires (active time recorded "
        "from start to submission), in minutes"
    ) % {"n": minutes["n"]}


def _group_label(profile: str, group: str) -> str:
    from clustermonitor.surveys import results

    return results.level_label(profile, group)


def _survey_battery(battery: str):
    question, prefix = SURVEY_BATTERIES[battery]

    def compute(ctx, key):
        from clustermonitor.analysis import survey_figures

        profile, group = SURVEY_GROUPS[key.rsplit(".", 1)[-1]]
        first = f"{prefix}1"
        frame = _survey_frame(ctx, first)
        columns = [c for c in frame.columns if c.startswith(prefix)]
        table = survey_figures.battery_means(frame, columns, profile).set_index("group")
        if group not in table.index or not table.at[group, "n"]:
            raise NotComputed(
                _("no answers to %(q)s from %(group)s")
                % {"q": question, "group": _group_label(profile, group)}
            )
        row = table.loc[group]
        return float(row["mean"]), _wave_note(ctx) + " · " + _(
            "mean over the statements of %(q)s (every answer once), %(group)s: %(n)s respondents"
        ) % {
            "q": question,
            "group": _group_label(profile, group),
            "n": int(row["respondents"]),
        }

    return compute


def _survey_q9(profile: str | None):
    def compute(ctx, key):
        from clustermonitor.analysis import survey

        frame = _survey_frame(ctx, "q9")
        group = survey.TOTAL
        if profile is not None:
            group = SURVEY_GROUPS[key.rsplit(".", 1)[-1]][1]
        table = survey.q9_shares(frame, profile).set_index("group")
        if group not in table.index or not table.at[group, "n"]:
            raise NotComputed(
                _("no answers to %(q)s from %(group)s")
                % {"q": "q9", "group": _group_label(profile or survey.TOTAL, group)}
            )
        row = table.loc[group]
        return float(row["share"]), _wave_note(ctx) + " · " + _(
            "share expecting a competitiveness gain within 3 years (already realised, "
            "very short term or within 3 years) among those who answered Q9, “don't "
            "know” included; %(group)s: %(hit)s of %(n)s"
        ) % {
            "group": _group_label(profile or survey.TOTAL, group),
            "hit": int(row["n_within"]),
            "n": int(row["n"]),
        }

    return compute


def _intercluster(getter, note):
    def compute(ctx, key):
        value = getter(ctx)
        if value is None:
            raise NotComputed(_("no intercluster call recorded for that year"))
        return value, str(note)

    return compute


def _call_value(year: int, attribute: str):
    def get(ctx):
        call = ctx.intercluster_call(year)
        return getattr(call, attribute) if call is not None else None

    return get


def _computations() -> dict:
    result = {}
    for code in ("SPC", "IBN"):
        for field in ("max_annual_subsidy_eur", "max_years", "count_2020"):
            result[f"programme.cluster_types.{code}.{field}"] = _cluster_type_figure
    result["programme.cofinancing_share_by_members"] = _cofinancing_share
    for index, number in ((0, 1), (1, 2)):
        for field in ("submitted", "funded", "funded_amount_eur"):
            result[f"programme.calls[{index}].{field}"] = _call_figure(index, number)
    for name in KPI_NAMES:
        for field in ("reported", "target_3y", "pct"):
            result[f"programme_kpis.{name}.{field}"] = _table5(name, field)
    for embedding in ("zelfstandig", "gevestigd"):
        for figure in EMBEDDING_FIGURES:
            result[f"programme_kpis.by_embedding_end_of_year_2.{embedding}.{figure}"] = (
                _by_embedding(embedding, figure)
            )
    result["programme_kpis.call1_first_14.collaboration_target_3y_total"] = (
        _call1_collaboration_target
    )
    for key, field in (
        ("share_micro_or_small", "share_micro_or_small"),
        ("share_sme_eu_definition", "share"),
        ("mean_company_age_years", "mean_age"),
        ("share_age_up_to_10_years", "share_up_to_10_years"),
        ("share_startups_under_5_years", "share_startups"),
        ("companies_in_two_or_more_ibns", "in_two_or_more"),
    ):
        result[f"reach.{key}"] = _reach(field)
    for key, field in (
        ("invited", "invited"),
        ("responded", "started"),
        ("completed", "complete"),
        ("response_rate", "response_rate"),
        ("q2_relevance_mean", "q2"),
        ("q7_collaborative_strength_mean", "q7"),
    ):
        result[f"survey.{key}"] = _survey(field)
    result["survey.share_active"] = _survey_share(
        "q1",
        ("yes",),
        gettext_lazy(
            "Q1 “yes” (took part in 2 or more activities in the past year): %(hit)s of "
            "the %(n)s completed questionnaires that answered it"
        ),
    )
    result["survey.share_relevant_or_very_relevant"] = _survey_share(
        "q2",
        ("3", "4"),
        gettext_lazy(
            "Q2 “relevant” or “very relevant” (3 or 4 on 1–4): %(hit)s of the %(n)s "
            "completed questionnaires that answered it"
        ),
    )
    result["survey.mean_completion_minutes"] = _survey_minutes
    for battery in SURVEY_BATTERIES:
        for name in SURVEY_GROUPS.keys() - {"large"}:
            result[f"survey.{battery}.{name}"] = _survey_battery(battery)
    result["survey.q9_expect_competitiveness_gain_within_3y"] = _survey_q9(None)
    for name in ("active", "non_active"):
        result[f"survey.q9_by_activity.{name}"] = _survey_q9("activity")
    for name in ("large", "small"):
        result[f"survey.q9_by_size.{name}"] = _survey_q9("size")
    ic = "intercluster_calls."
    recorded = gettext_lazy("applications recorded (a stage at or past submission)")
    result[ic + "applications_total"] = _intercluster(
        lambda c: c.intercluster.applications, recorded
    )
    result[ic + "approved_total"] = _intercluster(
        lambda c: c.intercluster.approved,
        gettext_lazy("recorded applications with decision approved"),
    )
    for year in (2017, 2018):
        result[f"{ic}call_{year}.applications_with_ibn"] = _intercluster(
            _call_value(year, "recorded_applications"),
            gettext_lazy("applications recorded for the call"),
        )
        result[f"{ic}call_{year}.approved"] = _intercluster(
            _call_value(year, "recorded_approved"),
            gettext_lazy("approved applications of the call"),
        )
        result[f"{ic}call_{year}.matchmaking_by_agency"] = _intercluster(
            _call_value(year, "matchmaking_by_agency"), gettext_lazy("as recorded on the call")
        )
    for embedding in ("gevestigd", "zelfstandig"):
        result[f"{ic}involvements.{embedding}"] = _intercluster(
            lambda c, e=embedding: c.intercluster.involvements.get(e, 0),
            gettext_lazy("IBN involvements in the recorded applications, by embedding"),
        )
    result[ic + "ibn_spc_applications.submitted"] = _intercluster(
        lambda c: c.intercluster.ibn_spc_applications,
        gettext_lazy("applications with an IBN and an SPC"),
    )
    result[ic + "ibn_spc_applications.approved"] = _intercluster(
        lambda c: c.intercluster.ibn_spc_approved, gettext_lazy("approved IBN–SPC applications")
    )
    return result


COMPUTATIONS = _computations()


def not_computed_reason(key: str, value) -> str:
    """Why a figure without a computation is not computed."""
    if key.startswith("international_cases."):
        return _("descriptive: other regions' cluster policies, not this programme's records")
    if key.startswith("programme_kpis.kpi_definitions."):
        return _("a definition, not a figure")
    if key.startswith(("programme_kpis.call1_first_14.", "programme_kpis.subsidy_over_400k.")):
        return _("a group of IBNs the report does not list; see the dashboard (Table 5)")
    if key.startswith("programme_kpis.others_members_end_2018."):
        return _("a group of IBNs the report does not list; see the dashboard (Table 5)")
    if key.endswith(".call"):
        return _("the call's number: an identifier, not a figure")
    if key.endswith((".name", ".period")) or isinstance(value, list):
        return _("a description, not a figure")
    if key in ("programme.member_cofinancing_total_eur",):
        return _("the report's total over the agreements; see the co-financing page (Table 8)")
    if key == "survey.relevance_lower_when_members_over":
        return _(
            "a finding's threshold (relevance is lower in IBNs of more than this many "
            "members), not a figure the records give; see the survey chapter"
        )
    if key.startswith("survey."):
        return _("a breakdown or finding of the report; see the survey results page")
    if key.startswith("reach."):
        return _("see the reach page")
    return _("no record in the platform holds this figure")


def _row(ctx: Context, key: str, value) -> Row:
    section = key.split(".", 1)[0].split("[", 1)[0]
    unit = unit_of(key, value)
    row = Row(section, key, label_of(key), value, None, None, unit, "")
    compute = COMPUTATIONS.get(key)
    if compute is None:
        row.note = _("not computed: %(reason)s") % {"reason": not_computed_reason(key, value)}
        return row
    try:
        result = compute(ctx, key)
    except NotComputed as reason:
        row.note = _("not computed: %(reason)s") % {"reason": reason}
        return row
    computed, row.note, *rest = result
    row.computed = _number(computed)
    row.reported_sum = _number(rest[0]) if rest else None
    if row.computed is None:
        row.note = _("not computed: no value in the records (%(how)s)") % {"how": row.note}
        return row
    if isinstance(row.computed, bool):
        return row
    if isinstance(value, int | float) and not isinstance(value, bool):
        row.difference = _number(round(row.computed - value, 6))
    else:
        number = parse_number(value)
        if number is not None:
            row.approximate_difference = round(row.computed - number, 6)
    return row


def comparison(programme, as_of: datetime.date | None = None, path: Path = FILE) -> list[Row]:
    """One row per leaf of the published figures, in the file's order."""
    ctx = Context(programme, as_of or datetime.date.today())
    return [_row(ctx, key, value) for key, value in leaves(read(path))]


#: The sections of published_figures_2020.yaml, as the page and the report name them.
SECTION_LABELS = {
    "programme": gettext_lazy("Programme"),
    "programme_kpis": gettext_lazy("Programme KPIs (Table 5)"),
    "reach": gettext_lazy("Reach (chapter 2)"),
    "survey": gettext_lazy("Survey"),
    "intercluster_calls": gettext_lazy("Intercluster calls"),
    "international_cases": gettext_lazy("International cases"),
}


def display_value(value) -> object:
    """A published or computed value for display: yes/no and lists as text, the published
    texts that are words in the reader's language."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return published_texts.in_words(value)


def sheet(rows) -> Sheet:
    """The comparison as the page's .xlsx download."""
    return Sheet(
        _("Published vs computed"),
        [
            _("Section"),
            _("Figure"),
            _("Label"),
            _("Unit"),
            _("Published"),
            _("Reported (sum over clusters)"),
            _("Computed"),
            _("Difference"),
            _("Approximate difference"),
            _("Beyond tolerance"),
            _("Note"),
        ],
        [
            (
                str(SECTION_LABELS.get(r.section, r.section)),
                r.key,
                r.label,
                published_labels.unit(r.unit),
                display_value(r.published),
                r.reported_sum,
                display_value(r.computed),
                r.difference,
                r.approximate_difference,
                _("yes") if r.flagged else "",
                r.note,
            )
            for r in rows
        ],
    )
