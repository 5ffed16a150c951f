from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.accounts.owners import OwnerClustersMixin
from clustermonitor.activities.models import Activity
from clustermonitor.core.fields import RecordsField
from clustermonitor.core.imports.forms import ImportUploadForm
from clustermonitor.members.forms import DATE
from clustermonitor.registry.models import Organisation


class ActivityForm(OwnerClustersMixin, forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "date",
            "end_date",
            "location",
            "description",
            "clusters",
            "public",
        ]
        widgets = {
            "date": DATE,
            "end_date": DATE,
            "clusters": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        field_classes = {"clusters": RecordsField}

    empty_message = _("An activity has at least one organising cluster.")
    strip_message = _(
        "Only the programme manager or the cluster manager of %(cluster)s can remove that "
        "cluster from the activity."
    )
    own_message = _(
        "%(cluster)s stays among the organisers: a cluster manager cannot hand an activity "
        "to other clusters only."
    )

    def __init__(self, *args, clusters, user, home=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A joint activity may list other clusters as co-organisers (the cluster list is
        # public); who may remove one is decided by access.owners_refusal.
        self.fields["clusters"].queryset = clusters
        self.init_owners(user, home)


class ParticipantForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("organisation"), queryset=Organisation.objects.none(), required=False
    )
    name = forms.CharField(label=_("participant"), max_length=300, required=False)
    organisation_name = forms.CharField(
        label=_("organisation (when not in the list)"), max_length=300, required=False
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and not data.get("organisation_name"):
            raise forms.ValidationError(_("Choose an organisation or type its name."))
        return data


class ReviewForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("organisation"), queryset=Organisation.objects.none(), required=False
    )
    guest = forms.BooleanField(
        label=_("a guest without organisation in the registry"), required=False
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean(self):
        data = super().clean()
        if bool(data.get("organisation")) == bool(data.get("guest")):
            raise forms.ValidationError(_("Choose the organisation, or mark as guest."))
        return data


class AttendeeUploadForm(ImportUploadForm):
    reference_date = forms.DateField(widget=forms.HiddenInput, required=False)
    activity = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("attendee list")
