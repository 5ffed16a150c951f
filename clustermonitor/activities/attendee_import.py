"""Importing an attendee list (names and companies typed at the door): matched on the
enterprise number, else on name and postcode; what does not match waits for review —
nothing is dropped silently."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clustermonitor.activities import services
from clustermonitor.activities.models import Activity
from clustermonitor.core import audit, tabular
from clustermonitor.core.imports import columns
from clustermonitor.core.tabular import RowOutcome, Table
from clustermonitor.registry import enterprise
from clustermonitor.registry.models import Organisation

SYNONYMS = {
    "enterprise_number": columns.ENTERPRISE_NUMBER,
    # On an attendee list "Naam" is the person; the organisation is "Bedrijf" and the like.
    "organisation": columns.ORGANISATION_NAME - {"naam", "name", "nom"},
    "postcode": columns.POSTCODE,
    "name": {
        "naam",
        "name",
        "nom",
        "deelnemer",
        "persoon",
        "voornaamnaam",
        "participant",
        "attendee",
        "fullname",
        "nomcomplet",
        "naamdeelnemer",
    },
    "email": columns.EMAIL,
}
LABELS = {
    "enterprise_number": gettext_lazy("enterprise number"),
    "organisation": gettext_lazy("organisation"),
    "postcode": gettext_lazy("postcode"),
    "name": gettext_lazy("participant"),
    "email": gettext_lazy("e-mail"),
}


def suggest_mapping(table: Table, remembered: dict | None = None) -> dict[str, str]:
    return tabular.suggest_mapping(table.headers, SYNONYMS, remembered)


@dataclass
class RowPlan:
    outcome: RowOutcome
    organisation: Organisation | None = None
    values: dict = field(default_factory=dict)
    guest: bool = False


@dataclass
class Plan(tabular.PlanSummary):
    rows: list[RowPlan]
    missing: list = field(default_factory=list)

    @property
    def extra_counts(self) -> dict[str, int]:
        planned = [r for r in self.rows if r.outcome.status == "new"]
        return {
            _("matched"): sum(1 for r in planned if r.organisation and not r.guest),
            _("to review"): sum(1 for r in planned if r.organisation is None),
            _("guests"): sum(1 for r in planned if r.guest),
        }


def plan(table: Table, activity: Activity, mapping: dict[str, str], *, user=None) -> Plan:
    """`user`: who imports. A row is matched only to an organisation they may see (None:
    the system, any); any other waits for review with its name as typed, so an attendee
    list reveals nothing of the rest of the registry."""
    registry = Organisation.objects.all()
    if user is not None:
        from clustermonitor.accounts import access

        registry = access.organisations_for(user, registry)
    value = table.mapped(mapping)

    # Who is there already: by organisation, or by the organisation's name as typed.
    # A reviewed row keeps its name as typed, so a re-import still recognises it.
    existing = set()
    for p in activity.participations.all():
        if p.organisation_id:
            existing.add((p.organisation_id, p.name.lower()))
        if p.organisation_name:
            existing.add((p.organisation_name.lower(), p.name.lower()))
    organisers_members = _members_on_day(activity)
    rows, seen = [], {}
    for number, cells in table.rows:
        outcome = RowOutcome(number=number, cells=cells)
        row = RowPlan(outcome=outcome)
        rows.append(row)
        raw = value(cells, "enterprise_number")
        org = None
        if raw:
            try:
                org = registry.filter(enterprise_number=enterprise.normalise(raw)).first()
            except enterprise.InvalidEnterpriseNumber as exc:
                outcome.reject(mapping["enterprise_number"], f"{raw}: {_(exc.reason)}")
                continue
        org_name, postcode = value(cells, "organisation"), value(cells, "postcode")
        if org is None and org_name:
            candidates = registry.filter(name__iexact=org_name)
            if postcode:
                candidates = candidates.filter(postcode=postcode)
            found = list(candidates[:2])
            org = found[0] if len(found) == 1 else None
        person = value(cells, "name")
        if not (org or org_name or person):
            outcome.reject(
                mapping.get("organisation") or mapping.get("name", ""),
                _("no organisation and no name"),
            )
            continue
        key = (org.pk if org else org_name.lower(), person.lower())
        if key in seen:
            outcome.reject(
                mapping.get("name") or mapping.get("organisation", ""),
                _("duplicate of row %d") % seen[key],
            )
            continue
        seen[key] = number
        row.organisation = org
        row.guest = bool(org) and org.pk not in organisers_members
        row.values = {"name": person, "organisation_name": org_name, "postcode": postcode}
        outcome.status = "unchanged" if key in existing else "new"
    return Plan(rows=rows)


def _members_on_day(activity: Activity) -> set[int]:
    from clustermonitor.members.models import Membership

    return set(
        Membership.objects.active_on(activity.date)
        .filter(cluster__in=activity.clusters.all())
        .values_list("organisation_id", flat=True)
    )


@transaction.atomic
def commit(table: Table, activity: Activity, mapping, *, actor: audit.Actor) -> Plan:
    result = plan(table, activity, mapping, user=actor.user)
    for row in result.rows:
        if row.outcome.status != "new":
            continue
        services.add_participant(
            actor,
            activity,
            organisation=row.organisation,
            note=f"import {table.name}",
            **row.values,
        )
    return result
