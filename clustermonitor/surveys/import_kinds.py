"""The surveys' kind of import (core.imports): the responses of a wave, exported from
LimeSurvey or KoboToolbox, registered in SurveysConfig.ready().

Its uploads are kept per wave (surveys.imports.store_upload), not as ImportBatch rows:
they belong to a wave, not to one cluster, and the columns are read from the
questionnaire (a layout), not mapped by hand. So the wave pages serve its steps
(upload, dry run, commit, rejected rows) on the one import page
(templates/imports/import_detail.html), through this kind's plan and commit and the
wizard's rejected rows and messages."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clustermonitor.core.imports import registry
from clustermonitor.core.imports.registry import ImportKind
from clustermonitor.surveys import imports
from clustermonitor.surveys.forms_waves import ResponseUploadForm


@dataclass(frozen=True)
class Upload:
    """A kept upload of responses: its wave, key, meta (name, state, report), the
    source module (LimeSurvey or Kobo) and the cluster every row is about, if chosen."""

    wave: object
    key: str
    meta: dict
    source: object
    chosen: object = None


RESPONSES = ImportKind(
    kind="survey-responses",
    store="wave",
    title=_("Import responses"),
    labels={},  # the columns are the questionnaire's (imports.build_layout)
    permission="surveys.manage_surveys",
    visible="surveys.view_results",
    upload_form=ResponseUploadForm,
    plan=lambda table, u, user: imports.plan(table, u.wave, u.source, u.chosen),
    commit=lambda table, u, actor: imports.commit(
        table, u.wave, u.source, actor, u.chosen, note=f"import {u.meta['name']}"
    ),
    done_url=lambda u: reverse("surveys:wave-detail", args=[u.wave.pk]),
    # Its own parts of the one import page (templates/imports/import_detail.html).
    parts={
        "columns": "surveys/_import_columns.html",
        "dry_run": "surveys/_import_dry_run.html",
        "committed": "surveys/_import_committed.html",
    },
)


def register_kinds() -> None:
    registry.register(RESPONSES)
