"""Figures computed from the records: the co-financing ledger and Table 8, the share of
active members, and KPI 1 and KPI 2 with the companies behind them (issue 4)."""

import datetime
from urllib.parse import urlencode

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from clustermonitor.accounts import access
from clustermonitor.analysis import cofinancing, participation
from clustermonitor.core import i18n, known, paging
from clustermonitor.core.exporters import xlsx_response
from clustermonitor.core.memo import memo, memo_or_queue
from clustermonitor.core.pagecache import kept_page
from clustermonitor.members import cofinancing_checks as checks
from clustermonitor.members import exports, figures, figures_table8
from clustermonitor.members.models import Membership
from clustermonitor.members.tasks import table8_chart_task, table8_task
from clustermonitor.programmes import selectors as programme_selectors
from clustermonitor.programmes.models import Cluster, ReportedFigure


def _int(request, name, default):
    text = request.GET.get(name, "")
    return int(text) if text.isdigit() else default


@login_required
def cofinancing_cluster(request, code):
    cluster = access.get_cluster_members_for_user(request.user, Cluster.objects, code)
    year = _int(request, "year", min(datetime.date.today().year, cluster.end_date.year))
    _rows, fees, table, ledger = figures.cofinancing_frames([cluster], None, i18n.lang())
    row = table[table["year"] == year]
    this_year = ledger[ledger["year"] == year]
    carry_in = float(this_year["carry_in"].iloc[0]) if len(this_year) else 0.0
    required = float(this_year["required"].iloc[0]) if len(this_year) else 0.0
    year_fees = checks.year_amounts(fees, cluster.code, year)
    risk = checks.contributions_at_risk(year_fees, required, carry_in)
    names = dict(
        Membership.objects.filter(pk__in=list(risk)).values_list("pk", "organisation__name")
    )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"cofinancing-{cluster.code}.xlsx",
            exports.cofinancing_cluster_sheets(ledger, table, [names.get(i) for i in risk]),
        )
    concentration = row.iloc[0].to_dict() if len(row) else None
    warnings = []
    if len(this_year) and not bool(this_year["rule_met"].iloc[0]):
        warnings.append(
            _("The co-financing rule is not met in %(year)d: %(short)s short.")
            % {"year": year, "short": f"€ {this_year['shortfall'].iloc[0]:,.0f}".replace(",", ".")}
        )
    if concentration and checks.too_concentrated(concentration.get("largest_share")):
        warnings.append(
            _("One member pays %(share)d %% of the year's contributions.")
            % {"share": round(concentration["largest_share"] * 100)}
        )
    if checks.losing_one_breaks_the_rule(risk):
        warnings.append(
            _("Losing one of %(n)d contributions would break the rule.") % {"n": len(risk)}
        )
    chart = None
    if len(year_fees):
        chart = mark_safe(cofinancing.lorenz_chart({cluster.code: year_fees.tolist()}, i18n.lang()))
    return render(
        request,
        "members/cofinancing.html",
        {
            "cluster": cluster,
            "year": year,
            "ledger": ledger.to_dict("records"),
            "concentration": concentration,
            "warnings": warnings,
            "chart": chart,
            "at_risk": [names.get(i) for i in risk],
            "rule_met": getattr(risk, "rule_met", True),
            "years": sorted(set(ledger["year"]) | {year}),
        },
    )


