"""Forms of the online application: a call's set-up (the programme manager's), the start
of an application on the portal, an attachment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.grants import uploads
from clustermonitor.grants.models import CallSetup

#: Entered and shown in Belgian time (the current time zone, settings.TIME_ZONE), to the
#: second: Django reads a naive moment in the current time zone and refuses one that
#: does not exist or is ambiguous there (the hour the clocks change).
MOMENT = forms.DateTimeInput(
    attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"
)


class CallSetupForm(forms.ModelForm):
    class Meta:
        model = CallSetup
        fields = [
            "opens_at",
            "closes_at",
            "questionnaire",
            "conditions",
            "conditions_en",
            "published",
        ]
        widgets = {
            "opens_at": MOMENT,
            "closes_at": MOMENT,
            "conditions": forms.Textarea(attrs={"rows": 8}),
            "conditions_en": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "opens_at": _("Belgian time (Europe/Brussels)."),
            "closes_at": _(
                "Belgian time (Europe/Brussels). A submission at or after this second is refused."
            ),
            "questionnaire": _("An XLSForm uploaded under Questionnaires."),
            "published": _("Shown on the public portal while the call is open."),
        }

    def __init__(self, *args, call, questionnaires, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.call = call
        # Choices are the programme's own questionnaires only.
        self.fields["questionnaire"].queryset = questionnaires

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("A call closes after it opens."))
        if cleaned.get("published") and not cleaned.get("questionnaire"):
            self.add_error("published", _("Choose the application form before publishing."))
        return cleaned


class StartForm(forms.Form):
    """The first save on the portal: who applies, for which organisation, and the title."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    organisation = forms.CharField(label=_("Applying organisation"), max_length=200)
    title = forms.CharField(label=_("Title of the application"), max_length=300)


class NewDraftForm(forms.Form):
    """A logged-in applicant starts another application."""

    organisation = forms.CharField(label=_("Applying organisation"), max_length=200)
    title = forms.CharField(label=_("Title of the application"), max_length=300)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, Excel, OpenDocument, PNG or JPEG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(set(uploads.TYPES)))}),
    )
