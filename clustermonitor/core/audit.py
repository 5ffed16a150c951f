"""Audited writes. Every service that creates, changes or deletes a record goes
through these helpers, so each write leaves who, when, through what, before and
after in the audit log (pretix's log_action, in one place)."""

import datetime
import decimal
import hashlib
import uuid
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from clustermonitor.core.models import AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who writes and through which door (web, api, cli, load-reference, ...)."""

    user: object | None
    via: str = "web"

    @classmethod
    def system(cls, via: str) -> "Actor":
        return cls(user=None, via=via)


def _jsonable(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


#: Never written to the log in clear; a short digest still shows that they changed.
#: Survey answers are personal and for the evaluator only: the audit log, which the
#: programme manager reads, keeps a digest.
SECRET_FIELDS = {"password", "key_hash", "token_hash", "answers"}


def pseudonym(value) -> str:
    """A keyed, stable pseudonym of a personal value (HMAC-SHA256 under the site's secret
    key): the same e-mail address gives the same pseudonym in every entry, so a person's
    entries can be found again ("download my data") without the log holding it in clear."""
    import hmac

    from django.conf import settings

    text = str(value or "").strip().lower()
    if not text:
        return ""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), b"audit-pseudonym:" + text.encode(), hashlib.sha256
    )
    return "pseudonym:" + digest.hexdigest()[:16]


def _personal_fields(instance) -> frozenset:
    """Fields a model declares personal (`AUDIT_PERSONAL_FIELDS`: a contact's name, e-mail
    and phone): written to the log as their pseudonym only."""
    return frozenset(getattr(type(instance), "AUDIT_PERSONAL_FIELDS", ()))


def _repr(instance) -> str:
    """How the log names the object: `audit_repr()` where the model's str() is personal."""
    method = getattr(instance, "audit_repr", None)
    return str(method() if callable(method) else instance)[:200]


def snapshot(instance: models.Model) -> dict:
    """The instance's concrete field values as JSON-ready data (foreign keys by id)."""
    data = {}
    personal = _personal_fields(instance)
    for field in instance._meta.concrete_fields:
        if field.primary_key:
            continue
        value = getattr(instance, field.attname)
        if isinstance(field, models.DecimalField) and value is not None:
            # 450000 and 450000.00 are one value: compare as the database stores it.
            value = decimal.Decimal(value).quantize(
                decimal.Decimal(1).scaleb(-field.decimal_places)
            )
        if field.name in SECRET_FIELDS:
            value = "hidden:" + hashlib.sha256(str(value).encode()).hexdigest()[:8]
        elif field.name in personal:
            value = pseudonym(value)
        data[field.attname] = _jsonable(value)
    for field in instance._meta.many_to_many:
        if instance.pk:
            data[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    return data


def record(actor: Actor, action: str, instance, before=None, after=None, note: str = ""):
    return AuditEntry.objects.create(
        actor=actor.user if getattr(actor.user, "pk", None) else None,
        via=actor.via,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=_repr(instance),
        before=before,
        after=after,
        note=note[:300],
    )


def _before(instance: models.Model) -> dict | None:
    if instance.pk is None or instance._state.adding:
        return None
    stored = type(instance)._default_manager.filter(pk=instance.pk).first()
    return snapshot(stored) if stored is not None else None


@transaction.atomic
def save(
    actor: Actor,
    instance: models.Model,
    *,
    note: str = "",
    m2m: dict | None = None,
    validate: bool = True,
) -> bool:
    """Validate and save `instance` (and set its many-to-many fields from `m2m`).

    Returns whether anything changed; an unchanged save writes nothing, so
    re-running an import or a loader leaves neither rows nor audit entries behind.
    """
    before = _before(instance)
    if validate:
        instance.full_clean()
    if before is not None:
        candidate = snapshot(instance)
        m2m_same = all(
            sorted(getattr(v, "pk", v) for v in values) == before.get(name)
            for name, values in (m2m or {}).items()
        )
        if {k: v for k, v in candidate.items() if k in before} == {
            k: before[k] for k in candidate if k in before
        } and m2m_same:
            return False
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    after = snapshot(instance)
    record(
        actor,
        AuditEntry.Action.CREATE if before is None else AuditEntry.Action.UPDATE,
        instance,
        before,
        after,
        note,
    )
    return True


@transaction.atomic
def delete(actor: Actor, instance: models.Model, *, note: str = "") -> None:
    before = snapshot(instance)
    record(actor, AuditEntry.Action.DELETE, instance, before, None, note)
    instance.delete()


def history(instance: models.Model):
    """Audit entries of one object, newest first."""
    ct = ContentType.objects.get_for_model(instance, for_concrete_model=True)
    return AuditEntry.objects.filter(content_type=ct, object_id=str(instance.pk)).select_related(
        "actor"
    )


#: The objects whose history the audit pages show, by URL label.
AUDITED_MODELS = {
    "programme": ("programmes", "programme"),
    "clustertype": ("programmes", "clustertype"),
    "kpi": ("programmes", "kpi"),
    "call": ("programmes", "call"),
    "application": ("programmes", "application"),
    "cluster": ("programmes", "cluster"),
    "target": ("programmes", "target"),
    "reportedfigure": ("programmes", "reportedfigure"),
    "exitplan": ("maturity", "exitplan"),
    "criteriaset": ("maturity", "criteriaset"),
    "criterion": ("maturity", "criterion"),
    "assessment": ("maturity", "assessment"),
    "answer": ("maturity", "answer"),
    "attentionpoint": ("accountmanagement", "attentionpoint"),
    "steeringgroupmeeting": ("accountmanagement", "steeringgroupmeeting"),
    "learningsession": ("accountmanagement", "learningsession"),
    "collaboration": ("collaborations", "collaboration"),
    "progressreport": ("monitoring", "progressreport"),
    "clusterprofile": ("portal", "clusterprofile"),
    "programmepage": ("portal", "programmepage"),
    "agreement": ("agreements", "agreement"),
    "amendment": ("agreements", "amendment"),
    "budgetline": ("agreements", "budgetline"),
    "condition": ("agreements", "condition"),
    "tranche": ("agreements", "tranche"),
    "payment": ("agreements", "payment"),
}
