"""The programme manager's set-up forms, the calls page and the audit trail."""

import datetime
from decimal import Decimal

from django.urls import reverse

from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.programmes.models import (
    KPI,
    Application,
    Call,
    Cluster,
    ClusterType,
    Programme,
    Target,
)


def _programme():
    return Programme.objects.get()


def test_journey_a_new_call_with_applications(client_for):
    """JOURNEYS 1: call 3 for IBNs, 11 applications, 5 funded."""
    client = client_for("programme_manager")
    ibn = ClusterType.objects.get(code="IBN")
    response = client.post(
        reverse("programmes:call-create"),
        {
            "cluster_type": ibn.pk,
            "number": 3,
            "name": "",
            "period": "2026",
            "opens_on": "2026-01-15",
            "closes_on": "2026-03-31",
            "budget": "2250000",
        },
    )
    call = Call.objects.get(number=3)
    assert response["Location"] == reverse("programmes:call-detail", args=[call.pk])
    for i in range(11):
        funded = i < 5
        response = client.post(
            reverse("programmes:application-create", args=[call.pk]),
            {
                "applicant": f"Netwerk {i} vzw",
                "title": f"Netwerk {i}",
                "requested_amount": "450000",
                "status": "funded" if funded else "rejected",
                "funded_amount": "400000" if funded else "",
                "cluster": "",
            },
        )
        assert response.status_code == 302, response.context["form"].errors
    row = next(
        r for r in client.get(reverse("programmes:call-list")).context["rows"] if r["call"] == call
    )
    assert (row["recorded_submitted"], row["recorded_funded"]) == (11, 5)
    assert row["recorded_amount"] == Decimal(2_000_000)
    assert (
        AuditEntry.objects.filter(content_type__model="application", action="create").count() == 11
    )


