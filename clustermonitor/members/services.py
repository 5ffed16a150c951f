"""Writes to memberships and contacts, all audited."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clustermonitor.core import audit
from clustermonitor.members.models import Contact, Membership
from clustermonitor.registry import enterprise
from clustermonitor.registry.models import Organisation


@transaction.atomic
def add_member(
    actor: audit.Actor, cluster, organisation_data: dict, start_date: datetime.date
) -> Membership:
    """Add an organisation to a cluster: reuse it when the registry has its number,
    create it otherwise."""
    number = organisation_data.get("enterprise_number")
    organisation = None
    if number:
        number = enterprise.normalise(number)
        organisation = Organisation.objects.filter(enterprise_number=number).first()
    if organisation is None:
        organisation = Organisation(**{**organisation_data, "enterprise_number": number or None})
        audit.save(actor, organisation, note=f"added to {cluster.code}")
    membership = Membership(organisation=organisation, cluster=cluster, start_date=start_date)
    try:
        membership.full_clean()
    except ValidationError as exc:
        raise ValidationError(exc.messages) from None
    audit.save(actor, membership, validate=False)
    return membership


def save_membership(actor: audit.Actor, form) -> Membership:
    membership = form.save(commit=False)
    audit.save(actor, membership, validate=False)
    return membership


def save_contact(actor: audit.Actor, form) -> Contact:
    contact = form.save(commit=False)
    audit.save(actor, contact, validate=False)
    return contact


def delete_contact(actor: audit.Actor, contact: Contact) -> None:
    audit.delete(actor, contact)


def describe(exc: ValidationError) -> str:
    return " ".join(exc.messages) or _("invalid")
