"""The economic-impact figure (issue 20): one module that gathers the panel as of D
(impact.panel), hands it to the pure estimator (analysis.impact) and yields the result
to the page, the .xlsx download, the command line and the report chapter alike.

`result(...)` is the whole figure as a JSON-ready dict (same bytes from any process:
the estimator rounds, this module sorts). `sheets(result)` renders it as the download's
sheets. The page keeps a result per version of the records (core.memo), computed by the
background worker where there is one: an estimate on a whole programme takes seconds.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clustermonitor.analysis import impact as estimator
from clustermonitor.core import memo
from clustermonitor.impact import panel as panels

#: The outcomes offered on the page and the command line, with their Dutch-first labels.
OUTCOME_LABELS = {
    "fte": gettext_lazy("jobs (average FTE)"),
    "turnover": gettext_lazy("turnover (log)"),
    "gross_margin": gettext_lazy("gross margin (log)"),
    "fte_growth": gettext_lazy("growth of jobs (change of log FTE)"),
    "turnover_growth": gettext_lazy("growth of turnover (change of log)"),
    "gross_margin_growth": gettext_lazy("growth of gross margin (change of log)"),
}
#: Outcomes on a log scale: an effect of 0.05 is about +5 %.
LOG_SCALE = frozenset(k for k in OUTCOME_LABELS if k != "fte")
#: The split columns, labelled.
SPLIT_LABELS = {
    "call": gettext_lazy("call of the entry cluster"),
    "embedding": gettext_lazy("embedding of the entry cluster"),
    "size_class": gettext_lazy("size class"),
    "intensity": gettext_lazy("intensity (activities attended per year)"),
}


def outcomes() -> list[str]:
    """The outcomes both the estimator and the page know, in the page's order."""
    return [o for o in OUTCOME_LABELS if o in estimator.OUTCOMES]


def _versions():
    """The records an estimate is computed from (core.memo.data_version)."""
    from django.apps import apps

    return memo.data_version(
        apps.get_model("impact", "AnnualAccounts"),
        apps.get_model("registry", "Organisation"),
        apps.get_model("members", "Membership"),
        apps.get_model("members", "Contribution"),
        apps.get_model("activities", "Participation"),
        apps.get_model("collaborations", "StageChange"),
    )


def compute(
    programme,
    on: datetime.date,
    outcome: str,
    *,
    method: str | None = None,
    clusters: list | None = None,
    splits: bool = True,
    panel: panels.Panel | None = None,
) -> dict:
    """The figure as of ``on`` for ``outcome``, for the programme or for the companies
    that entered it through ``clusters``; on ``panel`` when given (`panels.build` of the
    same programme, date and clusters: the outcomes of one report share it)."""
    if outcome not in estimator.OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}: one of {', '.join(estimator.OUTCOMES)}")
    method = method or estimator.DEFAULT_METHOD
    if method not in estimator.METHODS:
        raise ValueError(f"unknown method {method!r}: one of {', '.join(estimator.METHODS)}")
    built = panel if panel is not None else panels.build(programme, on, clusters)
    frame = built.frame(estimator.outcome_frame(built.accounts, outcome))
    main = estimator.estimate(frame, method=method)
    found = {
        "outcome": outcome,
        "as_of": on.isoformat(),
        "clusters": sorted(c.code for c in clusters) if clusters else [],
        **main,
        "method": method,
        "left_out": dict(sorted(built.left_out.items())),
        "firms": _firm_counts(built, frame),
        "intensity": _intensity(built),
    }
    if splits and not main.get("suppressed"):
        found["conditional"] = _conditional(frame, method)
        found["splits"] = {by: _split(frame, by, method) for by in panels.SPLITS}
    else:
        found["conditional"] = None
        found["splits"] = {}
    return found


def _split(frame, by: str, method: str) -> list[dict]:
    """The estimate per group of `by`. An attribute of the entry cluster (call, embedding)
    or of membership (intensity) splits the member companies against every comparison
    company; an attribute both sides have (size class) compares like with like — the
    members of a class against the comparison companies of that class, as firms of
    different sizes do not grow alike in levels."""
    if by not in panels.SHARED_SPLITS:
        return estimator.estimate_split(frame, by, method=method)
    groups = sorted({str(v) for v in frame[by].dropna()})
    return [
        {"group": group, **estimator.estimate(frame[frame[by] == group], method=method)}
        for group in groups
    ]