@login_required
@kept_page(access.needs("registry.view_registry"))
def cofinancing_programme(request):
    access.check(request.user, "registry.view_registry")
    programme = programme_selectors.current_programme(request.GET.get("programme"))
    lang = i18n.lang()
    poll = _int(request, "poll", 0)
    requested = _int(request, "year", None)
    part = request.GET.get("part")
    if request.GET.get("format") == "xlsx" or poll >= MAX_POLLS or programme is None:
        # A download never waits; nor does a page no worker answered for a minute.
        data = memo(
            "table8",
            lambda: figures_table8.table8_inputs(programme, lang),
            lambda: figures_table8.table8_data(programme, lang),
        )
    else:
        # Every fee of the programme: seconds at 200 clusters after a change, so computed
        # by the background worker where there is one; the page says it is coming.
        data = memo_or_queue(
            "table8",
            lambda: figures_table8.table8_inputs(programme, lang),
            lambda: figures_table8.table8_data(programme, lang),
            table8_task,
            programme.pk,
            lang,
            requested,
        )
    if data is None:
        query = {"programme": programme.slug, "part": "body", "poll": poll + 1}
        if requested is not None:
            query = {"year": requested, **query}
        context = {"year": requested, "pending_body": True, "poll_query": urlencode(query)}
        template = "members/_table8_body.html" if part == "body" else "members/table8.html"
        response = render(request, template, context)
        response.keep = False  # the figures are still coming
        return response
    years = data["years"]
    year = requested if requested is not None else years[-1]
    table = data["table"]
    table = table[table["year"] == year]
    summary = cofinancing.programme_summary(table, lang) if len(table) else None
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"table8-{year}.xlsx", exports.table8_sheets(table, summary))
    amounts = data["amounts"].get(year, {})
    chart, pending = None, False
    if amounts:
        # One panel per cluster: seconds for a programme of 200 clusters, so kept by its
        # data, and computed by the background worker where there is one (core.memo).
        if poll >= MAX_POLLS:  # no worker answered: compute it here after all
            chart = figures_table8.lorenz(amounts, lang)
        else:
            chart = memo_or_queue(
                "lorenz",
                (amounts, lang),
                lambda: cofinancing.lorenz_chart(amounts, lang),
                table8_chart_task,
                programme.pk,
                year,
                lang,
            )
        pending = chart is None
        chart = mark_safe(chart) if chart else None
    context = {
        "year": year,
        "years": years,
        "rows": table.to_dict("records"),
        "chart": chart,
        "pending": pending,
        "poll_query": urlencode(
            {"year": year, "programme": programme.slug, "part": "chart", "poll": poll + 1}
        ),
        "summary": summary.iloc[0].to_dict() if summary is not None and len(summary) else None,
    }
    if part == "chart":
        response = render(request, "members/_table8_chart.html", context)
    elif part == "body":
        response = render(request, "members/_table8_body.html", context)
    else:
        response = render(request, "members/table8.html", context)
    response.keep = not pending  # a page still waiting for its chart is not kept
    return response


#: The placeholders ask every 2 s; after this many the page computes the figures itself.
MAX_POLLS = 30


def _kpis(clusters, up_to):
    paid = pd.DataFrame(
        figures.paid_rows(clusters, up_to),
        columns=[
            "cluster",
            "organisation_id",
            "organisation",
            "enterprise_number",
            "kind",
            "year",
            "first_start",
        ],
    )
    starts = {c.code: pd.Timestamp(c.start_date) for c in clusters}
    companies = participation.kpi_companies(paid, starts, pd.Timestamp(up_to))
    names = paid.drop_duplicates("organisation_id").set_index("organisation_id")
    companies["organisation"] = companies["organisation_id"].map(names["organisation"])
    companies["enterprise_number"] = companies["organisation_id"].map(names["enterprise_number"])
    return participation.kpi1_kpi2(paid, starts, pd.Timestamp(up_to)), companies


def _reported(clusters, on: datetime.date) -> dict:
    """The latest reported KPI 1 and KPI 2 known on ``on`` (core.known)."""
    out = {}
    for figure in known.reported_figures(
        ReportedFigure.objects.filter(cluster__in=clusters, metric__in=["KPI1", "KPI2"]), on
    ).order_by("period_end", "source_date", "pk"):
        out[(figure.cluster_id, figure.metric)] = figure
    return out


@login_required
def kpi_page(request, code=None):
    if code:
        cluster = access.get_cluster_members_for_user(request.user, Cluster.objects, code)
        clusters = [cluster]
    else:
        access.check(request.user, "registry.view_registry")
        cluster = None
        programme = programme_selectors.current_programme(request.GET.get("programme"))
        clusters = list(Cluster.objects.filter(programme=programme).order_by("code"))
    up_to = paging.date_param(request)
    table, companies = _kpis(clusters, up_to)
    reported = _reported(clusters, up_to)
    by_code = {c.code: c for c in clusters}
    rows = []
    for r in table.to_dict("records"):
        c = by_code[r["cluster"]]
        rows.append(
            {
                **r,
                "cluster_obj": c,
                "reported_kpi1": reported.get((c.pk, "KPI1")),
                "reported_kpi2": reported.get((c.pk, "KPI2")),
            }
        )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"kpi-{code or 'programme'}-{up_to.isoformat()}.xlsx",
            exports.kpi_sheets(table, companies),
        )
    return render(
        request,
        "members/kpis.html",
        {
            "cluster": cluster,
            "on": up_to,
            "rows": rows,
            "totals": participation.kpi_programme(companies) if cluster is None else None,
            "companies": companies.to_dict("records") if cluster is not None else [],
        },
    )
