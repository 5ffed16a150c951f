from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

SUFFIXES = (".csv", ".json", ".zip")


class AccountsUploadForm(forms.Form):
    upload = forms.FileField(
        label=_("file"),
        help_text=_(
            "A long CSV (enterprise_number, period_end, rubric, value; optional filed_on and "
            "scheme), one CBSO JSON document, or a zip of them with their references."
        ),
    )

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        name = upload.name or ""
        if not name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(_("Upload a .csv, .json or .zip file."))
        if upload.size > settings.ACCOUNTS_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("%(name)s: %(found)s MB is more than the limit of %(limit)s MB.")
                % {
                    "name": name,
                    "found": -(-upload.size // (1024 * 1024)),
                    "limit": settings.ACCOUNTS_UPLOAD_MAX_BYTES // (1024 * 1024),
                }
            )
        return upload
