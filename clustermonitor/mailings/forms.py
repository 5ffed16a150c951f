from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.core import segments
from clustermonitor.mailings.models import LANGUAGES, Consent, Mailing
from clustermonitor.members.forms import DATE


class MailingForm(forms.ModelForm):
    """A newsletter's draft: who receives it (the segments offered for the cluster: a
    value not offered, such as another cluster's activity, is refused) and its Dutch and
    English versions, in Markdown."""

    segment = forms.ChoiceField(label=_("recipients"))

    class Meta:
        model = Mailing
        fields = ["segment", "subject_nl", "body_nl", "subject_en", "body_en"]
        widgets = {
            "body_nl": forms.Textarea(attrs={"rows": 12}),
            "body_en": forms.Textarea(attrs={"rows": 12}),
        }
        help_texts = {
            "body_nl": _(
                "Markdown: **bold**, *italic*, [a link](https://…), lists with - or 1. "
                "HTML is shown as text."
            ),
            "subject_en": _("Leave the English version empty to send Dutch to everyone."),
        }

    def __init__(self, *args, cluster, on, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = segments.options(cluster, on)

    def _one_line(self, name):
        value = self.cleaned_data.get(name, "")
        if "\r" in value or "\n" in value:
            raise forms.ValidationError(_("A subject is one line."))
        return value

    def clean_subject_nl(self):
        return self._one_line("subject_nl")

    def clean_subject_en(self):
        return self._one_line("subject_en")

    def clean(self):
        data = super().clean()
        if bool((data.get("subject_en") or "").strip()) != bool(
            (data.get("body_en") or "").strip()
        ):
            raise forms.ValidationError(
                _("The English version needs both a subject and a text, or neither.")
            )
        return data


class TestSendForm(forms.Form):
    language = forms.ChoiceField(label=_("version"), choices=LANGUAGES, initial="nl")


class ConsentForm(forms.Form):
    email = forms.EmailField(label=_("e-mail"))
    basis = forms.ChoiceField(label=_("lawful basis"), choices=Consent.Basis.choices)
    given_on = forms.DateField(label=_("date"), widget=DATE)
    source = forms.CharField(
        label=_("source"),
        max_length=200,
        help_text=_("Where and how it was given: a form, an event's registration, a letter."),
    )
    language = forms.ChoiceField(
        label=_("language"), choices=[("", "—"), *LANGUAGES], required=False
    )


class SuppressionForm(forms.Form):
    email = forms.EmailField(label=_("e-mail"))
    note = forms.CharField(label=_("note"), max_length=300, required=False)
