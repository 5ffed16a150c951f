"""Agreements on the web (issue 19, part C): the programme manager's steps through their
forms, a cluster manager's own schedule, hostile values refused without a 500, the
payment schedule's download, the call pages' figures."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from clustermonitor.agreements import services
from clustermonitor.agreements.models import Agreement, Amendment, Payment
from clustermonitor.core.models import AuditEntry
from clustermonitor.programmes.models import Application, Call, Cluster
from tests.agreement_helpers import ACTOR, approve_report, funded_application, moment

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement():
    application = funded_application()
    return services.create_from_application(
        ACTOR, application, code="CIRTEX", signed_on=datetime.date(2023, 12, 1)
    )


def test_the_programme_manager_makes_the_agreement_from_the_call_page(client_for):
    application = funded_application()
    client = client_for("programme_manager")
    page = client.get(reverse("programmes:call-detail", args=[application.call_id]))
    url = reverse("agreements:from-application", args=[application.pk])
    assert url in page.content.decode()
    response = client.post(
        url,
        {
            "code": "CIRTEX",
            "signed_on": "2023-12-01",
            "start_date": "",
            "condition": "Businessplan voor integratie in de SPC",
            "condition_due_date": "2025-06-30",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == reverse("agreements:detail", args=["CIRTEX"])
    agreement = Agreement.objects.get(cluster__code="CIRTEX")
    assert agreement.conditions.get().due_date == datetime.date(2025, 6, 30)
    entry = AuditEntry.objects.filter(content_type__model="agreement").get()
    assert entry.via == "web" and entry.actor.username == "programme_manager"
    detail = client.get(response["Location"]).content.decode()
    assert "IBN-2-CIRTEX" in detail and "Businessplan" in detail


def test_a_second_step_on_the_same_application_is_a_form_error(client_for, agreement):
    response = client_for("programme_manager").post(
        reverse("agreements:from-application", args=[agreement.application_id]),
        {"code": "OTHER", "signed_on": "2023-12-01"},
    )
    assert response.status_code == 200
    assert "al een cluster" in str(response.context["form"].non_field_errors())
    assert not Cluster.objects.filter(code="OTHER").exists()


@pytest.mark.parametrize(
    "values",
    [
        {"code": "=1+1", "signed_on": "2023-12-01"},
        {"code": "X" * 300, "signed_on": "2023-12-01"},
        {"code": "OK", "signed_on": "31/31/2023"},
        {"code": "OK", "signed_on": "2023-12-01", "start_date": "9999-99-99"},
        {"code": "OK", "signed_on": "2023-12-01", "condition": "Plan"},  # no due date
        {"code": "OK\x00", "signed_on": "2023-12-01"},
    ],
)
def test_hostile_values_in_the_agreement_form_are_refused(client_for, values):
    application = funded_application()
    response = client_for("programme_manager").post(
        reverse("agreements:from-application", args=[application.pk]), values
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Agreement.objects.exists()


@pytest.mark.parametrize(
    ("amount", "reference", "paid_on"),
    [
        ("1.500", "R-1", "2024-01-15"),  # ambiguous
        ("-5", "R-2", "2024-01-15"),
        ("0", "R-3", "2024-01-15"),
        ("99999999999999999999", "R-4", "2024-01-15"),
        ("=1+1", "R-5", "2024-01-15"),
        ("126000,01", "R-6", "2024-01-15"),  # above the tranche
        ("100", "R-7", "2023-12-31"),  # before the start: not payable
        ("100", "", "2024-01-15"),
        ("100", "R-9", "not a date"),
    ],
)
def test_a_payment_that_does_not_hold_is_a_form_error(
    client_for, agreement, amount, reference, paid_on
):
    advance = agreement.tranches.get(number=1)
    response = client_for("programme_manager").post(
        reverse("agreements:payment-add", args=[advance.pk]),
        {"amount": amount, "reference": reference, "paid_on": paid_on},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Payment.objects.exists()


def test_a_payment_is_recorded_in_the_belgian_way(client_for, agreement):
    advance = agreement.tranches.get(number=1)
    response = client_for("programme_manager").post(
        reverse("agreements:payment-add", args=[advance.pk]),
        {"amount": "126.000,00", "reference": "BOEK-2024-001", "paid_on": "2024-01-15"},
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert payment.amount == Decimal("126000.00") and payment.recorded_by.username == (
        "programme_manager"
    )


def test_the_second_tranche_becomes_payable_once_the_first_report_is_approved(
    client_for, agreement
):
    client = client_for("programme_manager")
    url = reverse("agreements:detail", args=["CIRTEX"])
    page = client.get(url, {"on": "2025-02-01"})
    second = next(s for s in page.context["tranches"] if s.tranche.number == 2)
    assert second.state == "planned"
    approve_report(agreement.cluster, 1, moment(datetime.date(2025, 2, 10)))
    page = client.get(url, {"on": "2025-02-10"})
    second = next(s for s in page.context["tranches"] if s.tranche.number == 2)
    assert second.state == "payable"
    assert reverse("agreements:payment-add", args=[second.tranche.pk]) in page.content.decode()


def test_an_amendment_through_the_form_and_the_agreement_as_of_before_it(client_for, agreement):
    client = client_for("programme_manager")
    response = client.post(
        reverse("agreements:amend", args=["CIRTEX"]),
        {
            "kind": Amendment.Kind.BUDGET_SHIFT,
            "decided_on": "2025-03-01",
            "effective_on": "2025-01-01",
            "decision": "Verschuiving van jaar 3 naar jaar 2.",
            "lines": "2; 160.000,00; 150000\n3; 120000; 150000",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    url = reverse("agreements:detail", args=["CIRTEX"])
    before = client.get(url, {"on": "2025-02-28"}).context["terms"]
    after = client.get(url, {"on": "2025-03-01"}).context["terms"]
    assert before.lines[2][0] == Decimal("140000.00") and not before.amendments
    assert after.lines[2][0] == Decimal("160000.00") and len(after.amendments) == 1


@pytest.mark.parametrize(
    "lines",
    ["x;y", "2;1.500", "2", "0;100", "2;100\n2;100", "2;=1+1", "2;" + "9" * 30],
)
def test_hostile_budget_lines_are_refused(client_for, agreement, lines):
    response = client_for("programme_manager").post(
        reverse("agreements:amend", args=["CIRTEX"]),
        {
            "kind": Amendment.Kind.BUDGET_SHIFT,
            "decided_on": "2025-03-01",
            "effective_on": "2025-03-01",
            "decision": "Besluit.",
            "lines": lines,
        },
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not Amendment.objects.exists()


def test_a_cluster_manager_reads_their_own_schedule_only(client_for, cluster_a, cluster_b):
    services.create_for_cluster(ACTOR, cluster_a, signed_on=cluster_a.start_date, periods=False)
    services.create_for_cluster(ACTOR, cluster_b, signed_on=cluster_b.start_date, periods=False)
    client = client_for("cluster_manager_a")
    page = client.get(reverse("agreements:detail", args=[cluster_a.code]))
    assert page.status_code == 200 and not page.context["can_manage"]
    assert "Betaling vastleggen" not in page.content.decode()
    assert client.get(reverse("agreements:detail", args=[cluster_b.code])).status_code == 404
    assert client.get(reverse("agreements:list")).status_code == 404
    tranche = Agreement.objects.get(cluster=cluster_a).tranches.get(number=1)
    response = client.post(
        reverse("agreements:payment-add", args=[tranche.pk]),
        {"amount": "1", "reference": "X", "paid_on": "2018-01-01"},
    )
    assert response.status_code == 403 and not Payment.objects.exists()


def test_the_programme_list_shows_per_cluster_per_call_and_per_year(client_for, agreement):
    services.record_payment(
        ACTOR,
        agreement.tranches.get(number=1),
        paid_on=datetime.date(2024, 1, 15),
        reference="B-1",
        amount=Decimal("126000.00"),
        today=datetime.date(2025, 1, 1),
    )
    client = client_for("account_manager")
    page = client.get(reverse("agreements:list"), {"on": "2024-06-30", "call": "2"})
    assert [r["cluster"].code for r in page.context["rows"]] == ["CIRTEX"]
    assert page.context["per_call"] == [
        {
            "call": 2,
            "agreements": 1,
            "subsidy": Decimal("420000.00"),
            "paid": Decimal("126000.00"),
            "payable_open": Decimal(0),
        }
    ]
    assert [(y["year"], y["paid"]) for y in page.context["years"]] == [
        (2023, Decimal(0)),
        (2024, Decimal("126000.00")),
    ]
    # Before the agreement was decided it is not there.
    early = client.get(reverse("agreements:list"), {"on": "2023-11-30"})
    assert early.context["rows"] == []
    download = client.get(reverse("agreements:list"), {"on": "2024-06-30", "format": "csv"})
    text = download.content.decode("utf-8-sig")
    assert "IBN-2-CIRTEX" in text and "B-1" in text


def test_the_calls_page_counts_no_drafts_and_gives_the_success_rate(client_for):
    funded_application()
    call = Call.objects.get(number=2)
    Application.objects.create(call=call, applicant="Ontwerp vzw", title="Ontwerp", status="draft")
    Application.objects.create(call=call, applicant="Nee vzw", title="Nee", status="rejected")
    rows = client_for("programme_manager").get(reverse("programmes:call-list")).context["rows"]
    row = next(r for r in rows if r["call"] == call)
    assert (row["recorded_submitted"], row["recorded_decided"], row["recorded_funded"]) == (2, 2, 1)
    assert row["recorded_success_rate"] == 0.5
    assert row["median_days_to_decision"] == 75
    # As of a day before its submission the funded application was not received.
    rows = client_for("programme_manager").get(
        reverse("programmes:call-list"), {"on": "2023-08-31"}
    )
    row = next(r for r in rows.context["rows"] if r["call"] == call)
    assert row["recorded_submitted"] == 1  # the rejected one has no date: known from the start
