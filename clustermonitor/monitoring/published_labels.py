"""The row labels of published vs computed: each figure of published_figures_2020.yaml
named in the reader's language (Dutch first, through the catalogue), instead of its YAML
path ("unique active companies · pct"). The path stays beside it on the page, in the
download and in the report's annex as the figure's key.

Most figures are named one by one; the repeated shapes (a call's, a KPI's, a profile
group's figures) are composed of a translated pattern and translated parts. A figure the
file gains later without a label here shows its path ("calls[2] · funded") until it gets
one (tests/test_published.py checks that every figure of the file has a label). The
units (count, share, …) are named here too.
"""

import datetime
import re
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

#: The programme's KPIs of Table 5, by their key in the file.
KPIS = {
    "unique_active_companies": gettext_lazy("KPI 1, unique active companies"),
    "new_active_companies": gettext_lazy("KPI 2, new active companies"),
    "collaborations_min_3_parties": gettext_lazy("KPI 3, collaborations with at least 3 companies"),
}
KPI_FIGURES = {
    "reported": gettext_lazy("%(kpi)s: reported"),
    "target_3y": gettext_lazy("%(kpi)s: 3-year target"),
    "pct": gettext_lazy("%(kpi)s: percentage of the target attained"),
}
#: The groups the report breaks figures down by (embedding, call, size, activity).
GROUPS = {
    "zelfstandig": gettext_lazy("independent IBNs (zelfstandig)"),
    "gevestigd": gettext_lazy("hosted IBNs (gevestigd)"),
    "ingebed": gettext_lazy("hosted IBNs (gevestigd)"),
    "call1": gettext_lazy("call 1"),
    "call2": gettext_lazy("call 2"),
    "small": gettext_lazy("small companies"),
    "medium_large": gettext_lazy("medium or large companies"),
    "large": gettext_lazy("companies of 50 employees or more"),
    "active": gettext_lazy("active members"),
    "non_active": gettext_lazy("non-active members"),
}
CLUSTER_TYPE_FIGURES = {
    "name": gettext_lazy("%(type)s: name"),
    "max_annual_subsidy_eur": gettext_lazy("%(type)s: maximum subsidy a year (EUR)"),
    "max_years": gettext_lazy("%(type)s: maximum duration (years)"),
    "count_2020": gettext_lazy("%(type)s: number of clusters in 2020"),
}
CALL_FIGURES = {
    "call": gettext_lazy("Call %(n)s: number"),
    "period": gettext_lazy("Call %(n)s: period"),
    "submitted": gettext_lazy("Call %(n)s: applications submitted"),
    "funded": gettext_lazy("Call %(n)s: applications funded"),
    "funded_amount_eur": gettext_lazy("Call %(n)s: amount funded (EUR)"),
}
INTERCLUSTER_CALL_FIGURES = {
    "applications_with_ibn": gettext_lazy("Call %(year)s: applications with an IBN"),
    "approved": gettext_lazy("Call %(year)s: approved"),
    "matchmaking_by_agency": gettext_lazy("Call %(year)s: matchmaking by the agency"),
}
EMBEDDING_FIGURES = {
    "active_members": gettext_lazy("End of year 2, %(group)s: active members"),
    "new_members": gettext_lazy("End of year 2, %(group)s: new members"),
}
NORWAY_LEVEL_FIGURES = {
    "annual_support_eur": gettext_lazy("Norway, level %(level)s: annual support (EUR)"),
    "years": gettext_lazy("Norway, level %(level)s: duration (years)"),
}
BY_GROUP = {
    "survey.q7_by_profile": gettext_lazy("Q7 collaborative strength: mean, %(group)s"),
    "survey.q8_benefits_by_profile": gettext_lazy("Q8 benefits: mean, %(group)s"),
    "survey.q9_by_activity": gettext_lazy(
        "Q9: share expecting to gain competitiveness within 3 years, %(group)s"
    ),
    "survey.q9_by_size": gettext_lazy(
        "Q9: share expecting to gain competitiveness within 3 years, %(group)s"
    ),
    "intercluster_calls.involvements": gettext_lazy("Involvements, %(group)s"),
}

