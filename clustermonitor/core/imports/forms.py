"""The forms of the import wizard: the file (each kind adds its options), and which
column holds which field."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportUploadForm(forms.Form):
    """The file of an import; a kind's form adds its options and names the file."""

    file = forms.FileField(
        label=_("file"), help_text=_(".xlsx or .csv (UTF-8 or Windows-1252, ',' or ';')")
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
        labels: dict,
        required_any: tuple[str, ...],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.required_any = required_any
        choices = [("", "—"), *[(h, h) for h in headers]]
        for name, label in labels.items():
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
