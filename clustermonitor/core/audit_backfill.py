"""Pseudonymise what older audit entries still hold in clear.

Entries written before a model declared its `AUDIT_PERSONAL_FIELDS` (or before a field
joined that list) keep a contact's name, e-mail address or phone in their `before` and
`after` payloads, and an entry's `object_repr` may name the person (a contact's `str` was
their name before `audit_repr`). The mailings wrote an unkeyed digest (`sha256:` and 16
hex digits of the trimmed, lower-case address) instead of the keyed pseudonym, which a
guessed address can be checked against.

`pseudonymise_entries` rewrites each such value to what the current code writes
(`core.audit.pseudonym`):

- a value in clear becomes its pseudonym (`None` becomes "", as `pseudonym(None)` is);
- an unkeyed `sha256:` digest becomes the pseudonym of the value it digests when the
  record still holds that value (or another entry of the same record holds it in clear),
  and otherwise the keyed pseudonym of the digest itself: no longer checkable against a
  guessed address, though no longer linked to the person's other entries either;
- a value that already starts with `pseudonym:` (or is empty) is left alone, so a second
  run changes nothing;
- in `object_repr`, every clear personal value of the entry (and every unkeyed digest) is
  replaced by its pseudonym in place, the rest of the text kept.

The audit log is neither hash-chained nor signed (core.models.AuditEntry holds no digest
of its predecessor and no signature), so rewriting an entry breaks no chain; the entry's
`at`, actor, action and note are kept as they were.

The field lists come from the models' classes as the code declares them now
(`django.apps.apps`, not the migration's historical models, which do not carry class
attributes); the rows are read and written through the models given (the historical ones
in a migration).
"""

import hashlib
import re

from django.db import DatabaseError, transaction

from clustermonitor.core.audit import pseudonym

PREFIX = "pseudonym:"
#: The mailings' former unkeyed digest of an address (or a bounce's diagnostic).
LEGACY_DIGEST = re.compile(r"sha256:[0-9a-f]{16}")
#: Rows rewritten per query.
BATCH = 500


def personal_fields() -> dict[tuple[str, str], tuple[str, ...]]:
    """(app label, model name) → the attnames a model declares personal, from the models'
    classes as the code declares them now."""
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    found = {}
    for model in apps.get_models(include_auto_created=False):
        names = getattr(model, "AUDIT_PERSONAL_FIELDS", ())
        if not names:
            continue
        attnames = []
        for name in names:
            try:
                attnames.append(model._meta.get_field(name).attname)
            except FieldDoesNotExist:
                attnames.append(name)
        found[(model._meta.app_label, model._meta.model_name)] = tuple(sorted(set(attnames)))
    return found


def legacy_digest(value) -> str:
    """The mailings' former unkeyed digest (mailings.models.digest before the pseudonym)."""
    text = str(value or "").strip().lower()
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def is_done(value) -> bool:
    return value == "" or (isinstance(value, str) and value.startswith(PREFIX))


def _current_values(app_label, model_name, fields, object_ids, using) -> dict[str, list]:
    """The record's values of its personal fields now, by object id: to resolve a legacy
    digest to the value it digests. Read through the current model class, only the named
    columns; nothing when the table or a column is not (or no longer) there."""
    from django.apps import apps

    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return {}
    pks = [pk for pk in object_ids if pk.isdigit()]
    if not pks:
        return {}
    values = {}
    try:
        with transaction.atomic(using=using):
            rows = model._default_manager.using(using).filter(pk__in=pks)
            for row in rows.values_list("pk", *fields):
                values[str(row[0])] = [v for v in row[1:] if v not in (None, "")]
    except DatabaseError:
        return {}
    return values


def _resolver(known: list):
    by_digest = {legacy_digest(value): value for value in known}

    def resolve(digest: str) -> str:
        if digest in by_digest:
            return pseudonym(by_digest[digest])
        return pseudonym(digest)

    return resolve


def _rewrite_payload(payload, fields, resolve, clear: set) -> tuple[object, bool]:
    if not isinstance(payload, dict):
        return payload, False
    changed = False
    result = dict(payload)
    for name in fields:
        if name not in result:
            continue
        value = result[name]
        if is_done(value):
            continue
        if isinstance(value, str) and LEGACY_DIGEST.fullmatch(value):
            result[name] = resolve(value)
        else:
            if value is not None and str(value).strip():
                clear.add(str(value))
            result[name] = pseudonym(value)
        changed = True
    return result, changed


def _rewrite_repr(text: str, clear: set, resolve) -> str:
    # Longest first, so that "Jan Peeters" goes before a "Jan" of another field.
    for value in sorted(clear, key=lambda v: (-len(v), v)):
        if len(value.strip()) >= 2 and value in text:
            # As a whole word only: a first name "Jo" stays in "Joint venture".
            pattern = re.compile(r"(?<!\w)" + re.escape(value) + r"(?!\w)")
            text = pattern.sub(lambda m, v=value: pseudonym(v), text)
    return LEGACY_DIGEST.sub(lambda m: resolve(m.group(0)), text)


def pseudonymise_entries(AuditEntry, ContentType, using="default", fields_by_model=None) -> int:
    """Rewrite every audit entry of a model with personal fields to hold their pseudonyms
    only; returns how many entries changed (0 on a second run)."""
    fields_by_model = personal_fields() if fields_by_model is None else fields_by_model
    changed = 0
    for (app_label, model_name), fields in sorted(fields_by_model.items()):
        content_type = (
            ContentType.objects.using(using).filter(app_label=app_label, model=model_name).first()
        )
        if content_type is None:
            continue
        entries = AuditEntry.objects.using(using).filter(content_type=content_type).order_by("pk")
        last = 0
        while True:
            batch = list(entries.filter(pk__gt=last)[:BATCH])
            if not batch:
                break
            last = batch[-1].pk
            changed += _rewrite_batch(batch, app_label, model_name, fields, using)
    return changed


def _rewrite_batch(batch, app_label, model_name, fields, using) -> int:
    needs_lookup = {
        entry.object_id
        for entry in batch
        if any(
            isinstance(payload, dict)
            and isinstance(payload.get(name), str)
            and LEGACY_DIGEST.fullmatch(payload[name])
            for payload in (entry.before, entry.after)
            for name in fields
        )
        or LEGACY_DIGEST.search(entry.object_repr or "")
    }
    current = _current_values(app_label, model_name, fields, sorted(needs_lookup), using)
    changed = 0
    for entry in batch:
        known = list(current.get(entry.object_id, []))
        for payload in (entry.before, entry.after):
            if isinstance(payload, dict):
                known += [
                    str(payload[name])
                    for name in fields
                    if payload.get(name) not in (None, "") and not is_done(payload[name])
                ]
        resolve = _resolver(known)
        clear: set = set()
        before, changed_before = _rewrite_payload(entry.before, fields, resolve, clear)
        after, changed_after = _rewrite_payload(entry.after, fields, resolve, clear)
        object_repr = _rewrite_repr(entry.object_repr or "", clear, resolve)[:200]
        if changed_before or changed_after or object_repr != entry.object_repr:
            entry.before, entry.after, entry.object_repr = before, after, object_repr
            entry.save(update_fields=["before", "after", "object_repr"])
            changed += 1
    return changed
