"""The demo's ladder, labels, teams and aftercare (issue 21; demodata/ladder.py): loaded
through the maturity services on the calibrated demo, deterministic, a second load writes
nothing, and every cluster has a level, a team and — after its term — a status."""

import datetime

import pytest

from clustermonitor.demodata import ladder as demo
from clustermonitor.maturity import ladder, staff
from clustermonitor.maturity.models_ladder import (
    Aftercare,
    FollowUp,
    LabelAward,
    LevelDecision,
    StaffMember,
)
from clustermonitor.programmes.models import Cluster

pytestmark = [pytest.mark.demo, pytest.mark.usefixtures("calibrated_demo")]

TODAY = datetime.date(2026, 12, 7)


def test_the_demo_ladder_teams_and_aftercare(db):
    counts = demo.load(seed=2020, today=TODAY)
    assert counts["level decisions"] == LevelDecision.objects.count() > 0
    assert counts["label awards"] == LabelAward.objects.count() > 0
    assert demo.load(seed=2020, today=TODAY) == dict.fromkeys(counts, 0)

    clusters = list(Cluster.objects.select_related("cluster_type").filter(start_date__lte=TODAY))
    levels = ladder.levels_on(clusters, TODAY)
    assert set(levels) == {c.pk for c in clusters}  # every cluster on the ladder
    for cluster in clusters:
        expected = "nce" if cluster.cluster_type.code == "SPC" else None
        if expected:
            assert levels[cluster.pk].level.code == expected
    promotions = LevelDecision.objects.filter(kind=LevelDecision.Kind.PROMOTION)
    assert promotions.exists() and all(d.assessment_id for d in promotions)
    assert promotions.count() < Cluster.objects.filter(cluster_type__code="IBN").count()

    # A label runs out within 90 days: the inbox's warning has something to say.
    soon = ladder.expiring(clusters, TODAY)
    assert any(0 < (e.award.valid_until - TODAY).days <= 90 for e in soon)

    teams = staff.team_on(clusters, TODAY)
    running = [c for c in clusters if c.end_date >= TODAY]
    assert all(teams[c.pk].known and teams[c.pk].fte > 0 for c in running)
    assert StaffMember.objects.count() == counts["staff members"]

    ended = [c for c in clusters if c.end_date < TODAY]
    assert Aftercare.objects.count() == len(ended) == counts["aftercare"]
    assert FollowUp.objects.filter(source=FollowUp.Source.COUNTED).count() == counts["follow-ups"]