def test_a_funded_application_needs_its_amount(client_for):
    call = Call.objects.get(number=1)
    response = client_for("programme_manager").post(
        reverse("programmes:application-create", args=[call.pk]),
        {
            "applicant": "X",
            "title": "Y",
            "requested_amount": "",
            "status": "funded",
            "funded_amount": "",
            "cluster": "",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["funded_amount"]


def test_a_call_cannot_close_before_it_opens(client_for):
    response = client_for("programme_manager").post(
        reverse("programmes:call-create"),
        {
            "cluster_type": ClusterType.objects.get(code="IBN").pk,
            "number": 4,
            "opens_on": "2026-03-01",
            "closes_on": "2026-01-01",
        },
    )
    assert response.context["form"].errors["closes_on"]


def test_a_duplicate_call_number_is_refused(client_for):
    response = client_for("programme_manager").post(
        reverse("programmes:call-create"),
        {"cluster_type": ClusterType.objects.get(code="IBN").pk, "number": 1},
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()


def test_the_calls_page_shows_reported_and_recorded(client_for):
    rows = client_for("cluster_manager_a").get(reverse("programmes:call-list")).context["rows"]
    call1 = next(r for r in rows if r["call"].number == 1)
    assert (call1["reported_submitted"], call1["reported_funded"]) == (25, 14)
    assert call1["reported_amount"] == 4_700_000 and call1["clusters"] == 14
    assert call1["recorded_submitted"] == 0
    assert round(call1["success_rate"], 2) == Decimal("0.56")
    call2 = next(r for r in rows if r["call"].number == 2)
    assert call2["clusters_without_subsidy"] == 3


def test_targets_default_to_three_years_and_are_unique(client_for, cluster_a):
    client = client_for("programme_manager")
    form = client.get(reverse("programmes:target-create", args=["EUKA"])).context["form"]
    assert form.initial["due_date"] == datetime.date(2019, 12, 31)
    kpi = KPI.objects.get(code="KPI1")
    data = {"kpi": kpi.pk, "due_date": "2019-12-31", "baseline": "0", "value": "150", "note": ""}
    assert client.post(reverse("programmes:target-create", args=["EUKA"]), data).status_code == 302
    again = client.post(reverse("programmes:target-create", args=["EUKA"]), data)
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    assert Target.objects.filter(cluster=cluster_a).count() == 1


def test_a_target_cannot_fall_due_before_the_start(client_for):
    kpi = KPI.objects.get(code="KPI1")
    response = client_for("programme_manager").post(
        reverse("programmes:target-create", args=["EUKA"]),
        {"kpi": kpi.pk, "due_date": "2010-01-01", "baseline": "0", "value": "5"},
    )
    assert response.context["form"].errors["due_date"]


def test_deleting_a_target_is_audited(client_for, cluster_a):
    target = Target.objects.create(
        cluster=cluster_a,
        kpi=KPI.objects.get(code="KPI3"),
        due_date=datetime.date(2019, 12, 31),
        value=10,
    )
    response = client_for("programme_manager").post(
        reverse("programmes:target-delete", args=[target.pk]), {"confirmed": "yes"}
    )
    assert response.status_code == 302 and not Target.objects.filter(pk=target.pk).exists()
    entry = AuditEntry.objects.get(action="delete", content_type__model="target")
    assert entry.before["value"] == "10.00" and entry.after is None


def test_others_cannot_delete_a_target(client_for, cluster_a):
    target = Target.objects.create(
        cluster=cluster_a,
        kpi=KPI.objects.get(code="KPI3"),
        due_date=datetime.date(2019, 12, 31),
        value=10,
    )
    url = reverse("programmes:target-delete", args=[target.pk])
    assert client_for("cluster_manager_a").post(url).status_code == 403
    assert client_for("cluster_manager_b").post(url).status_code == 404
    assert client_for("evaluator").post(url).status_code == 403
    assert Target.objects.filter(pk=target.pk).exists()


def test_editing_a_cluster_is_audited_with_before_and_after(client_for, cluster_a):
    client = client_for("programme_manager")
    form = client.get(reverse("programmes:cluster-edit", args=["EUKA"])).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data["keywords"] = "; ".join(data["keywords"])
    data["name"] = "EUKA – drones"
    assert client.post(reverse("programmes:cluster-edit", args=["EUKA"]), data).status_code == 302
    entry = AuditEntry.objects.filter(
        content_type__model="cluster", object_id=str(cluster_a.pk)
    ).first()
    assert entry.action == "update" and entry.actor.username == "programme_manager"
    assert ("name", "EUKA (drones)", "EUKA – drones") in entry.changes
    page = client.get(reverse("core:object-history", args=["cluster", cluster_a.pk]))
    assert "EUKA – drones" in page.content.decode()


def test_an_unchanged_save_writes_no_audit_entry(cluster_a):
    before = AuditEntry.objects.count()
    assert audit.save(audit.Actor.system("test"), Cluster.objects.get(pk=cluster_a.pk)) is False
    assert AuditEntry.objects.count() == before


def test_cluster_type_rules_are_editable_and_validated(client_for):
    ibn = ClusterType.objects.get(code="IBN")
    client = client_for("programme_manager")
    response = client.post(
        reverse("programmes:cluster-type-edit", args=[ibn.pk]),
        {
            "code": "IBN",
            "name": ibn.name,
            "name_en": ibn.name_en,
            "max_annual_subsidy": "150000",
            "max_years": "3",
            "cofinancing_share": "1.5",
            "kpis": [],
        },
    )
    assert response.context["form"].errors["cofinancing_share"]


def test_programme_and_kpi_can_be_created(client_for):
    client = client_for("programme_manager")
    response = client.post(
        reverse("programmes:programme-create"),
        {
            "name": "Waals clusterbeleid",
            "name_en": "Walloon cluster policy",
            "slug": "wallonie",
            "agency": "SPW",
            "description": "",
            "start_date": "",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("programmes:kpi-create", args=["wallonie"]),
        {
            "code": "KPI1",
            "name": "Leden",
            "name_en": "Members",
            "definition": "Aantal leden",
            "definition_en": "",
            "unit": "bedrijven",
            "order": 1,
        },
    )
    assert response.status_code == 302
    assert Programme.objects.get(slug="wallonie").kpis.get().code == "KPI1"


def test_the_audit_log_lists_entries_and_filters_by_channel(client_for, cluster_a):
    client = client_for("programme_manager")
    page = client.get(reverse("core:audit-log"), {"via": "load-reference"})
    assert page.status_code == 200
    assert all(e.via == "load-reference" for e in page.context["page"].object_list)


def test_an_unknown_object_history_is_404(client_for):
    client = client_for("programme_manager")
    assert client.get(reverse("core:object-history", args=["cluster", 999999])).status_code == 404
    assert client.get(reverse("core:object-history", args=["user", 1])).status_code == 404


def test_an_application_cannot_have_a_cluster_unless_funded(db):
    import pytest
    from django.core.exceptions import ValidationError

    application = Application(
        call=Call.objects.get(number=1),
        applicant="A",
        title="B",
        status="rejected",
        cluster=Cluster.objects.get(code="ACB"),
    )
    with pytest.raises(ValidationError):
        application.full_clean()
