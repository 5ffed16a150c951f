"""Exit plans (issue 6): due six months before the funding ends, filed by the cluster,
accepted by someone else who follows it; every step audited."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.maturity import selectors, services
from clustermonitor.maturity.models import ExitPath, ExitPlan
from clustermonitor.programmes import rules_math
from clustermonitor.programmes.models import Cluster

pytestmark = pytest.mark.usefixtures("english")

D = datetime.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2019, 12, 31), -6, D(2019, 6, 30)),  # 31st into a 30-day month
        (D(2019, 8, 31), -6, D(2019, 2, 28)),  # into February, common year
        (D(2020, 8, 31), -6, D(2020, 2, 29)),  # into February, leap year
        (D(2020, 8, 29), -6, D(2020, 2, 29)),
        (D(2021, 8, 29), -6, D(2021, 2, 28)),
        (D(2019, 9, 30), -6, D(2019, 3, 30)),  # no end-of-month snapping
        (D(2020, 2, 29), -12, D(2019, 2, 28)),
        (D(2020, 2, 29), 12, D(2021, 2, 28)),
        (D(2019, 3, 31), 6, D(2019, 9, 30)),
        (D(2019, 11, 30), 3, D(2020, 2, 29)),  # across the year end
        (D(2020, 1, 31), -1, D(2019, 12, 31)),
        (D(2019, 5, 15), 0, D(2019, 5, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month(day, months, expected):
    assert rules_math.add_months(day, months) == expected


def _with_end(cluster: Cluster, end: datetime.date) -> Cluster:
    cluster.end_date = end
    return cluster


@pytest.mark.parametrize(
    ("end", "due"),
    [
        (D(2019, 12, 31), D(2019, 6, 30)),
        (D(2019, 9, 30), D(2019, 3, 30)),
        (D(2019, 8, 31), D(2019, 2, 28)),
        (D(2020, 8, 31), D(2020, 2, 29)),
        (D(2020, 8, 29), D(2020, 2, 29)),
        (D(2021, 8, 29), D(2021, 2, 28)),
    ],
)
def test_the_plan_is_due_six_months_before_the_funding_ends(cluster_a, end, due):
    assert selectors.exit_plan_due_date(_with_end(cluster_a, end)) == due
    assert selectors.exit_plan_status(cluster_a, due) == (due, False)


ACTOR = audit.Actor.system("tests")


def _plan(cluster, **values) -> ExitPlan:
    plan = ExitPlan(
        cluster=cluster,
        path=values.pop("path", ExitPath.INDEPENDENT),
        business_model=values.pop("business_model", "Fees and paid services."),
        **values,
    )
    services.save_exit_plan(ACTOR, plan)
    return plan


@pytest.mark.parametrize(
    ("filed_on", "today", "filed"),
    [
        (D(2019, 6, 30), D(2019, 6, 29), False),  # filed after `today`
        (D(2019, 6, 30), D(2019, 6, 30), True),  # filed on the due date
        (D(2019, 6, 30), D(2019, 7, 1), True),
        (D(2019, 7, 1), D(2019, 6, 30), False),  # one day late, seen on the due date
        (D(2019, 7, 1), D(2019, 7, 1), True),
    ],
)
def test_filed_means_filed_on_or_before_today(cluster_a, filed_on, today, filed):
    services.file_exit_plan(ACTOR, _plan(cluster_a), filed_on)
    assert selectors.exit_plan_status(cluster_a, today) == (D(2019, 6, 30), filed)


def test_a_draft_is_not_filed(cluster_a):
    _plan(cluster_a)
    assert selectors.exit_plan_status(cluster_a, D(2019, 12, 1)) == (D(2019, 6, 30), False)


def test_missing_exit_plans_lists_running_clusters_past_their_due_date(cluster_a, cluster_b):
    # EUKA ends 31/12/2019 (due 30/06/2019); BIM ends 30/09/2019 (due 30/03/2019).
    clusters = [cluster_a, cluster_b]
    assert selectors.missing_exit_plans(clusters, D(2019, 3, 29)) == []
    assert selectors.missing_exit_plans(clusters, D(2019, 3, 30)) == [(cluster_b, D(2019, 3, 30))]
    assert selectors.missing_exit_plans(clusters, D(2019, 6, 30)) == [
        (cluster_b, D(2019, 3, 30)),
        (cluster_a, D(2019, 6, 30)),
    ]
    # Looking ahead: due within 30 days.
    assert selectors.missing_exit_plans(clusters, D(2019, 5, 31), horizon_days=30) == [
        (cluster_b, D(2019, 3, 30)),
        (cluster_a, D(2019, 6, 30)),
    ]
    services.file_exit_plan(ACTOR, _plan(cluster_b), D(2019, 4, 2))
    assert selectors.missing_exit_plans(clusters, D(2019, 6, 30)) == [(cluster_a, D(2019, 6, 30))]
    # A cluster whose funding has ended is no longer listed.
    assert selectors.missing_exit_plans(clusters, D(2020, 1, 1)) == []


def test_the_path_names_the_organisation_or_the_spearhead_cluster(cluster_a, cluster_b):
    with pytest.raises(ValidationError) as error:
        _plan(cluster_a, path=ExitPath.INTEGRATED)
    assert "organisation" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _plan(cluster_a, path=ExitPath.MERGES_SPC)
    assert "spc" in error.value.message_dict
    with pytest.raises(ValidationError, match="no spearhead cluster"):
        _plan(cluster_a, path=ExitPath.MERGES_SPC, spc=cluster_b)
    plan = _plan(cluster_a, path=ExitPath.MERGES_SPC, spc=Cluster.objects.get(code="FLUX50"))
    assert plan.pk and plan.spc.code == "FLUX50"


def test_filing_needs_a_business_model(cluster_a):
    plan = _plan(cluster_a, business_model="")
    with pytest.raises(services.MaturityError, match="business model"):
        services.file_exit_plan(ACTOR, plan, D(2019, 6, 1))


def test_the_filer_does_not_accept_their_own_plan(cluster_a, persona):
    manager = persona("programme_manager")
    plan = _plan(cluster_a)
    services.file_exit_plan(audit.Actor(manager), plan, D(2019, 6, 1))
    with pytest.raises(services.MaturityError, match="someone else accepts"):
        services.accept_exit_plan(audit.Actor(manager), plan, D(2019, 6, 2))
    services.accept_exit_plan(audit.Actor(persona("account_manager")), plan, D(2019, 6, 2))
    plan.refresh_from_db()
    assert plan.status == ExitPlan.Status.ACCEPTED and plan.accepted_on == D(2019, 6, 2)


def test_a_change_after_filing_makes_it_a_draft_again(cluster_a):
    plan = _plan(cluster_a)
    services.file_exit_plan(ACTOR, plan, D(2019, 6, 1))
    assert services.save_exit_plan(ACTOR, plan) is False  # nothing changed
    plan.business_model = "Fees, services and a regional grant."
    assert services.save_exit_plan(ACTOR, plan) is True
    plan.refresh_from_db()
    assert plan.status == ExitPlan.Status.DRAFT and plan.filed_on is None


def test_sending_back_needs_a_reason(cluster_a):
    plan = _plan(cluster_a)
    services.file_exit_plan(ACTOR, plan, D(2019, 6, 1))
    with pytest.raises(services.MaturityError, match="Say why"):
        services.return_exit_plan(ACTOR, plan, "  ")
    services.return_exit_plan(ACTOR, plan, "Which organisation pays the manager?")
    assert plan.status == ExitPlan.Status.DRAFT
    notes = list(audit.history(plan).values_list("note", flat=True))
    assert notes[0] == "returned: Which organisation pays the manager?" and "filed" in notes


# -- The pages --------------------------------------------------------------------------


def _url(name, code="EUKA"):
    return reverse(f"programmes:{name}", args=[code])


PLAN = {"path": "integrated", "organisation": "Flanders Make", "business_model": "Fees."}


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("anonymous", 302),
        ("programme_manager", 302),
        ("account_manager", 403),
        ("evaluator", 403),
        ("cluster_manager_a", 302),
        ("cluster_manager_b", 404),
        ("member_contact", 404),
    ],
)
def test_who_may_write_the_exit_plan(client_for, name, status):
    response = client_for(name).post(_url("exit-plan-edit"), PLAN)
    assert response.status_code == status
    if name == "anonymous":
        assert "/login/" in response["Location"]
    written = ExitPlan.objects.filter(cluster__code="EUKA").exists()
    assert written == (status == 302 and name != "anonymous")


def test_the_cluster_writes_and_files_and_its_account_manager_accepts(
    client_for, persona, cluster_a
):
    cluster_manager = client_for("cluster_manager_a")
    response = cluster_manager.post(
        _url("exit-plan-edit"), {**PLAN, "spc": Cluster.objects.get(code="SIM").pk}
    )
    assert response.status_code == 302
    plan = ExitPlan.objects.get(cluster=cluster_a)
    assert plan.organisation == "Flanders Make" and plan.spc is None  # SPC only for a merger
    assert cluster_manager.post(_url("exit-plan-file")).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "filed" and plan.filed_by == persona("cluster_manager_a")

    # The account manager accepts only a cluster they follow.
    assert client_for("account_manager").post(_url("exit-plan-accept")).status_code == 403
    assert client_for("evaluator").post(_url("exit-plan-accept")).status_code == 403
    assert client_for("cluster_manager_a").post(_url("exit-plan-accept")).status_code == 403
    assert client_for("cluster_manager_b").post(_url("exit-plan-accept")).status_code == 404
    Cluster.objects.filter(pk=cluster_a.pk).update(account_manager=persona("account_manager"))
    assert client_for("account_manager").post(_url("exit-plan-accept")).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "accepted" and plan.accepted_by == persona("account_manager")

    page = client_for("evaluator").get(_url("exit-plan")).content.decode()
    assert "Flanders Make" in page and "30/06/2019" in page
    entries = AuditEntry.objects.filter(
        content_type__model="exitplan", object_id=str(plan.pk)
    ).values_list("note", flat=True)
    assert set(entries) >= {"", "filed", "accepted"}


def test_the_programme_manager_who_filed_is_refused_on_the_page(client_for, cluster_a):
    manager = client_for("programme_manager")
    manager.post(_url("exit-plan-edit"), PLAN)
    manager.post(_url("exit-plan-file"))
    response = manager.post(_url("exit-plan-accept"), follow=True)
    assert ExitPlan.objects.get(cluster=cluster_a).status == "filed"
    assert "iemand anders" in response.content.decode() or "someone else" in (
        response.content.decode()
    )


def test_a_follower_sends_the_plan_back(client_for, persona, cluster_a):
    client_for("cluster_manager_a").post(_url("exit-plan-edit"), PLAN)
    client_for("cluster_manager_a").post(_url("exit-plan-file"))
    assert client_for("evaluator").post(_url("exit-plan-return"), {"note": "x"}).status_code == 403
    response = client_for("programme_manager").post(
        _url("exit-plan-return"), {"note": "Name the contact at Flanders Make."}
    )
    assert response.status_code == 302
    assert ExitPlan.objects.get(cluster=cluster_a).status == "draft"


def test_the_page_warns_when_the_plan_is_overdue(client_for, cluster_a, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2019, 7, 1))
    page = client_for("cluster_manager_a").get(_url("exit-plan")).content.decode()
    assert 'role="alert"' in page and "30/06/2019" in page
