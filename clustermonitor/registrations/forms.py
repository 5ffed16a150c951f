from django import forms
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from clustermonitor.registrations.models import Question, RegistrationSettings
from clustermonitor.registry import enterprise

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SettingsForm(forms.ModelForm):
    class Meta:
        model = RegistrationSettings
        fields = ["is_open", "opens_at", "closes_at", "capacity", "waiting_list", "intro"]
        widgets = {
            "opens_at": DATETIME,
            "closes_at": DATETIME,
            "intro": forms.Textarea(attrs={"rows": 3}),
        }


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["label", "kind", "choices", "required", "position"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}


def _enterprise_number(text: str) -> str:
    """The number as 10 digits, or a form error naming the number and the reason."""
    text = (text or "").strip()
    if not text:
        return ""
    try:
        return enterprise.normalise(text)
    except enterprise.InvalidEnterpriseNumber as exc:
        raise forms.ValidationError(
            _gettext("%(number)s is not a valid enterprise number: %(reason)s.")
            % {"number": text, "reason": _gettext(exc.reason)}
        ) from None


YES_NO = [("yes", _("yes")), ("no", _("no"))]


class RegisterForm(forms.Form):
    """The public registration form. `website` is the honeypot: hidden from people,
    filled in by robots. The event's questions follow the fixed fields, as `q<pk>`."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("Your confirmation, ticket and cancellation link are sent here."),
    )
    company_name = forms.CharField(
        label=_("Company or organisation"), max_length=300, required=False
    )
    enterprise_number = forms.CharField(
        label=_("Enterprise number"),
        max_length=40,
        required=False,
        help_text=_("Optional: 0412.345.678. Leave empty if you come in your own name."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the organisers use these details for this event (registration, "
            "ticket, check-in) and keep them as long as they are needed for it."
        ),
        error_messages={"required": _("Tick the box to agree, or we cannot register you.")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["company_name"].widget.attrs["autocomplete"] = "organization"
        for question in self.questions:
            if question.kind == Question.Kind.CHOICE:
                field = forms.ChoiceField(
                    choices=[("", "---------")] + [(c, c) for c in question.choice_list()]
                )
            elif question.kind == Question.Kind.YES_NO:
                field = forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect)
            else:
                field = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
            field.label = question.label
            field.required = question.required
            self.fields[question.key] = field
        # The honeypot last, out of the way.
        self.fields["website"] = self.fields.pop("website")

    def clean_enterprise_number(self):
        return _enterprise_number(self.cleaned_data.get("enterprise_number"))

    @property
    def is_robot(self) -> bool:
        return bool((self.data.get("website") or "").strip())

    def answers(self) -> dict:
        """The answers by question id (text), the question's label kept with them."""
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(question.key)
            if value not in (None, ""):
                answers[str(question.pk)] = {"question": question.label, "answer": value}
        return answers


class WalkInForm(forms.Form):
    """Someone at the door: by enterprise number (the company is looked up), or a guest."""

    name = forms.CharField(label=_("Name"), max_length=200)
    enterprise_number = forms.CharField(
        label=_("Enterprise number"),
        max_length=40,
        required=False,
        help_text=_("Leave empty for a guest without a company number."),
    )
    company_name = forms.CharField(
        label=_("Company or organisation"), max_length=300, required=False
    )
    email = forms.EmailField(label=_("E-mail address"), max_length=254, required=False)

    def clean_enterprise_number(self):
        return _enterprise_number(self.cleaned_data.get("enterprise_number"))


class ScanForm(forms.Form):
    """What the camera read from a ticket's QR code."""

    token = forms.CharField(max_length=200)

    def clean_token(self):
        return self.cleaned_data["token"].strip()
