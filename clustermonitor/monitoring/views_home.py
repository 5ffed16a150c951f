"""The home page every persona lands on after logging in: their inbox and KPI cards."""

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from clustermonitor.monitoring import inbox


@login_required
def home(request):
    today = datetime.date.today()
    user = request.user
    items = inbox.items_for(user, today)
    clusters = list(inbox.followed_clusters(user, today))
    own = set(user.managed_cluster_ids)
    managed = [c for c in clusters if c.pk in own]
    return render(
        request,
        "monitoring/home.html",
        {
            "items": items,
            "urgent": sum(1 for i in items if i.severity == "high"),
            "cards": inbox.kpi_cards(user, today),
            "tiles": inbox.tiles(user, today),
            "managed": managed,
            "followed": [c for c in clusters if c not in managed],
            "today": today,
        },
    )
