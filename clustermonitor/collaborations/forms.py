import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.accounts.owners import OwnerClustersMixin
from clustermonitor.collaborations.models import (
    Collaboration,
    InterclusterCall,
    Link,
    Party,
    Stage,
    StopReason,
)
from clustermonitor.core.fields import MoneyField, RecordsField
from clustermonitor.core.imports.forms import ImportUploadForm
from clustermonitor.members.forms import DATE
from clustermonitor.registry import enterprise
from clustermonitor.registry.models import Organisation


class CollaborationForm(OwnerClustersMixin, forms.ModelForm):
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
        field_classes = {"clusters": RecordsField, "budget": MoneyField, "grant": MoneyField}

    empty_message = _("A collaboration belongs to at least one cluster.")
    strip_message = _(
        "Only the programme manager or the cluster manager of %(cluster)s "
        "can remove that cluster from the collaboration."
    )
    own_message = _(
        "%(cluster)s stays among the clusters: a cluster manager cannot hand a "
        "collaboration to other clusters only."
    )

    def __init__(self, *args, clusters, user, home=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clusters"].queryset = clusters
        programme_ids = {c.programme_id for c in clusters}
        self.fields["intercluster_call"].queryset = InterclusterCall.objects.filter(
            programme_id__in=programme_ids
        )
        self.init_owners(user, home)


class NewCollaborationForm(CollaborationForm):
    """A new collaboration also says where it stands, and since when. The cluster of the
    page is always one of its clusters."""

    home_included = True

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
    """A party is an organisation of the registry: one of the members of the
    collaboration's clusters, or by its enterprise number (a university, a supplier, ...)
    one that the user may name (access.parties_for: any for the programme's readers; for
    a cluster manager present and past members of their cluster and the registry's
    public partners: knowledge institutions, government bodies and research or education
    organisations). A number the registry lacks may be added from the KBO lookup
    (registry.partners: any enterprise for the programme's readers, a research or
    education organisation for a cluster manager): `kbo_record` is then set and
    `organisation` left empty for the view to add it."""

    organisation = forms.ModelChoiceField(
        label=_("member"), queryset=Organisation.objects.none(), required=False
    )
    enterprise_number = forms.CharField(
        label=_("or enterprise number"),
        max_length=20,
        required=False,
        help_text=_(
            "Any organisation of the registry you may see, a knowledge institution, a "
            "research or education organisation (a university) or a government body."
        ),
    )
    role = forms.ChoiceField(label=_("role"), choices=Party.Role.choices)
    # Only for those who see the whole registry (may_create): a number that neither the
    # registry nor the KBO lookup knows is added under this name and kind.
    name = forms.CharField(
        label=_("name of a new organisation"),
        max_length=300,
        required=False,
        help_text=_("Only for an enterprise number that the registry and the KBO lookup lack."),
    )
    kind = forms.ChoiceField(
        label=_("kind of the new organisation"),
        choices=Organisation.Kind.choices,
        initial=Organisation.Kind.KNOWLEDGE,
        required=False,
    )

    def __init__(self, *args, organisations, registry, lookup=None, may_create=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        #: The organisations a number may name: those the user may see.
        self.registry = registry
        #: number -> the KBO lookup's record the user may add, or None (partners.lookup).
        self.lookup = lookup
        if not may_create:
            # A cluster manager: whether a number the registry holds is unknown to them
            # must not show, so no organisation is made from a typed name.
            del self.fields["name"], self.fields["kind"]

    def clean(self):
        data = super().clean()
        data["kbo_record"] = None
        number = (data.get("enterprise_number") or "").strip()
        if bool(data.get("organisation")) == bool(number):
            raise forms.ValidationError(_("Choose a member or give an enterprise number."))
        if number:
            try:
                normalised = enterprise.normalise(number)
            except enterprise.InvalidEnterpriseNumber as error:
                self.add_error("enterprise_number", _(error.reason))
                return data
            # An organisation the user may not see answers like a number not in the
            # registry: the form reveals nothing about it.
            organisation = self.registry.filter(enterprise_number=normalised).first()
            if organisation is None and self.lookup is not None:
                # Decided on the public KBO data only, never on the registry's contents.
                data["kbo_record"] = self.lookup(normalised)
                if data["kbo_record"] is not None:
                    return data
            if organisation is None and (data.get("name") or "").strip():
                data["kbo_record"] = {
                    "enterprise_number": normalised,
                    "name": data["name"].strip(),
                    "kind": data.get("kind") or Organisation.Kind.COMPANY,
                }
                return data
            if organisation is None:
                self.add_error(
                    "enterprise_number",
                    _(
                        "%(number)s is not among the organisations you can name: a party is "
                        "an organisation of the registry and, for a cluster manager, a "
                        "(former) member of their cluster, a knowledge institution, a "
                        "research or education organisation or a government body. Ask the "
                        "programme manager to add another."
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


class CollaborationUploadForm(ImportUploadForm):
    reference_date = forms.DateField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("collaboration list")

    def clean_reference_date(self):
        return datetime.date.today()
