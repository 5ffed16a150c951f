"""The pipeline's items in a cluster manager's inbox (monitoring.inbox, registered in
ProspectsConfig.ready()): the prospects whose next step is due, one line per cluster,
high when one of them is overdue."""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clustermonitor.monitoring.inbox import Item
from clustermonitor.prospects.selectors import due_counts


def steps_due(user, clusters, today: datetime.date) -> list[Item]:
    """Open prospects with a next step due by today, of the clusters this person manages
    (the agency reads the pipelines, it does not keep them)."""
    own = set(user.managed_cluster_ids)
    managed = [c.pk for c in clusters if c.pk in own]
    if not managed:
        return []
    return [
        Item(
            "prospect",
            "high" if row["late"] else "medium",
            _("Prospects: next steps due"),
            ngettext(
                "%(code)s: %(n)d prospect with a next step due",
                "%(code)s: %(n)d prospects with a next step due",
                row["n"],
            )
            % {"code": row["cluster__code"], "n": row["n"]},
            reverse("prospects:pipeline", args=[row["cluster__code"]]) + "?due=due",
            row["since"],
            row["cluster__code"],
        )
        for row in due_counts(managed, today)
    ]
