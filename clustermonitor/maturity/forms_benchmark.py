"""The upload of the benchmark's reference quartiles (issue 21)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.core.imports.forms import ImportUploadForm


class ReferenceUploadForm(ImportUploadForm):
    file = forms.FileField(
        label=_("reference quartiles"),
        help_text=_(".csv with the columns indicator,source,published_on,q1,median,q3,n"),
    )
