"""The economic effects' tile on the home page (monitoring.inbox.register_tiles): the
programme's effect on jobs for agency staff and evaluators, a cluster's own for its
manager when it rests on enough firms. Only a result already kept is shown — the home
page never waits for an estimate; without one the tile links to the page."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from clustermonitor.accounts import access

OUTCOME = "fte"


def _tile(key: str, title: str, found: dict | None, url: str):
    from clustermonitor.impact import figures
    from clustermonitor.monitoring.inbox import Tile

    if found is None:
        return Tile(key, title, "…", _("Open the page to compute the estimate."), url)
    if found.get("att") is None:
        return Tile(key, title, "–", _("Not enough firms with annual accounts yet."), url)
    low, high = found["ci"]
    value = figures.effect_text(found["att"], OUTCOME)
    detail = _(
        "95%% interval %(low).2f to %(high).2f; %(treated)d member companies against "
        "%(control)d comparison companies."
    ) % {"low": low, "high": high, "treated": found["n_treated"], "control": found["n_control"]}
    return Tile(key, title, value, detail, url)


def tiles(user, today: datetime.date) -> list:
    from clustermonitor.impact import figures
    from clustermonitor.programmes.models import Cluster
    from clustermonitor.programmes.selectors import current_programme

    if user.has_perm(access.IMPACT_PROGRAMME):
        programme = current_programme(None)
        if programme is None:
            return []
        found = figures.kept(programme, today, OUTCOME)
        return [
            _tile(
                "impact",
                _("Economic effect on jobs"),
                found,
                reverse("impact:effects"),
            )
        ]
    clusters = Cluster.objects.filter(pk__in=user.managed_cluster_ids).order_by("code")[:2]
    shown = []
    for cluster in clusters:
        if not user.has_perm(access.IMPACT_CLUSTER, cluster):
            continue
        found = figures.kept(cluster.programme, today, OUTCOME, clusters=[cluster])
        if found is None or found.get("att") is None:
            continue  # a cluster's tile only when its estimate rests on enough firms
        shown.append(
            _tile(
                f"impact-{cluster.code.lower()}",
                _("Economic effect on jobs, %(code)s") % {"code": cluster.code},
                found,
                reverse("impact:cluster-effects", args=[cluster.code]),
            )
        )
    return shown
