"""The home page every persona lands on (issue 16): the inbox of what needs their action,
the KPI cards, and the report review that says what it does and why.

Pages are asked for in English (the `web` fixture), so assertions read the messages as
written in the code."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from clustermonitor.activities.models import Activity, Participation
from clustermonitor.core import audit
from clustermonitor.core.imports.models import ImportBatch
from clustermonitor.monitoring import inbox, services
from clustermonitor.monitoring.models import ProgressReport, State
from tests.conftest import PASSWORD
from tests.test_progress_reports import SECTIONS

pytestmark = pytest.mark.usefixtures("english")

ACTOR = audit.Actor.system("test")


@pytest.fixture
def report(cluster_a) -> ProgressReport:
    services.create_periods(ACTOR, cluster_a)
    return ProgressReport.objects.get(period__cluster=cluster_a, period__number=1)


def _submit(report, persona) -> ProgressReport:
    actor = audit.Actor(persona("cluster_manager_a"), "web")
    services.save_draft(actor, report, SECTIONS, {})
    report.refresh_from_db()
    services.submit(actor, report)
    report.refresh_from_db()
    return report


def _kinds(user) -> list[tuple[str, str]]:
    return [(item.kind, item.cluster) for item in inbox.items_for(user)]


def test_login_lands_every_persona_on_their_home(db):
    for name in ("cluster_manager_a", "member_contact"):
        client = Client()
        response = client.post(
            reverse("accounts:login"), {"username": name, "password": PASSWORD}, follow=True
        )
        assert response.redirect_chain[-1][0] == reverse("programmes:home")
        assert 'id="inbox"' in response.content.decode()


def test_a_submitted_report_is_in_the_reviewers_inbox_only(report, persona, cluster_a):
    cluster_a.account_manager = persona("account_manager")
    cluster_a.save()
    _submit(report, persona)
    assert ("review", "EUKA") in _kinds(persona("account_manager"))
    assert ("review", "EUKA") in _kinds(persona("programme_manager"))
    for name in ("cluster_manager_a", "cluster_manager_b", "evaluator", "member_contact"):
        assert ("review", "EUKA") not in _kinds(persona(name)), name


def test_an_account_manager_of_other_clusters_is_not_asked_to_review(report, persona, web):
    _submit(report, persona)  # EUKA has no account manager
    assert ("review", "EUKA") not in _kinds(persona("account_manager"))
    page = web("account_manager").get(reverse("monitoring:report-detail", args=[report.pk]))
    text = page.content.decode()
    assert 'id="review"' not in text
    assert "Only a programme manager can approve or return this report: EUKA has no" in text


def test_a_returned_report_leads_with_its_comment_on_the_page_the_inbox_and_today(
    report, persona, web
):
    report = _submit(report, persona)
    services.return_report(
        audit.Actor(persona("programme_manager"), "web"), report, "Vul de KPI-redenen aan."
    )
    assert ("returned", "EUKA") in _kinds(persona("cluster_manager_a"))
    client = web("cluster_manager_a")
    text = client.get(reverse("monitoring:report-detail", args=[report.pk])).content.decode()
    assert text.index('id="returned"') < text.index('id="report-form"')
    assert "Vul de KPI-redenen aan." in text[: text.index('id="report-form"')]
    today = client.get(reverse("monitoring:today", args=["EUKA"])).content.decode()
    assert "Progress report returned with comments" in today
    home = client.get(reverse("programmes:home")).content.decode()
    assert reverse("monitoring:report-detail", args=[report.pk]) in home


def test_the_submission_says_who_was_told(report, persona, web, cluster_a):
    pm = persona("programme_manager")
    pm.email = "pm@vlaio.example"
    pm.save()
    client = web("cluster_manager_a")
    services.save_draft(audit.Actor(persona("cluster_manager_a"), "web"), report, SECTIONS, {})
    response = client.post(reverse("monitoring:report-submit", args=[report.pk]), follow=True)
    text = response.content.decode()
    assert "Your account manager has been told" not in text
    assert "EUKA has no account manager yet: the programme managers have been told." in text


def test_a_submission_names_the_account_manager_who_was_told(report, persona, web, cluster_a):
    manager = persona("account_manager")
    manager.email = "am@vlaio.example"
    manager.save()
    cluster_a.account_manager = manager
    cluster_a.save()
    services.save_draft(audit.Actor(persona("cluster_manager_a"), "web"), report, SECTIONS, {})
    response = web("cluster_manager_a").post(
        reverse("monitoring:report-submit", args=[report.pk]), follow=True
    )
    name = manager.get_full_name() or manager.username
    assert f"{name}, your account manager, has been told." in response.content.decode()


def test_a_submission_nobody_could_be_told_of_says_so(report, persona, web):
    services.save_draft(audit.Actor(persona("cluster_manager_a"), "web"), report, SECTIONS, {})
    response = web("cluster_manager_a").post(
        reverse("monitoring:report-submit", args=[report.pk]), follow=True
    )
    assert "Nobody could be told by e-mail" in response.content.decode()


def test_reports_due_soon_and_overdue(report, persona):
    period = report.period
    today = period.due_date - datetime.timedelta(days=10)
    user = persona("cluster_manager_a")
    assert [i.kind for i in inbox.items_for(user, today) if i.kind in ("due", "overdue")] == ["due"]
    later = period.due_date + datetime.timedelta(days=1)
    kinds = [i.kind for i in inbox.items_for(user, later) if i.cluster == "EUKA"]
    assert "overdue" in kinds
    assert next(i for i in inbox.items_for(user, later) if i.kind == "overdue").severity == "high"
    assert not [i for i in inbox.items_for(persona("cluster_manager_b"), later) if i.cluster]


def test_an_unfinished_import_waits_in_its_uploaders_inbox_until_committed(persona, cluster_a):
    user = persona("cluster_manager_a")
    batch = ImportBatch(
        cluster=cluster_a,
        original_name="leden.xlsx",
        sha256="0" * 64,
        reference_date=datetime.date.today(),
        uploaded_by=user,
    )
    batch.file.save("leden.xlsx", ContentFile(b"x"), save=False)
    batch.save()
    assert ("import", "EUKA") in _kinds(user)
    assert ("import", "EUKA") not in _kinds(persona("programme_manager"))
    batch.state = ImportBatch.State.COMMITTED
    batch.save()
    assert ("import", "EUKA") not in _kinds(user)


def test_attendee_rows_to_check_reach_the_clusters_own_manager(persona, cluster_a, cluster_b):
    activity = Activity.objects.create(
        title="Werkgroep drones", kind="workshop", date=datetime.date.today()
    )
    activity.clusters.add(cluster_a)
    Participation.objects.create(activity=activity, name="J. Peeters", needs_review=True)
    items = [i for i in inbox.items_for(persona("cluster_manager_a")) if i.kind == "rows"]
    assert len(items) == 1 and items[0].detail == "EUKA: 1 row to check in 1 activity"
    assert items[0].url == reverse("activities:activity-list", args=["EUKA"])
    assert not [i for i in inbox.items_for(persona("programme_manager")) if i.kind == "rows"]
    assert not [i for i in inbox.items_for(persona("cluster_manager_b")) if i.kind == "rows"]


def test_the_inbox_is_sorted_most_urgent_first(report, persona):
    later = report.period.due_date + datetime.timedelta(days=400)
    severities = [i.severity for i in inbox.items_for(persona("cluster_manager_a"), later)]
    assert severities == sorted(severities, key=inbox.SEVERITY_ORDER.__getitem__)


def test_an_empty_inbox_says_so(web):
    text = web("member_contact").get(reverse("programmes:home")).content.decode()
    assert "Nothing needs your action today." in text


def test_the_sparkline_scales_to_the_target():
    assert inbox.sparkline([], 10) == ""
    assert inbox.sparkline([5, 10], 10) == "0.0,12.0 100.0,0.0"
    assert inbox.sparkline([5], None) == "0.0,0.0"


def test_programme_readers_get_a_card_per_kpi(persona, cluster_a, cluster_b):
    cards = inbox.kpi_cards(persona("programme_manager"))
    assert [c.title.split(" ")[0] for c in cards] == ["KPI1", "KPI2", "KPI3"]
    assert all(c.status in ("on_track", "at_risk", "off_track", "unknown") for c in cards)


def test_a_cluster_manager_gets_the_cards_of_their_own_cluster(persona, cluster_a, cluster_b):
    cards = inbox.kpi_cards(persona("cluster_manager_a"))
    assert cards and {c.cluster for c in cards} == {"EUKA"}


def test_the_states_stay_in_the_inbox_until_dealt_with(report, persona, cluster_a):
    cluster_a.account_manager = persona("account_manager")
    cluster_a.save()
    report = _submit(report, persona)
    services.approve(audit.Actor(persona("account_manager"), "web"), report)
    report.refresh_from_db()
    assert report.state == State.APPROVED
    assert ("review", "EUKA") not in _kinds(persona("account_manager"))
