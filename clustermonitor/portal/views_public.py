"""The public pages (no login): the programme's front page, the cluster directory, a
profile per cluster, the open figures with their downloads, and the calendar of public
events with its iCalendar feeds. They show published profiles, public activities and
aggregates only (selectors, figures, events)."""

import datetime
import json
import mimetypes

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from clustermonitor.accounts import access
from clustermonitor.activities.models import Activity
from clustermonitor.core import paging
from clustermonitor.core.exporters import csv_bytes
from clustermonitor.core.pagecache import page_language, public_page
from clustermonitor.core.paging import page_of
from clustermonitor.portal import events, figures, selectors
from clustermonitor.portal.forms import DirectoryFilter, EventFilter
from clustermonitor.programmes.models import Cluster

LANGUAGES = selectors.LANGUAGES


def _render(request, template, build, language=None):
    """Render in the page's language (core.pagecache.page_language): `build()` makes
    the context in that language (the published texts, the choices' labels and the map
    are chosen by it). The page names its canonical address and its other language."""
    language = language or page_language(request)
    base = request.build_absolute_uri(request.path)
    with translation.override(language):
        context = build() | {
            "canonical": f"{base}?lang={language}",
            "alternates": [(code, f"{base}?lang={code}") for code in LANGUAGES],
        }
        response = render(request, template, context)
    response["Content-Language"] = language
    return response


@public_page
def front(request):
    """The programme for a visitor (at / for whoever is not logged in)."""
    today = datetime.date.today()
    return _render(request, "portal/front.html", lambda: selectors.front(today))


def _directory_rows(request, today):
    """The directory's filter form and the clusters it lists (the page and its map)."""
    form = DirectoryFilter(
        request.GET or None,
        types=selectors.type_choices(),
        provinces=selectors.province_choices(),
        sections=selectors.nace_choices(),
    )
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, filters, selectors.directory(today, filters)


@public_page
def directory(request):
    today = datetime.date.today()
    language = page_language(request)

    def build():
        form, filters, rows = _directory_rows(request, today)
        query = request.GET.copy()
        query["lang"] = language
        return {
            "form": form,
            "rows": rows,
            "filtered": any(value not in (None, "", False) for value in filters.values()),
            "suppressed": selectors.SUPPRESSED,
            "map": selectors.members_map([r.cluster for r in rows], today)
            | {"url": f"{reverse('portal:directory-map')}?{query.urlencode()}"},
        }

    return _render(request, "portal/directory.html", build, language)


@require_GET
@public_page
def directory_map(request):
    """The map of where the listed clusters' members are (the directory's filters)."""
    today = datetime.date.today()
    with translation.override(page_language(request)):
        _form, _filters, rows = _directory_rows(request, today)
        return _map_response(selectors.members_map([r.cluster for r in rows], today, draw=True))


@require_GET
@public_page
def cluster_map(request, code):
    """The map of where a published cluster's members are."""
    cluster = access.published_cluster(Cluster.objects, code)
    with translation.override(page_language(request)):
        return _map_response(selectors.members_map([cluster], datetime.date.today(), draw=True))


def _map_response(found: dict) -> HttpResponse:
    """Our own matplotlib output (text drawn as paths, no script) as a picture; none
    when no municipality has enough members to be drawn."""
    if not found["svg"]:
        raise Http404
    response = HttpResponse(found["svg"], content_type="image/svg+xml; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@public_page
def cluster_detail(request, code):
    cluster = access.published_cluster(Cluster.objects, code)
    today = datetime.date.today()
    data = cluster.profile.publication.data
    language = page_language(request)
    return _render(
        request,
        "portal/cluster_detail.html",
        lambda: {
            "cluster": cluster,
            "data": data,
            "text": {
                name: selectors.localised(data, name)
                for name in ("description", "offer", "working_groups")
            },
            "past": cluster.end_date < today,
            "sizes": selectors.members_by_size(cluster, today),
            "map": selectors.members_map([cluster], today)
            | {"url": f"{reverse('portal:cluster-map', args=[cluster.code])}?lang={language}"},
            "events": events.upcoming_of(cluster, today),
            "fees": selectors.fees(cluster, today),
            "publication": cluster.profile.publication,
            "suppressed": selectors.SUPPRESSED,
            "og": _open_graph(request, cluster, data),
            "ld_json": _organisation_ld(request, cluster, data),
        },
    )


def _logo_url(request, cluster, data) -> str:
    if not data.get("logo"):
        return ""
    return request.build_absolute_uri(reverse("portal:cluster-logo-file", args=[cluster.code]))


def _open_graph(request, cluster, data) -> dict:
    """OpenGraph's card of a profile (what a link to it shows when shared)."""
    return {
        "title": cluster.name,
        "description": Truncator(selectors.localised(data, "description")).chars(200),
        "image": _logo_url(request, cluster, data),
        "locale": "nl_BE" if translation.get_language() == "nl" else "en_GB",
    }


def _organisation_ld(request, cluster, data) -> str:
    """schema.org's Organization of a profile as JSON-LD, from the published fields only
    (a contact's e-mail and phone only where they were published)."""
    ld = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": cluster.name,
        "url": data.get("website") or request.build_absolute_uri(request.path),
        "description": selectors.localised(data, "description"),
        "logo": _logo_url(request, cluster, data),
        "email": data.get("contact_email", ""),
        "telephone": data.get("contact_phone", ""),
        "sameAs": [data["eccp_url"]] if data.get("eccp_url") else [],
    }
    text = json.dumps({k: v for k, v in ld.items() if v}, ensure_ascii=False, sort_keys=True)
    # As Django's json_script: nothing in the text can close the script element.
    return mark_safe(text.translate(_JSON_ESCAPES))


