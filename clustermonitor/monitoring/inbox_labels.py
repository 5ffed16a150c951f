"""The inbox's warnings before a label's validity ends (issue 21).

maturity keeps the label awards but sits below monitoring (clustermonitor/layers.py), so
it cannot import the inbox to register a source; monitoring, above it, reads maturity's
selector (`ladder.expiring`) and registers this source in its own `AppConfig.ready()`,
as the apps above monitoring do for theirs.

An item goes to the cluster's manager and to the programme manager: of medium severity
from `ladder.EXPIRY_NOTICE_DAYS` days before the label's last valid day, high (urgent)
once it has passed, until a later award of the same label renews it.
"""

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clustermonitor.accounts import access
from clustermonitor.maturity import ladder


def label_expiry(user, clusters, today: datetime.date) -> list:
    from clustermonitor.monitoring.inbox import Item

    if access.is_programme_manager(user):
        followed = list(clusters)
    else:
        managed = set(user.managed_cluster_ids)
        followed = [c for c in clusters if c.pk in managed]
    if not followed:
        return []
    items = []
    for expiry in ladder.expiring(followed, today):
        award = expiry.award
        names = {
            "label": award.label.name,
            "cluster": award.cluster.code,
            "date": award.valid_until.strftime("%d/%m/%Y"),
        }
        if expiry.expired:
            title = _("Label %(label)s of %(cluster)s expired on %(date)s") % names
        else:
            title = _("Label %(label)s of %(cluster)s expires on %(date)s") % names
        days = abs(expiry.days_left)
        detail = (
            ngettext(
                "%(n)d day ago: renew it or stop using it.",
                "%(n)d days ago: renew it or stop using it.",
                days,
            )
            if expiry.expired
            else ngettext(
                "In %(n)d day: plan the renewal.", "In %(n)d days: plan the renewal.", days
            )
        ) % {"n": days}
        items.append(
            Item(
                kind="label",
                severity="high" if expiry.expired else "medium",
                title=title,
                detail=detail,
                url=reverse("programmes:ladder-cluster", args=[award.cluster.code]),
                date=award.valid_until,
                cluster=award.cluster.code,
            )
        )
    return items
