"""Progress reports (issue 6 §1–2, DESIGN §9): periods up front, the workflow per persona,
frozen versions, notifications."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clustermonitor.accounts.models import Role, User
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.monitoring import services
from clustermonitor.monitoring.models import KPIValue, ProgressReport, State, Transition
from clustermonitor.programmes.models import ReportedFigure
from clustermonitor.programmes.rules_math import add_years

pytestmark = pytest.mark.usefixtures("english")

ACTOR = audit.Actor.system("test")


SECTIONS = {
    "achievements": "Drie werkgroepen opgestart.",
    "internationalisation": "Missie naar Nederland.",
    "competences": "Twee opleidingen.",
    "sustainability": "Ledenbijdragen dekken de helft.",
}


@pytest.fixture
def report(cluster_a, persona) -> ProgressReport:
    cluster_a.account_manager = persona("account_manager")
    cluster_a.save()
    services.create_periods(ACTOR, cluster_a)
    return ProgressReport.objects.get(period__cluster=cluster_a, period__number=1)


def _actor(persona, name):
    return audit.Actor(persona(name), "web")


def _ready(report, actor, kpis=None):
    services.save_draft(actor, report, SECTIONS, kpis or {})
    report.refresh_from_db()
    return report


def test_periods_are_created_up_front_one_per_year_of_operation(cluster_a):
    written = services.create_periods(ACTOR, cluster_a)
    periods = list(cluster_a.reporting_periods.order_by("number"))
    assert written == len(periods) == 3  # an IBN agreement runs three years
    assert periods[0].start_date == cluster_a.start_date
    assert periods[0].end_date == add_years(cluster_a.start_date, 1) - datetime.timedelta(days=1)
    assert periods[-1].end_date == cluster_a.end_date
    assert all(p.due_date == p.end_date + datetime.timedelta(days=60) for p in periods)
    assert all(p.report.state == State.DRAFT for p in periods)
    assert services.create_periods(ACTOR, cluster_a) == 0  # idempotent


def test_submitting_needs_every_section(report, persona):
    actor = _actor(persona, "cluster_manager_a")
    services.save_draft(actor, report, {**SECTIONS, "competences": " "}, {})
    with pytest.raises(services.WorkflowError, match="Competence development"):
        services.submit(actor, report)
    report.refresh_from_db()
    assert report.state == State.DRAFT and not report.versions.exists()


def test_a_reported_value_that_differs_from_the_records_needs_a_reason(report, persona):
    actor = _actor(persona, "cluster_manager_a")
    _ready(report, actor, {"KPI1": {"reported": "25", "reason": ""}})
    with pytest.raises(services.WorkflowError, match="Say why they differ"):
        services.submit(actor, report)
    _ready(report, actor, {"KPI1": {"reported": "25", "reason": "members on paper"}})
    version = services.submit(actor, report)
    value = version.kpi_values.get(kpi__code="KPI1")
    assert (value.computed, value.reported, value.reason) == (Decimal(0), 25, "members on paper")
    # Values not reported take what the records give.
    assert version.kpi_values.get(kpi__code="KPI3").reported == Decimal(0)


def test_a_number_is_a_number(report, persona):
    with pytest.raises(services.WorkflowError, match="is not a number"):
        services.save_draft(
            _actor(persona, "cluster_manager_a"), report, SECTIONS, {"KPI1": {"reported": "veel"}}
        )


def test_the_whole_workflow_with_notifications(report, persona, django_capture_on_commit_callbacks):
    cm, am = _actor(persona, "cluster_manager_a"), _actor(persona, "account_manager")
    am.user.email = "am@example.org"
    am.user.save()
    User.objects.filter(pk=cm.user.pk).update(email="cm@example.org")
    _ready(report, cm)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(cm, report)
    assert mail.outbox[-1].to == ["am@example.org"]
    assert "EUKA" in mail.outbox[-1].subject
    report.refresh_from_db()
    assert report.state == State.SUBMITTED

    with pytest.raises(services.WorkflowError, match="Say what needs to change"):
        services.return_report(am, report, "")
    with django_capture_on_commit_callbacks(execute=True):
        services.return_report(am, report, "Voeg de cijfers van de missie toe.")
    assert mail.outbox[-1].to == ["cm@example.org"]
    assert "Voeg de cijfers" in mail.outbox[-1].body
    report.refresh_from_db()
    assert report.state == State.RETURNED

    _ready(report, cm)
    second = services.submit(cm, report)
    assert second.number == 2
    services.approve(am, report, "Goed.")
    report.refresh_from_db()
    assert report.state == State.APPROVED
    assert list(report.transitions.values_list("to_state", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]
    # The approved values become the cluster's reported figures for the period.
    figure = ReportedFigure.objects.get(
        cluster=report.period.cluster, metric="KPI1", source=services.reported_source(report)
    )
    assert figure.period_end == report.period.end_date and figure.basis == "reported"


def test_an_approved_report_is_frozen_and_a_correction_is_a_new_version(report, persona):
    cm, am = _actor(persona, "cluster_manager_a"), _actor(persona, "account_manager")
    _ready(report, cm)
    first = services.submit(cm, report)
    services.approve(am, report)
    with pytest.raises(services.WorkflowError, match="can no longer be edited"):
        services.save_draft(cm, report, SECTIONS, {})
    with pytest.raises(services.WorkflowError, match="Only a draft or a returned"):
        services.submit(cm, report)
    with pytest.raises(services.WorkflowError, match="reason for the correction"):
        services.reopen(am, report, "")
    services.reopen(am, report, "KPI 1 telde een lid dubbel")
    report.refresh_from_db()
    assert report.state == State.DRAFT and report.draft["sections"] == SECTIONS
    services.save_draft(
        cm, report, {**SECTIONS, "achievements": "Gecorrigeerd."}, report.draft["kpis"]
    )
    second = services.submit(cm, report)
    assert second.reason == "KPI 1 telde een lid dubbel"
    first.refresh_from_db()
    assert first.sections == SECTIONS and first.approved_at is not None


def test_nobody_approves_their_own_report(report, persona):
    user = persona("account_manager")
    user.role_assignments.create(role=Role.CLUSTER_MANAGER, cluster=report.period.cluster)
    actor = audit.Actor(User.objects.get(pk=user.pk), "web")
    _ready(report, actor)
    services.submit(actor, report)
    with pytest.raises(services.WorkflowError, match="someone else reviews it"):
        services.approve(actor, report)
    report.refresh_from_db()
    assert report.state == State.SUBMITTED


def test_figures_are_frozen_at_submission(report, persona):
    cm = _actor(persona, "cluster_manager_a")
    _ready(report, cm)
    version = services.submit(cm, report)
    assert (
        version.figures["until"] == min(report.period.end_date, datetime.date.today()).isoformat()
    )
    assert set(version.figures) >= {"kpis", "cofinancing", "collaborations", "participation"}
    assert KPIValue.objects.filter(version=version).count() == 3


# Through the web, per persona ---------------------------------------------------------


def _post(client, name, report, data=None):
    return client.post(reverse(f"monitoring:{name}", args=[report.pk]), data or {})


def test_the_cluster_manager_writes_and_submits_in_the_browser(report, client_for):
    client = client_for("cluster_manager_a")
    url = reverse("monitoring:report-detail", args=[report.pk])
    page = client.get(url)
    assert page.status_code == 200 and "report-form" in page.text
    data = {f"section_{k}": v for k, v in SECTIONS.items()}
    data |= {"kpi_KPI1": "0", "kpi_KPI2": "0", "kpi_KPI3": "0"}
    assert client.post(url, data).status_code == 302
    upload = SimpleUploadedFile("notulen.pdf", b"%PDF-1.4 minutes")
    _post(client, "attachment-add", report, {"title": "Notulen stuurgroep", "file": upload})
    assert _post(client, "report-submit", report).status_code == 302
    report.refresh_from_db()
    assert report.state == State.SUBMITTED
    attachment = report.attachments.get()
    assert attachment.version == report.latest_version
    download = client.get(reverse("monitoring:attachment-download", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 minutes"


@pytest.mark.parametrize(
    ("name", "route", "status"),
    [
        ("cluster_manager_b", "report-submit", 404),
        ("member_contact", "report-submit", 404),
        ("evaluator", "report-submit", 403),
        ("account_manager", "report-submit", 403),
        ("programme_manager", "report-submit", 403),  # the cluster writes its own report
        ("cluster_manager_a", "report-approve", 403),
        ("evaluator", "report-approve", 403),
        ("cluster_manager_b", "report-approve", 404),
    ],
)
def test_forbidden_steps(report, client_for, name, route, status):
    assert _post(client_for(name), route, report).status_code == status
    report.refresh_from_db()
    assert report.state == State.DRAFT
    assert not Transition.objects.filter(report=report).exists()


def test_review_in_the_browser_shows_last_years_report_beside(report, client_for, persona):
    cm, am = _actor(persona, "cluster_manager_a"), _actor(persona, "account_manager")
    _ready(report, cm)
    services.submit(cm, report)
    services.approve(am, report)
    second = ProgressReport.objects.get(period__cluster=report.period.cluster, period__number=2)
    _ready(second, cm)
    services.submit(cm, second)
    client = client_for("account_manager")
    page = client.get(reverse("monitoring:report-detail", args=[second.pk]))
    assert 'id="previous"' in page.text and 'id="review"' in page.text
    _post(client, "report-return", second, {"comment": "Meer detail graag."})
    second.refresh_from_db()
    assert second.state == State.RETURNED
    assert second.transitions.last().comment == "Meer detail graag."


def test_the_programme_overview_puts_overdue_reports_first(report, client_for):
    page = client_for("programme_manager").get(reverse("monitoring:reports"))
    rows = page.context["rows"]
    assert rows and rows[0]["period"].cluster.code == "EUKA"
    assert rows[0]["overdue"] == (rows[0]["period"].due_date < datetime.date.today())


# API ----------------------------------------------------------------------------------


def _token(persona, name):
    from clustermonitor.accounts.services import create_token

    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(ACTOR, persona(name), 'test')[1]}"}


def test_the_api_reads_reports_and_submits_a_draft(report, persona, client):
    cm = _actor(persona, "cluster_manager_a")
    url = reverse("api:submit_report", args=[report.pk])
    refused = client.post(url, **_token(persona, "cluster_manager_a"))
    assert refused.status_code == 400 and refused.json()["detail"]  # the reason, in Dutch
    _ready(report, cm)
    assert client.post(url, **_token(persona, "evaluator")).status_code == 403
    assert client.post(url, **_token(persona, "cluster_manager_b")).status_code == 404
    response = client.post(url, **_token(persona, "cluster_manager_a"))
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "submitted" and body["versions"][0]["number"] == 1
    assert {k["kpi"] for k in body["versions"][0]["kpis"]} == {"KPI1", "KPI2", "KPI3"}
    listed = client.get(
        reverse("api:list_reports") + "?cluster=EUKA&state=submitted",
        **_token(persona, "evaluator"),
    ).json()
    assert [r["id"] for r in listed] == [report.pk]
    hidden = client.get(reverse("api:list_reports"), **_token(persona, "cluster_manager_b"))
    assert report.pk not in [r["id"] for r in hidden.json()]


def test_the_api_gives_the_dashboard_figures_with_table_5(persona, client):
    body = client.get(reverse("api:get_dashboard"), **_token(persona, "evaluator")).json()
    programme = {t["kpi"]: t for t in body["programme"]["totals"]}
    kpi1 = {k: programme["KPI1"][k] for k in ("published", "published_target", "reported_sum")}
    # Decimals travel as strings; Table 7's column sums to 1,166, Table 5 prints 1,132.
    assert {k: Decimal(v) for k, v in kpi1.items()} == {
        "published": 1132,
        "published_target": 1337,
        "reported_sum": 1166,
    }
    assert programme["KPI1"]["published_pct"] == 85
    assert [g["group"] for g in body["by_embedding"]] == ["zelfstandig", "gevestigd"]
    euka = next(r for r in body["clusters"] if r["cluster"] == "EUKA")
    assert Decimal(euka["kpis"][0]["reported"]) == 196 and euka["call"] == 1
    assert (
        client.get(reverse("api:get_dashboard"), **_token(persona, "cluster_manager_a")).status_code
        == 404
    )


def test_the_programme_manager_adds_an_irregular_period_with_its_report(cluster_a, client_for):
    url = reverse("monitoring:period-create", args=[cluster_a.code])
    data = {
        "number": 9,
        "start_date": "2019-01-01",
        "end_date": "2019-06-30",
        "due_date": "2019-08-31",
    }
    assert client_for("cluster_manager_a").post(url, data).status_code == 404
    assert client_for("programme_manager").post(url, data).status_code == 302
    period = cluster_a.reporting_periods.get(number=9)
    assert period.report.state == State.DRAFT
    assert AuditEntry.objects.filter(
        content_type__model="progressreport", object_id=str(period.report.pk)
    ).exists()
    late = {**data, "number": 10, "due_date": "2019-06-01"}  # due before the period ends
    assert client_for("programme_manager").post(url, late).status_code == 200
    assert not cluster_a.reporting_periods.filter(number=10).exists()