_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def cluster_logo_file(request, code):
    """The logo of the cluster's current publication (never a draft's)."""
    cluster = access.published_cluster(Cluster.objects, code)
    name = cluster.profile.publication.data.get("logo")
    if not name or not default_storage.exists(name):
        raise Http404
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- Open figures ------------------------------------------------------------------------


def _as_of(request) -> datetime.date:
    """`?as_of=YYYY-MM-DD` (never after today), else today."""
    return min(paging.date_param(request, "as_of"), datetime.date.today())


@require_GET
@public_page
def open_figures(request):
    """Every open figure as of today (or `?as_of=`), with its CSV and JSON downloads."""
    on = _as_of(request)
    return _render(
        request,
        "portal/figures.html",
        lambda: {
            "figures": figures.figures(on),
            "as_of": on,
            "language": translation.get_language(),
            "licence": figures.licence(),
            "note": figures.suppression_note(),
        },
    )


def _open_figure(request, name: str):
    if name not in figures.NAMES:
        raise Http404
    return figures.figure(name, _as_of(request))


def _download(request, name: str, extension: str, content_type: str, body) -> HttpResponse:
    """A figure's file in the language of `?lang=`, named by its figure and day; the
    licence in a Link header (and in the file or its CSV metadata)."""
    with translation.override(page_language(request)):
        figure = _open_figure(request, name)
        content = body(figure)
    response = HttpResponse(content, content_type=content_type)
    filename = f"{figure.name}-{figure.as_of:%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = f'<{figures.LICENCE_URL}>; rel="license"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json_bytes(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@require_GET
def open_figure_csv(request, name):
    """The figure as CSV (comma-separated UTF-8, the column keys as its header); its
    title, licence and attribution in the CSV's metadata (open_figure_csv_metadata)."""
    response = _download(
        request,
        name,
        "csv",
        "text/csv; charset=utf-8",
        lambda figure: csv_bytes(figure.keys, figure.table(), delimiter=","),
    )
    metadata = reverse("portal:figure-csv-metadata", args=[name])
    metadata += f"?lang={page_language(request)}&as_of={_as_of(request):%Y-%m-%d}"
    response["Link"] += f', <{metadata}>; rel="describedby"; type="application/csvm+json"'
    return response


@require_GET
def open_figure_csv_metadata(request, name):
    """The CSV's side-file as W3C CSV on the Web describes it: title, licence,
    attribution, the day and the columns."""

    def body(figure):
        url = reverse("portal:figure-csv", args=[name])
        query = f"?lang={translation.get_language()}&as_of={figure.as_of:%Y-%m-%d}"
        return _json_bytes(figures.csv_metadata(figure, request.build_absolute_uri(url) + query))

    return _download(request, name, "csv-metadata.json", "application/csvm+json", body)


@require_GET
def open_figure_json(request, name):
    """The figure as JSON, as GET /api/public/figures/<name> answers (with its licence)."""
    return _download(
        request,
        name,
        "json",
        "application/json",
        lambda figure: _json_bytes(figures.as_json(figure)),
    )


# -- The calendar ------------------------------------------------------------------------


@public_page
def events_page(request):
    """The public calendar: every public activity of the clusters with a published
    profile, upcoming by default, past ones or one month's on request."""
    today = datetime.date.today()
    form = EventFilter(
        request.GET or None, clusters=events.cluster_choices(), kinds=Activity.Kind.choices
    )
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = page_of(request, events.calendar(today, filters))
    return _render(
        request,
        "portal/events.html",
        lambda: {
            "form": form,
            "page": page,
            "months": events.by_month(page.object_list),
            "past": filters.get("when") == "past" and not filters.get("month"),
            "month": filters.get("month"),
            "filtered": any(filters.values()),
            "feed_cluster": filters.get("cluster"),
        },
    )


def _event_link(request, language):
    page = request.build_absolute_uri(reverse("portal:events"))

    def link(activity) -> str:
        return f"{page}?month={activity.date:%Y-%m}&lang={language}#activity-{activity.pk}"

    return link


def _calendar_response(request, activities, name_of, filename):
    language = page_language(request)
    with translation.override(language):
        body = events.feed(activities, str(name_of()), _event_link(request, language))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Content-Language"] = language
    return response


@require_safe
def events_feed(request):
    """Every public activity of the clusters with a published profile, as iCalendar."""
    return _calendar_response(
        request,
        events.public_activities(),
        lambda: _("Cluster programme: events"),
        "events.ics",
    )


@require_safe
def cluster_events_feed(request, code):
    """A published cluster's public activities, as iCalendar (404 for any other)."""
    cluster = access.published_cluster(Cluster.objects, code)
    return _calendar_response(
        request,
        events.public_activities(cluster),
        lambda: _("%(cluster)s: events") % {"cluster": cluster.name},
        f"{cluster.code.lower()}-events.ics",
    )
