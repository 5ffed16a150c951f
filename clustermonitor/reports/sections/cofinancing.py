"""Co-financing of the IBNs: the structure of the member contributions per IBN (Table 8),
their concentration and the co-financing rule, from `members.figures.cofinancing_frames`
and `analysis.cofinancing` — the frames of the co-financing pages.

Years: contributions of calendar years up to the report's year. Table 8 shows for each
IBN its latest *complete* year with fees (the year before the report's, unless the report
is dated 31 December), else its latest year with fees; the members' share of the budget
and the rule count the complete years.
"""

from __future__ import annotations

import datetime
from functools import partial

from django.utils.translation import gettext as _

from clustermonitor.analysis import cofinancing as analysis
from clustermonitor.core import i18n
from clustermonitor.members import figures
from clustermonitor.members.cofinancing_checks import LARGEST_SHARE_WARNING
from clustermonitor.reports.document import Figure, Money, Percent, Section, Table


def complete_year(as_of: datetime.date) -> int:
    """The last calendar year that is over on `as_of`."""
    return as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def compute(ctx) -> dict | None:
    """The co-financing figures of the selected IBNs on `ctx.as_of` (None without IBNs).
    Shared with the summary."""

    def run():
        if not ctx.ibns:
            return None
        _rows, fees, table, ledger = figures.cofinancing_frames(
            ctx.ibns, None, i18n.supported(ctx.lang), on=ctx.as_of
        )
        last = ctx.as_of.year
        fees = fees[fees["year"] <= last]
        table = table[table["year"] <= last]
        ledger = ledger[ledger["year"] <= last]
        complete = complete_year(ctx.as_of)
        counted = ledger[ledger["year"] <= complete]
        if counted.empty:
            counted, complete = ledger, last
        known = {c.code for c in ctx.ibns if c.subsidy is not None}
        with_fees = table[table["n"].fillna(0) > 0]
        chosen = {}
        for code in sorted({c.code for c in ctx.ibns}):
            own = with_fees[with_fees["cluster"] == code]
            done = own[own["year"] <= complete]
            pick = done if len(done) else own
            if len(pick):
                chosen[code] = pick.sort_values("year").iloc[-1].to_dict()
        return {
            "fees": fees,
            "table": table,
            "ledger": ledger,
            "counted": counted,
            # Budget shares and the rule only where the subsidy is known.
            "subsidised": counted[counted["cluster"].isin(known)],
            "complete": complete,
            "chosen": chosen,
        }

    return ctx.shared("cofinancing.result", run)


def budget_share(counted) -> float | None:
    """Members' paid contributions as a share of the budget (subsidy + contributions)."""
    paid, subsidy = float(counted["paid"].sum()), float(counted["subsidy"].sum())
    return _share(paid, paid + subsidy)


def _rule(counted) -> tuple[int, int]:
    """(years the rule was met, years with a requirement)."""
    due = counted[counted["required"] > 0]
    return int(due["rule_met"].sum()), len(due)


def _none(value):
    try:
        return None if value is None or value != value else value
    except TypeError:  # pandas NA
        return None


def table8(ctx, result) -> Table:
    rows = []
    counted = result["subsidised"]
    for cluster in sorted(ctx.ibns, key=lambda c: (c.call.number if c.call_id else 0, c.code)):
        r = result["chosen"].get(cluster.code)
        own = counted[counted["cluster"] == cluster.code]
        met, due = _rule(own)
        share = budget_share(own) if len(own) else None
        if r is None:
            rows.append([cluster.code, cluster.name, Money(cluster.subsidy)])
            continue
        rows.append(
            [
                cluster.code,
                cluster.name,
                Money(cluster.subsidy),
                str(int(r["year"])),
                Money(_none(r["min"])),
                Money(_none(r["max"])),
                Money(_none(r["median"])),
                int(r["n_max"]),
                r["label"],
                int(r["n"]),
                Percent(_none(r["largest_share"]), 0),
                Percent(share, 0),
                _("%(met)s of %(due)s") % {"met": ctx.number(met), "due": ctx.number(due)}
                if due
                else None,
            ]
        )
    summary = _programme_row(ctx, result)
    if summary:
        rows.append(summary)
    return Table(
        key="table8",
        title=_("Structure of the co-financing per IBN"),
        columns=[
            _("Code"),
            _("IBN"),
            _("Subsidy (agreement)"),
            _("Year"),
            _("Smallest annual fee"),
            _("Largest annual fee"),
            _("Median"),
            _("Maximum contributions"),
            _("Contributions reaching 50 %"),
            _("Contributions"),
            _("Largest share"),
            _("Members' share of the budget"),
            _("Co-financing rule met (years)"),
        ],
        rows=rows,
        notes=[
            _(
                "Fees asked for the year shown (expected, invoiced or paid; waived ones are "
                "no fee). Contributions reaching 50 %%: the fewest contributions, largest "
                "first, that make up half of the year's total. Members' share of the budget "
                "and the rule: paid contributions of the years up to %(year)s."
            )
            % {"year": result["complete"]}
        ],
        source=_("Contributions ledger of the member registry."),
        total_rows=1 if summary else 0,
    )


