import zipfile

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from clustermonitor.core.fields import MoneyField
from clustermonitor.registry import enterprise
from clustermonitor.registry.models import FirmFigures, Organisation


def available_extracts() -> list[tuple[str, str]]:
    """KBO extracts (zips or unpacked folders) put in KBO_DIR on the server."""
    folder = settings.KBO_DIR
    if not folder.is_dir():
        return []
    found = sorted(
        (p for p in folder.iterdir() if p.suffix.lower() == ".zip" or p.is_dir()),
        key=lambda p: p.name,
        reverse=True,
    )
    return [(p.name, p.name) for p in found]


class KboImportForm(forms.Form):
    extract = forms.ChoiceField(label=_("extract on the server"), required=False)
    upload = forms.FileField(
        label=_("or upload a zip"),
        required=False,
        help_text=_(
            "A monthly update zip. A full extract (about 2 GB) is better put in the server folder."
        ),
    )
    confirm_partial = forms.BooleanField(
        label=_("Import this partial full extract anyway"),
        required=False,
        help_text=_(
            "Only when a “full” extract holds far fewer enterprises than the registry on "
            "purpose: every organisation missing from it is marked not found or ceased."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["extract"].choices = [("", "—"), *available_extracts()]

    def clean(self):
        data = super().clean()
        if bool(data.get("extract")) == bool(data.get("upload")):
            raise forms.ValidationError(_("Choose an extract on the server or upload one."))
        upload = data.get("upload")
        if upload and not upload.name.lower().endswith(".zip"):
            self.add_error("upload", _("Upload the zip as the KBO delivers it."))
        elif upload:
            problem = upload_problem(upload)
            if problem:
                self.add_error("upload", problem)
        return data


def _limit_message(name: str, found: int, setting: str) -> str:
    return _(
        "%(name)s: %(found)s MB is more than allowed; the limit is %(limit)s MB (setting "
        "%(setting)s). Put a larger extract in the server folder instead."
    ) % {
        "name": name,
        "found": -(-found // (1024 * 1024)),
        "limit": getattr(settings, setting) // (1024 * 1024),
        "setting": setting,
    }


def upload_problem(upload) -> str | None:
    """Why an uploaded KBO zip is refused before it is stored, or None: its size, what it
    unpacks to (read from the zip's directory, nothing unpacked), or not being a zip."""
    if upload.size > settings.KBO_UPLOAD_MAX_BYTES:
        return _limit_message(upload.name, upload.size, "KBO_UPLOAD_MAX_BYTES")
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return _("%(name)s: not a zip file.") % {"name": upload.name}
    finally:
        upload.seek(0)
    if unpacked > settings.KBO_UPLOAD_MAX_UNPACKED_BYTES:
        return _limit_message(upload.name, unpacked, "KBO_UPLOAD_MAX_UNPACKED_BYTES")
    return None


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


class FirmFiguresForm(forms.ModelForm):
    class Meta:
        model = FirmFigures
        fields = ["year", "employees", "turnover", "balance_total", "value_added", "source"]
        field_classes = {
            "turnover": MoneyField,
            "balance_total": MoneyField,
            "value_added": MoneyField,
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation

    def _get_validation_exclusions(self):
        excluded = super()._get_validation_exclusions()
        excluded.discard("organisation")  # one row per organisation and year
        return excluded
