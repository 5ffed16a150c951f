"""Writes to questionnaires: an uploaded XLSForm, and the shipped 2020 IBN instrument as
the programme's default questionnaire. All audited."""

import hashlib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from clustermonitor.core import audit
from clustermonitor.surveys import xlsform
from clustermonitor.surveys.models import Questionnaire

DEFAULT_XLSFORM = Path(__file__).resolve().parent / "data" / "ibn_survey_2020.xlsx"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@transaction.atomic
def create_questionnaire(
    actor: audit.Actor, programme, data: bytes, filename: str, *, is_default: bool = False
) -> Questionnaire:
    """Parse, check and store an XLSForm. Raises xlsform.XLSFormError when the form is
    refused, ValidationError when the programme already has this title and version."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise xlsform.XLSFormError(
            [_("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // 2**20}], "read"
        )
    definition = xlsform.parse(data, filename)
    digest = sha256(data)
    title, version = definition["title"][:200], definition["version"][:40]
    existing = Questionnaire.objects.filter(programme=programme, title=title, version=version)
    if existing.exists():
        raise ValidationError(
            _(
                "The programme already has the questionnaire %(title)s %(version)s: change "
                "the version in the settings sheet to upload a new one."
            )
            % {"title": title, "version": version}
        )
    questionnaire = Questionnaire(
        programme=programme,
        title=title,
        version=version,
        sha256=digest,
        definition=definition,
        is_default=is_default,
        created_by=actor.user if getattr(actor.user, "pk", None) else None,
    )
    questionnaire.xlsform.save(Path(filename).name, ContentFile(data), save=False)
    audit.save(actor, questionnaire, note=f"XLSForm {Path(filename).name}")
    if is_default:
        _only_default(actor, questionnaire)
    return questionnaire


def _only_default(actor: audit.Actor, questionnaire: Questionnaire) -> None:
    for other in Questionnaire.objects.filter(
        programme=questionnaire.programme, is_default=True
    ).exclude(pk=questionnaire.pk):
        other.is_default = False
        audit.save(actor, other, note="another questionnaire became the default")


@transaction.atomic
def load_default_questionnaire(programme, actor: audit.Actor) -> Questionnaire:
    """The shipped 2020 IBN instrument (surveys/data/ibn_survey_2020.xlsx) as the
    programme's default questionnaire. Idempotent: running it again changes nothing.

    When the shipped file changed without a new version in its settings sheet, the
    stored questionnaire of that title and version is brought up to date unless a wave
    already uses it (then ValueError: give the form a new version)."""
    data = DEFAULT_XLSFORM.read_bytes()
    digest = sha256(data)
    current = Questionnaire.objects.filter(programme=programme, sha256=digest).first()
    if current is None:
        definition = xlsform.parse(data, DEFAULT_XLSFORM.name)
        same = Questionnaire.objects.filter(
            programme=programme, title=definition["title"], version=definition["version"]
        ).first()
        if same is None:
            return create_questionnaire(
                actor, programme, data, DEFAULT_XLSFORM.name, is_default=True
            )
        if same.waves.exists():
            raise ValueError(
                f"{DEFAULT_XLSFORM.name} changed but {same} is used by a wave: "
                "give the form a new version in its settings sheet"
            )
        same.definition = definition
        same.sha256 = digest
        same.xlsform.save(DEFAULT_XLSFORM.name, ContentFile(data), save=False)
        current = same
    current.is_default = True
    audit.save(actor, current, note="default questionnaire")
    _only_default(actor, current)
    return current
