import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.core.fields import RecordsField
from clustermonitor.members.models import Contact, Contribution, FeeTier, Membership
from clustermonitor.registry import enterprise
from clustermonitor.registry.models import FirmFigures, Organisation

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


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("member list"), help_text=_(".xlsx or .csv (UTF-8 or Windows-1252, ',' or ';')")
    )
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

    MAX_BYTES = 20 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        if not upload.name.lower().endswith((".xlsx", ".xlsm", ".csv", ".txt")):
            raise forms.ValidationError(_("Use an .xlsx or .csv file."))
        return upload


class MappingForm(forms.Form):
    """Which column holds which field; every field may stay unmapped."""

    def __init__(
        self,
        *args,
        headers: list[str],
        initial_mapping: dict[str, str],
        labels: dict | None = None,
        required_any=("enterprise_number", "name"),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.required_any = required_any
        choices = [("", "—"), *[(h, h) for h in headers]]
        for name, label in (labels or FIELD_LABELS).items():
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                initial=initial_mapping.get(name, ""),
            )

    def clean(self):
        data = super().clean()
        used = [c for c in data.values() if c]
        doubles = {c for c in used if used.count(c) > 1}
        if doubles:
            raise forms.ValidationError(
                _("A column can hold one field only: %s") % ", ".join(sorted(doubles))
            )
        if not any(data.get(name) for name in self.required_any):
            raise forms.ValidationError(
                _("Map at least one of: %s.")
                % ", ".join(str(self.fields[n].label) for n in self.required_any)
            )
        return data

    @property
    def mapping(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if v}


class OrganisationForm(forms.ModelForm):
    # Typed in any notation (dots, spaces, BE prefix, 9 digits); stored as 10 digits.
    enterprise_number = forms.CharField(label=_("enterprise number"), max_length=20, required=False)

    class Meta:
        model = Organisation
        fields = [
            "enterprise_number",
            "no_number_reason",
            "name",
            "kind",
            "street",
            "house_number",
            "box",
            "postcode",
            "city",
            "country",
            "website",
        ]
        help_texts = {"country": _("Two-letter code: BE, NL, FR, ...")}

    def clean_country(self):
        return (self.cleaned_data.get("country") or "BE").upper()

    def clean_enterprise_number(self):
        text = self.cleaned_data.get("enterprise_number", "").strip()
        if not text:
            return None
        try:
            return enterprise.normalise(text)
        except enterprise.InvalidEnterpriseNumber as exc:
            raise forms.ValidationError(f"{text}: {_(exc.reason)}") from None


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


class FirmFiguresForm(forms.ModelForm):
    class Meta:
        model = FirmFigures
        fields = ["year", "employees", "turnover", "balance_total", "value_added", "source"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation

    def _get_validation_exclusions(self):
        excluded = super()._get_validation_exclusions()
        excluded.discard("organisation")  # one row per organisation and year
        return excluded


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
            self.fields[f"tier_{size or 'default'}"] = forms.DecimalField(
                label=label, required=False, min_value=0, decimal_places=2, max_digits=12
            )

    def amounts(self) -> dict:
        return {
            size: self.cleaned_data.get(f"tier_{size or 'default'}")
            for size, _label in FeeTier.SIZE_CLASSES
        }
