import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.core.fields import MoneyField, RecordsField
from clustermonitor.core.imports.forms import ImportUploadForm
from clustermonitor.members.models import Contact, Contribution, FeeTier, Membership
from clustermonitor.registry import enterprise
from clustermonitor.registry.forms import OrganisationForm
from clustermonitor.registry.models import Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

FIELD_LABELS = {
    "enterprise_number": _("enterprise number"),
    "name": _("name"),
    "kind": _("kind"),
    "street": _("street"),
    "house_number": _("number"),
    "box": _("box"),
    "postcode": _("postcode"),
    "city": _("city"),
    "country": _("country"),
    "website": _("website"),
    "start_date": _("member from"),
    "end_date": _("member until"),
    "contact_name": _("contact person"),
    "contact_role": _("contact's role"),
    "contact_email": _("contact's e-mail"),
    "contact_phone": _("contact's phone"),
    "employees": _("employees"),
}


class UploadForm(ImportUploadForm):
    """A member list: the file, the date members start when it gives none, and whether
    it is the full list."""

    reference_date = forms.DateField(
        label=_("member from (when the file gives no date)"),
        widget=DATE,
        initial=datetime.date.today,
    )
    full_list = forms.BooleanField(
        label=_("this is the full member list"),
        required=False,
        help_text=_("Members missing from the file are then proposed for an end date."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("member list")


class NewMemberForm(OrganisationForm):
    start_date = forms.DateField(label=_("member from"), widget=DATE, initial=datetime.date.today)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise_number"].help_text = _(
            "Any notation: 0xxx.xxx.xxx, BE0xxxxxxxxx, the old 9 digits. Leave empty for a "
            "foreign organisation or a person, and say why."
        )

    def validate_unique(self):
        # An organisation already in the registry is reused, not refused (services).
        pass


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["start_date", "end_date", "note"]
        widgets = {"start_date": DATE, "end_date": DATE}


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone"]

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.membership = membership


class EndMembershipsForm(forms.Form):
    end_date = forms.DateField(label=_("member until"), widget=DATE, initial=datetime.date.today)
    memberships = RecordsField(
        label=_("end these memberships"),
        queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["memberships"].queryset = candidates
        self.fields["memberships"].label_from_instance = lambda m: str(m.organisation)


class ContributionForm(forms.ModelForm):
    payer_number = forms.CharField(
        label=_("paid by (enterprise number)"),
        required=False,
        max_length=20,
        help_text=_("Only when another organisation pays, e.g. the group for its subsidiary."),
    )

    class Meta:
        model = Contribution
        fields = ["year", "amount", "status", "invoiced_on", "paid_on", "note"]
        widgets = {"invoiced_on": DATE, "paid_on": DATE}
        field_classes = {"amount": MoneyField}

    def __init__(self, *args, membership, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.membership = membership
        self.user = user
        if self.instance.payer_id:
            self.initial["payer_number"] = self.instance.payer.enterprise_number_display

    def clean_payer_number(self):
        text = self.cleaned_data.get("payer_number", "").strip()
        if not text:
            self.instance.payer = None
            return ""
        try:
            number = enterprise.normalise(text)
        except enterprise.InvalidEnterpriseNumber as exc:
            raise forms.ValidationError(f"{text}: {_(exc.reason)}") from None
        from clustermonitor.accounts import access

        # Only an organisation the user may see; any other answers like an unknown number.
        payer = access.organisation_by_number(self.user, Organisation.objects, number)
        if payer is None:
            raise forms.ValidationError(
                _("%s is not among the organisations of the registry you can see.") % text
            )
        self.instance.payer = payer
        return number

    def _get_validation_exclusions(self):
        excluded = super()._get_validation_exclusions()
        excluded.discard("membership")
        return excluded


class FeeScheduleForm(forms.Form):
    """One amount per size class; an empty field means no tier for that class."""

    note = forms.CharField(label=_("note"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for size, label in FeeTier.SIZE_CLASSES:
            self.fields[f"tier_{size or 'default'}"] = MoneyField(
                label=label, required=False, min_value=0, decimal_places=2, max_digits=12
            )

    def amounts(self) -> dict:
        return {
            size: self.cleaned_data.get(f"tier_{size or 'default'}")
            for size, _label in FeeTier.SIZE_CLASSES
        }


class BulkPayForm(forms.Form):
    """Mark the selected contributions paid on one date (the contributions list's bulk
    action). Each id is an access decision: only the payable contributions of the URL's
    cluster are accepted (`contributions`); anything else refuses the whole request."""

    contributions = RecordsField(
        label=_("contributions"),
        queryset=Contribution.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={
            "required": _("Select the contributions to mark paid."),
            "invalid_choice": _(
                "Contribution %(value)s cannot be marked paid here (it is not one of this "
                "cluster's open contributions); nothing was changed."
            ),
        },
    )
    paid_on = forms.DateField(label=_("paid on"), widget=DATE)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, contributions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contributions"].queryset = contributions


class FinderForm(forms.Form):
    """The public finder (GET): an enterprise number, or a NACE code and a postcode, or
    keywords; members/finder.py checks them (clean) and says why one cannot be used."""

    enterprise_number = forms.CharField(
        label=_("Enterprise number"), required=False, max_length=40, help_text="0412.345.678"
    )
    nace = forms.CharField(
        label=_("NACE code"), required=False, max_length=20, help_text=_("For example 28.99")
    )
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=20)
    q = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=1000,
        help_text=_("What your company works on, for example: drones, hydrogen"),
    )

    def clean(self):
        from clustermonitor.members import finder

        data = super().clean()
        if self.errors:
            return data
        try:
            self.search = finder.search(
                enterprise_number=data.get("enterprise_number", ""),
                nace=data.get("nace", ""),
                postcode=data.get("postcode", ""),
                q=data.get("q", ""),
            )
        except finder.FinderError as error:
            for field_name, message in error.errors:
                self.add_error(field_name, str(message))
        return data
