"""Reads of the activities for the participation figures (analysis/participation)."""

import datetime

from clustermonitor.activities.models import Participation


def participation_rows(clusters, since: datetime.date, until: datetime.date) -> list[dict]:
    """Member participations (no guests, no unresolved rows) in activities of the clusters;
    a joint activity gives a row for each organising cluster."""
    rows = Participation.objects.filter(
        activity__clusters__in=clusters,
        activity__date__gt=since,
        activity__date__lte=until,
        organisation__isnull=False,
        is_guest=False,
    ).values("activity__clusters__code", "organisation_id", "activity_id", "activity__date")
    wanted = {c.code for c in clusters}
    return [
        {
            "cluster": r["activity__clusters__code"],
            "organisation_id": r["organisation_id"],
            "activity_id": r["activity_id"],
            "date": r["activity__date"],
        }
        for r in rows
        if r["activity__clusters__code"] in wanted
    ]
