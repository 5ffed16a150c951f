"""The cluster type's rules: subsidy ceiling and maximum duration (DESIGN §1, issue 2)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clustermonitor.core.models import AuditEntry
from clustermonitor.programmes.models import Call, Cluster, ClusterType
from clustermonitor.programmes.rules_math import add_years, agreement_months, max_subsidy

D = datetime.date


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2016, 10, 1), D(2019, 9, 30), 36),
        (D(2016, 10, 15), D(2019, 9, 30), 36),  # 35 months and 16 days: a started month counts
        (D(2016, 10, 1), D(2019, 10, 14), 37),
        (D(2017, 1, 1), D(2026, 12, 31), 120),
        (D(2020, 1, 1), D(2020, 1, 31), 1),
    ],
)
def test_it_counts_agreement_months(start, end, months):
    assert agreement_months(start, end) == months


def test_it_computes_the_subsidy_ceiling():
    assert max_subsidy(Decimal(150000), D(2016, 10, 1), D(2019, 9, 30)) == 450000
    assert max_subsidy(Decimal(150000), D(2016, 10, 1), D(2018, 3, 31)) == 225000


def test_it_adds_years_on_29_february():
    assert add_years(D(2016, 2, 29), 3) == D(2019, 2, 28)


def _ibn(**overrides):
    ibn = ClusterType.objects.get(code="IBN")
    values = {
        "programme": ibn.programme,
        "code": "NEW",
        "name": "New network",
        "cluster_type": ibn,
        "call": Call.objects.get(number=2),
        "start_date": D(2022, 1, 1),
        "end_date": D(2024, 12, 31),
        "subsidy": Decimal(450000),
        "embedding": "zelfstandig",
    }
    values.update(overrides)
    return Cluster(**values)


def test_it_accepts_the_ibn_maximum(db):
    _ibn().full_clean()


def test_it_refuses_a_subsidy_above_the_maximum_saying_by_how_much(db):
    with pytest.raises(ValidationError) as error:
        _ibn(subsidy=Decimal(480000)).full_clean()
    (message,) = error.value.message_dict["subsidy"]
    assert message == (
        "€ 480.000 ligt boven het IBN-maximum van € 450.000 "
        "(€ 150.000 per jaar gedurende 36 maanden) met € 30.000."
    )
    assert "30.000" in message and "450.000" in message


def test_it_refuses_a_term_beyond_the_maximum(db):
    with pytest.raises(ValidationError) as error:
        _ibn(end_date=D(2025, 3, 31), subsidy=None).full_clean()
    (message,) = error.value.message_dict["end_date"]
    assert "39" in message and "3" in message


def test_it_refuses_an_end_before_the_start(db):
    with pytest.raises(ValidationError) as error:
        _ibn(end_date=D(2021, 1, 1)).full_clean()
    assert "end_date" in error.value.message_dict


def test_it_refuses_a_call_of_another_type(db):
    spc = ClusterType.objects.get(code="SPC")
    with pytest.raises(ValidationError) as error:
        _ibn(cluster_type=spc, subsidy=None).full_clean()
    assert "call" in error.value.message_dict


def test_it_asks_which_organisation_takes_an_integrated_cluster_in(db):
    with pytest.raises(ValidationError) as error:
        _ibn(future_path="integrated").full_clean()
    assert "future_organisation" in error.value.message_dict


FORM = {
    "code": "DRONE2",
    "name": "Drones 2",
    "cluster_type": None,
    "call": None,
    "executing_organisation": "Drones vzw",
    "embedding": "zelfstandig",
    "origin": "Nieuw",
    "domain": "",
    "keywords": "drones; inspectie",
    "start_date": "2022-01-01",
    "end_date": "2024-12-31",
    "subsidy": "480000",
    "future_path": "",
    "future_organisation": "",
    "future_note": "",
    "website": "",
    "account_manager": "",
}


def test_the_form_shows_the_rule_and_keeps_the_input(client_for, db):
    form = {
        **FORM,
        "cluster_type": ClusterType.objects.get(code="IBN").pk,
        "call": Call.objects.get(number=2).pk,
    }
    response = client_for("programme_manager").post(reverse("programmes:cluster-create"), form)
    assert response.status_code == 200
    assert "met € 30.000" in response.content.decode()
    assert 'value="Drones 2"' in response.content.decode()
    assert not Cluster.objects.filter(code="DRONE2").exists()


def test_the_programme_manager_creates_a_cluster_audited(client_for, db):
    form = {
        **FORM,
        "subsidy": "450000",
        "cluster_type": ClusterType.objects.get(code="IBN").pk,
        "call": Call.objects.get(number=2).pk,
    }
    response = client_for("programme_manager").post(reverse("programmes:cluster-create"), form)
    assert response.status_code == 302
    cluster = Cluster.objects.get(code="DRONE2")
    assert cluster.keywords == ["drones", "inspectie"]
    entry = AuditEntry.objects.get(object_id=str(cluster.pk), content_type__model="cluster")
    assert entry.action == "create" and entry.actor.username == "programme_manager"
    assert entry.after["subsidy"] == "450000.00"


def test_a_duplicate_code_is_a_field_error(client_for, db):
    form = {
        **FORM,
        "code": "EUKA",
        "subsidy": "1",
        "call": "",
        "cluster_type": ClusterType.objects.get(code="IBN").pk,
    }
    response = client_for("programme_manager").post(reverse("programmes:cluster-create"), form)
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
