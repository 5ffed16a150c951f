"""The public pages (no login): the programme's front page, the cluster directory and a
profile per cluster. They show published profiles and aggregates only (selectors)."""

import datetime
import json
import mimetypes

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from clustermonitor.accounts import access
from clustermonitor.core.pagecache import page_language, public_page
from clustermonitor.portal import selectors
from clustermonitor.portal.forms import DirectoryFilter
from clustermonitor.programmes.models import Cluster

LANGUAGES = selectors.LANGUAGES


def _map(found: dict) -> dict:
    # Our own matplotlib output, text drawn as paths: safe to inline.
    return found | {"svg": mark_safe(found["svg"])}


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


@public_page
def directory(request):
    today = datetime.date.today()
    language = page_language(request)

    def build():
        form = DirectoryFilter(
            request.GET or None,
            types=selectors.type_choices(),
            provinces=selectors.province_choices(),
            sections=selectors.nace_choices(),
        )
        filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
        rows = selectors.directory(today, filters)
        return {
            "form": form,
            "rows": rows,
            "filtered": any(value not in (None, "", False) for value in filters.values()),
            "suppressed": selectors.SUPPRESSED,
            "map": _map(selectors.members_map([r.cluster for r in rows], today)),
        }

    return _render(request, "portal/directory.html", build, language)


@public_page
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
            "map": _map(selectors.members_map([cluster], today)),
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
