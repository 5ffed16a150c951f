from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.accounts.models import Role, User
from clustermonitor.core.fields import MoneyField, RecordsField
from clustermonitor.programmes.models import (
    KPI,
    Application,
    Call,
    Cluster,
    ClusterType,
    Programme,
    Target,
)
from clustermonitor.programmes.reference import split_keywords

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ParentBoundForm(forms.ModelForm):
    """A form for a record that belongs to a parent set by the view (its programme,
    call or cluster). The parent is no form field, but unique constraints that include
    it must still be checked, so it is not excluded from validation."""

    parent_field = "programme"

    def _get_validation_exclusions(self):
        excluded = super()._get_validation_exclusions()
        excluded.discard(self.parent_field)
        return excluded


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["name", "name_en", "slug", "agency", "description", "start_date"]
        widgets = {"start_date": DATE, "description": forms.Textarea(attrs={"rows": 3})}


class ClusterTypeForm(ParentBoundForm):
    class Meta:
        model = ClusterType
        fields = [
            "code",
            "name",
            "name_en",
            "max_annual_subsidy",
            "max_years",
            "cofinancing_share",
            "kpis",
        ]
        widgets = {"kpis": forms.CheckboxSelectMultiple}
        field_classes = {"kpis": RecordsField, "max_annual_subsidy": MoneyField}

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["kpis"].queryset = programme.kpis.all()
        self.fields["kpis"].label_from_instance = lambda kpi: f"{kpi.code} {kpi.label}"


class KPIForm(ParentBoundForm):
    class Meta:
        model = KPI
        fields = ["code", "name", "name_en", "definition", "definition_en", "unit", "order"]
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 3}),
            "definition_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme


class CallForm(ParentBoundForm):
    class Meta:
        model = Call
        fields = ["cluster_type", "number", "name", "period", "opens_on", "closes_on", "budget"]
        widgets = {"opens_on": DATE, "closes_on": DATE}
        field_classes = {"budget": MoneyField}

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["cluster_type"].queryset = programme.cluster_types.all()


class ApplicationForm(ParentBoundForm):
    parent_field = "call"

    class Meta:
        model = Application
        fields = ["applicant", "title", "requested_amount", "status", "funded_amount", "cluster"]
        field_classes = {"requested_amount": MoneyField, "funded_amount": MoneyField}

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.call = call
        self.fields["cluster"].queryset = Cluster.objects.filter(
            programme=call.programme, cluster_type=call.cluster_type
        )
        # A draft is an applicant's, online (issue 19): never entered here.
        self.fields["status"].choices = [
            c for c in self.fields["status"].choices if c[0] != Application.Status.DRAFT
        ]


class KeywordsField(forms.CharField):
    """Keywords typed as one line separated by ';' and stored as a list."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return "; ".join(value)
        return value

    def to_python(self, value):
        return split_keywords(super().to_python(value) or "")


class ClusterForm(ParentBoundForm):
    keywords = KeywordsField(
        label=_("keywords"), required=False, help_text=_("Separate keywords with ';'.")
    )

    class Meta:
        model = Cluster
        fields = [
            "code",
            "name",
            "cluster_type",
            "call",
            "executing_organisation",
            "embedding",
            "origin",
            "domain",
            "keywords",
            "start_date",
            "end_date",
            "subsidy",
            "future_path",
            "future_organisation",
            "future_note",
            "website",
            "account_manager",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}
        field_classes = {"subsidy": MoneyField}

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["cluster_type"].queryset = programme.cluster_types.all()
        self.fields["call"].queryset = programme.calls.select_related("cluster_type")
        self.fields["account_manager"].queryset = User.objects.filter(
            role_assignments__role=Role.ACCOUNT_MANAGER, is_active=True
        ).distinct()


class TargetForm(ParentBoundForm):
    parent_field = "cluster"

    class Meta:
        model = Target
        fields = ["kpi", "due_date", "baseline", "value", "note"]
        widgets = {"due_date": DATE}

    def __init__(self, *args, cluster: Cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cluster = cluster
        self.fields["kpi"].queryset = (
            cluster.cluster_type.kpis.all() or cluster.programme.kpis.all()
        )
        if not self.instance.pk:
            self.initial.setdefault("due_date", Target.default_due_date(cluster))
