from django import forms
from django.utils.translation import gettext_lazy as _
from stdnum import bic as stdnum_bic
from stdnum import exceptions as stdnum_errors
from stdnum import iban as stdnum_iban
from stdnum.be import iban as be_iban

from clustermonitor.billing.models import BillingSettings, VatRegime
from clustermonitor.registry import enterprise


class BillingSettingsForm(forms.ModelForm):
    """A cluster's legal details and VAT regime. Numbers are checked with python-stdnum:
    the enterprise number, the VAT number (BE + that enterprise number), the IBAN and the
    BIC (filled in from a Belgian IBAN when left empty)."""

    class Meta:
        model = BillingSettings
        fields = [
            "legal_name",
            "enterprise_number",
            "vat_regime",
            "vat_number",
            "exemption_note",
            "street",
            "postcode",
            "city",
            "country",
            "iban",
            "bic",
            "email",
            "payment_term_days",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bic"].required = False
        # Typed as people write them (dots, spaces); stored compact.
        for name, length in (("enterprise_number", 20), ("iban", 42), ("vat_number", 20)):
            self.fields[name].max_length = length
            self.fields[name].widget.attrs["maxlength"] = length
            self.fields[name].validators = []

    def clean_enterprise_number(self):
        try:
            return enterprise.normalise(self.cleaned_data["enterprise_number"])
        except enterprise.InvalidEnterpriseNumber as exc:
            raise forms.ValidationError(
                _("Not a valid enterprise number: %(reason)s.") % {"reason": _(exc.reason)}
            ) from None

    def clean_iban(self):
        try:
            return stdnum_iban.validate(self.cleaned_data["iban"])
        except stdnum_errors.ValidationError:
            raise forms.ValidationError(_("Not a valid IBAN.")) from None

    def clean_bic(self):
        text = self.cleaned_data.get("bic", "")
        if not text:
            return ""
        try:
            return stdnum_bic.validate(text)
        except stdnum_errors.ValidationError:
            raise forms.ValidationError(_("Not a valid BIC.")) from None

    def clean(self):
        data = super().clean()
        regime = data.get("vat_regime")
        number = data.get("enterprise_number")
        vat = (data.get("vat_number") or "").replace(" ", "").replace(".", "").upper()
        if regime == VatRegime.NOT_LIABLE:
            if vat:
                self.add_error(
                    "vat_number",
                    _("A cluster not liable to VAT has no VAT number on its invoices."),
                )
        elif number:
            if not vat:
                vat = f"BE{number}"
            if vat != f"BE{number}":
                self.add_error(
                    "vat_number", _("The VAT number is BE followed by the enterprise number.")
                )
        data["vat_number"] = vat
        if regime == VatRegime.EXEMPT and not data.get("exemption_note"):
            self.add_error(
                "exemption_note",
                _("An exempt invoice states why: give the article of the VAT code."),
            )
        iban = data.get("iban")
        if iban and not data.get("bic"):
            found = be_iban.to_bic(iban) if iban.startswith("BE") else None
            if found:
                data["bic"] = found
            else:
                self.add_error("bic", _("Give the BIC of this account."))
        return data
