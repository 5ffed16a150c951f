"""Importing prospects from a list (.csv or .xlsx) through the import wizard (core.imports,
kind "prospects"): every row planned (new, updated, unchanged or rejected with its row,
column and reason), committed in one transaction, and the same file again changes
nothing. A row is matched to the cluster's prospect with its enterprise number: an open
one takes the row's contact, next step and owner (non-empty cells); a closed one (joined
or lost) is left as it is; a company that is a member already is rejected."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clustermonitor.accounts import access
from clustermonitor.accounts.models import User
from clustermonitor.core import audit, tabular
from clustermonitor.core.tabular import RowOutcome, Table, parse_date
from clustermonitor.members.importing import SYNONYMS as MEMBER_SYNONYMS
from clustermonitor.members.models import Membership
from clustermonitor.prospects import services
from clustermonitor.prospects.models import Prospect, Source, Stage
from clustermonitor.registry import enterprise

SYNONYMS: dict[str, set[str]] = {
    "enterprise_number": MEMBER_SYNONYMS["enterprise_number"],
    "name": MEMBER_SYNONYMS["name"] | {"bedrijf", "company", "prospect", "entreprise"},
    "stage": {"fase", "stadium", "stage", "status", "etape"},
    "source": {"bron", "herkomst", "source", "origine"},
    "owner": {"eigenaar", "verantwoordelijke", "owner", "responsable"},
    "contact_name": {"contactpersoon", "contact", "contactname", "contactperson", "personne"},
    "contact_email": {"email", "e-mail", "mail", "contactemail", "emailadres", "courriel"},
    "contact_phone": {"telefoon", "tel", "phone", "gsm", "telephone"},
    "next_step": {"volgendestap", "nextstep", "actie", "action", "prochaineetape"},
    "next_step_date": {"datum", "volgendestapop", "nextstepdate", "deadline", "date"},
    "note": {"opmerking", "notitie", "note", "remark", "remarque"},
}
LABELS = {
    "enterprise_number": gettext_lazy("enterprise number"),
    "name": gettext_lazy("company name"),
    "stage": gettext_lazy("stage"),
    "source": gettext_lazy("source"),
    "owner": gettext_lazy("owner (user name or e-mail)"),
    "contact_name": gettext_lazy("contact person"),
    "contact_email": gettext_lazy("contact e-mail"),
    "contact_phone": gettext_lazy("contact phone"),
    "next_step": gettext_lazy("next step"),
    "next_step_date": gettext_lazy("next step on"),
    "note": gettext_lazy("note"),
}
STAGES = {
    **dict.fromkeys(["new", "nieuw", "nouveau", ""], Stage.NEW),
    **dict.fromkeys(["contacted", "gecontacteerd", "contact", "contacte", "contacté"],
                    Stage.CONTACTED),
    **dict.fromkeys(["meeting", "gesprek", "afspraak", "vergadering", "rendez-vous"],
                    Stage.MEETING),
}  # fmt: skip
SOURCES = {
    **dict.fromkeys(["", "import", "lijst", "list"], Source.IMPORT),
    **dict.fromkeys(["event", "evenement", "activiteit", "activity"], Source.EVENT),
    **dict.fromkeys(["referral", "doorverwijzing", "aanbeveling", "verwijzing"], Source.REFERRAL),
}
#: What an existing open prospect takes from a row (when the cell is not empty).
UPDATED = ("contact_name", "contact_email", "contact_phone", "owner", "next_step",
           "next_step_date", "note")  # fmt: skip


def suggest_mapping(table: Table, remembered: dict | None = None) -> dict[str, str]:
    return tabular.suggest_mapping(table.headers, SYNONYMS, remembered)


@dataclass
class RowPlan:
    outcome: RowOutcome
    prospect: Prospect | None = None
    changes: dict = field(default_factory=dict)


@dataclass
class Plan(tabular.PlanSummary):
    rows: list[RowPlan]


def _limit(model_field: str) -> int:
    return Prospect._meta.get_field(model_field).max_length


def plan(table: Table, cluster, mapping: dict[str, str], *, today=None) -> Plan:
    """Every row's outcome; nothing is written."""
    today = today or datetime.date.today()
    value = table.mapped(mapping)
    owners = list(access.prospect_owners(User.objects, cluster))
    by_name = {u.username.lower(): u for u in owners}
    by_name.update({u.email.lower(): u for u in owners if u.email})
    existing: dict[str, Prospect] = {}
    for prospect in Prospect.objects.filter(cluster=cluster).order_by("pk"):
        known = existing.get(prospect.enterprise_number)
        if known is None or (prospect.is_open and not known.is_open):
            existing[prospect.enterprise_number] = prospect
    members = set(
        Membership.objects.filter(cluster=cluster)
        .active_on(today)
        .values_list("organisation__enterprise_number", flat=True)
    )
    rows, seen = [], {}
    for number_row, cells in table.rows:
        outcome = RowOutcome(number=number_row, cells=cells)
        row = RowPlan(outcome=outcome)
        rows.append(row)
        values = {}
        text = value(cells, "enterprise_number")
        number = None
        column = mapping.get("enterprise_number", str(LABELS["enterprise_number"]))
        if not text:
            outcome.reject(column, _("missing"))
        else:
            try:
                number = enterprise.normalise(text)
            except enterprise.InvalidEnterpriseNumber as exc:
                outcome.reject(column, f"{text[:40]}: {_(exc.reason)}")
        values["company_name"] = value(cells, "name")
        if len(values["company_name"]) > _limit("company_name"):
            outcome.reject(mapping["name"], _("longer than %d characters") % _limit("company_name"))
        stage_text = value(cells, "stage").lower()
        if stage_text not in STAGES:
            outcome.reject(
                mapping["stage"],
                _("%(value)r is not an open stage (new, contacted, meeting)")
                % {"value": stage_text[:40]},
            )
        values["stage"] = STAGES.get(stage_text, Stage.NEW)
        source_text = value(cells, "source").lower()
        if source_text not in SOURCES:
            outcome.reject(
                mapping["source"],
                _("%(value)r is not a source (event, referral, import)")
                % {"value": source_text[:40]},
            )
        values["source"] = SOURCES.get(source_text, Source.IMPORT)
        owner_text = value(cells, "owner").lower()
        values["owner"] = None
        if owner_text:
            values["owner"] = by_name.get(owner_text)
            if values["owner"] is None:
                outcome.reject(
                    mapping["owner"],
                    _("%(value)r does not act for %(code)s")
                    % {"value": owner_text[:60], "code": cluster.code},
                )
        email = value(cells, "contact_email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                outcome.reject(mapping["contact_email"], _("not an e-mail address"))
        values["contact_email"] = email
        for name in ("contact_name", "contact_phone", "next_step"):
            values[name] = value(cells, name)
            if len(values[name]) > _limit(name):
                outcome.reject(mapping[name], _("longer than %d characters") % _limit(name))
        values["note"] = value(cells, "note")[:2000]
        date_text = value(cells, "next_step_date")
        values["next_step_date"] = None
        if date_text:
            try:
                values["next_step_date"] = parse_date(date_text)
            except ValueError as exc:
                outcome.reject(mapping["next_step_date"], str(exc))
        if outcome.status == "rejected":
            continue
        if number in seen:
            outcome.reject(column, _("duplicate of row %d") % seen[number])
            continue
        seen[number] = number_row
        current = existing.get(number)
        if current is None and number in members:
            outcome.reject(column, _("a member of %s already") % cluster.code)
            continue
        if current is None:
            if not values["company_name"]:
                _found, organisation, company = services.look_up(number)
                values["company_name"] = (
                    organisation.name if organisation else company.get("name", "")
                )[: _limit("company_name")]
                if not values["company_name"]:
                    outcome.reject(
                        mapping.get("name", str(LABELS["name"])),
                        _("missing (neither the registry nor the KBO lookup knows the number)"),
                    )
                    continue
            outcome.status = "new"
            row.prospect = Prospect(cluster=cluster, enterprise_number=number, **values)
            continue
        row.prospect = current
        if current.is_open:
            row.changes = {
                k: values[k]
                for k in UPDATED
                if values[k] not in ("", None) and getattr(current, k) != values[k]
            }
        outcome.status = "updated" if row.changes else "unchanged"
        if not current.is_open:
            outcome.notes.append(_("closed in the pipeline: %s") % current.get_stage_display())
    return Plan(rows=rows)


@transaction.atomic
def commit(table: Table, cluster, mapping: dict[str, str], *, actor: audit.Actor) -> Plan:
    """Plan again and apply every new and updated row, in one transaction."""
    result = plan(table, cluster, mapping)
    for row in result.rows:
        if row.outcome.status == "new":
            services.create(actor, row.prospect, note=_("Imported."))
        elif row.outcome.status == "updated":
            for name, new in row.changes.items():
                setattr(row.prospect, name, new)
            services.update(actor, row.prospect)
    return result
