"""The words around the survey's figures, shared by the results pages and the
evaluation report: the effect matrices' points as rows, and the method texts
(weighting, tests, effect matrices, privacy)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clustermonitor.analysis import survey
from clustermonitor.core import i18n
from clustermonitor.core.templatetags.format import format_small
from clustermonitor.surveys import instrument, results

KIND_LABELS = {
    survey.REALISATION: gettext_lazy("Effect matrix: realisation"),
    survey.CONTRIBUTION: gettext_lazy("Effect matrix: contribution of the network"),
}


def labelled(rows: list[dict]) -> list[dict]:
    """Add each row's profile label (the profile's name in the current language)."""
    for row in rows:
        if "profile" in row:
            row["profile_label"] = str(results.PROFILE_LABELS.get(row["profile"], row["profile"]))
    return rows


def matrix_rows(data: results.Results) -> list[dict]:
    rows = []
    lang = i18n.lang_index()
    for item in data.matrices:
        for point in item["matrix"]["points"].to_dict("records"):
            row = {k: results.nan_to_none(v) for k, v in point.items()}
            for axis in ("x", "y"):
                if row.pop(f"{axis}_hidden", False):
                    row[axis] = row[f"weighted_{axis}"] = row[f"n_{axis}"] = survey.SUPPRESSED
            row |= {"kind": str(KIND_LABELS[item["kind"]]), "profile": item["profile"]}
            row["group_label"] = results.level_label(item["profile"], item["group"])
            row["effect_group"] = instrument.EFFECT_GROUPS[row.pop("group")][lang]
            rows.append(row)
    return labelled(rows)


def weighting_text(w: results.Weighting) -> str:
    left_out = "; ".join(f"{v}: {why}" for v, why in w.left_out)
    if not w.variables:
        text = _("No weighting: every weight is 1.")
    else:
        text = _(
            "Raking (iterative proportional fitting) of the respondents to the invited "
            "population's shares on %(variables)s; mean weight 1; %(state)s after "
            "%(iterations)s iterations (largest deviation from a target %(error)s)."
        ) % {
            "variables": ", ".join(str(results.PROFILE_LABELS[v]).lower() for v in w.variables),
            "state": _("converged") if w.converged else _("not converged"),
            "iterations": w.iterations,
            "error": format_small(w.max_error),
        }
    if left_out:
        text += " " + _("Left out: %(reasons)s.") % {"reasons": left_out}
    return text


def tests_text() -> str:
    return _(
        "Means with a 95 % t-interval; weighted means with a linearised interval. Scales "
        "and numbers: Mann-Whitney U, two-sided (Kruskal-Wallis for more than two groups); "
        "direction: the group with the higher mean rank. Categories: chi-square (Yates' "
        "correction on 2 × 2); direction: the answer most over-represented in a group. "
        "Tests are unweighted; the unknown group is not tested."
    )


def matrix_text() -> str:
    return _(
        "One point per effect. x: mean wish (0–2) over all respondents; y: mean "
        "realisation (0–2) or contribution of the network (0–100) over those who want the "
        "effect (wish > 0). Dashed lines: the mean of the points (each effect once)."
    )


def privacy_text(data: results.Results) -> str:
    if not data.suppressed:
        return _(
            "Unsuppressed (evaluator). Every other role sees figures resting on fewer than "
            "%(n)s respondents replaced by “< %(n)s”."
        ) % {"n": results.MIN_CELL}
    return _(
        "Figures resting on fewer than %(n)s respondents show as “< %(n)s”, and so does the "
        "next smallest group of the same breakdown when it would give one away "
        "(%(count)s cells here)."
    ) % {"n": results.MIN_CELL, "count": data.n_suppressed}
