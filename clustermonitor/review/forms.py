"""The screening and jury forms (issue 19). Every choice of a record is built by the view
from what the user may see (accounts.access_review): the call's own applications and
criteria, the accounts with the reviewer role."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.review.models import CheckKind, EligibilityCriterion, Rubric, RubricCriterion


class CriterionForm(forms.ModelForm):
    class Meta:
        model = EligibilityCriterion
        fields = ["kind", "text", "text_en", "limit"]
        help_texts = {
            "text": _("For a manual criterion: the question the screening answers yes or no."),
            "limit": _(
                "Members already in another running cluster: the largest share allowed, "
                "e.g. 0.50 (50 % when left empty)."
            ),
        }

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.call = call
        have = set(
            EligibilityCriterion.objects.filter(call=call)
            .exclude(kind=CheckKind.MANUAL)
            .values_list("kind", flat=True)
        )
        self.fields["kind"].choices = [
            (k, label) for k, label in CheckKind.choices if k not in have
        ]

    def clean(self):
        data = super().clean()
        if data.get("kind") == CheckKind.MANUAL and not (data.get("text") or "").strip():
            self.add_error("text", _("A manual criterion needs its question."))
        return data


class RubricForm(forms.ModelForm):
    class Meta:
        model = Rubric
        fields = ["threshold", "spread_limit"]


class RubricCriterionForm(forms.ModelForm):
    class Meta:
        model = RubricCriterion
        fields = ["name", "name_en", "guidance", "weight", "max_score", "threshold"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.call = call

    def clean(self):
        data = super().clean()
        threshold, top = data.get("threshold"), data.get("max_score")
        if threshold is not None and top is not None and threshold > top:
            self.add_error("threshold", _("The threshold cannot be above the maximum score."))
        return data


YES_NO = [("yes", _("yes")), ("no", _("no"))]


class ScreeningForm(forms.Form):
    """The manual criteria's answers (a yes/no and a reason each) and a note; the
    automatic criteria are computed and shown beside it."""

    note = forms.CharField(
        label=_("note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.manual = [c for c in criteria if not c.automatic]
        for criterion in self.manual:
            self.fields[f"met_{criterion.pk}"] = forms.ChoiceField(
                label=_("%(criterion)s: met?") % {"criterion": criterion.label},
                choices=YES_NO,
                widget=forms.RadioSelect,
            )
            self.fields[f"reason_{criterion.pk}"] = forms.CharField(
                label=_("reason"), required=False, max_length=1000
            )

    def clean(self):
        data = super().clean()
        for criterion in self.manual:
            if (
                data.get(f"met_{criterion.pk}") == "no"
                and not (data.get(f"reason_{criterion.pk}") or "").strip()
            ):
                self.add_error(f"reason_{criterion.pk}", _("Say why this criterion is not met."))
        return data

    def answers(self) -> dict:
        return {
            c.pk: (
                self.cleaned_data[f"met_{c.pk}"] == "yes",
                self.cleaned_data.get(f"reason_{c.pk}", ""),
            )
            for c in self.manual
        }


class AssignForm(forms.Form):
    """Put a reviewer on an application: both choices from the view (the call's
    applications in review, the accounts with the reviewer role)."""

    application = forms.ModelChoiceField(label=_("application"), queryset=None)
    reviewer = forms.ModelChoiceField(label=_("reviewer"), queryset=None)

    def __init__(self, *args, applications, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} ({u.email or u.username})"
        )


class InviteForm(forms.Form):
    """An external expert on the jury: an account with the reviewer role."""

    email = forms.EmailField(label=_("e-mail"))
    first_name = forms.CharField(label=_("first name"), max_length=150)
    last_name = forms.CharField(label=_("last name"), max_length=150)


class DeclarationForm(forms.Form):
    conflict = forms.ChoiceField(
        label=_("Do you have a conflict of interest with this application?"),
        choices=[("no", _("No conflict of interest")), ("yes", _("Yes, a conflict of interest"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("the conflict"),
        required=False,
        max_length=500,
        help_text=_("E.g. a member, a partner or an employer of yours; a relative involved."),
    )

    def clean(self):
        data = super().clean()
        if data.get("conflict") == "yes" and not (data.get("note") or "").strip():
            self.add_error("note", _("Describe the conflict of interest."))
        return data


class ScoreForm(forms.Form):
    """A score and a comment per rubric criterion of the call (the view hands in the
    criteria: only the assignment's call's)."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=_("%(criterion)s: score from 0 to %(max)d")
                % {"criterion": criterion.label, "max": criterion.max_score},
                required=False,
                min_value=0,
                max_value=criterion.max_score,
                help_text=criterion.guidance,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("comment"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def values(self) -> dict:
        return {
            c.pk: (self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}"))
            for c in self.criteria
        }


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("outcome"),
        choices=[("funded", _("funded")), ("rejected", _("rejected"))],
        widget=forms.RadioSelect,
    )
    funded_amount = forms.DecimalField(
        label=_("funded amount (EUR)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    motivation = forms.CharField(label=_("motivation"), max_length=6000, widget=forms.Textarea)
    meeting_date = forms.DateField(
        label=_("jury meeting"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    send_letter = forms.BooleanField(
        label=_("Mail the letter to the applicant"), required=False, initial=True
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "funded" and not data.get("funded_amount"):
            self.add_error("funded_amount", _("A funded application needs its amount."))
        return data
