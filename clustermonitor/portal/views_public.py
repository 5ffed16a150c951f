"""The public pages (no login): the programme's front page, the cluster directory, a
profile per cluster, and the calendar of public events with its iCalendar feeds. They
show published profiles, public activities and aggregates only (selectors, events)."""

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
from django.views.decorators.http import require_safe

from clustermonitor.accounts import access
from clustermonitor.activities.models import Activity
from clustermonitor.core.paging import page_of
from clustermonitor.portal import events, selectors
from clustermonitor.portal.forms import DirectoryFilter, EventFilter
from clustermonitor.programmes.models import Cluster

LANGUAGES = selectors.LANGUAGES


def _language(request) -> str:
    """The language of `?lang=` when given (the hreflang links), else the visitor's."""
    language = request.GET.get("lang")
    return language if language in LANGUAGES else translation.get_language()


def _render(request, template, build):
    """Render in the language of `?lang=` when given (the hreflang links), else the
    visitor's: `build()` makes the context in that language (the published texts are
    chosen by it). The page names its canonical address and its other language."""
    language = _language(request)
    base = request.build_absolute_uri(request.path)
    with translation.override(language):
        context = build() | {
            "canonical": f"{base}?lang={language}",
            "alternates": [(code, f"{base}?lang={code}") for code in LANGUAGES],
        }
        response = render(request, template, context)
    response["Content-Language"] = language
    return response


def front(request):
    """The programme for a visitor (at / for whoever is not logged in)."""
    today = datetime.date.today()
    return _render(request, "portal/front.html", lambda: selectors.front(today))


def directory(request):
    today = datetime.date.today()
    form = DirectoryFilter(
        request.GET or None,
        types=selectors.type_choices(),
        provinces=selectors.province_choices(),
    )
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = selectors.directory(today, filters)
    return _render(
        request,
        "portal/directory.html",
        lambda: {
            "form": form,
            "rows": rows,
            "filtered": any(filters.values()),
            "suppressed": selectors.SUPPRESSED,
        },
    )


def cluster_detail(request, code):
    cluster = access.published_cluster(Cluster.objects, code)
    today = datetime.date.today()
    data = cluster.profile.publication.data
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
            "fees": selectors.fees(cluster, today),
            "events": events.upcoming_of(cluster, today),
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
    language = _language(request)
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
