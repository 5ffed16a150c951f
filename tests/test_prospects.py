"""Prospects (issue 18, docs/user-guide.md "Prospects"): a cluster's pipeline, its stages
with their audited steps, "lost" with a reason, "joined" starting the membership and
proposing the fee, the portal's join requests landing in it, the import, the inbox, the
expected new members against the KPI 2 target as known on a day, and who may do what."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clustermonitor.accounts.models import User
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.members.contributions import save_schedule
from clustermonitor.members.models import Contribution, Membership
from clustermonitor.monitoring import inbox
from clustermonitor.portal import services_join
from clustermonitor.portal.models import JoinRequest
from clustermonitor.programmes.models import KPI, Target
from clustermonitor.prospects import selectors, services
from clustermonitor.prospects.models import LostReason, Prospect, Source, Stage
from clustermonitor.registry.models import FirmFigures, Organisation
from tests.factories import dotted, enterprise_number, organisation

pytestmark = pytest.mark.usefixtures("english")

NUMBER = enterprise_number(5151)


@pytest.fixture(autouse=True)
def mails_at_once(monkeypatch):
    monkeypatch.setattr(services_join.transaction, "on_commit", lambda send, **kw: send())


def _actor(persona_name="cluster_manager_a"):
    return audit.Actor(User.objects.get(username=persona_name), "web")


def _prospect(cluster, i=5151, stage=Stage.NEW, **values) -> Prospect:
    prospect = Prospect(
        cluster=cluster,
        stage=stage,
        enterprise_number=enterprise_number(i),
        company_name=values.pop("company_name", f"Prospect {i} NV"),
        **values,
    )
    return services.create(_actor(), prospect)


def _form(**changes) -> dict:
    data = {
        "enterprise_number": f"BE {dotted(NUMBER)}",
        "company_name": "Vooruitzicht NV",
        "stage": "new",
        "source": "referral",
        "owner": "",
        "contact_name": "Vera Vooruit",
        "contact_email": "vera@vooruitzicht.example",
        "contact_phone": "+32 9 123 45 67",
        "next_step": "Call back",
        "next_step_date": datetime.date.today().isoformat(),
        "note": "Met at the fair.",
    }
    return data | changes


# -- Services -----------------------------------------------------------------------------


def test_moving_through_the_stages_records_who_when_from_and_to(cluster_a):
    prospect = _prospect(cluster_a)
    services.move(_actor(), prospect, Stage.CONTACTED, note="phoned")
    services.move(_actor(), prospect, Stage.MEETING)
    steps = list(prospect.steps.order_by("at", "pk").values_list("from_stage", "to_stage", "note"))
    assert steps == [("", "new", ""), ("new", "contacted", "phoned"), ("contacted", "meeting", "")]
    assert {s.by.username for s in prospect.steps.all()} == {"cluster_manager_a"}
    assert AuditEntry.objects.filter(note="prospect moved to meeting").count() == 1
    with pytest.raises(services.WorkflowError):
        services.move(_actor(), prospect, Stage.MEETING)  # there already
    with pytest.raises(services.WorkflowError):
        services.move(_actor(), prospect, Stage.JOINED)  # joined has its own step


def test_lost_needs_a_reason_and_can_be_reopened(cluster_a):
    prospect = _prospect(cluster_a)
    with pytest.raises(services.WorkflowError):
        services.lose(_actor(), prospect, "")
    services.lose(_actor(), prospect, LostReason.TOO_EXPENSIVE, note="budget next year")
    prospect.refresh_from_db()
    assert (prospect.stage, prospect.lost_reason) == (Stage.LOST, "too_expensive")
    services.move(_actor(), prospect, Stage.CONTACTED)
    prospect.refresh_from_db()
    assert (prospect.stage, prospect.lost_reason, prospect.lost_note) == ("contacted", "", "")


def test_joined_starts_the_membership_and_proposes_the_fee(cluster_a):
    prospect = _prospect(cluster_a)
    day = datetime.date.today()
    save_schedule(_actor(), cluster_a, day.year, {"": Decimal(500), "small": Decimal(900)})
    membership_ = services.join(_actor(), prospect, day)
    prospect.refresh_from_db()
    assert prospect.stage == Stage.JOINED and prospect.membership == membership_
    assert membership_.cluster == cluster_a and membership_.start_date == day
    assert membership_.organisation.enterprise_number == NUMBER
    # No headcount known: "everyone else".
    proposal = services.fee_proposal(prospect)
    assert (proposal.year, proposal.amount, proposal.size_class) == (day.year, 500, "unknown")
    FirmFigures.objects.create(organisation=membership_.organisation, year=day.year, employees=20)
    assert services.fee_proposal(prospect).amount == 900
    contribution = services.confirm_fee(_actor(), prospect, Decimal("850.00"))
    assert (contribution.status, contribution.amount, contribution.year) == (
        Contribution.Status.EXPECTED,
        Decimal("850.00"),
        day.year,
    )
    assert services.fee_proposal(prospect) is None  # confirmed once
    with pytest.raises(services.WorkflowError):
        services.confirm_fee(_actor(), prospect, Decimal(1))
    with pytest.raises(services.WorkflowError):
        services.join(_actor(), prospect, day)  # joined once


def test_joining_reuses_the_registry_organisation_and_refuses_a_member(cluster_a):
    org = organisation(5151, name="Officieel NV")
    prospect = _prospect(cluster_a, company_name="")
    assert prospect.company_name == "Officieel NV" and prospect.found_in == "registry"
    services.join(_actor(), prospect, datetime.date.today())
    assert Organisation.objects.filter(enterprise_number=NUMBER).count() == 1
    assert Membership.objects.get(cluster=cluster_a, organisation=org)
    second = _prospect(cluster_a)  # the same company again, while a member
    with pytest.raises(services.WorkflowError):
        services.join(_actor(), second, datetime.date.today())
    second.refresh_from_db()
    assert second.stage == Stage.NEW


def test_no_fee_proposed_without_a_schedule(cluster_a):
    prospect = _prospect(cluster_a)
    services.join(_actor(), prospect, datetime.date.today())
    prospect.refresh_from_db()
    assert services.fee_proposal(prospect) is None


def test_the_contact_person_is_never_in_the_audit_log_in_clear(cluster_a):
    prospect = _prospect(
        cluster_a,
        contact_name="Geheime Gert",
        contact_email="gert@geheim.example",
        contact_phone="+32 470 00 00 00",
    )
    prospect.contact_email = "gert2@geheim.example"
    services.update(_actor(), prospect)
    entries = AuditEntry.objects.filter(content_type__app_label="prospects")
    text = " ".join(f"{e.before} {e.after} {e.object_repr} {e.note}" for e in entries)
    assert "Geheime" not in text and "geheim.example" not in text and "470" not in text
    change = entries.filter(action="update").latest("at")
    assert change.before["contact_email"] != change.after["contact_email"]  # a digest moved
    assert change.after["contact_email"].startswith("pseudonym:")


def test_one_open_prospect_per_company(cluster_a):
    """A double submit past the form: the second is refused with the reason, not a 500."""
    _prospect(cluster_a)
    with pytest.raises(services.WorkflowError, match="pipeline already"):
        _prospect(cluster_a)
    assert Prospect.objects.filter(cluster=cluster_a).count() == 1
    lost = Prospect.objects.get()
    services.lose(_actor(), lost, LostReason.NO_RESPONSE)
    _prospect(cluster_a)  # lost: the company may come back into the pipeline
    with pytest.raises(services.WorkflowError, match="pipeline already"):
        services.move(_actor(), lost, Stage.NEW)  # but not twice


# -- The expected new members, known on D ---------------------------------------------------


def _kpi2_target(cluster, value):
    kpi = KPI.objects.get(programme=cluster.programme, code="KPI2")
    Target.objects.filter(cluster=cluster, kpi=kpi).delete()
    return Target.objects.create(
        cluster=cluster, kpi=kpi, due_date=Target.default_due_date(cluster), value=value
    )


def test_expected_members_weigh_the_open_pipeline_against_the_kpi2_target(cluster_a):
    _kpi2_target(cluster_a, 20)
    now = timezone.now()
    today = timezone.localdate(now)
    _a, b, c, d = (_prospect(cluster_a, i) for i in (1, 2, 3, 4))
    services.move(_actor(), b, Stage.CONTACTED)
    services.move(_actor(), c, Stage.MEETING)
    services.join(_actor(), d, today)
    expected = selectors.expected_members(cluster_a, today)
    assert expected.joined == 1
    assert expected.open_by_stage == {"new": 1, "contacted": 1, "meeting": 1}
    assert expected.weighted == Decimal("0.85")
    assert expected.expected == Decimal("1.9")
    assert expected.target == 20 and expected.percent == 10
    # As known the day before: nothing of it had been recorded yet.
    before = selectors.expected_members(cluster_a, today - datetime.timedelta(days=1))
    assert before.joined == 0 and sum(before.open_by_stage.values()) == 0


def test_a_step_counts_from_the_day_it_was_recorded(cluster_a):
    prospect = _prospect(cluster_a)
    last_week = timezone.now() - datetime.timedelta(days=7)
    prospect.steps.update(at=last_week)
    services.move(_actor(), prospect, Stage.MEETING)
    today = timezone.localdate()
    assert selectors.expected_members(cluster_a, today).open_by_stage["meeting"] == 1
    earlier = selectors.expected_members(cluster_a, today - datetime.timedelta(days=3))
    assert earlier.open_by_stage == {"new": 1, "contacted": 0, "meeting": 0}


# -- The portal's join requests --------------------------------------------------------------


def _join_request(cluster, **values) -> JoinRequest:
    join = JoinRequest.objects.create(
        cluster=cluster,
        enterprise_number=NUMBER,
        company_name="Aanvrager NV",
        contact_name="Anna Aanvrager",
        email="anna@aanvrager.example",
        consent_text="Akkoord.",
        state=JoinRequest.State.UNCONFIRMED,
        **values,
    )
    services_join.confirm(join)
    join.refresh_from_db()
    return join


def test_a_confirmed_join_request_lands_in_the_pipeline(cluster_a):
    join = _join_request(cluster_a)
    prospect = Prospect.objects.get(join_request_id=join.pk)
    assert (prospect.source, prospect.stage, prospect.cluster) == (Source.PORTAL, "new", cluster_a)
    assert prospect.contact_email == "anna@aanvrager.example"
    services_join.confirm(join)  # again: still one prospect
    assert Prospect.objects.filter(join_request_id=join.pk).count() == 1


def test_joined_in_the_pipeline_accepts_the_join_request(cluster_a):
    join = _join_request(cluster_a)
    prospect = Prospect.objects.get(join_request_id=join.pk)
    services.join(_actor(), prospect, datetime.date.today())
    join.refresh_from_db()
    prospect.refresh_from_db()
    assert join.state == JoinRequest.State.ACCEPTED and join.membership == prospect.membership
    assert mail.outbox[-1].to == ["anna@aanvrager.example"]


def test_lost_in_the_pipeline_declines_the_join_request_with_the_message(cluster_a):
    join = _join_request(cluster_a)
    prospect = Prospect.objects.get(join_request_id=join.pk)
    services.lose(_actor(), prospect, LostReason.NO_FIT, message="Niet voor ons.")
    join.refresh_from_db()
    assert join.state == JoinRequest.State.DECLINED and join.decision_message == "Niet voor ons."


def test_accepting_the_join_request_moves_its_prospect(cluster_a):
    join = _join_request(cluster_a)
    services_join.accept(_actor(), join, datetime.date.today())
    prospect = Prospect.objects.get(join_request_id=join.pk)
    assert prospect.stage == Stage.JOINED and prospect.membership is not None


def test_declining_the_join_request_loses_its_prospect(cluster_a):
    join = _join_request(cluster_a)
    services_join.decline(_actor(), join, "Helaas.")
    prospect = Prospect.objects.get(join_request_id=join.pk)
    assert (prospect.stage, prospect.lost_reason) == (Stage.LOST, "declined")
    assert len([m for m in mail.outbox if "anna@" in m.to[0]]) == 1  # declined once


def test_a_join_request_for_a_company_in_the_pipeline_joins_that_prospect(cluster_a):
    prospect = _prospect(cluster_a)
    join = _join_request(cluster_a)
    prospect.refresh_from_db()
    assert prospect.join_request_id == join.pk
    assert Prospect.objects.filter(cluster=cluster_a).count() == 1


# -- The inbox ---------------------------------------------------------------------------------


def test_the_inbox_shows_steps_due_to_the_cluster_manager(cluster_a):
    today = datetime.date.today()
    _prospect(cluster_a, 1, next_step="Call", next_step_date=today - datetime.timedelta(days=2))
    _prospect(cluster_a, 2, next_step="Mail", next_step_date=today)
    _prospect(cluster_a, 3, next_step="Later", next_step_date=today + datetime.timedelta(days=5))
    manager = User.objects.get(username="cluster_manager_a")
    items = [i for i in inbox.items_for(manager, today) if i.kind == "prospect"]
    assert len(items) == 1
    item = items[0]
    assert item.severity == "high" and "2 prospects" in item.detail
    assert item.url == reverse("prospects:pipeline", args=["EUKA"]) + "?due=due"
    for other in ("cluster_manager_b", "account_manager", "evaluator"):
        user = User.objects.get(username=other)
        assert not [i for i in inbox.items_for(user, today) if i.kind == "prospect"]


# -- The demo's pipelines ------------------------------------------------------------------


def test_the_demo_pipelines_fill_the_inbox_and_start_no_membership(cluster_a, monkeypatch):
    from clustermonitor.demodata import prospects as demo

    monkeypatch.setattr(demo, "PIPELINES", {"EUKA": "cluster_manager_a"})
    for i in range(8):
        organisation(9100 + i, name=f"Demo {i} NV")
    members, contributions = Membership.objects.count(), Contribution.objects.count()
    today = datetime.date.today()
    assert demo.load(seed=7, today=today) == {"prospects": 5}
    assert demo.load(seed=7, today=today) == {"prospects": 0}  # a second run changes nothing
    stages = sorted(Prospect.objects.filter(cluster=cluster_a).values_list("stage", flat=True))
    assert stages == ["contacted", "lost", "meeting", "new", "new"]
    lost = Prospect.objects.get(stage="lost")
    assert lost.lost_reason == "too_expensive"
    assert (Membership.objects.count(), Contribution.objects.count()) == (members, contributions)
    # Steps lie in the past weeks, in order; the pipeline as of three weeks ago is smaller.
    for prospect in Prospect.objects.all():
        times = list(prospect.steps.order_by("pk").values_list("at", flat=True))
        assert times == sorted(times) and times[-1] < timezone.now()
    manager = User.objects.get(username="cluster_manager_a")
    assert [i for i in inbox.items_for(manager, today) if i.kind == "prospect"]
    earlier = selectors.expected_members(cluster_a, today - datetime.timedelta(days=45))
    assert sum(earlier.open_by_stage.values()) == 0
