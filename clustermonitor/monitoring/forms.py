from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.members.forms import DATE
from clustermonitor.monitoring.models import SECTIONS, ReportingPeriod


class ReportForm(forms.Form):
    """The narrative sections and, per KPI, the value the cluster reports (pre-filled
    with what the records give) and the reason when it differs."""

    def __init__(self, *args, kpis, computed: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in SECTIONS:
            self.fields[f"section_{key}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 5})
            )
        self.kpis = list(kpis)
        for kpi in self.kpis:
            value = computed.get(kpi.code)
            self.fields[f"kpi_{kpi.code}"] = forms.DecimalField(
                label=f"{kpi.code} – {kpi.label}",
                required=value is None,
                max_digits=14,
                decimal_places=2,
                help_text=(
                    _("The records give %(value)s.") % {"value": f"{value:g}"}
                    if value is not None
                    else _("Not computed from the records: report it.")
                ),
            )
            self.fields[f"reason_{kpi.code}"] = forms.CharField(
                label=_("Why %(kpi)s differs from the records") % {"kpi": kpi.code},
                required=False,
                max_length=500,
            )

    @staticmethod
    def initial_from(draft: dict, kpis, computed: dict) -> dict:
        initial = {f"section_{k}": v for k, v in (draft.get("sections") or {}).items()}
        for kpi in kpis:
            entry = (draft.get("kpis") or {}).get(kpi.code) or {}
            initial[f"kpi_{kpi.code}"] = entry.get("reported") or computed.get(kpi.code)
            initial[f"reason_{kpi.code}"] = entry.get("reason", "")
        return initial

    def sections(self) -> dict:
        return {key: self.cleaned_data.get(f"section_{key}", "") for key, _label in SECTIONS}

    def kpi_values(self) -> dict:
        out = {}
        for kpi in self.kpis:
            value = self.cleaned_data.get(f"kpi_{kpi.code}")
            out[kpi.code] = {
                "reported": "" if value is None else f"{value:f}",
                "reason": self.cleaned_data.get(f"reason_{kpi.code}", ""),
            }
        return out


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    file = forms.FileField(label=_("file"))

    MAX_BYTES = 20 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class PeriodForm(forms.ModelForm):
    class Meta:
        model = ReportingPeriod
        fields = ["number", "start_date", "end_date", "due_date"]
        widgets = {"start_date": DATE, "end_date": DATE, "due_date": DATE}
