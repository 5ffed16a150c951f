"""Summary: the key figures of the report in a few paragraphs, each computed by the
chapter that shows it in full (portfolio, reach, kpis, cofinancing; the computations are
shared through `ctx.shared`, so nothing is computed twice) and the survey's response
(as the survey chapter counts it).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from clustermonitor.reports.document import Section
from clustermonitor.reports.sections import cofinancing, kpis, portfolio, reach


def _none(value):
    return None if value is None or value != value else value


def _clusters_text(ctx) -> str:
    labels = {t.code: t.label for t in portfolio.cluster_types(ctx)}
    parts = [
        _("%(type)s: %(n)s") % {"n": ctx.number(n), "type": labels.get(code, code)}
        for code, n in portfolio.type_counts(ctx).items()
    ]
    running = sum(1 for c in ctx.clusters if c.is_running(ctx.as_of))
    return _(
        "This report describes %(n)s clusters (%(types)s) as on %(date)s; %(running)s of "
        "their agreements were running on that date."
    ) % {
        "n": ctx.number(len(ctx.clusters)),
        "types": ", ".join(parts),
        "date": ctx.date(ctx.as_of, long=True),
        "running": ctx.number(running),
    }


def _members_text(ctx) -> str | None:
    result = reach.compute(ctx)
    if result is None:
        return None
    sme = result["sme"]
    return _(
        "The IBNs had %(companies)s member companies (with %(memberships)s memberships); "
        "%(sme)s of the companies whose size is known are SMEs and %(small)s have fewer "
        "than 50 employees. Their mean age is %(age)s years."
    ) % {
        "companies": ctx.number(result["n_companies"]),
        "memberships": ctx.number(result["n_company_memberships"]),
        "sme": ctx.percent(_none(sme["share"]), 1),
        "small": ctx.percent(_none(sme["share_micro_or_small"]), 1),
        "age": ctx.number(_none(result["age"]["mean_age"]), 1),
    }


def _kpi_text(ctx) -> str | None:
    result = kpis.compute(ctx)
    if result is None:
        return None
    totals = result["programme"]
    parts = []
    for code in kpis.KPI_CODES:
        t = totals[code]
        value = ctx.number(t.reported) if t.n_reported else ctx.number(None)
        pct = None if t.reported_pct is None else t.reported_pct / 100
        if pct is None:
            parts.append(_("%(kpi)s %(value)s") % {"kpi": code, "value": value})
        else:
            parts.append(
                _("%(kpi)s %(value)s (%(pct)s of the targets)")
                % {"kpi": code, "value": value, "pct": ctx.percent(pct)}
            )
    kpi3 = totals["KPI3"]
    return _(
        "Reported KPIs, summed over the IBNs: %(parts)s. From the records: %(kpi1)s unique "
        "active companies and %(kpi3)s collaborations with at least 3 companies (%(distinct)s "
        "when a collaboration of several IBNs counts once)."
    ) % {
        "parts": "; ".join(parts),
        "kpi1": ctx.number(totals["KPI1"].computed),
        "kpi3": ctx.number(kpi3.computed),
        "distinct": ctx.number(kpi3.distinct),
    }


def _active_text(ctx) -> str | None:
    result = kpis.compute(ctx)
    if result is None or result["active"].empty:
        return None
    active = result["active"]
    programme = active[active["cluster"] == "programme"]
    if programme.empty:
        return None
    row = programme.iloc[0]
    return _(
        "%(share)s of the members (%(active)s of %(members)s) took part in at least 2 "
        "activities in the 12 months before %(date)s."
    ) % {
        "share": ctx.percent(float(row["share"]), 1),
        "active": ctx.number(int(row["n_active"])),
        "members": ctx.number(int(row["n_members"])),
        "date": ctx.date(ctx.as_of),
    }


def _cofinancing_text(ctx) -> str | None:
    result = cofinancing.compute(ctx)
    if result is None or result["subsidised"].empty:
        return None
    subsidised = result["subsidised"]
    return _(
        "Up to %(year)s the members paid %(paid)s in contributions, %(share)s of the "
        "budget of the IBNs with a known subsidy."
    ) % {
        "year": result["complete"],
        "paid": ctx.money(float(subsidised["paid"].sum())),
        "share": ctx.percent(cofinancing.budget_share(subsidised), 1),
    }


def _survey_text(ctx) -> str | None:
    """The response as the survey chapter states it (the same wave, the same counts)."""
    from clustermonitor.reports.sections.survey import survey_data

    data = survey_data(ctx)
    if data is None:
        return None
    counts = data.results.counts
    if any(isinstance(counts[k], str) for k in ("invited", "started", "complete")):
        return None  # suppressed: fewer than 5 respondents in the selection
    if not counts["invited"]:
        return None
    return _(
        "The member survey %(wave)s invited %(invited)s member companies; %(started)s "
        "responded (%(rate)s) and %(complete)s completed the questionnaire."
    ) % {
        "wave": data.wave.name,
        "invited": ctx.number(counts["invited"]),
        "started": ctx.number(counts["started"]),
        "rate": ctx.percent(counts["started"] / counts["invited"], 1),
        "complete": ctx.number(counts["complete"]),
    }


def build(ctx) -> Section:
    section = Section("summary", _("Summary"))
    section.text(_clusters_text(ctx))
    if not ctx.ibns:
        section.text(
            _(
                "No IBN is selected: the figures on members, KPIs and co-financing "
                "concern the IBNs and are left out."
            )
        )
    for text in (
        _members_text(ctx),
        _active_text(ctx),
        _kpi_text(ctx),
        _cofinancing_text(ctx),
        _survey_text(ctx),
    ):
        if text:
            section.text(text)
    return section