_FIRST_14 = "programme_kpis.call1_first_14."
_OVER_400K = "programme_kpis.subsidy_over_400k."
_OTHERS = "programme_kpis.others_members_end_2018."
_NORWAY = "international_cases.norway."
_CATALONIA = "international_cases.catalonia."
LABELS = {
    "programme.cofinancing_share_by_members": gettext_lazy(
        "Share of the budget co-financed by the members"
    ),
    "programme.member_cofinancing_total_eur": gettext_lazy(
        "Co-financing by the members, total (EUR)"
    ),
    _FIRST_14 + "reached_member_target_after_year_2": gettext_lazy(
        "Call 1, the first 14 IBNs: member target reached after year 2"
    ),
    _FIRST_14 + "not_yet_reached_collaboration_target_end_2018": gettext_lazy(
        "Call 1, the first 14 IBNs: collaboration target not yet reached at the end of 2018"
    ),
    _FIRST_14 + "collaboration_target_3y_total": gettext_lazy(
        "Call 1, the first 14 IBNs: collaboration targets over 3 years, together"
    ),
    _OVER_400K + "clusters": gettext_lazy("IBNs with a subsidy over EUR 400,000: number"),
    _OVER_400K + "members_end_2018": gettext_lazy(
        "IBNs with a subsidy over EUR 400,000: members at the end of 2018"
    ),
    _OVER_400K + "share_of_total": gettext_lazy(
        "IBNs with a subsidy over EUR 400,000: their share of all members"
    ),
    _OTHERS + "clusters": gettext_lazy("The other IBNs: number"),
    _OTHERS + "members": gettext_lazy("The other IBNs: members at the end of 2018"),
    _OTHERS + "missing_reports": gettext_lazy("The other IBNs: without a report"),
    "reach.share_micro_or_small": gettext_lazy(
        "Share of micro or small companies (under 50 employees)"
    ),
    "reach.share_sme_eu_definition": gettext_lazy("Share of SMEs (European definition)"),
    "reach.mean_company_age_years": gettext_lazy("Mean age of the companies (years)"),
    "reach.share_age_up_to_10_years": gettext_lazy("Share of companies up to 10 years old"),
    "reach.share_startups_under_5_years": gettext_lazy("Share of start-ups (under 5 years old)"),
    "reach.companies_in_two_or_more_ibns": gettext_lazy("Companies in two or more IBNs"),
    "survey.invited": gettext_lazy("Members invited"),
    "survey.responded": gettext_lazy("Members who responded"),
    "survey.response_rate": gettext_lazy("Response rate"),
    "survey.completed": gettext_lazy("Questionnaires completed"),
    "survey.mean_completion_minutes": gettext_lazy("Mean time to complete (minutes)"),
    "survey.profile_variables": gettext_lazy("Profile variables of the analysis"),
    "survey.share_active": gettext_lazy(
        "Share of active members (2 activities or more in the past year)"
    ),
    "survey.share_relevant_or_very_relevant": gettext_lazy(
        "Share finding the IBN relevant or very relevant"
    ),
    "survey.q2_relevance_mean": gettext_lazy("Q2 relevance: mean (scale 1–4)"),
    "survey.q7_collaborative_strength_mean": gettext_lazy(
        "Q7 collaborative strength: mean (scale 1–4)"
    ),
    "survey.q9_expect_competitiveness_gain_within_3y": gettext_lazy(
        "Q9: share expecting to gain competitiveness within 3 years"
    ),
    "survey.relevance_lower_when_members_over": gettext_lazy(
        "Relevance is lower in IBNs with more members than"
    ),
    "intercluster_calls.applications_total": gettext_lazy("Applications, total"),
    "intercluster_calls.approved_total": gettext_lazy("Approved, total"),
    "intercluster_calls.ibn_spc_applications.submitted": gettext_lazy(
        "Applications of an IBN with a spearhead cluster: submitted"
    ),
    "intercluster_calls.ibn_spc_applications.approved": gettext_lazy(
        "Applications of an IBN with a spearhead cluster: approved"
    ),
    _NORWAY + "max_years": gettext_lazy("Norway: maximum duration (years)"),
    _NORWAY + "entry_criteria": gettext_lazy("Norway: entry criteria"),
    _NORWAY + "growth_criteria": gettext_lazy("Norway: growth criteria"),
    _NORWAY + "exit_strategy_due_months_before_end": gettext_lazy(
        "Norway: exit strategy due, months before the end"
    ),
    _CATALONIA + "accreditation_criteria": gettext_lazy("Catalonia: accreditation criteria"),
    _CATALONIA + "criteria_tightened_every_years": gettext_lazy(
        "Catalonia: criteria tightened every … years"
    ),
    _CATALONIA + "evaluation_of_members_every_years": gettext_lazy(
        "Catalonia: members evaluated every … years"
    ),
    _CATALONIA + "evaluation_of_managers_every_years": gettext_lazy(
        "Catalonia: cluster managers evaluated every … years"
    ),
    _CATALONIA + "statistical_benchmark_every_months": gettext_lazy(
        "Catalonia: statistical benchmark every … months"
    ),
    _CATALONIA + "account_managers_fte": gettext_lazy("Catalonia: account managers (FTE)"),
    "international_cases.upper_austria": gettext_lazy("Upper Austria"),
}

