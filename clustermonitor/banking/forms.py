"""The forms of the bank statements: a bank account, the statement file, and the
decision on a line that waits (an invoice of the cluster's open ones, or none)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.banking.models import BankAccount
from clustermonitor.billing.templatetags.billing import cents


class BankAccountForm(forms.ModelForm):
    class Meta:
        model = BankAccount
        fields = ["iban", "name"]

    def clean_iban(self):
        return "".join(self.cleaned_data["iban"].split()).upper()


class StatementUploadForm(forms.Form):
    file = forms.FileField(
        label=_("statement file"),
        help_text=_("CODA (.cod, .txt) or camt.053 (.xml), as your bank delivers it"),
    )

    MAX_BYTES = 10 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        if not upload.name.lower().endswith((".cod", ".coda", ".txt", ".xml", ".053")):
            raise forms.ValidationError(_("Use a CODA (.cod) or camt.053 (.xml) file."))
        return upload


class AssignForm(forms.Form):
    """Which of the cluster's open invoices the line pays: the choices are the cluster's
    open invoices only, and the view checks the chosen one again (access)."""

    invoice = forms.ModelChoiceField(label=_("invoice"), queryset=None)

    def __init__(self, *args, invoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invoice"].queryset = invoices
        self.fields["invoice"].label_from_instance = lambda i: (
            f"{i.number} · {i.organisation.name} · € {cents(i.total)}"
        )


class IgnoreForm(forms.Form):
    confirm = forms.BooleanField(label=_("This line is not a fee payment"), required=True)
