from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


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
        return data
