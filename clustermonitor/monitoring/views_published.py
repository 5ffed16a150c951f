"""Published vs computed (issue 8): every figure of the 2020 evaluation beside the value
computed from the current records. For programme readers (monitoring.view_dashboard:
agency and evaluators); everyone else gets 404, an anonymous visitor the login page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import translation

from clustermonitor.accounts import access
from clustermonitor.core import paging
from clustermonitor.core.exporters import xlsx_response
from clustermonitor.core.memo import memo
from clustermonitor.core.pagecache import kept_page, records_version
from clustermonitor.monitoring import published, published_labels
from clustermonitor.programmes.selectors import current_programme


@login_required
@kept_page(access.needs("monitoring.view_dashboard"))
def published_vs_computed(request):
    access.check(request.user, "monitoring.view_dashboard")
    programme = current_programme(request.GET.get("programme"))
    if programme is None:
        raise Http404
    as_of = paging.date_param(request)
    # Seconds of figures (the survey's, the KPIs at each IBN's end of year 2), the same
    # for every session: kept by the version of the records, as the kept pages are
    # (core.pagecache: every write gives a new one), the date and the language (the
    # notes are in it).
    rows = memo(
        "published-comparison",
        lambda: (records_version(), programme.pk, as_of, translation.get_language()),
        lambda: published.comparison(programme, as_of),
    )
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"published-vs-computed-{programme.slug}.xlsx", [published.sheet(rows)]
        )
    sections = []
    for row in rows:
        if not sections or sections[-1][0] != row.section:
            sections.append(
                (row.section, published.SECTION_LABELS.get(row.section, row.section), [])
            )
        row.published_text = published_labels.shown(published.display_value(row.published))
        row.unit_text = published_labels.unit(row.unit)
        row.computed_text = (
            published.display_value(row.computed) if isinstance(row.computed, bool) else None
        )
        sections[-1][2].append(row)
    return render(
        request,
        "monitoring/published.html",
        {
            "programme": programme,
            "sections": sections,
            "as_of": as_of,
            "n_rows": len(rows),
            "n_computed": sum(r.is_computed for r in rows),
            "n_flagged": sum(r.flagged for r in rows),
            "query": request.GET.urlencode(),
        },
    )
