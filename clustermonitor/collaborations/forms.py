import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.collaborations.models import (
    Collaboration,
    InterclusterCall,
    Link,
    Party,
    Stage,
    StopReason,
)
from clustermonitor.members.forms import DATE, UploadForm
from clustermonitor.registry import enterprise
from clustermonitor.registry.models import Organisation


class CollaborationForm(forms.ModelForm):
    class Meta:
        model = Collaboration
        fields = [
            "title",
            "description",
            "clusters",
            "nature",
            "value_chain",
            "purpose",
            "instrument",
            "intercluster_call",
            "decision",
            "budget",
            "grant",
            "start_date",
            "end_date",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "clusters": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "clusters": _("Two or more clusters make it an intercluster project."),
        }

    def __init__(self, *args, clusters, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["clusters"].queryset = clusters
        programme_ids = {c.programme_id for c in clusters}
        self.fields["intercluster_call"].queryset = InterclusterCall.objects.filter(
            programme_id__in=programme_ids
        )

    def clean_clusters(self):
        chosen = self.cleaned_data["clusters"]
        if self.user is None or self.instance.pk is None:
            return chosen
        from clustermonitor.accounts import access

        removed = set(self.instance.clusters.all()) - set(chosen)
        for cluster in sorted(removed, key=lambda c: c.code):
            if not (
                access.is_programme_manager(self.user) or access.manages_cluster(self.user, cluster)
            ):
                raise forms.ValidationError(
                    _(
                        "Only the programme manager or the cluster manager of %(cluster)s "
                        "can remove that cluster from the collaboration."
                    )
                    % {"cluster": cluster.code}
                )
        if not chosen:
            raise forms.ValidationError(_("A collaboration belongs to at least one cluster."))
        return chosen


class NewCollaborationForm(CollaborationForm):
    """A new collaboration also says where it stands, and since when."""

    stage = forms.ChoiceField(
        label=_("stage"),
        choices=[c for c in Stage.choices if c[0] != Stage.STOPPED],
        initial=Stage.IDEA,
    )
    stage_date = forms.DateField(
        label=_("since"), widget=DATE, initial=datetime.date.today, required=True
    )

    class Meta(CollaborationForm.Meta):
        fields = CollaborationForm.Meta.fields


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("new stage"), choices=Stage.choices)
    date = forms.DateField(label=_("date"), widget=DATE, initial=datetime.date.today)
    reason = forms.ChoiceField(
        label=_("reason for stopping"),
        choices=[("", "—"), *StopReason.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("note"),
        max_length=500,
        required=False,
        help_text=_("Needed when going back a stage or reopening."),
    )


class PartyForm(forms.Form):
    """A party is an organisation of the registry: one of the cluster's members, or any
    registered organisation by its enterprise number (a university, a supplier, ...)."""

    organisation = forms.ModelChoiceField(
        label=_("member"), queryset=Organisation.objects.none(), required=False
    )
    enterprise_number = forms.CharField(
        label=_("or enterprise number"), max_length=20, required=False
    )
    role = forms.ChoiceField(label=_("role"), choices=Party.Role.choices)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean(self):
        data = super().clean()
        number = (data.get("enterprise_number") or "").strip()
        if bool(data.get("organisation")) == bool(number):
            raise forms.ValidationError(_("Choose a member or give an enterprise number."))
        if number:
            try:
                normalised = enterprise.normalise(number)
            except enterprise.InvalidEnterpriseNumber as error:
                self.add_error("enterprise_number", _(error.reason))
                return data
            organisation = Organisation.objects.filter(enterprise_number=normalised).first()
            if organisation is None:
                self.add_error(
                    "enterprise_number",
                    _(
                        "%(number)s is no organisation in the registry: a party must be. "
                        "Ask the programme manager or a cluster it belongs to to add it."
                    )
                    % {"number": enterprise.display(normalised)},
                )
                return data
            data["organisation"] = organisation
        return data


class LinkForm(forms.ModelForm):
    class Meta:
        model = Link
        fields = ["title", "url"]


class CollaborationUploadForm(UploadForm):
    reference_date = forms.DateField(widget=forms.HiddenInput, required=False)
    full_list = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("collaboration list")

    def clean_reference_date(self):
        return datetime.date.today()
