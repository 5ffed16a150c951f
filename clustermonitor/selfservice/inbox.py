"""Self-service items in a cluster manager's inbox (monitoring.inbox, registered in
SelfserviceConfig.ready()): erasure requests to carry out, one line per cluster."""

import datetime

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clustermonitor.monitoring.inbox import Item
from clustermonitor.selfservice.models import ErasureRequest


def erasure_requests(user, clusters, today: datetime.date) -> list[Item]:
    own = set(user.managed_cluster_ids)
    managed = [c.pk for c in clusters if c.pk in own]
    if not managed:
        return []
    rows = (
        ErasureRequest.objects.filter(
            status=ErasureRequest.Status.OPEN,
            organisation__memberships__cluster_id__in=managed,
        )
        .values("organisation__memberships__cluster__code")
        .annotate(n=Count("pk", distinct=True), since=Min("requested_at"))
        .order_by("organisation__memberships__cluster__code")
    )
    return [
        Item(
            "erasure",
            "high",
            _("Erasure requests to carry out"),
            ngettext("%(code)s: %(n)d person asks that their data be removed",
                     "%(code)s: %(n)d people ask that their data be removed", row["n"])
            % {"code": row["organisation__memberships__cluster__code"], "n": row["n"]},
            reverse("selfservice:cluster", args=[row["organisation__memberships__cluster__code"]]),
            timezone.localdate(row["since"]) if row["since"] else None,
            row["organisation__memberships__cluster__code"],
        )
        for row in rows
    ]  # fmt: skip
