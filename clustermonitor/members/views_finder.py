"""The public finder page (docs/finder.md): no login, a plain GET form that works
without JavaScript, the running clusters that fit a company with the reasons in words.
It will move into the portal; the ranking and its data are members/finder.py's."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from clustermonitor.analysis import finder as ranking
from clustermonitor.members import finder
from clustermonitor.members.forms import FinderForm

#: The clusters a page shows at most (the API gives them all).
TOP = 10


@require_GET
def finder_page(request):
    given = any(request.GET.get(name, "").strip() for name in FinderForm.base_fields)
    form = FinderForm(request.GET if given else None)
    results = None
    search = None
    if given and form.is_valid():
        search = form.search
        results = finder.find(search, top=TOP)
    return render(
        request,
        "members/finder.html",
        {
            "form": form,
            "search": search,
            "results": results,
            "weights": {k: round(v * 100) for k, v in ranking.WEIGHTS.items()},
            "radius": ranking.RADIUS_KM,
        },
    )