def _conditional(frame, method) -> dict:
    """The estimate conditioned on the covariates, on the companies that have them all."""
    complete = frame.dropna(subset=list(panels.COVARIATES))
    try:
        found = estimator.estimate(complete, method=method, covariates=panels.COVARIATES)
    except (ValueError, ArithmeticError) as exc:  # too few firms per covariate cell
        return {"suppressed": True, "reason": str(exc)}
    found["covariates"] = list(panels.COVARIATES)
    return found


def _intensity(built) -> list[dict]:
    """Per calendar year: the member companies (entered by then) and what they did — the
    programme's activities attended, contributions paid, collaborations started."""
    cohorts = built.firms["cohort"].dropna().astype(int)
    if cohorts.empty:
        return []
    done = built.intensity.groupby("year")[["activities", "contributions", "collaborations"]]
    sums = done.sum() if not built.intensity.empty else None
    rows = []
    for year in range(int(cohorts.min()), built.on.year + 1):
        row = {"year": year, "members": int((cohorts <= year).sum())}
        for name in ("activities", "contributions", "collaborations"):
            row[name] = int(sums[name].get(year, 0)) if sums is not None else 0
        rows.append(row)
    return rows


def _firm_counts(built, frame) -> dict:
    """Companies with accounts known, members and not, and those in the outcome's panel."""
    firms = built.firms
    treated = firms["cohort"].notna()
    in_panel = set(frame["firm"])
    return {
        "with_accounts": len(firms),
        "members": int(treated.sum()),
        "non_members": int((~treated).sum()),
        "in_outcome_panel": len(in_panel),
        "filings_years": sorted({int(y) for y in built.accounts["year"]}),
    }


def result(
    programme,
    on: datetime.date,
    outcome: str,
    *,
    method: str | None = None,
    clusters: list | None = None,
) -> dict:
    """`compute`, kept per version of the records (core.memo) — for the report and the
    command line, which must have the result now."""
    inputs = _inputs(programme, on, outcome, method, clusters)
    return memo.memo(
        "impact", inputs, lambda: compute(programme, on, outcome, method=method, clusters=clusters)
    )


def results(programme, on: datetime.date, outcomes, *, clusters: list | None = None) -> dict:
    """`result` of each of ``outcomes`` (the default method), those not kept computed on
    one panel: the panel is the same for every outcome (`panels.build` reads only the
    programme, the date and the clusters), and building it is most of a result's time."""
    built = []

    def panel() -> panels.Panel:
        if not built:
            built.append(panels.build(programme, on, clusters))
        return built[0]

    return {
        outcome: memo.memo(
            "impact",
            _inputs(programme, on, outcome, None, clusters),
            lambda outcome=outcome: compute(
                programme, on, outcome, clusters=clusters, panel=panel()
            ),
        )
        for outcome in outcomes
    }


def _inputs(programme, on, outcome, method, clusters):
    return lambda: (
        programme.pk,
        on.isoformat(),
        outcome,
        method or estimator.DEFAULT_METHOD,
        tuple(sorted(c.pk for c in clusters or ())),
        _versions(),
    )


def result_or_queue(programme, on, outcome, *, method=None, clusters=None) -> dict | None:
    """For the page: the kept result, or None while the background worker computes it."""
    from clustermonitor.impact.tasks import impact_task

    return memo.memo_or_queue(
        "impact",
        _inputs(programme, on, outcome, method, clusters),
        lambda: compute(programme, on, outcome, method=method, clusters=clusters),
        impact_task,
        programme.pk,
        on.isoformat(),
        outcome,
        method,
        [c.pk for c in clusters or ()],
    )


def effect_text(value, outcome: str) -> str | None:
    """The effect in words: FTE in jobs, log outcomes as about a percentage."""
    if value is None:
        return None
    if outcome in LOG_SCALE:
        return _("about %(percent)+.1f %%") % {"percent": value * 100}
    return _("%(fte)+.2f FTE") % {"fte": value}


def kept(programme, on, outcome, *, method=None, clusters=None) -> dict | None:
    """The result when it is kept already, without computing it (the home page's tile):
    with a background worker the computation is queued for the next visit."""
    if not memo.enabled():
        return None
    if memo.background():
        return result_or_queue(programme, on, outcome, method=method, clusters=clusters)
    from clustermonitor.core import sharedcache

    inputs = _inputs(programme, on, outcome, method, clusters)()
    return sharedcache.get(memo.memo_key("impact", inputs))
