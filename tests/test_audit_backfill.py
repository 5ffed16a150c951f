"""The audit log never holds contact data in clear, also for entries written before the
personal fields were pseudonymised: migration core 0003 (core.audit_backfill) rewrites
them to the keyed pseudonym the current code writes, and a second run changes nothing."""

import hashlib
import importlib
import io
import re

import pytest
from django.apps import apps as global_apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from clustermonitor.core import audit, audit_backfill
from clustermonitor.core.models import AuditEntry
from clustermonitor.mailings.models import Suppression
from clustermonitor.members.models import Contact
from tests.factories import membership, organisation

MIGRATION = importlib.import_module("clustermonitor.core.migrations.0003_pseudonymise_audit_log")


class _SchemaEditor:
    class connection:  # the shape RunPython hands over
        alias = "default"


def _run_migration():
    MIGRATION.pseudonymise(global_apps, _SchemaEditor())


def _old_entry(instance, action, before, after, object_repr):
    """An entry as the code wrote it before the pseudonyms: the payload as given."""
    return AuditEntry.objects.create(
        via="web",
        action=action,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=object_repr,
        before=before,
        after=after,
    )


def _dump() -> str:
    return " ".join(f"{e.before} {e.after} {e.object_repr}" for e in AuditEntry.objects.all())


def _state() -> list:
    return list(AuditEntry.objects.order_by("pk").values_list("before", "after", "object_repr"))


@pytest.fixture(autouse=True)
def mine(db):
    """The test's own entries (the shared world has its own)."""
    first = (AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    return AuditEntry.objects.filter(pk__gte=first)


@pytest.fixture
def contact(cluster_a):
    member = membership(organisation(4242), cluster_a)
    return Contact.objects.create(
        membership=member, name="Geheime Gert", email="gert@geheim.example", phone="0470 12 34 56"
    )


def test_clear_contact_data_in_old_entries_is_pseudonymised_once(contact, mine):
    old = {"name": "Geheime Gert", "email": "Gert@Geheim.example", "phone": "0470 12 34 56"}
    new = dict(old, email="gert2@geheim.example", role="zaakvoerder")
    _old_entry(contact, "create", None, old, "Geheime Gert")
    _old_entry(contact, "update", old, new, "Geheime Gert")
    _old_entry(contact, "delete", new, None, "Geheime Gert")
    kept = audit.save(audit.Actor(None, "web"), contact)  # unchanged: nothing written
    assert kept is False
    contact.role = "CEO"
    audit.save(audit.Actor(None, "web"), contact)  # a current entry: already pseudonymised
    current = AuditEntry.objects.latest("pk")
    current_state = (current.before, current.after, current.object_repr)

    _run_migration()

    text = _dump()
    for clear in ("Geheime", "Gert", "geheim.example", "12 34 56"):
        assert clear not in text
    # The phone's prefix as a word of its own: a time stamp's microseconds (…000470) are not.
    assert not re.search(r"(?<![\d.])0470\b", text)
    entry = mine.filter(action="update").order_by("pk").first()
    # What the current code writes for the same values: one person, one pseudonym.
    assert entry.before["email"] == audit.pseudonym("gert@geheim.example")
    assert entry.after["email"] == audit.pseudonym("gert2@geheim.example")
    assert entry.before["name"] == audit.snapshot(contact)["name"]
    assert entry.after["role"] == "zaakvoerder"  # not personal: kept as it was
    assert entry.object_repr == audit.pseudonym("Geheime Gert")
    current.refresh_from_db()
    assert (current.before, current.after, current.object_repr) == current_state

    once = _state()
    _run_migration()
    assert _state() == once
    assert audit_backfill.pseudonymise_entries(AuditEntry, ContentType) == 0


def test_a_name_in_a_longer_object_repr_is_replaced_in_place(contact, mine):
    _old_entry(contact, "create", None, {"name": "Jo", "email": ""}, "Joint venture: Jo")
    _run_migration()
    entry = mine.get()
    assert entry.object_repr == f"Joint venture: {audit.pseudonym('Jo')}"
    assert entry.after == {"name": audit.pseudonym("Jo"), "email": ""}


def test_the_mailings_unkeyed_digest_becomes_the_keyed_pseudonym(cluster_a, mine):
    address = "Lid@Voorbeeld.example"
    held = Suppression.objects.create(
        cluster=cluster_a, email="lid@voorbeeld.example", reason="manual", since=timezone.now()
    )
    gone = Suppression.objects.create(
        cluster=None, email="weg@voorbeeld.example", reason="manual", since=timezone.now()
    )
    digest = "sha256:" + hashlib.sha256(address.strip().lower().encode()).hexdigest()[:16]
    gone_digest = "sha256:" + hashlib.sha256(b"weg@voorbeeld.example").hexdigest()[:16]
    _old_entry(held, "create", None, {"email": digest}, f"{cluster_a.pk}: {digest} (manual)")
    _old_entry(gone, "create", None, {"email": gone_digest}, f"*: {gone_digest} (manual)")
    gone_pk = gone.pk
    gone.delete()

    _run_migration()

    held_entry = mine.get(object_id=str(held.pk))
    # The record still holds the address: the same pseudonym as the person's other entries.
    assert held_entry.after["email"] == audit.snapshot(held)["email"]
    assert held_entry.object_repr == str(held)
    gone_entry = mine.get(object_id=str(gone_pk))
    # Gone: keyed, so no longer checkable against a guessed address.
    assert gone_entry.after["email"] == audit.pseudonym(gone_digest)
    assert "sha256:" not in _dump()
    once = _state()
    _run_migration()
    assert _state() == once


def test_every_model_with_personal_fields_is_covered():
    fields = audit_backfill.personal_fields()
    assert fields[("members", "contact")] == ("email", "name", "phone")
    assert ("prospects", "prospect") in fields and ("accounts", "user") in fields
    assert fields[("mailings", "bounce")] == ("diagnostic", "email")


def test_the_command_runs_the_same(contact):
    _old_entry(contact, "create", None, {"name": "Geheime Gert"}, "Geheime Gert")
    out = io.StringIO()
    call_command("pseudonymise_audit", stdout=out)
    assert "1 audit entries" in out.getvalue()
    assert "Geheime" not in _dump()
    call_command("pseudonymise_audit", stdout=out)
    assert "0 audit entries" in out.getvalue()
