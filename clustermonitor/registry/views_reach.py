"""The reach analysis pages (the evaluation's Figures 2–5 and the NACE mix), per
programme and per cluster, for a chosen reference date: SVG figures, tables, .xlsx."""

import datetime

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from clustermonitor.accounts import access
from clustermonitor.analysis import charts, reach
from clustermonitor.core import i18n
from clustermonitor.core.exporters import Sheet, xlsx_response
from clustermonitor.core.memo import memo
from clustermonitor.core.pagecache import kept_page, needs, reads_members
from clustermonitor.programmes import selectors as programme_selectors
from clustermonitor.registry.selectors import REACH_COLUMNS, reach_rows


def _reference_date(request) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return datetime.date.today()


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=REACH_COLUMNS)
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    for column in ("employees", "turnover", "balance_total", "latitude", "longitude"):
        frame[column] = pd.to_numeric(frame[column])
    return frame


def analyse(frame: pd.DataFrame, on: datetime.date, cluster: str | None = None) -> dict:
    """All figures for the programme, or for one cluster's members (`cluster`); the frame
    holds the whole programme so that a cluster's members' other memberships count."""
    reference = pd.Timestamp(on)
    own = frame if cluster is None else frame[frame["cluster"] == cluster]
    companies = own["kind"] == "company"
    return {
        # Every count names what it counts: companies and their memberships apart from
        # the memberships of all organisations (knowledge institutions, federations, ...).
        "n_memberships": len(own),
        "n_company_memberships": int(companies.sum()),
        "n_companies": int(own.loc[companies, "organisation_id"].nunique()),
        "n_organisations": int(own["organisation_id"].nunique()),
        "sizes": reach.size_classes(frame, cluster=cluster),
        "sme": reach.sme_share(frame, cluster=cluster),
        "ages": reach.age_classes(frame, reference, cluster=cluster),
        "age": reach.age_summary(frame, reference, cluster=cluster),
        "memberships": reach.memberships_per_organisation(frame, cluster=cluster),
        "nace": reach.nace_sections(frame, cluster=cluster),
        "municipalities": reach.by_municipality(frame, cluster=cluster),
    }


def figures(result: dict, lang: str) -> dict:
    svg = {
        "sizes": charts.bar_chart(result["sizes"], "size_class", "share", lang=lang),
        "ages": charts.bar_chart(result["ages"], "age_class", "share", lang=lang),
        "memberships": charts.stacked_bar_chart(result["memberships"], "memberships", lang=lang),
        "nace": charts.bar_chart(
            result["nace"],
            "nace_section",
            "n",
            lang=lang,
            labels=charts.nace_labels(lang),
            horizontal=True,
        ),
        "map": charts.map_chart(result["municipalities"], lang=lang),
    }
    # Our own matplotlib output, text drawn as paths: safe to inline.
    return {k: mark_safe(v) for k, v in svg.items()}


def _figures(result: dict, lang: str) -> dict:
    """`figures`, kept by the figures' data: five charts, a map among them, take longer
    to draw than all the queries and tables of the page."""
    data = {k: v.to_dict("split") if isinstance(v, pd.DataFrame) else v for k, v in result.items()}
    return memo("reach-figures", (data, lang), lambda: figures(result, lang))


def _render(request, rows, on, cluster=None):
    frame = _frame(rows)
    result = analyse(frame, on, cluster.code if cluster else None)
    if request.GET.get("format") == "xlsx":
        return _xlsx(result, cluster, on)
    lang = i18n.lang()
    return render(
        request,
        "registry/reach.html",
        {
            "cluster": cluster,
            "on": on,
            "result": result,
            "svg": _figures(result, lang) if result["n_memberships"] else None,
            "sizes": result["sizes"].to_dict("records"),
            "ages": result["ages"].to_dict("records"),
            "memberships": result["memberships"].to_dict("records"),
            "nace": result["nace"].to_dict("records"),
            "nace_labels": charts.nace_labels(lang),
            "labels": {
                k: charts.label(k, lang)
                for k in [
                    *reach.SIZE_CLASSES,
                    *reach.AGE_CLASSES,
                    reach.UNKNOWN,
                    "1",
                    "2",
                    "3",
                    "4+",
                ]
            },
            "query": request.GET.urlencode(),
        },
    )


def _xlsx(result, cluster, on):
    def sheet(title, frame):
        return Sheet(title, list(frame.columns), frame.itertuples(index=False, name=None))

    sme = result["sme"]
    summary = pd.DataFrame(
        [
            ("reference_date", on.isoformat()),
            ("companies", result["n_companies"]),
            ("company_memberships", result["n_company_memberships"]),
            ("memberships_all_organisations", result["n_memberships"]),
            ("organisations", result["n_organisations"]),
            ("sme", sme["sme"]),
            ("non_sme", sme["non_sme"]),
            ("sme_unknown", sme["unknown"]),
            ("sme_share", sme["share"]),
            ("sme_basis_financials", sme["basis_counts"]["financials"]),
            ("sme_basis_headcount_only", sme["basis_counts"]["headcount_only"]),
            ("mean_age", result["age"]["mean_age"]),
            ("share_startups", result["age"]["share_startups"]),
        ],
        columns=["figure", "value"],
    )
    name = f"reach-{cluster.code if cluster else 'programme'}-{on.isoformat()}.xlsx"
    return xlsx_response(
        name,
        [
            sheet(_("Summary"), summary),
            sheet(_("Size classes"), result["sizes"]),
            sheet(_("Age classes"), result["ages"]),
            sheet(_("Memberships"), result["memberships"]),
            sheet("NACE", result["nace"]),
            sheet(_("Municipalities"), result["municipalities"]),
        ],
    )


@login_required
@kept_page(needs("registry.view_registry"))
def reach_programme(request):
    access.check(request.user, "registry.view_registry")
    on = _reference_date(request)
    programme = programme_selectors.current_programme(request.GET.get("programme"))
    return _render(request, reach_rows(on=on, programme=programme), on)


@login_required
@kept_page(reads_members)
def reach_cluster(request, code):
    cluster = access.get_cluster_members_for_user(request.user, code)
    on = _reference_date(request)
    rows = reach_rows(on=on, programme=cluster.programme, members_of=cluster)
    return _render(request, rows, on, cluster)
