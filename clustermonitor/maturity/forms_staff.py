"""Forms of issue 21's cluster management team and aftercare."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.core.fields import MoneyField
from clustermonitor.maturity import aftercare as aftercare_rules
from clustermonitor.maturity.models_ladder import (
    Aftercare,
    FollowUp,
    StaffAssignment,
    StaffMember,
    Training,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StaffMemberForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = ["name", "qualifications"]
        widgets = {"qualifications": forms.Textarea(attrs={"rows": 3})}


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = StaffAssignment
        fields = ["role", "start_date", "end_date", "fte"]
        widgets = {"start_date": DATE, "end_date": DATE}

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("An assignment ends on or after its start."))
        return data


class EndAssignmentForm(forms.ModelForm):
    class Meta:
        model = StaffAssignment
        fields = ["end_date"]
        widgets = {"end_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].required = True

    def clean_end_date(self):
        end = self.cleaned_data["end_date"]
        if end < self.instance.start_date:
            raise forms.ValidationError(_("An assignment ends on or after its start."))
        return end


class TrainingForm(forms.ModelForm):
    class Meta:
        model = Training
        fields = ["title", "provider", "completed_on", "hours"]
        widgets = {"completed_on": DATE}

    def clean_hours(self):
        hours = self.cleaned_data.get("hours")
        if hours is not None and hours < 0:
            raise forms.ValidationError(_("Hours are not negative."))
        return hours


class AftercareForm(forms.ModelForm):
    """The status after the term; `into` offers the programme's other clusters (an SPC
    for an integration: the service checks which)."""

    class Meta:
        model = Aftercare
        fields = ["status", "since", "into", "note"]
        widgets = {"since": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cluster = cluster
        self.fields["into"].queryset = aftercare_rules.into_choices(cluster, "").order_by("code")
        self.fields["into"].help_text = _(
            "The spearhead cluster it joined, or the cluster it merged with."
        )


class FollowUpForm(forms.ModelForm):
    """A follow-up reported by the cluster: the year is one of those due."""

    year = forms.TypedChoiceField(label=_("year"), coerce=int)
    fees = MoneyField(label=FollowUp._meta.get_field("fees").verbose_name, required=False)

    class Meta:
        model = FollowUp
        fields = ["year", "members", "fees", "activities", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, cluster, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cluster = cluster
        years = aftercare_rules.follow_up_years(cluster, today)
        self.fields["year"].choices = [(y, y) for y in reversed(years)]
        self.fields["fees"].min_value = 0
        self.fields["fees"].widget.attrs["min"] = 0

    def clean_fees(self):
        fees = self.cleaned_data.get("fees")
        if fees is not None and fees < 0:
            raise forms.ValidationError(_("Figures are not negative."))
        return fees

    def validate_unique(self):
        """Reporting a year already there replaces it (the view finds it)."""


class CountForm(forms.Form):
    year = forms.TypedChoiceField(label=_("year"), coerce=int)

    def __init__(self, *args, cluster, today, **kwargs):
        super().__init__(*args, **kwargs)
        years = aftercare_rules.follow_up_years(cluster, today)
        self.fields["year"].choices = [(y, y) for y in reversed(years)]