#: The unit of a figure (published.unit_of) as the reader reads it.
UNITS = {
    "count": pgettext_lazy("unit", "count"),
    "share": pgettext_lazy("unit", "share"),
    "eur": pgettext_lazy("unit", "amount (EUR)"),
    "years": pgettext_lazy("unit", "years"),
    "score": pgettext_lazy("unit", "score"),
    "text": pgettext_lazy("unit", "text"),
}

_CLUSTER_TYPE = re.compile(r"programme\.cluster_types\.(\w+)\.(\w+)")
_CALL = re.compile(r"programme\.calls\[(\d+)\]\.(\w+)")
_KPI = re.compile(r"programme_kpis\.(\w+)\.(\w+)")
_DEFINITION = re.compile(r"programme_kpis\.kpi_definitions\.(\w+)")
_EMBEDDING = re.compile(r"programme_kpis\.by_embedding_end_of_year_2\.(\w+)\.(\w+)")
_INTERCLUSTER_CALL = re.compile(r"intercluster_calls\.call_(\d{4})\.(\w+)")
_NORWAY_LEVEL = re.compile(r"international_cases\.norway\.levels\.(\w+)\.(\w+)")
_GROUP = re.compile(r"(.+)\.(\w+)")


def unit(code: str) -> str:
    """A unit's name in the reader's language ("aantal" for count)."""
    return str(UNITS[code]) if code in UNITS else code


def label(key: str) -> str:
    """The figure's name in the reader's language; its path when it has none yet."""
    return named(key) or " · ".join(p.replace("_", " ") for p in key.split(".")[1:] if p) or key


def named(key: str) -> str | None:
    """The figure's name in the reader's language, or None when it has none yet."""
    if key in LABELS:
        return str(LABELS[key])
    if (m := _DEFINITION.fullmatch(key)) and m[1] in KPIS:
        return _("%(kpi)s: definition") % {"kpi": KPIS[m[1]]}
    if (m := _KPI.fullmatch(key)) and m[1] in KPIS and m[2] in KPI_FIGURES:
        return str(KPI_FIGURES[m[2]]) % {"kpi": KPIS[m[1]]}
    if (m := _CLUSTER_TYPE.fullmatch(key)) and m[2] in CLUSTER_TYPE_FIGURES:
        return str(CLUSTER_TYPE_FIGURES[m[2]]) % {"type": m[1]}
    if (m := _CALL.fullmatch(key)) and m[2] in CALL_FIGURES:
        return str(CALL_FIGURES[m[2]]) % {"n": int(m[1]) + 1}
    if (m := _EMBEDDING.fullmatch(key)) and m[1] in GROUPS and m[2] in EMBEDDING_FIGURES:
        return str(EMBEDDING_FIGURES[m[2]]) % {"group": GROUPS[m[1]]}
    if (m := _INTERCLUSTER_CALL.fullmatch(key)) and m[2] in INTERCLUSTER_CALL_FIGURES:
        return str(INTERCLUSTER_CALL_FIGURES[m[2]]) % {"year": m[1]}
    if (m := _NORWAY_LEVEL.fullmatch(key)) and m[2] in NORWAY_LEVEL_FIGURES:
        return str(NORWAY_LEVEL_FIGURES[m[2]]) % {"level": m[1]}
    if (m := _GROUP.fullmatch(key)) and m[1] in BY_GROUP and m[2] in GROUPS:
        return str(BY_GROUP[m[1]]) % {"group": GROUPS[m[2]]}
    return None


def day(date: datetime.date | None) -> str:
    """A date in a note as the reader writes it ("31 januari 2020", "Jan. 31, 2020"),
    not as ISO."""
    return formats.date_format(date, "DATE_FORMAT") if date else ""


def shown(value):
    """A published number as the reader writes it (500.000 in Dutch, 500,000 in English);
    words and other values as they are."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return formats.number_format(value, force_grouping=True)
    return value
