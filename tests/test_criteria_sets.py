"""Criteria sets as versioned data (issue 6, journey 3): metrics computed from the
records, evidence answered by the cluster and checked by someone else, the set's
verdict, and versions that never change once published."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clustermonitor.activities.models import Activity
from clustermonitor.collaborations import services as collaboration_services
from clustermonitor.collaborations.models import Collaboration, Party
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.maturity import criteria, criteria_reference, selectors, services
from clustermonitor.maturity.forms import CriterionForm
from clustermonitor.maturity.models import Answer, Assessment, CriteriaSet, Criterion
from clustermonitor.members.models import Contribution
from clustermonitor.programmes.models import Cluster, ClusterType
from clustermonitor.registry.models import Organisation
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

D = datetime.date
ACTOR = audit.Actor.system("tests")
COMPANY, KNOWLEDGE = Organisation.Kind.COMPANY, Organisation.Kind.KNOWLEDGE


START, END = D(2017, 1, 1), D(2019, 12, 31)


def hand_cluster(code="TESTA", start=START, end=END) -> Cluster:
    ibn = ClusterType.objects.get(code="IBN")
    return Cluster.objects.create(
        programme=ibn.programme,
        code=code,
        name=f"Test cluster {code}",
        cluster_type=ibn,
        start_date=start,
        end_date=end,
    )


_seq = iter(range(900_000, 999_999))


def add_members(cluster, n, kind=COMPANY, start=START, end=None):
    memberships = []
    for _ in range(n):
        org = factories.organisation(next(_seq), kind=kind, name=f"Org {kind} {next(_seq)}")
        memberships.append(factories.membership(org, cluster, start, end))
    return memberships


# -- Metrics ------------------------------------------------------------------------------


def test_member_metrics_count_active_members_by_kind_on_the_date():
    cluster = hand_cluster()
    on = D(2019, 6, 30)
    assert criteria.compute("members", cluster, on) is None  # no member list: unknown
    add_members(cluster, 3)
    add_members(cluster, 2, KNOWLEDGE)
    add_members(cluster, 1, COMPANY, end=D(2019, 6, 29))  # left the day before
    add_members(cluster, 1, COMPANY, start=D(2019, 7, 1))  # joins the day after
    add_members(cluster, 1, COMPANY, end=D(2019, 6, 30))  # still a member that day
    assert criteria.compute("members", cluster, on) == 6
    assert criteria.compute("private_companies", cluster, on) == 4
    assert criteria.compute("knowledge_members", cluster, on) == 2
    assert criteria.compute("member_kinds", cluster, on) == 2
    assert criteria.compute("private_companies", cluster, D(2016, 12, 31)) == 0


def test_activities_are_counted_in_the_12_months_up_to_the_date():
    cluster = hand_cluster()
    assert criteria.compute("activities_last_12_months", cluster, D(2019, 12, 31)) is None
    for day in [D(2018, 12, 31), D(2019, 1, 1), D(2019, 12, 31), D(2020, 1, 1)]:
        activity = Activity.objects.create(title=f"A {day}", kind="workshop", date=day)
        activity.clusters.add(cluster)
    assert criteria.compute("activities_last_12_months", cluster, D(2019, 12, 31)) == 2
    # 29 February looks back to 28 February (exclusive).
    assert criteria.compute("activities_last_12_months", cluster, D(2020, 2, 29)) == 2


def test_paying_members_last_year_need_a_paid_contribution_of_that_year():
    cluster = hand_cluster()
    on = D(2019, 3, 1)
    assert criteria.compute("paying_members_last_year", cluster, on) is None
    paid, expected, other_year = add_members(cluster, 3)
    Contribution.objects.create(
        membership=paid, year=2018, amount=500, status="paid", paid_on=D(2018, 6, 1)
    )
    Contribution.objects.create(membership=expected, year=2018, amount=500)
    Contribution.objects.create(
        membership=other_year, year=2019, amount=500, status="paid", paid_on=D(2019, 2, 1)
    )
    assert criteria.compute("paying_members_last_year", cluster, on) == 1
    # Known on D (issue 14): a fee for 2018 paid after the date was unpaid on it.
    (late,) = add_members(cluster, 1)
    Contribution.objects.create(
        membership=late, year=2018, amount=500, status="paid", paid_on=D(2019, 4, 1)
    )
    assert criteria.compute("paying_members_last_year", cluster, on) == 1
    assert criteria.compute("paying_members_last_year", cluster, D(2019, 4, 1)) == 2


def test_collaboration_metrics(cluster_b):
    cluster = hand_cluster()
    assert criteria.compute("kpi3", cluster, D(2019, 6, 30)) is None
    companies = [m.organisation for m in add_members(cluster, 3)]
    programme = cluster.programme

    def collaboration(title, clusters, stage, on):
        c = Collaboration(programme=programme, title=title)
        return collaboration_services.create(ACTOR, c, clusters, stage=stage, on=on)

    joint = collaboration("Joint", [cluster, cluster_b], "started", D(2018, 3, 1))
    for org in companies:
        collaboration_services.set_party(ACTOR, joint, org, Party.Role.PARTNER)
    collaboration("Small", [cluster], "started", D(2018, 5, 1))
    collaboration("Idea", [cluster], "idea", D(2018, 5, 1))
    on = D(2019, 6, 30)
    assert criteria.compute("collaborations_started", cluster, on) == 2
    assert criteria.compute("kpi3", cluster, on) == 1
    assert criteria.compute("intercluster_projects", cluster, on) == 1
    assert criteria.compute("collaborations_started", cluster, D(2018, 4, 1)) == 1


def test_agreement_years_elapsed():
    cluster = hand_cluster(start=D(2017, 1, 1), end=D(2019, 12, 31))
    assert criteria.compute("agreement_years", cluster, D(2016, 6, 1)) == 0
    assert criteria.compute("agreement_years", cluster, D(2018, 6, 30)) == Decimal("1.50")
    assert criteria.compute("agreement_years", cluster, D(2025, 1, 1)) == 3


def test_every_metric_of_the_registry_answers_for_a_real_cluster(cluster_a):
    for code in criteria.METRICS:
        value = criteria.compute(code, cluster_a, D(2019, 6, 30))
        assert value is None or isinstance(value, Decimal), code


@pytest.mark.parametrize(
    ("value", "operator", "threshold", "outcome"),
    [
        (Decimal(20), ">=", Decimal(20), "pass"),
        (Decimal(19), ">=", Decimal(20), "fail"),
        (Decimal("0.5"), "<=", Decimal("0.5"), "pass"),
        (Decimal(2), "=", Decimal(2), "pass"),
        (Decimal(3), "=", Decimal(2), "fail"),
        (None, ">=", Decimal(1), "unknown"),
    ],
)
def test_compare(value, operator, threshold, outcome):
    assert criteria.compare(value, operator, threshold) == outcome


@pytest.mark.parametrize(
    ("outcomes", "verdict"),
    [
        (["pass", "pass"], "pass"),
        (["pass", "unknown"], "unknown"),
        (["unknown", "fail"], "fail"),
        (["pass", "fail"], "fail"),
        ([], "unknown"),
    ],
)
def test_the_set_passes_when_all_pass_and_fails_when_any_fails(outcomes, verdict):
    assert criteria.verdict(outcomes) == verdict


# -- Writing and publishing sets ----------------------------------------------------------


def draft(name="Test set", programme=None):
    programme = programme or ClusterType.objects.get(code="IBN").programme
    return services.save_criteria_set(ACTOR, CriteriaSet(programme=programme, name=name))


def test_an_unknown_metric_is_refused_naming_it_and_the_valid_ones():
    criteria_set = draft()
    with pytest.raises(ValidationError) as error:
        services.add_criterion(
            ACTOR,
            criteria_set,
            text="enough",
            kind="computed",
            metric="privat_companies",
            operator=">=",
            threshold=Decimal(10),
        )
    message = " ".join(error.value.message_dict["metric"])
    assert "Unknown metric “privat_companies”" in message
    assert "private_companies" in message and "agreement_years" in message
    form = CriterionForm(
        {
            "order": 1,
            "text": "x",
            "kind": "computed",
            "metric": "nope",
            "operator": ">=",
            "threshold": "3",
        },
        criteria_set=criteria_set,
    )
    assert not form.is_valid()
    assert form.errors["metric"] == [criteria.unknown_metric_message("nope")]
    assert not criteria_set.criteria.exists()


def test_the_page_shows_the_refusal(web):
    criteria_set = draft()
    client = web("programme_manager")
    response = client.post(
        reverse("programmes:criterion-create", args=[criteria_set.pk]),
        {
            "order": 1,
            "text": "x",
            "kind": "computed",
            "metric": "nope",
            "operator": ">=",
            "threshold": "3",
        },
    )
    assert response.status_code == 200
    assert "Unknown metric “nope”. Valid metrics: members, private_companies" in (
        response.content.decode()
    )


def test_computed_and_evidence_criteria_carry_what_they_need():
    criteria_set = draft()
    with pytest.raises(ValidationError) as error:
        services.add_criterion(ACTOR, criteria_set, text="x", kind="computed", metric="members")
    assert {"operator", "threshold"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError):
        services.add_criterion(ACTOR, criteria_set, text="x", kind="evidence", metric="members")


def test_a_published_set_never_changes():
    criteria_set = draft()
    with pytest.raises(services.MaturityError, match="at least one criterion"):
        services.publish(ACTOR, criteria_set, D(2020, 1, 1))
    item = services.add_criterion(
        ACTOR,
        criteria_set,
        text="15 companies",
        kind="computed",
        metric="private_companies",
        operator=">=",
        threshold=Decimal(15),
    )
    services.publish(ACTOR, criteria_set, D(2020, 1, 1))
    item.threshold = Decimal(20)
    with pytest.raises(services.MaturityError, match="published and never changes"):
        services.save_criterion(ACTOR, item)
    with pytest.raises(services.MaturityError):
        services.delete_criterion(ACTOR, item)
    with pytest.raises(services.MaturityError):
        services.add_criterion(ACTOR, criteria_set, text="website", kind="evidence")
    criteria_set.description = "changed"
    with pytest.raises(services.MaturityError):
        services.save_criteria_set(ACTOR, criteria_set)
    with pytest.raises(services.MaturityError):
        services.delete_draft(ACTOR, criteria_set)
    assert Criterion.objects.get(pk=item.pk).threshold == 15


def test_one_draft_at_a_time_and_a_name_once():
    criteria_set = draft()
    services.add_criterion(ACTOR, criteria_set, text="website", kind="evidence")
    services.publish(ACTOR, criteria_set, D(2020, 1, 1))
    services.new_version(ACTOR, criteria_set)
    with pytest.raises(services.MaturityError, match="being drafted already"):
        services.new_version(ACTOR, criteria_set)
    with pytest.raises(services.MaturityError, match="exists"):
        draft()


# -- Journey 3: raising the bar -----------------------------------------------------------


@pytest.fixture
def reference_sets():
    programme = ClusterType.objects.get(code="IBN").programme
    written = criteria_reference.load_criteria_sets(programme, ACTOR, on=D(2020, 1, 1))
    return programme, written


def test_the_reference_sets_load_once_as_published_version_1(reference_sets):
    programme, written = reference_sets
    sets = {s.name_en: s for s in CriteriaSet.objects.filter(programme=programme)}
    assert set(sets) == {
        "Norway Arena entry",
        "Norway growth",
        "ECCP profile",
        "Accreditation (Catalonia style)",
    }
    assert all(s.version == 1 and s.is_published for s in sets.values())
    rules = {
        name: [(c.metric, c.threshold) for c in s.criteria.all() if c.is_computed]
        for name, s in sets.items()
    }
    assert rules["Norway Arena entry"] == [("private_companies", 10)]
    assert rules["Norway growth"] == [("private_companies", 20)]
    assert rules["ECCP profile"] == [("members", 15), ("member_kinds", 2)]
    assert ("private_companies", 15) in rules["Accreditation (Catalonia style)"]
    arena = [c.text_en for c in sets["Norway Arena entry"].criteria.all()]
    assert "1 actor stimulating entrepreneurial thinking" in arena and len(arena) == 9
    growth = [c.text_en for c in sets["Norway growth"].criteria.all()]
    assert "attracts at least EUR 300,000 project financing for members per year" in growth
    # load-reference loaded them already (the session world): nothing left to write, and
    # every set and criterion came with its audit entry.
    assert written == 0
    rows = len(sets) + sum(s.criteria.count() for s in sets.values())
    assert (
        AuditEntry.objects.filter(
            content_type__model__in=["criteriaset", "criterion"], action="create"
        ).count()
        == rows
    )
    assert criteria_reference.load_criteria_sets(programme, ACTOR) == 0  # idempotent


def test_raising_the_bar_keeps_past_assessments_on_version_1(reference_sets, client_for, web):
    cluster = hand_cluster()
    add_members(cluster, 17)
    add_members(cluster, 1, KNOWLEDGE)
    v1 = CriteriaSet.objects.get(name_en="Accreditation (Catalonia style)", version=1)
    past = services.assess(ACTOR, cluster, v1, D(2019, 6, 30))
    companies = past.answers.get(criterion__metric="private_companies")
    assert (companies.value, companies.outcome) == (17, "pass")

    manager = client_for("programme_manager")
    response = manager.post(reverse("programmes:criteria-set-new-version", args=[v1.pk]))
    v2 = CriteriaSet.objects.get(name=v1.name, version=2)
    assert response["Location"] == reverse("programmes:criteria-set-detail", args=[v2.pk])
    assert v2.previous == v1 and not v2.is_published
    raised = v2.criteria.get(metric="private_companies")
    response = manager.post(
        reverse("programmes:criterion-edit", args=[raised.pk]),
        {
            "order": raised.order,
            "text": "at least 20 member companies",
            "kind": "computed",
            "metric": "private_companies",
            "operator": ">=",
            "threshold": "20",
        },
    )
    assert response.status_code == 302
    # The published version refuses the same edit.
    old = v1.criteria.get(metric="private_companies")
    response = manager.get(reverse("programmes:criterion-edit", args=[old.pk]))
    assert response["Location"] == reverse("programmes:criteria-set-detail", args=[v1.pk])
    manager.post(reverse("programmes:criteria-set-publish", args=[v2.pk]), {"confirmed": "yes"})
    v2.refresh_from_db()
    assert v2.is_published and v2.published_by.username == "programme_manager"

    # Version 1 and the assessment made with it stay as they were.
    assert v1.criteria.get(metric="private_companies").threshold == 15
    past = Assessment.objects.get(pk=past.pk)
    assert past.criteria_set == v1
    assert past.answers.get(criterion__metric="private_companies").value == 17
    assert selectors.assessment_readiness(past).rows[0].outcome == "pass"
    now = services.assess(ACTOR, cluster, v2, D(2019, 6, 30))
    companies = now.answers.get(criterion__metric="private_companies")
    assert (companies.value, companies.outcome) == (17, "fail")
    assert selectors.assessment_readiness(now).verdict == "fail"
    client = web("evaluator")
    page = client.get(reverse("programmes:readiness", args=[cluster.code]))
    html = page.content.decode()
    assert "version 1" in html and "version 2" in html
    published = AuditEntry.objects.filter(
        content_type__model="criteriaset", object_id=str(v2.pk), note="published"
    )
    assert published.get().actor.username == "programme_manager"


# -- Readiness and evidence ---------------------------------------------------------------


@pytest.fixture
def eccp():
    programme = ClusterType.objects.get(code="IBN").programme
    criteria_set = draft("ECCP test", programme)
    services.add_criterion(ACTOR, criteria_set, text="0.5 FTE", kind="evidence")
    services.add_criterion(
        ACTOR,
        criteria_set,
        text="15 members",
        kind="computed",
        metric="members",
        operator=">=",
        threshold=Decimal(15),
    )
    services.add_criterion(
        ACTOR,
        criteria_set,
        text="2 types",
        kind="computed",
        metric="member_kinds",
        operator=">=",
        threshold=Decimal(2),
    )
    services.add_criterion(ACTOR, criteria_set, text="website in English", kind="evidence")
    return services.publish(ACTOR, criteria_set, D(2020, 1, 1))


def test_readiness_per_criterion_and_for_the_set(eccp, persona):
    cluster = hand_cluster()
    on = D(2019, 6, 30)
    result = selectors.readiness(cluster, eccp, on)
    assert [r.outcome for r in result.rows] == ["unknown"] * 4  # no records, no answers
    add_members(cluster, 14)
    result = selectors.readiness(cluster, eccp, on)
    assert [r.outcome for r in result.rows] == ["unknown", "fail", "fail", "unknown"]
    assert result.verdict == "fail"
    add_members(cluster, 1, KNOWLEDGE)
    assert selectors.readiness(cluster, eccp, on).verdict == "unknown"

    assessment = services.assess(ACTOR, cluster, eccp, on)
    fte, website = assessment.answers.filter(criterion__kind="evidence")
    cluster_manager = audit.Actor(persona("cluster_manager_a"))
    agency = audit.Actor(persona("account_manager"))
    services.answer_evidence(cluster_manager, fte, "1 FTE manager, see annual report", on)
    services.answer_evidence(cluster_manager, website, "https://example.eu/en", on)
    services.check_answer(agency, fte, accept=True, on=on)
    assert selectors.readiness(cluster, eccp, on).verdict == "unknown"
    services.check_answer(agency, website, accept=False, note="Dutch only", on=on)
    assert selectors.readiness(cluster, eccp, on).verdict == "fail"
    services.answer_evidence(cluster_manager, website, "https://example.eu/en (now)", on)
    services.check_answer(agency, website, accept=True, on=on)
    result = selectors.readiness(cluster, eccp, on)
    assert [r.outcome for r in result.rows] == ["pass"] * 4 and result.verdict == "pass"
    with pytest.raises(services.MaturityError, match="accepted"):
        services.answer_evidence(cluster_manager, website, "changed", on)


def test_the_checker_is_never_the_author(eccp, persona):
    cluster = hand_cluster()
    assessment = services.assess(ACTOR, cluster, eccp, D(2019, 6, 30))
    answer = assessment.answers.filter(criterion__kind="evidence").first()
    someone = audit.Actor(persona("programme_manager"))
    services.answer_evidence(someone, answer, "a link", D(2019, 7, 1))
    with pytest.raises(services.MaturityError, match="someone else checks it"):
        services.check_answer(someone, answer, accept=True, on=D(2019, 7, 1))
    with pytest.raises(services.MaturityError, match="rejected"):
        services.check_answer(
            audit.Actor(persona("account_manager")), answer, accept=False, on=D(2019, 7, 1)
        )
    answer.refresh_from_db()
    assert answer.status == Answer.Status.PENDING and answer.checked_by is None


def test_only_published_versions_are_assessed():
    criteria_set = draft()
    with pytest.raises(services.MaturityError):
        services.assess(ACTOR, hand_cluster(), criteria_set, D(2019, 1, 1))


# -- Permissions on writes ----------------------------------------------------------------

PERSONAS = [
    "anonymous",
    "programme_manager",
    "account_manager",
    "evaluator",
    "cluster_manager_a",
    "cluster_manager_b",
    "member_contact",
]


def _row(*codes):
    return list(zip(PERSONAS, codes, strict=True))


@pytest.mark.parametrize(("name", "status"), _row(302, 302, 403, 403, 302, 404, 404))
def test_who_may_assess(client_for, eccp, name, status):
    response = client_for(name).post(reverse("programmes:assess", args=["EUKA"]), {"set": eccp.pk})
    assert response.status_code == status
    made = Assessment.objects.filter(cluster__code="EUKA").exists()
    assert made == (status == 302 and name != "anonymous")


def test_the_account_manager_of_the_cluster_may_assess(client_for, eccp, persona, cluster_a):
    Cluster.objects.filter(pk=cluster_a.pk).update(account_manager=persona("account_manager"))
    response = client_for("account_manager").post(
        reverse("programmes:assess", args=["EUKA"]), {"set": eccp.pk}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(("name", "status"), _row(302, 302, 403, 403, 403, 403, 404))
def test_who_may_publish(client_for, name, status):
    criteria_set = draft()
    services.add_criterion(ACTOR, criteria_set, text="website", kind="evidence")
    response = client_for(name).post(
        reverse("programmes:criteria-set-publish", args=[criteria_set.pk]), {"confirmed": "yes"}
    )
    assert response.status_code == status
    if name == "anonymous":
        assert "/login/" in response["Location"]
    criteria_set.refresh_from_db()
    assert criteria_set.is_published == (name == "programme_manager")


def test_the_cluster_answers_and_the_agency_checks_on_the_page(client_for, eccp, persona):
    cluster_manager = client_for("cluster_manager_a")
    cluster_manager.post(reverse("programmes:assess", args=["EUKA"]), {"set": eccp.pk})
    assessment = Assessment.objects.get(cluster__code="EUKA")
    answer = assessment.answers.filter(criterion__kind="evidence").first()
    url = reverse("programmes:answer-evidence", args=[answer.pk])
    data = {f"a{answer.pk}-evidence": "Annual report 2019, p. 4"}
    for name, status in [
        ("programme_manager", 403),
        ("cluster_manager_b", 404),
        ("evaluator", 403),
        ("cluster_manager_a", 302),
    ]:
        assert client_for(name).post(url, data).status_code == status, name
    answer.refresh_from_db()
    assert answer.evidence == "Annual report 2019, p. 4"
    assert answer.answered_by == persona("cluster_manager_a")

    check = reverse("programmes:answer-check", args=[answer.pk])
    accept = {f"c{answer.pk}-decision": "accept"}
    assert cluster_manager.post(check, accept).status_code == 403
    assert client_for("account_manager").post(check, accept).status_code == 403  # not theirs
    assert client_for("evaluator").post(check, accept).status_code == 403
    assert client_for("programme_manager").post(check, accept).status_code == 302
    answer.refresh_from_db()
    assert answer.status == "accepted" and answer.checked_by == persona("programme_manager")
    page = client_for("evaluator").get(
        reverse("programmes:assessment-detail", args=[assessment.pk])
    )
    assert "Annual report 2019, p. 4" in page.content.decode()
    assert AuditEntry.objects.filter(
        content_type__model="answer", object_id=str(answer.pk), note="accepted"
    ).exists()


def test_drafts_stay_with_the_programme_manager(client_for):
    criteria_set = draft()
    url = reverse("programmes:criteria-set-detail", args=[criteria_set.pk])
    assert client_for("programme_manager").get(url).status_code == 200
    assert client_for("cluster_manager_a").get(url).status_code == 404
    listing = client_for("cluster_manager_a").get(reverse("programmes:criteria-set-list"))
    assert "Test set" not in listing.content.decode()
