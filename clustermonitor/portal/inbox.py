"""The public portal's items in a cluster manager's inbox (monitoring.inbox, registered in
PortalConfig.ready()): the join requests that wait for an answer, one line per cluster."""

import datetime

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clustermonitor.monitoring.inbox import Item
from clustermonitor.portal.models import JoinRequest


def join_requests(user, clusters, today: datetime.date) -> list[Item]:
    """Open join requests of the clusters this person manages (the agency answers them
    from the cluster's list, not from its inbox)."""
    own = set(user.managed_cluster_ids)
    managed = [c.pk for c in clusters if c.pk in own]
    if not managed:
        return []
    rows = (
        JoinRequest.objects.filter(cluster_id__in=managed, state=JoinRequest.State.OPEN)
        .values("cluster__code")
        .annotate(n=Count("pk"), since=Min("confirmed_at"))
        .order_by("cluster__code")
    )
    return [
        Item(
            "join",
            "medium",
            _("Join requests to answer"),
            ngettext("%(code)s: %(n)d company asks to join",
                     "%(code)s: %(n)d companies ask to join", row["n"])
            % {"code": row["cluster__code"], "n": row["n"]},
            reverse("portal:join-requests", args=[row["cluster__code"]]),
            timezone.localdate(row["since"]) if row["since"] else None,
            row["cluster__code"],
        )
        for row in rows
    ]  # fmt: skip
