"""Amounts in euro typed the Belgian way (issue 16): “1.500.000” is one and a half million,
never 1.5; an amount that can be read two ways is refused with a Dutch message that
names the expected format; every money field of the web forms reads amounts so."""

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils import translation

from clustermonitor.core.fields import AmbiguousAmount, MoneyField, parse_amount
from clustermonitor.programmes.models import Call, ClusterType
from tests.test_form_field_matrix import FOUND

READ = [
    ("1.500.000,50", "1500000.50"),
    ("1500000,50", "1500000.50"),
    ("1500000.50", "1500000.50"),
    ("1.500.000", "1500000"),
    ("€ 1.500.000", "1500000"),
    ("€1.500.000,00", "1500000.00"),
    ("1.500.000 EUR", "1500000"),
    ("1 500 000", "1500000"),
    ("1\u202f500\u202f000,5", "1500000.5"),
    ("1,500,000.50", "1500000.50"),
    ("1.500,50", "1500.50"),
    ("2250000", "2250000"),
    ("0,5", "0.5"),
    ("12.5", "12.5"),
    ("-1.250.000", "-1250000"),
]
AMBIGUOUS = ["1.500", "1,500", "€ 2.140", "12.345"]
INVALID = [
    "",
    "abc",
    "1.50.000",
    "1.500.000.5",
    "1,500,000",
    "1.500,000.50",
    "1500.000,50",
    "1,5,0",
    "1..5",
    "--5",
    "1 500,5 0 x",
]


@pytest.mark.parametrize(("text", "amount"), READ)
def test_an_amount_is_read_one_way(text, amount):
    assert parse_amount(text) == Decimal(amount)
    assert str(parse_amount(text)) == amount


@pytest.mark.parametrize("text", AMBIGUOUS)
def test_an_amount_that_reads_two_ways_is_refused(text):
    with pytest.raises(AmbiguousAmount):
        parse_amount(text)


@pytest.mark.parametrize("text", INVALID)
def test_no_amount_is_refused(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_the_field_says_in_dutch_what_to_type():
    field = MoneyField(max_digits=14, decimal_places=2)
    with translation.override("nl"):
        with pytest.raises(forms.ValidationError) as ambiguous:
            field.clean("1.500")
        with pytest.raises(forms.ValidationError) as invalid:
            field.clean("anderhalf miljoen")
        assert "1.500" in ambiguous.value.messages[0]
        assert "op twee manieren" in ambiguous.value.messages[0]
        assert "1.500.000,50" in invalid.value.messages[0]
        assert "komma" in invalid.value.messages[0]
    assert field.clean("€ 1.500.000") == Decimal(1_500_000)
    with pytest.raises(forms.ValidationError):
        field.clean("1.500.000,505")  # three decimals: no cents


def _money(model_field) -> bool:
    return isinstance(model_field, models.DecimalField) and "EUR" in str(model_field.verbose_name)


def test_every_money_field_of_the_web_forms_reads_belgian_amounts():
    money = []
    for name, form_class in FOUND.items():
        model = getattr(getattr(form_class, "_meta", None), "model", None)
        for field_name, form_field in form_class.base_fields.items():
            if model is None or not isinstance(form_field, forms.DecimalField):
                continue
            try:
                model_field = model._meta.get_field(field_name)
            except FieldDoesNotExist:  # a form-only field
                continue
            if _money(model_field):
                money.append(f"{name}.{field_name}")
                assert isinstance(form_field, MoneyField), f"{name}.{field_name}"
    assert len(money) >= 10, money
    from clustermonitor.members.forms import FeeScheduleForm

    tiers = FeeScheduleForm().fields
    assert all(isinstance(f, MoneyField) for n, f in tiers.items() if n.startswith("tier_"))


def test_a_call_budget_typed_the_belgian_way_round_trips(client_for):
    client = client_for("programme_manager")
    ibn = ClusterType.objects.get(code="IBN")
    data = {
        "cluster_type": ibn.pk,
        "number": 7,
        "name": "",
        "period": "2026",
        "opens_on": "2026-01-15",
        "closes_on": "2026-03-31",
        "budget": "€ 1.500.000",
    }
    response = client.post(reverse("programmes:call-create"), data)
    assert response.status_code == 302
    call = Call.objects.get(number=7)
    assert call.budget == Decimal(1_500_000)
    # The edit page shows the amount so that saving it again keeps it.
    edit = reverse("programmes:call-edit", args=[call.pk])
    shown = client.get(edit).context["form"]["budget"].value()
    response = client.post(edit, {**data, "budget": str(shown)})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.budget == Decimal(1_500_000)
    # An ambiguous amount is refused and nothing changes.
    response = client.post(edit, {**data, "budget": "1.500"})
    assert response.status_code == 200
    assert "1.500" in response.context["form"].errors["budget"][0]
    call.refresh_from_db()
    assert call.budget == Decimal(1_500_000)
