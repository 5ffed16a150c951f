"""Forms of the wave pages: a wave, the clusters of a mailing, an import upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.core.fields import RecordsField
from clustermonitor.core.imports.forms import ImportUploadForm
from clustermonitor.programmes.models import Cluster
from clustermonitor.surveys.models import Questionnaire, Wave

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
IBN = "IBN"


class WaveForm(forms.ModelForm):
    all_ibns = forms.BooleanField(
        label=_("all IBNs"),
        required=False,
        help_text=_("Adds every innovative business network to the clusters ticked below."),
    )

    class Meta:
        model = Wave
        fields = ["questionnaire", "name", "all_ibns", "clusters", "opens_on", "closes_on"]
        widgets = {
            "clusters": forms.CheckboxSelectMultiple,
            "opens_on": DATE,
            "closes_on": DATE,
        }
        field_classes = {"clusters": RecordsField}
        labels = {"questionnaire": _("questionnaire")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = Questionnaire.objects.order_by("-created_at")
        if not self.is_bound and self.instance.pk is None:
            default = Questionnaire.objects.filter(is_default=True).order_by("-created_at").first()
            self.initial.setdefault("questionnaire", default.pk if default else None)
        self.fields["clusters"].queryset = Cluster.objects.select_related("cluster_type").order_by(
            "cluster_type__code", "code"
        )
        self.fields["clusters"].required = False
        self.fields["clusters"].label_from_instance = lambda c: f"{c.code} – {c.name}"

    def clean(self):
        data = super().clean()
        clusters = set(data.get("clusters") or [])
        if data.get("all_ibns"):
            clusters |= set(Cluster.objects.filter(cluster_type__code=IBN))
        if not clusters:
            self.add_error("clusters", _("Choose the clusters whose members are invited."))
        data["clusters"] = sorted(clusters, key=lambda c: c.code)
        wave = self.instance
        if wave.pk:
            invited = set(
                wave.invitations.exclude(cluster__in=clusters).values_list(
                    "cluster__code", flat=True
                )
            )
            if invited:
                self.add_error(
                    "clusters",
                    _("These clusters already have invitations and stay in the wave: %(c)s.")
                    % {"c": ", ".join(sorted(invited))},
                )
            questionnaire = data.get("questionnaire")
            if (
                questionnaire is not None
                and questionnaire.pk != wave.questionnaire_id
                and wave.responses.exists()
            ):
                self.add_error(
                    "questionnaire",
                    _("This wave has responses: its questionnaire can no longer change."),
                )
        return data


class ClustersForm(forms.Form):
    """The clusters of a mailing; none ticked means all of the wave."""

    clusters = forms.MultipleChoiceField(
        label=_("clusters"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clusters"].choices = list(choices)


class ResponseUploadForm(ImportUploadForm):
    SOURCES = [
        ("", _("recognise from the columns")),
        ("limesurvey", _("LimeSurvey (CSV, question codes)")),
        ("kobo", _("KoboToolbox (CSV or XLSX, XML values and headers)")),
    ]
    file = forms.FileField(
        label=_("responses"), help_text=_(".csv or .xlsx, as exported by LimeSurvey or Kobo")
    )
    source = forms.ChoiceField(label=_("exported from"), choices=SOURCES, required=False)
    cluster = forms.ChoiceField(
        label=_("cluster"),
        required=False,
        help_text=_("When every row is about one cluster; else the file has a column “cluster”."),
    )

    def __init__(self, *args, clusters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [
            ("", _("per row (column “cluster”)")),
            *[(c.code, f"{c.code} – {c.name}") for c in clusters],
        ]
