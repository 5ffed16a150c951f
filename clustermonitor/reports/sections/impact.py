"""Chapter: economic effects (issue 20) — do member companies grow more than comparable
companies? The estimate per outcome, the event study of jobs, the splits of the member
companies, and the method, its assumptions and its limits in plain words.

The figure is impact.figures (the page's and the command line's): the annual accounts
deposited by the report's date and the memberships begun by then. With selected clusters
(``--clusters``), the companies that entered the programme through them.
"""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _

from clustermonitor.analysis.impact_chart import event_study_svg
from clustermonitor.reports.document import Figure, Section, Table

#: The outcomes of the chapter's table, in this order; the event study is of the first.
OUTCOMES = ("fte", "turnover", "gross_margin", "fte_growth", "turnover_growth")


def _results(ctx) -> dict:
    from clustermonitor.impact import figures

    clusters = ctx.clusters if ctx.selected else None
    return ctx.shared(
        "impact.results",
        lambda: figures.results(
            ctx.programme,
            ctx.as_of,
            [outcome for outcome in OUTCOMES if outcome in figures.outcomes()],
            clusters=clusters,
        ),
    )


def _number(value, decimals: int = 3):
    return None if value is None else round(float(value), decimals)


def _estimates_table(ctx, results: dict) -> Table:
    from clustermonitor.impact.figures import OUTCOME_LABELS

    rows = []
    for outcome, found in results.items():
        ci = found.get("ci") or [None, None]
        twfe = found.get("twfe") or {}
        rows.append(
            [
                str(OUTCOME_LABELS[outcome]),
                _number(found.get("att"), 4),
                _number(ci[0], 4),
                _number(ci[1], 4),
                found.get("n_treated"),
                found.get("n_control"),
                _number(found.get("pretrend_p")),
                _number(twfe.get("att"), 4),
            ]
        )
    return Table(
        key="impact_estimates",
        title=_("Effect of membership on the member companies, per outcome"),
        columns=[
            _("Outcome"),
            _("Effect (ATT)"),
            _("95% low"),
            _("95% high"),
            _("Member companies"),
            _("Comparison companies"),
            _("Pre-trend test (p)"),
            _("Naive two-way fixed effects"),
        ],
        rows=rows,
        notes=[
            _(
                "Effect: the average, over the member companies and the years since they "
                "joined, of the difference between their outcome and what it would have "
                "been without membership, estimated from the companies that had not (yet) "
                "joined (Callaway and Sant'Anna). Log outcomes: 0.05 is about 5 %. "
                "Standard errors clustered by company. No figure rests on fewer than ten "
                "companies on either side (an empty cell). The naive two-way fixed-effects "
                "estimate is shown only as a contrast."
            )
        ],
        source=_(
            "Annual accounts deposited at the National Bank's Central Balance Sheet Office "
            "by %(date)s; memberships begun by then."
        )
        % {"date": ctx.date(ctx.as_of)},
    )


def _splits_table(found: dict) -> Table | None:
    from clustermonitor.impact.figures import OUTCOME_LABELS, SPLIT_LABELS

    rows = []
    for by, groups in sorted((found.get("splits") or {}).items()):
        for group in groups:
            ci = group.get("ci") or [None, None]
            rows.append(
                [
                    str(SPLIT_LABELS.get(by, by)),
                    str(group.get("group") or "–"),
                    _number(group.get("att"), 4),
                    _number(ci[0], 4),
                    _number(ci[1], 4),
                    group.get("n_treated"),
                ]
            )
    if not rows:
        return None
    return Table(
        key="impact_splits",
        title=_("Effect on %(outcome)s, by group of member companies")
        % {"outcome": OUTCOME_LABELS[found["outcome"]]},
        columns=[
            _("Split"),
            _("Group"),
            _("Effect (ATT)"),
            _("95% low"),
            _("95% high"),
            _("Member companies"),
        ],
        rows=rows,
        notes=[
            _(
                "Each group of member companies against all comparison companies. A group "
                "of fewer than ten companies shows no effect."
            )
        ],
        display_rows=len(rows),
    )


def _method_text(ctx) -> list[str]:
    return [
        _(
            "The question: do companies grow more after they join a cluster than they would "
            "have without it? Each member company's growth after its entry is compared with "
            "the growth, in the same years, of companies that had not (yet) joined. The "
            "comparison is made separately for every year of entry and then averaged "
            "(Callaway and Sant'Anna), so that early members never serve as the comparison "
            "for later ones."
        ),
        _(
            "What it assumes: without membership, members and comparison companies would "
            "have grown alike (parallel trends), and companies did not change course in "
            "anticipation of joining. The years before entry in the event study test the "
            "first assumption: they should lie around zero."
        ),
        _(
            "What it does not show: membership is chosen, not assigned. Companies that "
            "expect to grow may join more often; the estimate removes lasting differences "
            "between companies (their level), not a difference in where they were heading. "
            "It is an association under stated assumptions, not a proof of cause. Small "
            "companies filing the micro scheme report no turnover: they count for jobs and "
            "gross margin only, never with an imputed turnover."
        ),
    ]


def build(ctx) -> Section:
    section = Section("impact", _("Economic effects"))
    for text in _method_text(ctx):
        section.text(text)
    results = _results(ctx)
    first = results.get("fte")
    if first is None or not first.get("firms", {}).get("with_accounts"):
        return section.text(
            _("No annual accounts deposited by %(date)s are known: the effect cannot be estimated.")
            % {"date": ctx.date(ctx.as_of)}
        )
    section.add(_estimates_table(ctx, results))
    if first.get("att") is not None:
        from clustermonitor.impact.figures import OUTCOME_LABELS

        points = [dict(p) for p in first.get("event_study", [])]
        section.add(
            Figure(
                "impact_event_study",
                _("Effect on jobs per year since entry"),
                partial(event_study_svg, points, str(OUTCOME_LABELS["fte"]), ctx.lang),
                _(
                    "Average FTE difference with the comparison companies, per year since "
                    "entry (0 = the year of entry), with its 95% interval."
                ),
            )
        )
    splits = _splits_table(first)
    if splits is not None:
        section.add(splits)
    return section
