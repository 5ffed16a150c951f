"""The collaborations' kind of import (core.imports): a cluster's list of
collaborations, registered in CollaborationsConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clustermonitor.collaborations import importing as collaboration_import
from clustermonitor.collaborations.forms import CollaborationUploadForm
from clustermonitor.core.imports import registry
from clustermonitor.core.imports.registry import ImportKind

COLLABORATIONS = ImportKind(
    kind="collaborations",
    permission="collaborations.change_collaborations",
    visible="collaborations.view_collaborations",
    title=_("Import a list of collaborations"),
    labels=collaboration_import.LABELS,
    upload_form=CollaborationUploadForm,
    suggest=collaboration_import.suggest_mapping,
    plan=lambda table, b, user: collaboration_import.plan(table, b.cluster, b.mapping, user=user),
    commit=lambda table, b, actor: collaboration_import.commit(
        table, b.cluster, b.mapping, actor=actor
    ),
    done_url=lambda b: reverse("collaborations:collaboration-list", args=[b.cluster.code]),
    required_any=("title",),
)


def register_kinds() -> None:
    registry.register(COLLABORATIONS)
