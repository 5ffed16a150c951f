"""The grant cycle in the portfolio chapter (issue 19): applications per call, the
success rate and the time to a decision, from the application records known on the
report's date; the subsidies committed against those paid per year, from the agreements,
amendments and payments known on it. A chapter passes the date to the selectors, which
apply core/known_agreements.py."""

from __future__ import annotations

from django.utils.translation import gettext as _

from clustermonitor.agreements import selectors as agreements
from clustermonitor.programmes import selectors as programmes
from clustermonitor.reports.document import Money, Percent, Table


def applications_table(ctx) -> Table | None:
    """Per call: received, decided, funded, the amount, the success rate and the median
    days from submission to decision; None when no call has a recorded application."""
    rows = [
        r for r in programmes.call_overview(ctx.programme, ctx.as_of) if r["recorded_submitted"]
    ]
    if not rows:
        return None
    return Table(
        key="applications",
        title=_("Applications per call"),
        columns=[
            _("Call"),
            _("Received"),
            _("Decided"),
            _("Funded"),
            _("Amount funded"),
            _("Success rate"),
            _("Days to decision (median)"),
            _("Published: submitted"),
            _("Published: funded"),
        ],
        rows=[
            [
                str(r["call"]),
                r["recorded_submitted"],
                r["recorded_decided"],
                r["recorded_funded"],
                Money(r["recorded_amount"]),
                Percent(r["recorded_success_rate"], 0),
                r["median_days_to_decision"],
                int(r["reported_submitted"]) if r["reported_submitted"] is not None else None,
                int(r["reported_funded"]) if r["reported_funded"] is not None else None,
            ]
            for r in rows
        ],
        notes=[
            _(
                "Applications received (drafts never count) and decided on or before "
                "%(date)s. Success rate: funded of those decided. Applications of the calls "
                "before the platform carry no times of submission and decision."
            )
            % {"date": ctx.date(ctx.as_of)}
        ],
        source=_("The calls' application records; the published figures beside them."),
    )


def subsidies_table(ctx) -> Table | None:
    """Per year: subsidies committed and paid; None without any agreement known."""
    years = agreements.committed_and_paid(
        ctx.programme, ctx.as_of, clusters=[c.pk for c in ctx.clusters]
    )
    if not years:
        return None
    return Table(
        key="subsidies",
        title=_("Subsidies committed and paid per year"),
        columns=[_("Year"), _("Committed"), _("Paid"), _("Still to pay at the year's end")],
        rows=[
            [str(y["year"]), Money(y["committed"]), Money(y["paid"]), Money(y["outstanding"])]
            for y in years
        ],
        notes=[
            _(
                "Committed: an agreement's subsidy in the year it was decided, an "
                "amendment's change in the year of its decision; paid: payments by their "
                "date, up to %(date)s."
            )
            % {"date": ctx.date(ctx.as_of)}
        ],
        source=_("The agreements, their amendments and the payments as recorded."),
    )


def add_to(section, ctx) -> None:
    for table in (applications_table(ctx), subsidies_table(ctx)):
        if table is not None:
            section.add(table)
