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


def test_the_report_chapter_shows_the_ladder_and_the_benchmark(db):
    from django.utils import translation

    from clustermonitor.analysis import benchmark
    from clustermonitor.reports.build import resolve
    from clustermonitor.reports.document import Table
    from clustermonitor.reports.sections import maturity

    demo.load(seed=2020, today=TODAY)
    with translation.override("en"):
        section = maturity.build(resolve(TODAY, None, "en"))
    parts = {s.key: s for s in section.subsections}
    ladder_table = next(b for b in parts["maturity_ladder"].blocks if isinstance(b, Table))
    levels = [row[2] for row in ladder_table.rows]
    assert all(levels) and "NCE (established cluster)" in levels
    assert any(row[4] and "ESCA" in row[4] for row in ladder_table.rows)
    text = parts["maturity_ladder"].blocks[0].text
    assert "Arena (emerging network)" in text and "not yet on the ladder" in text
    bench = next(b for b in parts["maturity_benchmark"].blocks if isinstance(b, Table))
    assert len(bench.rows) == len(benchmark.INDICATORS)
    assert any(row[3] is not None for row in bench.rows)  # medians over enough clusters
    # As of a day before the promotions (2019 and later), every IBN is still at Arena.
    with translation.override("en"):
        early = maturity.build(resolve(datetime.date(2017, 1, 31), None, "en"))
    early_ladder = next(s for s in early.subsections if s.key == "maturity_ladder")
    early_rows = next(b for b in early_ladder.blocks if isinstance(b, Table)).rows
    ibns = [row for row in early_rows if row[1] == "IBN"]
    assert ibns and {row[2] for row in ibns} == {"Arena (emerging network)"}
