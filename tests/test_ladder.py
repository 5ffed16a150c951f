"""The maturity ladder and labels (issue 21): a cluster's level on a date (known on D),
the rules of a level decision, label awards and the inbox's warnings before expiry, and
the readiness for a level or label with its gaps in figures."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from clustermonitor.accounts.models import User
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.maturity import ladder, services
from clustermonitor.maturity.models import (
    CriteriaSet,
    Criterion,
    Label,
    LabelAward,
    Level,
    LevelDecision,
)
from clustermonitor.maturity.services import MaturityError
from clustermonitor.monitoring import inbox
from clustermonitor.programmes.models import Cluster, ClusterType
from clustermonitor.registry.models import Organisation
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

D = datetime.date
ACTOR = audit.Actor.system("tests")
START, END = D(2017, 1, 1), D(2019, 12, 31)
Kind = LevelDecision.Kind


def hand_cluster(code="LADA") -> Cluster:
    ibn = ClusterType.objects.get(code="IBN")
    return Cluster.objects.create(
        programme=ibn.programme,
        code=code,
        name=f"Test cluster {code}",
        cluster_type=ibn,
        start_date=START,
        end_date=END,
    )


def published_set(programme, name, criteria=()) -> CriteriaSet:
    cs = CriteriaSet.objects.create(
        programme=programme,
        name=name,
        status=CriteriaSet.Status.PUBLISHED,
        published_on=D(2016, 1, 1),
    )
    for order, values in enumerate(criteria, 1):
        Criterion.objects.create(criteria_set=cs, order=order, **values)
    if not criteria:
        Criterion.objects.create(criteria_set=cs, order=1, text="Evidence", kind="evidence")
    return cs


@pytest.fixture
def steps():
    """A two-step ladder: Arena (12 months at least) and NCE."""
    programme = ClusterType.objects.get(code="IBN").programme
    arena_set = published_set(programme, "Arena criteria")
    nce_set = published_set(programme, "NCE criteria")
    arena = ladder.save_level(
        ACTOR,
        Level(programme=programme, order=1, code="arena", name="Arena", criteria_set=arena_set,
              min_months=12),
    )  # fmt: skip
    nce = ladder.save_level(
        ACTOR,
        Level(programme=programme, order=2, code="nce", name="NCE", criteria_set=nce_set,
              min_months=36, max_annual_subsidy=Decimal("500000"), max_years=5),
    )  # fmt: skip
    return arena, nce


DECIDED = D(2017, 1, 10)


def start(cluster, level, decided=DECIDED, effective=START):
    return ladder.decide_level(
        ACTOR,
        cluster,
        level=level,
        kind=Kind.START,
        decided_on=decided,
        effective_from=effective,
        motivation="Admitted with the call of 2016.",
    )


def promote(cluster, level, assessment, decided, effective, motivation="Meets the criteria."):
    return ladder.decide_level(
        ACTOR,
        cluster,
        level=level,
        kind=Kind.PROMOTION,
        decided_on=decided,
        effective_from=effective,
        motivation=motivation,
        assessment=assessment,
    )


# -- The level on a date ------------------------------------------------------------------


def test_level_on_is_the_latest_decision_decided_and_effective_by_the_date(steps):
    arena, nce = steps
    cluster = hand_cluster()
    start(cluster, arena)  # decided 10/01/2017, effective 01/01/2017
    assessment = services.assess(ACTOR, cluster, nce.criteria_set, D(2018, 3, 1))
    promote(cluster, nce, assessment, decided=D(2018, 3, 15), effective=D(2018, 4, 1))

    def level(day):
        decision = ladder.level_on(cluster, day)
        return decision.level.code if decision else None

    assert level(D(2016, 12, 31)) is None
    assert level(D(2017, 1, 5)) is None  # effective, but not decided yet: not known
    assert level(D(2017, 1, 10)) == "arena"
    assert level(D(2018, 3, 20)) == "arena"  # decided, not yet effective
    assert level(D(2018, 4, 1)) == "nce"
    current, since = ladder.level_since(cluster, D(2019, 1, 1))
    assert current.level == nce and since == D(2018, 4, 1)


def test_levels_on_is_one_query_and_known_on_d(steps, django_assert_num_queries):
    arena, nce = steps
    first, second, third = hand_cluster("LADA"), hand_cluster("LADB"), hand_cluster("LADC")
    start(first, arena)
    start(second, arena, decided=D(2017, 6, 1), effective=D(2017, 6, 1))
    assessment = services.assess(ACTOR, first, nce.criteria_set, D(2018, 2, 1))
    promote(first, nce, assessment, decided=D(2018, 2, 15), effective=D(2018, 3, 1))
    clusters = [first, second, third]
    days = [D(2017, 1, 9), D(2017, 3, 1), D(2017, 6, 1), D(2018, 2, 20), D(2018, 3, 1)]
    with django_assert_num_queries(1):
        levels = ladder.levels_on(clusters, D(2018, 3, 1))
    assert {c: d.level.code for c, d in levels.items()} == {first.pk: "nce", second.pk: "arena"}
    as_then = {day: _codes(ladder.levels_on(clusters, day)) for day in days}
    assert as_then[D(2017, 3, 1)] == {first.pk: "arena"}
    # Known on D as a property: removing every decision decided after D changes nothing
    # as of D.
    for day in sorted(days, reverse=True):
        LevelDecision.objects.filter(decided_on__gt=day).delete()
        assert _codes(ladder.levels_on(clusters, day)) == as_then[day], day
        assert {
            c.pk: ladder.level_on(c, day).level.code
            for c in clusters
            if ladder.level_on(c, day) is not None
        } == as_then[day]


def _codes(levels):
    return {pk: d.level.code for pk, d in levels.items()}


# -- The rules of a decision --------------------------------------------------------------


def test_a_promotion_rests_on_an_assessment_against_the_target_levels_set(steps):
    arena, nce = steps
    cluster = hand_cluster()
    start(cluster, arena)
    later = D(2018, 6, 1)
    with pytest.raises(MaturityError, match="rests on an assessment against NCE criteria"):
        promote(cluster, nce, None, decided=later, effective=later)
    wrong = services.assess(ACTOR, cluster, arena.criteria_set, D(2018, 5, 1))
    with pytest.raises(MaturityError, match="assessment is against Arena criteria"):
        promote(cluster, nce, wrong, decided=later, effective=later)
    other = services.assess(ACTOR, hand_cluster("LADB"), nce.criteria_set, D(2018, 5, 1))
    with pytest.raises(MaturityError, match="another cluster"):
        promote(cluster, nce, other, decided=later, effective=later)
    right = services.assess(ACTOR, cluster, nce.criteria_set, D(2018, 5, 1))
    with pytest.raises(MaturityError, match="motivation"):
        promote(cluster, nce, right, decided=later, effective=later, motivation="  ")
    decision = promote(cluster, nce, right, decided=later, effective=later)
    assert decision.level == nce and decision.assessment == right
    assert LevelDecision.objects.filter(cluster=cluster).count() == 2


def test_a_promotion_waits_for_the_minimum_time_at_the_level(steps):
    arena, nce = steps
    cluster = hand_cluster()
    start(cluster, arena)  # effective 01/01/2017, 12 months at least
    assessment = services.assess(ACTOR, cluster, nce.criteria_set, D(2017, 6, 1))
    with pytest.raises(MaturityError, match="possible from 01/01/2018"):
        promote(cluster, nce, assessment, decided=D(2017, 6, 2), effective=D(2017, 7, 1))
    assert ladder.promotion_possible_from(cluster, D(2017, 6, 2)) == D(2018, 1, 1)
    promote(cluster, nce, assessment, decided=D(2017, 6, 2), effective=D(2018, 1, 1))
    assert ladder.level_on(cluster, D(2018, 1, 1)).level == nce


def test_a_demotion_needs_an_assessment_and_the_kinds_keep_their_direction(steps):
    arena, nce = steps
    cluster = hand_cluster()
    start(cluster, arena)
    with pytest.raises(MaturityError, match="on the ladder already"):
        start(cluster, nce, decided=D(2017, 2, 1), effective=D(2017, 2, 1))
    up = services.assess(ACTOR, cluster, nce.criteria_set, D(2018, 1, 5))
    promote(cluster, nce, up, decided=D(2018, 1, 10), effective=D(2018, 2, 1))
    day = D(2019, 1, 1)
    with pytest.raises(MaturityError, match="A demotion goes to a lower level"):
        ladder.decide_level(ACTOR, cluster, level=nce, kind=Kind.DEMOTION, decided_on=day,
                            effective_from=day, motivation="x")  # fmt: skip
    with pytest.raises(MaturityError, match="rests on an assessment"):
        ladder.decide_level(ACTOR, cluster, level=arena, kind=Kind.DEMOTION, decided_on=day,
                            effective_from=day, motivation="Fewer members.")  # fmt: skip
    down = services.assess(ACTOR, cluster, arena.criteria_set, day)
    ladder.decide_level(ACTOR, cluster, level=arena, kind=Kind.DEMOTION, decided_on=day,
                        effective_from=day, motivation="Less.", assessment=down)  # fmt: skip
    assert ladder.level_on(cluster, day).level == arena
    with pytest.raises(MaturityError, match="confirmation keeps the current level"):
        ladder.decide_level(ACTOR, cluster, level=nce, kind=Kind.CONFIRMATION,
                            decided_on=D(2019, 6, 1), effective_from=D(2019, 6, 1),
                            motivation="Yearly review.")  # fmt: skip


def test_every_decision_and_award_is_audited(steps, cluster_a):
    arena, _nce = steps
    decision = start(cluster_a, arena, decided=D(2024, 1, 10), effective=D(2024, 1, 1))
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(LevelDecision), object_id=str(decision.pk)
    )
    assert entries.count() == 1 and entries.get().note == "start"
    label = ladder.save_label(ACTOR, Label(programme=cluster_a.programme, code="bronze",
                                           name="ESCA Bronze", validity_months=24))  # fmt: skip
    award = ladder.award_label(ACTOR, cluster_a, label=label, awarded_on=D(2024, 3, 31))
    assert award.valid_until == D(2026, 3, 31)  # awarded on + 24 months
    assert AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(LabelAward), object_id=str(award.pk)
    ).exists()


# -- Labels and the warnings before expiry ------------------------------------------------


def _label_items(user, today):
    return [i for i in inbox.items_for(user, today) if i.kind == "label"]


def test_the_inbox_warns_90_days_before_a_label_expires_and_urgently_after(cluster_a):
    label = ladder.save_label(ACTOR, Label(programme=cluster_a.programme, code="silver",
                                           name="ESCA Silver", validity_months=24))  # fmt: skip
    ladder.award_label(ACTOR, cluster_a, label=label, awarded_on=D(2024, 1, 1))  # → 01/01/2026
    pm = User.objects.get(username="programme_manager")
    cm_a = User.objects.get(username="cluster_manager_a")
    assert _label_items(pm, D(2025, 10, 2)) == []  # 91 days before
    items = _label_items(pm, D(2025, 10, 3))  # 90 days before
    assert [(i.severity, i.cluster) for i in items] == [("medium", cluster_a.code)]
    assert "expires on 01/01/2026" in items[0].title and "90 days" in items[0].detail
    assert items[0].url == reverse("programmes:ladder-cluster", args=[cluster_a.code])
    assert len(_label_items(cm_a, D(2025, 12, 31))) == 1
    for other in ("cluster_manager_b", "account_manager", "evaluator"):
        assert _label_items(User.objects.get(username=other), D(2025, 12, 31)) == []
    after = _label_items(cm_a, D(2026, 1, 5))
    assert [i.severity for i in after] == ["high"] and "expired" in after[0].title
    # A renewal ends the warning.
    ladder.award_label(ACTOR, cluster_a, label=label, awarded_on=D(2026, 1, 4))
    assert _label_items(cm_a, D(2026, 1, 5)) == []


# -- Readiness with gaps in figures -------------------------------------------------------


_seq = iter(range(800_000, 899_999))


def add_members(cluster, n, kind=Organisation.Kind.COMPANY, start=START):
    for _ in range(n):
        org = factories.organisation(next(_seq), kind=kind, name=f"Ladder org {next(_seq)}")
        factories.membership(org, cluster, start, None)


def test_readiness_gives_the_gap_in_figures_as_known_on_the_date():
    cluster = hand_cluster()
    add_members(cluster, 18)
    add_members(cluster, 2, start=D(2019, 1, 1))
    computed = {"kind": "computed", "operator": ">="}
    cs = published_set(
        cluster.programme,
        "Label criteria",
        [
            {**computed, "text": "Companies", "metric": "private_companies", "threshold": 20},
            {**computed, "text": "Members", "metric": "members", "threshold": 30},
            {**computed, "text": "Knowledge", "metric": "knowledge_members", "threshold": 0},
            {**computed, "text": "Activities", "metric": "activities_last_12_months",
             "threshold": 4},
            {"kind": "evidence", "text": "A strategy", "guidance": "The strategy document"},
        ],
    )  # fmt: skip
    then = ladder.gap_readiness(cluster, cs, D(2018, 6, 30))
    rows = {r.criterion.text: r for r in then.rows}
    assert (rows["Companies"].value, rows["Companies"].status) == (Decimal(18), "close")
    assert rows["Companies"].gap == "2 more companies"  # within 10 % of 20
    assert (rows["Members"].status, rows["Members"].gap) == ("not_met", "12 more members")
    assert (rows["Knowledge"].value, rows["Knowledge"].status) == (Decimal(0), "met")
    activities = rows["Activities"]
    assert activities.value is None and activities.status == "unknown"  # never zero
    assert activities.gap == "unknown, missing: activities"
    assert (rows["A strategy"].status, rows["A strategy"].gap) == (
        "evidence",
        "The strategy document",
    )
    now = {r.criterion.text: r for r in ladder.gap_readiness(cluster, cs, D(2019, 6, 30)).rows}
    assert (now["Companies"].value, now["Companies"].status) == (Decimal(20), "met")
    assert now["Members"].gap == "10 more members"
    # Evidence accepted later is not known on an earlier date.
    assessment = services.assess(ACTOR, cluster, cs, D(2019, 7, 1))
    answer = assessment.answers.get(criterion__kind="evidence")
    services.answer_evidence(ACTOR, answer, "strategy.pdf", D(2019, 7, 2))
    services.check_answer(ACTOR, answer, accept=True, on=D(2019, 7, 10))
    assert _status(cluster, cs, D(2019, 7, 5), "A strategy") == "evidence"
    assert _status(cluster, cs, D(2019, 7, 10), "A strategy") == "met"
    assert _status(cluster, cs, D(2019, 6, 30), "A strategy") == "evidence"


def _status(cluster, cs, day, text):
    rows = ladder.gap_readiness(cluster, cs, day).rows
    return next(r.status for r in rows if r.criterion.text == text)


def test_the_gap_reads_in_the_metrics_unit_and_close_is_within_ten_percent():
    assert ladder.judge("collaborations_started", ">=", Decimal(10), Decimal(7)) == (
        "not_met",
        "3 more collaborations",
    )
    assert ladder.judge("collaborations_started", ">=", Decimal(10), Decimal(9)) == (
        "close",
        "1 more collaboration",
    )
    status, gap = ladder.judge("sme_share", ">=", Decimal(60), Decimal(58))
    assert status == "close" and gap == "sme_share 58 % of the 60 % required"
    assert ladder.judge("members", "<=", Decimal(100), Decimal(120))[1] == "20 fewer members"
    assert ladder.judge("members", ">=", Decimal(100), Decimal(100)) == ("met", "")
    assert ladder.judge("gone_metric", ">=", Decimal(1), None) == (
        "unknown",
        "unknown, missing: the metric “gone_metric”",
    )


# -- The pages ------------------------------------------------------------------------------


def test_the_pages_show_the_ladder_and_who_may_decide(web, steps, cluster_a):
    arena, nce = steps
    start(cluster_a, arena, decided=D(2024, 1, 10), effective=D(2024, 1, 1))
    page = web("programme_manager").get(reverse("programmes:ladder") + "?on=2024-06-30")
    assert page.status_code == 200
    assert dict((lv.code, n) for lv, n in page.context["counts"])["arena"] == 1
    before = web("evaluator").get(reverse("programmes:ladder") + "?on=2023-12-31")
    assert dict((lv.code, n) for lv, n in before.context["counts"])["arena"] == 0
    tab = web("cluster_manager_a").get(reverse("programmes:ladder-cluster", args=[cluster_a.code]))
    assert tab.status_code == 200 and "Arena" in tab.content.decode()
    assert (
        web("cluster_manager_b")
        .get(reverse("programmes:ladder-cluster", args=[cluster_a.code]))
        .status_code
        == 404
    )
    url = reverse("programmes:level-decision", args=[cluster_a.code])
    assert web("cluster_manager_a").get(url).status_code == 403
    assert web("member_contact").get(reverse("programmes:ladder")).status_code == 404
    refused = web("programme_manager").post(
        url,
        {
            "kind": "promotion",
            "level": nce.pk,
            "decided_on": "2025-06-01",
            "effective_from": "2025-06-01",
            "motivation": "Ready.",
        },
    )
    assert refused.status_code == 200 and "rests on an assessment" in refused.content.decode()
    assessment = services.assess(ACTOR, cluster_a, nce.criteria_set, D(2025, 5, 1))
    done = web("programme_manager").post(
        url,
        {
            "kind": "promotion",
            "level": nce.pk,
            "assessment": assessment.pk,
            "decided_on": "2025-06-01",
            "effective_from": "2025-06-01",
            "motivation": "Ready.",
        },
    )
    assert done.status_code == 302
    assert ladder.level_on(cluster_a, D(2025, 6, 1)).level == nce
    readiness = web("cluster_manager_a").get(
        reverse("programmes:ladder-readiness", args=[cluster_a.code]) + f"?level={nce.pk}"
    )
    assert readiness.status_code == 200 and readiness.context["result"] is not None


def test_the_label_register_shows_valid_expiring_and_expired_awards_as_of_a_date(web, cluster_a):
    label = ladder.save_label(
        ACTOR,
        Label(programme=cluster_a.programme, code="gold", name="ESCA Gold", validity_months=12),
    )
    ladder.award_label(ACTOR, cluster_a, label=label, awarded_on=D(2024, 1, 1), reference="G-1")
    url = reverse("programmes:labels")

    def status(on):
        html = web("evaluator").get(f"{url}?on={on}").content.decode()
        return [s for s in ("valid", "expires in", "expired") if f">{s}" in html]

    assert status("2023-12-31") == []  # not awarded yet: not in the register
    assert status("2024-06-01") == ["valid"]
    assert status("2024-12-01") == ["expires in"]
    assert status("2025-01-02") == ["expired"]
    tab = web("cluster_manager_a").get(
        reverse("programmes:ladder-cluster", args=[cluster_a.code]) + "?on=2024-06-01"
    )
    assert "G-1" in tab.content.decode()
    readiness = web("cluster_manager_a").get(
        reverse("programmes:ladder-readiness", args=[cluster_a.code]) + f"?label={label.pk}"
    )
    assert readiness.status_code == 200 and readiness.context["target"] == label
    assert readiness.context["result"] is None  # the label has no criteria set yet