def _programme_row(ctx, result) -> list | None:
    chosen = result["chosen"]
    if not chosen:
        return None
    years = sorted({int(r["year"]) for r in chosen.values()})
    table = result["table"]
    picked = {(code, int(r["year"])) for code, r in chosen.items()}
    keys = zip(table["cluster"], table["year"].astype(int), strict=True)
    rows = table[[key in picked for key in keys]]
    summary = analysis.programme_summary(rows.assign(year=years[-1]), i18n.supported(ctx.lang))
    if summary.empty:
        return None
    s = summary.iloc[0].to_dict()
    met, due = _rule(result["subsidised"])
    subsidies = [c.subsidy for c in ctx.ibns if c.subsidy is not None]
    year = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return [
        _("Programme"),
        _("%(n)s IBNs") % {"n": ctx.number(int(s["n_clusters"]))},
        Money(sum(subsidies) if subsidies else None),
        year,
        Money(_none(s["min"])),
        Money(_none(s["max"])),
        Money(_none(s["median"])),
        None,
        s["label"],
        int(s["n"]),
        Percent(_none(s["largest_share"]), 0),
        Percent(budget_share(result["subsidised"]), 0),
        _("%(met)s of %(due)s") % {"met": ctx.number(met), "due": ctx.number(due)} if due else None,
    ]


def _concentration_figure(ctx, result) -> Figure | None:
    fees = result["fees"]
    amounts = {}
    for code, r in sorted(result["chosen"].items()):
        own = fees[(fees["cluster"] == code) & (fees["year"] == int(r["year"]))]
        per_member = own.groupby("membership_id", sort=True)["amount"].sum()
        if len(per_member):
            amounts[code] = sorted(per_member.tolist(), reverse=True)
    if not amounts:
        return None
    return Figure(
        "fig_concentration",
        _("Concentration of the member contributions per IBN"),
        partial(analysis.lorenz_chart, amounts, i18n.supported(ctx.lang)),
        caption=_(
            "Cumulative share of the year's total against the share of contributions, "
            "largest first; the year is the one of Table 8."
        ),
    )


def _text(ctx, result) -> str:
    chosen = result["chosen"]
    subsidised = result["subsidised"]
    text = _("Up to %(year)s the members of the selected IBNs paid %(paid)s in contributions.") % {
        "year": result["complete"],
        "paid": ctx.money(float(result["counted"]["paid"].sum())),
    }
    if len(subsidised):
        text += " " + _(
            "For the %(n)s IBNs with a known subsidy that is %(share)s of the budget "
            "(subsidy plus contributions)."
        ) % {
            "n": ctx.number(subsidised["cluster"].nunique()),
            "share": ctx.percent(budget_share(subsidised), 1),
        }
    if chosen:
        equal = sorted(c for c, r in chosen.items() if int(r["n_max"]) == int(r["n"]))
        heavy = sorted(
            c
            for c, r in chosen.items()
            if (_none(r["largest_share"]) or 0) >= LARGEST_SHARE_WARNING
        )
        text += " " + _(
            "%(equal)s of %(n)s IBNs ask the same fee of every member (%(equal_list)s); in "
            "%(heavy)s one member pays at least %(limit)s of the year's contributions "
            "(%(heavy_list)s)."
        ) % {
            "equal": ctx.number(len(equal)),
            "n": ctx.number(len(chosen)),
            "equal_list": ", ".join(equal) or "–",
            "heavy": ctx.number(len(heavy)),
            "limit": ctx.percent(LARGEST_SHARE_WARNING),
            "heavy_list": ", ".join(heavy) or "–",
        }
    met, due = _rule(subsidised)
    if due:
        text += " " + _(
            "The co-financing rule was met in %(met)s of %(due)s IBN-years with a subsidy."
        ) % {"met": ctx.number(met), "due": ctx.number(due)}
    return text


def build(ctx) -> Section:
    section = Section("cofinancing", _("Co-financing"))
    if not ctx.ibns:
        return section.text(_("No IBN is selected: there is no co-financing to show."))
    result = compute(ctx)
    if result["fees"].empty and result["counted"].empty:
        return section.text(
            _("No member contributions are recorded up to %(year)s.") % {"year": ctx.as_of.year}
        )
    section.text(_text(ctx, result))
    section.add(table8(ctx, result))
    figure = _concentration_figure(ctx, result)
    if figure is not None:
        section.add(figure)
    missing = sorted(c.code for c in ctx.ibns if c.code not in result["chosen"])
    if missing:
        section.text(
            _("No fees are recorded for %(codes)s up to %(year)s.")
            % {"codes": ", ".join(missing), "year": ctx.as_of.year}
        )
    return section
