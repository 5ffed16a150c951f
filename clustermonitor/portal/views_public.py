"""The public pages (no login): the programme's front page, the cluster directory and a
profile per cluster. They show published profiles and aggregates only (selectors)."""

import datetime
import mimetypes

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import translation

from clustermonitor.accounts import access
from clustermonitor.portal import selectors
from clustermonitor.portal.forms import DirectoryFilter
from clustermonitor.programmes.models import Cluster

LANGUAGES = ("nl", "en")


def _render(request, template, build):
    """Render in the language of `?lang=` when given (the hreflang links), else the
    visitor's: `build()` makes the context in that language (the published texts are
    chosen by it). The page names its canonical address and its other language."""
    language = request.GET.get("lang")
    if language not in LANGUAGES:
        language = translation.get_language()
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
            "publication": cluster.profile.publication,
            "suppressed": selectors.SUPPRESSED,
        },
    )


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
