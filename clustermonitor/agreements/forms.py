"""The forms of agreements: plain forms whose values the services check again (a
refused step comes back as the form's error). No form carries a record's id: the
records are in the URL, looked up through accounts.access."""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clustermonitor.agreements.models import Amendment
from clustermonitor.core.fields import MoneyField, parse_amount
from clustermonitor.programmes.models import code_validator

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = {"widget": forms.Textarea(attrs={"rows": 3})}


def _date(label, required=True, help_text=""):
    return forms.DateField(label=label, required=required, widget=DATE, help_text=help_text)


class FromApplicationForm(forms.Form):
    code = forms.CharField(
        label=_("cluster code"), max_length=20, validators=[code_validator], help_text="EUKA"
    )
    signed_on = _date(_("agreement decided on"))
    start_date = _date(
        _("start date"), required=False, help_text=_("Empty: the start date of the application.")
    )
    condition = forms.CharField(
        label=_("condition"),
        max_length=300,
        required=False,
        help_text=_("For example: a business plan for integration into the SPC."),
    )
    condition_due_date = _date(_("condition due date"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("condition") and not data.get("condition_due_date"):
            self.add_error("condition_due_date", _("Give the date the condition is due."))
        return data

    def conditions(self) -> list:
        data = self.cleaned_data
        return [(data["condition"], data["condition_due_date"])] if data.get("condition") else []


class ForClusterForm(forms.Form):
    signed_on = _date(_("agreement decided on"))
    subsidy = MoneyField(
        label=_("subsidy (EUR)"),
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        help_text=_("Empty: the subsidy of the cluster's record."),
    )
    note = forms.CharField(label=_("note"), required=False, max_length=2000, **TEXT)


def parse_lines(text: str) -> list[tuple[int, Decimal, Decimal]]:
    """Budget lines typed one a line: ``year; subsidy; co-financing`` (the co-financing
    may be left out)."""
    lines, seen = [], set()
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.split(";")]
        try:
            if len(parts) not in (2, 3):
                raise ValueError
            year = int(parts[0])
            if not 1 <= year <= 30:
                raise ValueError
            subsidy = parse_amount(parts[1])
            cofinancing = parse_amount(parts[2]) if len(parts) == 3 and parts[2] else Decimal(0)
            if subsidy < 0 or cofinancing < 0 or max(subsidy, cofinancing) >= 10**12:
                raise ValueError
        except (ValueError, ArithmeticError):
            raise ValidationError(
                _("Line %(n)s: type year; subsidy; co-financing (for example 2; 150000; 50000).")
                % {"n": number}
            ) from None
        if year in seen:
            raise ValidationError(_("Line %(n)s: year %(y)s twice.") % {"n": number, "y": year})
        seen.add(year)
        lines.append(
            (year, subsidy.quantize(Decimal("0.01")), cofinancing.quantize(Decimal("0.01")))
        )
    return lines


class AmendmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Amendment.Kind.choices)
    decided_on = _date(_("decided on"))
    effective_on = _date(_("effective from"))
    decision = forms.CharField(label=_("decision and motivation"), max_length=4000, **TEXT)
    new_end_date = _date(_("new end date"), required=False)
    new_subsidy = MoneyField(
        label=_("new subsidy (EUR)"),
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
    )
    lines = forms.CharField(
        label=_("new yearly lines"),
        required=False,
        max_length=2000,
        help_text=_("One a line: year; subsidy; co-financing. Only the years that change."),
        **TEXT,
    )

    def clean_lines(self):
        return parse_lines(self.cleaned_data.get("lines", ""))

    def clean(self):
        data = super().clean()
        decided, effective = data.get("decided_on"), data.get("effective_on")
        if decided and effective and effective < decided - datetime.timedelta(days=366):
            self.add_error("effective_on", _("Effective more than a year before the decision."))
        return data


class ConditionForm(forms.Form):
    description = forms.CharField(label=_("condition"), max_length=300)
    due_date = _date(_("due date"))


class ConditionMetForm(forms.Form):
    met_on = _date(_("met on"))
    evidence = forms.CharField(label=_("evidence"), max_length=4000, **TEXT)


class PaymentForm(forms.Form):
    paid_on = _date(_("paid on"))
    reference = forms.CharField(
        label=_("reference"), max_length=80, help_text=_("The bookkeeping's reference.")
    )
    amount = MoneyField(
        label=_("amount (EUR)"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
