"""The pipeline's forms. Every choice offered is one the user may make: the owner is one
of the people who act for the prospect's cluster (accounts.access.prospect_owners), and a
value outside the choices is refused like an id in the URL."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.accounts import access
from clustermonitor.accounts.models import User
from clustermonitor.prospects.models import OPEN_STAGES, LostReason, Prospect, Source, Stage
from clustermonitor.registry import enterprise

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def owner_label(user) -> str:
    return user.get_full_name() or user.username


class OwnerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return owner_label(obj)


class ProspectForm(forms.ModelForm):
    """Add or edit a prospect of `cluster`; the company is looked up by its enterprise
    number when saved (the name may be left empty when the registry or KBO knows it)."""

    stage = forms.ChoiceField(
        label=_("first stage"),
        choices=[(s.value, s.label) for s in OPEN_STAGES],
        initial=Stage.NEW,
    )

    class Meta:
        model = Prospect
        fields = [
            "enterprise_number",
            "company_name",
            "stage",
            "source",
            "owner",
            "contact_name",
            "contact_email",
            "contact_phone",
            "next_step",
            "next_step_date",
            "note",
        ]
        widgets = {"next_step_date": DATE, "note": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"owner": OwnerField}

    def __init__(self, *args, cluster, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.cluster = cluster
        #: The part of the registry the name is looked up in: what the user may see.
        self.organisations = organisations
        self.instance.cluster = cluster
        self.fields["enterprise_number"] = forms.CharField(
            label=_("enterprise number"), max_length=40, help_text="0412.345.678"
        )
        if self.instance.pk and self.instance.enterprise_number:
            self.initial["enterprise_number"] = self.instance.enterprise_number_display
        self.fields["company_name"].required = False
        self.fields["company_name"].help_text = _(
            "Left empty: the name the registry or the KBO lookup gives."
        )
        self.fields["owner"].queryset = access.prospect_owners(User.objects, cluster)
        sources = [(s.value, s.label) for s in Source if s != Source.PORTAL]
        if self.instance.pk and self.instance.source == Source.PORTAL:
            sources = [(Source.PORTAL.value, Source.PORTAL.label)]
        self.fields["source"].choices = sources
        if self.instance.pk:
            del self.fields["stage"]  # moved with its own buttons

    def clean_enterprise_number(self):
        text = self.cleaned_data["enterprise_number"]
        try:
            number = enterprise.normalise(text)
        except enterprise.InvalidEnterpriseNumber as exc:
            raise forms.ValidationError(
                _("%(number)s is not a valid enterprise number: %(reason)s.")
                % {"number": text[:40], "reason": _(exc.reason)}
            ) from None
        changed = self.instance.pk and number != self.instance.enterprise_number
        if changed and self.instance.join_request_id:
            raise forms.ValidationError(
                _("The number of a join request stays the one the company gave.")
            )
        if changed and self.instance.stage == Stage.JOINED:
            raise forms.ValidationError(_("The company of a prospect that joined stays the same."))
        stage = self.instance.stage if self.instance.pk else self.data.get("stage")
        if stage in OPEN_STAGES or not self.instance.pk:
            same = Prospect.objects.filter(
                cluster=self.cluster, enterprise_number=number, stage__in=OPEN_STAGES
            ).exclude(pk=self.instance.pk)
            if same.exists():
                raise forms.ValidationError(_("This company is in the cluster's pipeline already."))
        return number

    def clean(self):
        data = super().clean()
        if not data.get("company_name") and data.get("enterprise_number"):
            from clustermonitor.prospects.services import look_up

            _found, organisation, company = look_up(data["enterprise_number"], self.organisations)
            name = organisation.name if organisation else company.get("name", "")
            if not name:
                self.add_error(
                    "company_name",
                    _("Neither the registry nor the KBO lookup knows this number: type the name."),
                )
            data["company_name"] = name[:300]
        return data


class MoveForm(forms.Form):
    """Move a prospect to another stage: "lost" needs a reason; "joined" the day its
    membership starts; a prospect from a join request that is lost declines the request
    with a message to the company."""

    stage = forms.ChoiceField(label=_("to stage"), choices=Stage.choices)
    note = forms.CharField(label=_("note"), required=False, max_length=300)
    start_date = forms.DateField(
        label=_("member from"), required=False, widget=DATE, initial=datetime.date.today
    )
    lost_reason = forms.ChoiceField(
        label=_("reason lost"), required=False, choices=[("", "—"), *LostReason.choices]
    )
    message = forms.CharField(
        label=_("Message to the company"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only for a join request: declining it sends this message by e-mail."),
    )

    def __init__(self, *args, prospect, **kwargs):
        super().__init__(*args, **kwargs)
        self.prospect = prospect
        allowed = [s for s in Stage if s != prospect.stage]
        if prospect.stage == Stage.JOINED:
            allowed = []
        elif prospect.stage == Stage.LOST:
            allowed = list(OPEN_STAGES)
        self.fields["stage"].choices = [(s.value, s.label) for s in allowed]
        if not prospect.join_request_id:
            del self.fields["message"]

    def clean(self):
        data = super().clean()
        stage = data.get("stage")
        if stage == Stage.LOST:
            if not data.get("lost_reason"):
                self.add_error("lost_reason", _("Say why the prospect was lost."))
            if "message" in self.fields and not data.get("message"):
                self.add_error("message", _("Write the message the company gets."))
        if stage == Stage.JOINED and not data.get("start_date"):
            self.add_error("start_date", _("Give the day the membership starts."))
        return data


class FeeForm(forms.Form):
    """The proposed fee, confirmed (the amount may be changed) as an expected
    contribution."""

    amount = forms.DecimalField(
        label=_("amount (EUR)"), min_value=0, max_digits=12, decimal_places=2
    )


class PipelineFilter(forms.Form):
    """The list's filters (GET): stage, owner, due."""

    stage = forms.ChoiceField(label=_("stage"), required=False, choices=[("", "—"), *Stage.choices])
    owner = forms.ChoiceField(label=_("owner"), required=False)
    due = forms.ChoiceField(
        label=_("next step"),
        required=False,
        choices=[
            ("", "—"),
            ("overdue", _("overdue")),
            ("due", _("due by today")),
            ("week", _("due within a week")),
        ],
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.owners = {str(u.pk): u for u in owners}
        self.fields["owner"].choices = [
            ("", "—"),
            ("none", _("without an owner")),
            *[(pk, owner_label(u)) for pk, u in self.owners.items()],
        ]

    def values(self) -> dict:
        """The filters asked for; a value outside the choices is left out."""
        if not self.is_valid():
            return {"stage": "", "owner": None, "due": ""}
        owner = self.cleaned_data["owner"]
        return {
            "stage": self.cleaned_data["stage"],
            "owner": "none" if owner == "none" else self.owners.get(owner),
            "due": self.cleaned_data["due"],
        }
