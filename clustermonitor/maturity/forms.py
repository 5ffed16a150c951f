"""Forms of issue 6: exit plans and criteria sets."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.core.fields import MoneyField
from clustermonitor.maturity.models import (
    SPC_CODE,
    Assessment,
    CriteriaSet,
    Criterion,
    CriterionKind,
    ExitPath,
    ExitPlan,
    Label,
    Level,
    LevelDecision,
)
from clustermonitor.programmes.forms import ParentBoundForm
from clustermonitor.programmes.models import Cluster


class ExitPlanForm(ParentBoundForm):
    parent_field = "cluster"

    class Meta:
        model = ExitPlan
        fields = ["path", "organisation", "spc", "business_model", "notes"]
        widgets = {
            "business_model": forms.Textarea(attrs={"rows": 5}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, cluster: Cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cluster = cluster
        self.fields["spc"].queryset = (
            Cluster.objects.filter(programme=cluster.programme, cluster_type__code=SPC_CODE)
            .exclude(pk=cluster.pk)
            .order_by("name")
        )

    def clean(self):
        data = super().clean()
        # A path that names no organisation or SPC leaves those empty, whatever was typed
        # for another path before.
        path = data.get("path")
        if path != ExitPath.INTEGRATED:
            data["organisation"] = ""
            self.instance.organisation = ""
        if path != ExitPath.MERGES_SPC:
            data["spc"] = None
            self.instance.spc = None
        return data


class ReturnForm(forms.Form):
    note = forms.CharField(label=_("why it goes back"), max_length=250)


class CriteriaSetForm(ParentBoundForm):
    class Meta:
        model = CriteriaSet
        fields = ["name", "name_en", "description", "description_en"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        if self.instance.previous_id:
            for name in ("name", "name_en"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("A new version keeps the name of the set.")


class CriterionForm(forms.ModelForm):
    metric = forms.CharField(
        label=_("metric"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"list": "metric-codes", "autocomplete": "off"}),
        help_text=_("For a computed criterion: one of the codes listed below the form."),
    )

    class Meta:
        model = Criterion
        fields = [
            "order",
            "text",
            "text_en",
            "kind",
            "metric",
            "operator",
            "threshold",
            "guidance",
            "guidance_en",
        ]

    def __init__(self, *args, criteria_set: CriteriaSet, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.criteria_set = criteria_set

    # An unknown metric code is refused by Criterion.clean, which the form runs: one rule
    # and one message ("Unknown metric “x”. Valid metrics: ...") for the form and services.

    def clean(self):
        data = super().clean()
        if data.get("kind") == CriterionKind.EVIDENCE:
            # Typed for a computed criterion before the kind changed: not part of it.
            for name in ("metric", "operator"):
                data[name] = ""
                setattr(self.instance, name, "")
            data["threshold"] = self.instance.threshold = None
        return data


class EvidenceForm(forms.Form):
    evidence = forms.CharField(
        label=_("evidence"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What shows it: a description, a link to a document, a reference."),
    )


class CheckForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("decision"), choices=[("accept", _("accept")), ("reject", _("reject"))]
    )
    note = forms.CharField(
        label=_("comment"),
        required=False,
        max_length=500,
        help_text=_("Required when rejecting."),
    )


# -- The ladder and labels (issue 21) -----------------------------------------------------

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _published_sets(programme):
    return CriteriaSet.objects.filter(
        programme=programme, status=CriteriaSet.Status.PUBLISHED
    ).order_by("name", "-version")


class LevelForm(ParentBoundForm):
    max_annual_subsidy = MoneyField(
        label=Level._meta.get_field("max_annual_subsidy").verbose_name, required=False
    )

    class Meta:
        model = Level
        fields = [
            "order",
            "code",
            "name",
            "name_en",
            "description",
            "description_en",
            "criteria_set",
            "min_months",
            "max_annual_subsidy",
            "max_years",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["criteria_set"].queryset = _published_sets(programme)


class LabelForm(ParentBoundForm):
    class Meta:
        model = Label
        fields = [
            "code",
            "name",
            "issuer",
            "rank",
            "criteria_set",
            "validity_months",
            "use_after_term",
        ]
        widgets = {"use_after_term": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["criteria_set"].queryset = _published_sets(programme)


class LevelDecisionForm(forms.Form):
    """A decision on one cluster: the levels of its programme, its own assessments."""

    kind = forms.ChoiceField(label=_("kind"), choices=LevelDecision.Kind.choices)
    level = forms.ModelChoiceField(label=_("level"), queryset=Level.objects.none())
    assessment = forms.ModelChoiceField(
        label=_("assessment"),
        queryset=Assessment.objects.none(),
        required=False,
        help_text=_("Required for a promotion or demotion: against the target level's set."),
    )
    decided_on = forms.DateField(label=_("decided on"), widget=DATE)
    effective_from = forms.DateField(label=_("effective from"), widget=DATE)
    motivation = forms.CharField(label=_("motivation"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, cluster: Cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = Level.objects.filter(programme=cluster.programme_id)
        self.fields["assessment"].queryset = Assessment.objects.filter(
            cluster=cluster
        ).select_related("criteria_set", "cluster")


class LabelAwardForm(forms.Form):
    label = forms.ModelChoiceField(label=_("label awarded"), queryset=Label.objects.none())
    awarded_on = forms.DateField(label=_("awarded on"), widget=DATE)
    valid_until = forms.DateField(
        label=_("valid until"),
        required=False,
        widget=DATE,
        help_text=_("Empty: awarded on plus the label's validity."),
    )
    reference = forms.CharField(label=_("reference"), max_length=100, required=False)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, cluster: Cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["label"].queryset = Label.objects.filter(programme=cluster.programme_id)
