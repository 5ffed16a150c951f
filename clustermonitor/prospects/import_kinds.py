"""The pipeline's kind of import (core.imports), registered in ProspectsConfig.ready():
a list of prospects, through the wizard of core.imports (importing.py: plan and commit)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clustermonitor.accounts import access
from clustermonitor.core.imports import registry
from clustermonitor.core.imports.forms import ImportUploadForm
from clustermonitor.core.imports.registry import ImportKind
from clustermonitor.prospects import importing


class ProspectUploadForm(ImportUploadForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("list of prospects")


PROSPECTS = ImportKind(
    kind="prospects",
    permission=access.PROSPECTS_CHANGE,
    visible=access.PROSPECTS_VIEW,
    title=_("Import prospects"),
    labels=importing.LABELS,
    upload_form=ProspectUploadForm,
    suggest=importing.suggest_mapping,
    plan=lambda table, b, user: importing.plan(table, b.cluster, b.mapping),
    commit=lambda table, b, actor: importing.commit(table, b.cluster, b.mapping, actor=actor),
    done_url=lambda b: reverse("prospects:pipeline", args=[b.cluster.code]),
    required_any=("enterprise_number",),
)


def register_kinds() -> None:
    registry.register(PROSPECTS)
