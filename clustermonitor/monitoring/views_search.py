"""The search page behind the header's search box (monitoring/search.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from clustermonitor.monitoring import search


@login_required
def search_page(request):
    query = request.GET.get("q", "").strip()[:100]
    groups = search.search(request.user, query)
    return render(
        request,
        "monitoring/search.html",
        {
            "query": query,
            "groups": groups,
            "too_short": 0 < len(query) < search.MIN_LENGTH,
            "limit": search.LIMIT,
        },
    )
