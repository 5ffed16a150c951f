import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.reports.render import FORMATS


class ReportForm(forms.Form):
    as_of = forms.DateField(
        label=_("Situation on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Every figure is computed from the records up to this date."),
    )
    clusters = forms.MultipleChoiceField(
        label=_("Clusters"),
        required=False,
        help_text=_("None selected: the whole programme."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    lang = forms.ChoiceField(label=_("Language"), choices=[("nl", "Nederlands"), ("en", "English")])
    formats = forms.MultipleChoiceField(
        label=_("Formats"),
        choices=[(f, f.upper()) for f in FORMATS],
        initial=list(FORMATS),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, clusters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clusters"].choices = [(c.code, f"{c.code} – {c.name}") for c in clusters]
        self.fields["as_of"].initial = datetime.date.today()
