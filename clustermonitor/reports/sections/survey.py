"""Chapter: the member survey — the latest wave closed on or before the report's date
that covers a selected cluster.

Every figure is `surveys.results.build` with suppression on, exactly as the results
page shows it to everyone but the evaluator: a report is an aggregate document, so
groups of fewer than 5 respondents (and the next smallest of the same breakdown, when
it would give one away) show as "< 5". The response per cluster is
`surveys.invitations.tracking`, suppressed by the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from clustermonitor.core import i18n, known
from clustermonitor.reports.document import Figure, Percent, Section, Table

#: The question families of the report's profile analyses (Q7–Q10).
PROFILE_QUESTIONS = ("q7", "q8", "q9", "q10")


@dataclass
class SurveyData:
    wave: object
    cluster: object  # the one selected cluster the results are limited to, or None
    results: object  # surveys.results.Results (suppressed)


def latest_wave(ctx):
    from clustermonitor.surveys.models import Wave, member_waves

    # The member survey only: a manager wave's results are the agency's (docs/maturity.md).
    waves = member_waves(
        Wave.objects.filter(questionnaire__programme=ctx.programme, clusters__in=ctx.clusters)
    )
    return (
        known.waves(waves, ctx.as_of)
        .distinct()
        .select_related("questionnaire")
        .order_by("-closes_on", "-opens_on", "-pk")
        .first()
    )


def survey_data(ctx) -> SurveyData | None:
    """The wave and its suppressed results (shared with the methods annex)."""

    def compute() -> SurveyData | None:
        from clustermonitor.surveys import results

        wave = latest_wave(ctx)
        if wave is None:
            return None
        selected = {c.pk for c in ctx.clusters}
        in_wave = [c for c in wave.clusters.order_by("code") if c.pk in selected]
        cluster = in_wave[0] if ctx.selected and len(in_wave) == 1 else None
        lang = i18n.supported(ctx.lang)
        data = results.build(wave, cluster=cluster, suppressed=True, lang=lang)
        return SurveyData(wave, cluster, data)

    return ctx.shared("survey.data", compute)


def _suppressed(value) -> bool:
    from clustermonitor.analysis import survey

    return isinstance(value, str) and value == survey.SUPPRESSED


def _n(ctx, value) -> str:
    return value if _suppressed(value) else ctx.number(value)


def _share(value, decimals: int = 1):
    """A share cell: the marker stays a marker."""
    if _suppressed(value):
        return value
    return Percent(value, decimals)


def _mean(value):
    if value is None or _suppressed(value):
        return value
    return round(float(value), 2)


def _p(ctx, value):
    if value is None or _suppressed(value):
        return value
    if value < 0.001:
        return "< " + ctx.number(0.001, 3)
    return ctx.number(value, 3)


def _in_families(name: str) -> bool:
    return any(name == f or name.startswith(f + "_") for f in PROFILE_QUESTIONS)


def _label(question: dict, lang: str) -> str:
    from clustermonitor.surveys import results

    return results.bilingual(question.get("label"), lang, question["name"]).replace(
        "{cluster}", "IBN X"
    )


# -- Blocks ---------------------------------------------------------------------------


def _response(ctx, data: SurveyData) -> Section:
    from clustermonitor.analysis import survey
    from clustermonitor.surveys import invitations, results

    section = Section("survey_response", _("Response"))
    counts = data.results.counts
    rate = counts["response_rate"]
    section.text(
        _(
            "Of the %(invited)s member companies invited, %(started)s started the "
            "questionnaire (%(rate)s) and %(complete)s completed it; the analysis reads "
            "the %(analysed)s complete responses."
        )
        % {
            "invited": _n(ctx, counts["invited"]),
            "started": _n(ctx, counts["started"]),
            "rate": rate if _suppressed(rate) else ctx.percent(rate, 1),
            "complete": _n(ctx, counts["complete"]),
            "analysed": _n(ctx, counts["analysed"]),
        }
    )
    codes = [c.code for c in ctx.clusters]
    rows, total = invitations.tracking(data.wave, codes)
    hidden_started = results.suppressed_groups({r.code: r.started for r in rows})
    hidden_completed = results.suppressed_groups({r.code: r.completed for r in rows})
    hidden_completed |= hidden_started  # a hidden start hides its completion too
    marker = survey.SUPPRESSED
    table_rows = []
    for r in rows:
        started = r.code in hidden_started
        completed = r.code in hidden_completed
        table_rows.append(
            [
                r.code,
                r.name,
                r.invited,
                marker if started else r.started,
                marker if started else Percent(r.started_rate, 1),
                marker if completed else r.completed,
                marker if completed else Percent(r.completed_rate, 1),
            ]
        )
    small_total = total.started < results.MIN_CELL
    table_rows.append(
        [
            _("All clusters"),
            "",
            total.invited,
            marker if small_total else total.started,
            marker if small_total else Percent(total.started_rate, 1),
            marker if total.completed < results.MIN_CELL else total.completed,
            marker if total.completed < results.MIN_CELL else Percent(total.completed_rate, 1),
        ]
    )
    section.add(
        Table(
            key="survey_response",
            title=_("Response per cluster"),
            columns=invitations.tracking_headers(),
            rows=table_rows,
            total_rows=1,
            notes=[_suppression_note(ctx)],
        )
    )
    return section


def _suppression_note(ctx) -> str:
    from clustermonitor.surveys import results

    return _(
        "“< %(n)s”: fewer than %(n)s respondents, or the next smallest group of the same "
        "breakdown that would give such a group away."
    ) % {"n": ctx.number(results.MIN_CELL)}


def _relevance(ctx, data: SurveyData) -> Section:
    from clustermonitor.analysis import charts
    from clustermonitor.surveys import results

    section = Section("survey_relevance", _("Relevance of the activities"))
    rows = [r for r in data.results.tables["distributions"] if r["question"] == "q2"]
    if not rows:
        return section.text(_("The questionnaire of this wave has no question on relevance."))
    section.add(
        Table(
            key="q2",
            title=_("Relevance of the activities and services for the company"),
            columns=[pgettext("survey", "Answer"), _("Count"), _("Share"), _("Share, weighted")],
            rows=[
                [r["label"], r["n"], _share(r["share"]), _share(r["weighted_share"])] for r in rows
            ],
            notes=[_suppression_note(ctx)],
        )
    )
    if any(_suppressed(r["share"]) for r in rows):
        return section.text(
            _("Fewer than %(n)s respondents answered: the figure is left out.")
            % {"n": ctx.number(results.MIN_CELL)}
        )
    frame = pd.DataFrame({"label": [r["label"] for r in rows], "share": [r["share"] for r in rows]})
    title = _("Relevance of the activities and services for the company")
    lang = i18n.supported(ctx.lang)
    section.add(
        Figure(
            key="fig6",
            title=title,
            svg=partial(charts.bar_chart, frame, "label", "share", lang=lang, percent=True),
            caption=_("Share of the respondents per answer (unweighted)."),
        )
    )
    return section


def _matrices(ctx, data: SurveyData) -> Section:
    from clustermonitor.analysis import survey
    from clustermonitor.surveys.explain import KIND_LABELS, matrix_rows, matrix_text

    section = Section("survey_effects", _("Effects: wish, realisation and contribution"))
    section.text(matrix_text())
    lang = i18n.supported(ctx.lang)
    keys = {survey.REALISATION: "fig7a", survey.CONTRIBUTION: "fig7b"}
    for item in data.results.matrices:
        if item["profile"] != survey.TOTAL:
            continue
        title = str(KIND_LABELS[item["kind"]])
        section.add(
            Figure(
                key=keys[item["kind"]],
                title=title,
                svg=partial(survey.effect_matrix_svg, item["matrix"], lang, title),
                caption=_suppression_note(ctx),
            )
        )
    rows = [r for r in matrix_rows(data.results) if r["profile"] == survey.TOTAL]
    section.add(
        Table(
            key="fig7_data",
            title=_("Effect matrices: the points"),
            columns=[
                _("Matrix"),
                _("Effect"),
                _("Effect group"),
                _("Wish (x)"),
                "n x",
                "y",
                "n y",
            ],
            rows=[
                [
                    r["kind"],
                    r["effect"],
                    r["effect_group"],
                    _mean(r["x"]),
                    r["n_x"],
                    _mean(r["y"]),
                    r["n_y"],
                ]
                for r in rows
            ],
        )
    )
    return section


def _profiles(ctx, data: SurveyData) -> Section:
    from clustermonitor.surveys import results

    section = Section("survey_profiles", _("Results by profile (Q7–Q10)"))
    tables = data.results.tables
    lang = i18n.supported(ctx.lang)
    labels = {q["name"]: _label(q, lang) for q in data.results.questions}

    def profile_label(profile):
        return str(results.PROFILE_LABELS.get(profile, profile))

    means = [r for r in tables["means"] if _in_families(r["question"])]
    if not means and not tables["q9"]:
        return section.text(_("The questionnaire of this wave has no questions Q7–Q10."))
    section.add(
        Table(
            key="q7_q10_means",
            title=_("Collaborative strength, benefits and priorities: means"),
            columns=[_("Question"), _("Label"), "n", _("Mean"), _("Mean, weighted")],
            rows=[
                [
                    r["question"],
                    labels.get(r["question"], r["question"]),
                    r["n"],
                    _mean(r["mean"]),
                    _mean(r["weighted_mean"]),
                ]
                for r in means
            ],
            notes=[_("Scales from 1 to 4."), _suppression_note(ctx)],
        )
    )
    crosses = [r for r in tables["crosses"] if _in_families(r["question"])]
    section.add(
        Table(
            key="q7_q10_groups",
            title=_("Means by profile"),
            columns=[_("Question"), _("Profile"), _("Group"), "n", _("Mean"), _("Mean, weighted")],
            rows=[
                [
                    r["question"],
                    profile_label(r["profile"]),
                    r["group_label"],
                    r["n"],
                    _mean(r["mean"]),
                    _mean(r["weighted_mean"]),
                ]
                for r in crosses
            ],
            notes=[_suppression_note(ctx)],
        )
    )
    if tables["q9"]:
        section.add(
            Table(
                key="q9",
                title=_("Competitiveness: a gain within three years, by profile"),
                columns=[
                    _("Profile"),
                    _("Group"),
                    "n",
                    _("Gain within 3 years"),
                    _("Share"),
                    _("Share, weighted"),
                ],
                rows=[
                    [
                        profile_label(r["profile"]),
                        r["group_label"],
                        r["n"],
                        r["n_within"],
                        _share(r["share"]),
                        _share(r["weighted_share"]),
                    ]
                    for r in tables["q9"]
                ],
                notes=[_suppression_note(ctx)],
            )
        )
    tests = [r for r in tables["tests"] if _in_families(r["question"]) and r["test"]]
    section.add(
        Table(
            key="q7_q10_tests",
            title=_("Differences between the groups of each profile: tests"),
            columns=[_("Question"), _("Profile"), _("Test"), "p", _("Direction")],
            rows=[
                [
                    r["question"],
                    profile_label(r["profile"]),
                    r["test_label"],
                    _p(ctx, r["p_value"]),
                    r["direction"],
                ]
                for r in tests
            ],
            notes=[_tests_note()],
        )
    )
    return section


def _tests_note() -> str:
    from clustermonitor.surveys.explain import tests_text

    return tests_text()


def _nonresponse(ctx, data: SurveyData) -> Section:
    from clustermonitor.surveys.explain import privacy_text, weighting_text

    section = Section("survey_nonresponse", _("Non-response and weighting"))
    rows = data.results.tables["nonresponse"]
    section.add(
        Table(
            key="nonresponse",
            title=_("The respondents against the invited population"),
            columns=[
                _("Variable"),
                _("Category"),
                _("Invited"),
                _("% of the invited"),
                _("Respondents"),
                _("% of the respondents"),
                _("% weighted"),
                _("Response rate"),
            ],
            rows=[
                [
                    r["variable_label"],
                    r["label"],
                    r["invited"],
                    _share(r["invited_share"]),
                    r["respondents"],
                    _share(r["respondent_share"]),
                    _share(r["weighted_share"]),
                    _share(r["response_rate"]),
                ]
                for r in rows
            ],
            notes=[_suppression_note(ctx)],
        )
    )
    weighting = data.results.weighting
    section.text(weighting_text(weighting))
    summary = weighting.summary
    if weighting.variables and summary["min"] is not None:
        section.text(
            _(
                "The weights run from %(min)s to %(max)s; the effective sample size "
                "(Kish) is %(n_eff)s."
            )
            % {
                "min": ctx.number(summary["min"], 2),
                "max": ctx.number(summary["max"], 2),
                "n_eff": ctx.number(summary["n_eff"], 1),
            }
        )
    section.text(privacy_text(data.results))
    return section


def build(ctx) -> Section:
    section = Section("survey", _("The member survey"))
    data = survey_data(ctx)
    if data is None:
        return section.text(
            _("No survey wave covering the selected clusters closed by %(date)s.")
            % {"date": ctx.date(ctx.as_of)}
        )
    wave = data.wave
    section.text(
        _("Wave “%(wave)s”, open from %(opens)s to %(closes)s, questionnaire “%(questionnaire)s”.")
        % {
            "wave": wave.name,
            "opens": ctx.date(wave.opens_on),
            "closes": ctx.date(wave.closes_on),
            "questionnaire": str(wave.questionnaire),
        }
    )
    if data.cluster is not None:
        section.text(
            _("The results are those of the respondents of %(cluster)s.")
            % {"cluster": data.cluster.code}
        )
    elif ctx.selected:
        section.text(
            _(
                "The results cover every cluster of the wave: they are not broken down "
                "by the selected clusters, except the response."
            )
        )
    section.subsections += [
        _response(ctx, data),
        _relevance(ctx, data),
        _matrices(ctx, data),
        _profiles(ctx, data),
        _nonresponse(ctx, data),
    ]
    return section
