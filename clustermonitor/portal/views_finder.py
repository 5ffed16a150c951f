"""The public finder page (docs/finder.md): no login, a plain GET form that works
without JavaScript, the running clusters that fit a company with the reasons in words.
Part of the public portal; the ranking is analysis/finder.py's and its data members/finder.py's."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from clustermonitor.analysis import finder as ranking
from clustermonitor.core import sharedcache
from clustermonitor.members import finder
from clustermonitor.members.forms import FinderForm
from clustermonitor.portal.models import ClusterProfile

#: The clusters a page shows at most (the API gives them all).
TOP = 10


def _published_codes() -> frozenset[str]:
    return frozenset(
        ClusterProfile.objects.filter(publication__isnull=False).values_list(
            "cluster__code", flat=True
        )
    )


@require_GET
def finder_page(request):
    given = any(request.GET.get(name, "").strip() for name in FinderForm.base_fields)
    form = FinderForm(request.GET if given else None)
    results = None
    search = None
    if given and form.is_valid():
        search = form.search
        results = finder.find(search, top=TOP)
        # The clusters with a public profile link to it (kept between writes).
        published = sharedcache.mirrored("portal-published-codes", _published_codes)
        for result in results:
            result.profile_published = result.code in published
    return render(
        request,
        "portal/finder.html",
        {
            "form": form,
            "search": search,
            "results": results,
            "weights": {k: round(v * 100) for k, v in ranking.WEIGHTS.items()},
            "radius": ranking.RADIUS_KM,
        },
    )
