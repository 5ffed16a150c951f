"""The sheets of the economic-impact download (the page's .xlsx and the command line's):
the estimate, its event study and its splits, from the figure's result
(impact.figures)."""

from django.utils.translation import gettext as _

from clustermonitor.core.exporters import Sheet
from clustermonitor.impact.figures import OUTCOME_LABELS, SPLIT_LABELS


def sheets(found: dict) -> list[Sheet]:
    """The result as the download's sheets: the estimate, the event study, the splits."""
    ci = found.get("ci") or [None, None]
    twfe = found.get("twfe") or {}
    twfe_ci = twfe.get("ci") or [None, None]
    summary = [
        [_("outcome"), str(OUTCOME_LABELS.get(found["outcome"], found["outcome"]))],
        [_("as of"), found["as_of"]],
        [_("clusters"), ", ".join(found["clusters"]) or _("the whole programme")],
        [_("method"), found["method"]],
        [_("average effect on the treated (ATT)"), found.get("att")],
        [_("standard error (clustered by firm)"), found.get("se")],
        [_("95% interval, low"), ci[0]],
        [_("95% interval, high"), ci[1]],
        [_("treated firms"), found.get("n_treated")],
        [_("comparison firms"), found.get("n_control")],
        [_("pre-trend test, p"), found.get("pretrend_p")],
        [_("naive two-way fixed effects (contrast only)"), twfe.get("att")],
        [_("naive two-way fixed effects, 95% low"), twfe_ci[0]],
        [_("naive two-way fixed effects, 95% high"), twfe_ci[1]],
        [_("suppressed"), bool(found.get("suppressed"))],
        [_("reason"), found.get("reason") or ""],
    ]
    event = [
        [p["e"], p.get("att"), *(p.get("ci") or [None, None]), p.get("n_treated")]
        for p in found.get("event_study", [])
    ]
    split_rows = []
    for by, groups in sorted(found.get("splits", {}).items()):
        for group in groups:
            gci = group.get("ci") or [None, None]
            split_rows.append(
                [
                    str(SPLIT_LABELS.get(by, by)),
                    str(group["group"]),
                    group.get("att"),
                    gci[0],
                    gci[1],
                    group.get("n_treated"),
                    group.get("n_control"),
                ]
            )
    intensity = [
        [r["year"], r["members"], r["activities"], r["contributions"], r["collaborations"]]
        for r in found.get("intensity", [])
    ]
    return [
        Sheet(_("Estimate"), [_("figure"), _("value")], summary),
        Sheet(
            _("Event study"),
            [_("years since entry"), _("effect"), _("95% low"), _("95% high"), _("treated firms")],
            event,
        ),
        Sheet(
            _("Splits"),
            [
                _("split"),
                _("group"),
                _("effect"),
                _("95% low"),
                _("95% high"),
                _("treated firms"),
                _("comparison firms"),
            ],
            split_rows,
        ),
        Sheet(
            _("Intensity"),
            [
                _("year"),
                _("member companies"),
                _("activities attended"),
                _("contributions paid"),
                _("collaborations started"),
            ],
            intensity,
        ),
    ]
