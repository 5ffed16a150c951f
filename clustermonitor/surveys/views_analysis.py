"""Survey results pages (issue 7): a wave's results programme-wide (programme readers),
a cluster's own results (also its manager), the .xlsx export of every table, and the
evaluator's raw export (identities and answers in two separate files).

Privacy (accounts/access.py): only the evaluator (`surveys.view_raw_responses`) sees
unsuppressed figures and the raw export; for everyone else every figure resting on fewer
than 5 respondents shows as "< 5". Outsiders get 404, the anonymous visitor the login page.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from clustermonitor.accounts import access
from clustermonitor.analysis import charts, survey
from clustermonitor.core import i18n
from clustermonitor.core.exporters import xlsx_response
from clustermonitor.core.memo import memo
from clustermonitor.core.pagecache import kept_page, records_version
from clustermonitor.programmes.models import Cluster
from clustermonitor.surveys import explain, exports, results
from clustermonitor.surveys.models import Wave, member_waves

TEXT, INT, MEAN, SHARE, P, STAT = "text", "int", "mean", "share", "p", "stat"


def _display(value, fmt: str) -> str:
    """A cell as text; charts.format_number (Belgian style in Dutch) rather than babel: a
    results page has thousands of cells."""
    if value == survey.SUPPRESSED:
        return survey.SUPPRESSED
    if value is None or fmt == TEXT:
        return "–" if value in (None, "") else str(value)
    lang = i18n.lang()
    if fmt == INT:
        return charts.format_number(value, lang)
    if fmt == SHARE:
        return charts.format_number(value, lang, 1, percent=True)
    if fmt == P:
        return (
            "< " + charts.format_number(0.001, lang, 3)
            if value < 0.001
            else (charts.format_number(value, lang, 3))
        )
    return charts.format_number(value, lang, 2)


def _columns(key: str) -> list[tuple[str, str, str]]:
    """(row key, header, format) of each exported table."""
    weighted = _("weighted")
    return {
        "nonresponse": [
            ("variable_label", _("Variable"), TEXT),
            ("label", _("Category"), TEXT),
            ("invited", _("Invited"), INT),
            ("invited_share", _("% of the invited"), SHARE),
            ("respondents", _("Respondents"), INT),
            ("respondent_share", _("% of the respondents"), SHARE),
            ("weighted_share", _("% weighted"), SHARE),
            ("response_rate", _("Response rate"), SHARE),
        ],
        "distributions": [
            ("question", _("Question"), TEXT),
            ("choice", pgettext("survey", "Answer"), TEXT),
            ("label", _("Label"), TEXT),
            ("n", "n", INT),
            ("share", _("Share"), SHARE),
            ("weighted_share", f"{_('Share')}, {weighted}", SHARE),
        ],
        "means": [
            ("question", _("Question"), TEXT),
            ("n", "n", INT),
            ("mean", _("Mean"), MEAN),
            ("low", _("95 % CI from"), MEAN),
            ("high", _("95 % CI to"), MEAN),
            ("weighted_mean", f"{_('Mean')}, {weighted}", MEAN),
            ("weighted_low", f"{_('95 % CI from')}, {weighted}", MEAN),
            ("weighted_high", f"{_('95 % CI to')}, {weighted}", MEAN),
        ],
        "crosses": [
            ("question", _("Question"), TEXT),
            ("profile_label", _("Profile"), TEXT),
            ("group_label", _("Group"), TEXT),
            ("n", "n", INT),
            ("mean", _("Mean"), MEAN),
            ("low", _("95 % CI from"), MEAN),
            ("high", _("95 % CI to"), MEAN),
            ("weighted_mean", f"{_('Mean')}, {weighted}", MEAN),
        ],
        "cross_shares": [
            ("question", _("Question"), TEXT),
            ("profile_label", _("Profile"), TEXT),
            ("group_label", _("Group"), TEXT),
            ("label", pgettext("survey", "Answer"), TEXT),
            ("n", "n", INT),
            ("count", _("Count"), INT),
            ("share", _("Share"), SHARE),
            ("weighted_share", f"{_('Share')}, {weighted}", SHARE),
        ],
        "tests": [
            ("question", _("Question"), TEXT),
            ("profile_label", _("Profile"), TEXT),
            ("test_label", _("Test"), TEXT),
            ("statistic", _("Statistic"), STAT),
            ("p_value", "p", P),
            ("direction", _("Direction"), TEXT),
            ("note", _("Note"), TEXT),
        ],
        "q9": [
            ("profile_label", _("Profile"), TEXT),
            ("group_label", _("Group"), TEXT),
            ("n", "n", INT),
            ("n_within", _("Gain within 3 years"), INT),
            ("share", _("Share"), SHARE),
            ("weighted_share", f"{_('Share')}, {weighted}", SHARE),
        ],
        "matrices": [
            ("kind", _("Matrix"), TEXT),
            ("profile_label", _("Profile"), TEXT),
            ("group_label", _("Group"), TEXT),
            ("effect", _("Effect"), TEXT),
            ("effect_group", _("Effect group"), TEXT),
            ("x", _("Wish (x)"), MEAN),
            ("n_x", "n x", INT),
            ("y", "y", MEAN),
            ("n_y", "n y", INT),
            ("weighted_x", f"x, {weighted}", MEAN),
            ("weighted_y", f"y, {weighted}", MEAN),
        ],
    }[key]


# -- Page -----------------------------------------------------------------------------


def _table(rows: list[dict], columns) -> dict:
    return {
        "headers": [(header, fmt != TEXT) for _key, header, fmt in columns],
        "rows": [[(_display(r.get(k), fmt), fmt != TEXT) for k, _h, fmt in columns] for r in rows],
    }


def _questions(data: results.Results, lang: str) -> list[dict]:
    by_question: dict[str, dict[str, list]] = {}
    for key, rows in data.tables.items():
        for row in rows:
            if "question" in row:
                by_question.setdefault(row["question"], {}).setdefault(key, []).append(row)
    items = []
    for q in data.questions:
        tables = by_question.get(q["name"], {})
        mean = (tables.get("means") or [None])[0]
        item = {
            "name": q["name"],
            "label": results.bilingual(q.get("label"), lang, q["name"]).replace(
                "{cluster}", data.cluster.name if data.cluster else "IBN X"
            ),
            "kind": survey.question_kind(q),
            "mean": mean and {k: _display(mean[k], MEAN) for k in mean if k != "question"},
            "n": mean and _display(mean["n"], INT),
        }
        skip = {"question"}
        for key in ("distributions", "crosses", "tests"):
            columns = [c for c in _columns(key) if c[0] not in skip]
            item[key] = (
                _table(explain.labelled(tables.get(key, [])), columns) if key in tables else None
            )
        item["shares"] = _wide_shares(explain.labelled(tables.get("cross_shares", [])))
        items.append(item)
    return items


def _wide_shares(rows: list[dict]) -> dict | None:
    """Categories by group: one row per profile group, one column per answer; each cell
    the share, then the weighted share."""
    if not rows:
        return None
    choices = list(dict.fromkeys(r["label"] for r in rows))
    groups: dict[tuple, dict] = {}
    for r in rows:
        group = groups.setdefault(
            (r["profile"], r["group"]),
            {"profile": r["profile_label"], "group": r["group_label"], "n": r["n"], "cells": {}},
        )
        weighted = r.get("weighted_share")
        group["cells"][r["label"]] = (_display(r["share"], SHARE), _display(weighted, SHARE))
    return {
        "choices": choices,
        "rows": [
            {
                "profile": g["profile"],
                "group": g["group"],
                "n": _display(g["n"], INT),
                "cells": [g["cells"].get(c, ("–", "–")) for c in choices],
            }
            for g in groups.values()
        ],
    }


def _figures(data: results.Results, profile: str, weighted: bool, lang: str) -> list[dict]:
    """Per group (all respondents first, then the chosen profile's groups) both matrices."""
    groups: dict[tuple, dict] = {}
    for item in data.matrices:
        if item["profile"] not in (survey.TOTAL, profile):
            continue
        matrix = item["matrix"]
        if weighted:
            points = matrix["points"].assign(
                x=matrix["points"]["weighted_x"], y=matrix["points"]["weighted_y"]
            )
            matrix = matrix | {"points": points} | survey.axis_means(points)
        label = results.level_label(item["profile"], item["group"])
        group = groups.setdefault((item["profile"], item["group"]), {"label": label, "svg": []})
        svg = survey.effect_matrix_svg(
            matrix, lang, f"{explain.KIND_LABELS[item['kind']]} · {label}"
        )
        # Our own matplotlib output, text drawn as paths: safe to inline.
        group["svg"].append({"kind": item["kind"], "svg": mark_safe(svg)})
    return list(groups.values())


def _render(request, wave, cluster=None, waves=None):
    user = request.user
    suppressed = not user.has_perm("surveys.view_raw_responses")
    # Only unsuppressed: results with and without the few incomplete responses, side by
    # side, would give those respondents' answers away by difference.
    include_incomplete = request.GET.get("incomplete") == "1" and not suppressed
    lang = i18n.lang()
    if request.GET.get("format") == "xlsx":
        data = results.build(
            wave,
            cluster=cluster,
            suppressed=suppressed,
            include_incomplete=include_incomplete,
            lang=lang,
        )
        suffix = f"-{cluster.code}" if cluster else ""
        return xlsx_response(
            f"survey-results-{wave.pk}{suffix}.xlsx", exports.results_sheets(data, _columns)
        )
    profile = request.GET.get("profile", "")
    profile = profile if profile in survey.PROFILE_VARIABLES else ""
    weighted = request.GET.get("weighted") == "1"
    params = {k: v for k, v in request.GET.items() if k != "format"}
    choices = (wave.pk, getattr(cluster, "pk", None), suppressed, include_incomplete)
    choices += (profile, weighted, lang)
    # Seconds of analysis and drawing, the same for everyone with these choices (the
    # suppression is one of them): kept by the version of the records, as the kept pages
    # are (core.pagecache; every write gives a new one), so that a new session does not
    # compute them again; the page's links and its session are added to them afresh.
    figures = memo(
        "survey-results-page",
        lambda: (records_version(), *choices),
        lambda: _results_figures(
            wave, cluster, suppressed, include_incomplete, profile, weighted, lang
        ),
    )
    return render(
        request,
        "surveys/results.html",
        figures
        | {
            "wave": wave,
            "waves": waves,
            "cluster": cluster,
            "raw": user.has_perm("surveys.view_raw_responses") and cluster is None,
            "profiles": [(p, results.PROFILE_LABELS[p]) for p in survey.PROFILE_VARIABLES],
            "profile": profile,
            "weighted": weighted,
            "include_incomplete": include_incomplete,
            "export_query": urlencode(params | {"format": "xlsx"}),
            "incomplete_query": urlencode(
                params | {"incomplete": "" if include_incomplete else "1"}
            ),
        },
    )


def _results_figures(wave, cluster, suppressed, include_incomplete, profile, weighted, lang):
    """The results page's tables and charts (everything but the page's links)."""
    data = results.build(
        wave,
        cluster=cluster,
        suppressed=suppressed,
        include_incomplete=include_incomplete,
        lang=lang,
    )
    return {
        "data": data,
        "counts": {
            k: _display(v, SHARE if k == "response_rate" else INT) for k, v in data.counts.items()
        },
        "method": [
            (_("Weighting"), explain.weighting_text(data.weighting)),
            (_("Tests"), explain.tests_text()),
            (_("Effect matrices"), explain.matrix_text()),
            (_("Privacy"), explain.privacy_text(data)),
        ],
        "weights": {k: _display(v, MEAN) for k, v in data.weighting.summary.items()},
        "nonresponse": _table(
            explain.labelled(data.tables["nonresponse"]), _columns("nonresponse")
        ),
        "q9": _table(explain.labelled(data.tables["q9"]), _columns("q9")),
        "figures": _figures(data, profile, weighted, lang),
        "questions": _questions(data, lang),
    }


def _check_wave_results(request, pk: int) -> None:
    access.wave_results_for(request.user, Wave.objects, pk)


@login_required
@require_safe
@kept_page(_check_wave_results)
def wave_results(request, pk: int):
    wave = access.wave_results_for(request.user, Wave.objects, pk)
    return _render(request, wave)


def _check_cluster_results(request, code: str) -> None:
    access.get_cluster_for_user(request.user, Cluster.objects, code, "surveys.view_cluster_results")


@login_required
@require_safe
@kept_page(_check_cluster_results)
def cluster_results(request, code: str):
    cluster = access.get_cluster_for_user(
        request.user, Cluster.objects, code, "surveys.view_cluster_results"
    )
    # The member survey's waves: a manager wave's results are the agency's only.
    waves = list(
        member_waves(Wave.objects.filter(clusters=cluster)).select_related("questionnaire")
    )
    chosen = request.GET.get("wave", "")
    wave = next((w for w in waves if str(w.pk) == chosen), waves[0] if waves else None)
    if wave is None:
        return render(request, "surveys/results_none.html", {"cluster": cluster})
    return _render(request, wave, cluster, waves)


@login_required
@require_safe
def raw_identities(request, pk: int):
    """Who answered, without answers (one file, one sheet)."""
    wave = access.raw_wave_for(request.user, Wave.objects, pk)
    headers, rows = results.raw_identities(wave)
    return xlsx_response(
        f"survey-{wave.pk}-identities.xlsx", exports.raw_identities_sheets(headers, rows)
    )


@login_required
@require_safe
def raw_answers(request, pk: int):
    """What was answered, under a pseudonymous id only (one file, one sheet)."""
    wave = access.raw_wave_for(request.user, Wave.objects, pk)
    headers, rows = results.raw_answers(wave)
    return xlsx_response(
        f"survey-{wave.pk}-answers.xlsx", exports.raw_answers_sheets(headers, rows)
    )
