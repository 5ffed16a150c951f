"""Parties the registry does not hold yet (issue 16): an organisation named by its
enterprise number is looked up in the KBO lookup (registry.kbo.search_lookup, built by
the full KBO import) and added to the registry, audited.

Who may add what (access.parties_for holds what a person may name among the registry's
organisations): a programme reader any enterprise of the lookup; a cluster manager a
research or education organisation (access.is_research_or_education on its main NACE),
a public partner they could name anyway. The answer depends only on the public KBO data
and on what the person may see, never on whether another cluster's organisation is in
the registry."""

from clustermonitor.accounts import access
from clustermonitor.core import audit
from clustermonitor.registry.models import NaceCode, Organisation


def lookup(number: str, *, any_kind: bool) -> dict | None:
    """The KBO lookup's record of the enterprise `number` (10 digits) that may be named:
    any (`any_kind`) or a research or education organisation; None otherwise or when no
    lookup has been built."""
    from clustermonitor.registry import kbo

    found = [r for r in kbo.search_lookup(number, limit=1) if r["enterprise_number"] == number]
    if not found:
        return None
    record = found[0]
    if any_kind or access.is_research_or_education(record.get("nace_2008")):
        return record
    return None


def organisation_for(actor: audit.Actor, record: dict, note: str) -> Organisation:
    """The registry's organisation of a KBO lookup record (or of a number and name typed
    by someone who sees the whole registry, with its `kind`): the one with its number, or
    a new one (a knowledge institution when its activity is research or education)."""
    number = record["enterprise_number"]
    organisation = Organisation.objects.filter(enterprise_number=number).first()
    if organisation is not None:
        return organisation
    nace = record.get("nace_2008")
    research = access.is_research_or_education(nace)
    kind = record.get("kind") or (
        Organisation.Kind.KNOWLEDGE if research else Organisation.Kind.COMPANY
    )
    organisation = Organisation(
        enterprise_number=number,
        name=(record.get("name") or number)[: Organisation._meta.get_field("name").max_length],
        postcode=record.get("postcode") or "",
        start_date=record.get("start_date"),
        kind=kind,
        nace_2008=NaceCode.objects.filter(version=2008, code=nace).first() if nace else None,
    )
    if organisation.country == "BE":
        organisation.locate()
    audit.save(actor, organisation, note=note, validate=False)
    return organisation
