"""Member-list import: from the list a cluster sends to memberships in the registry.

plan() reads a Table and the database and says, row by row, what would happen (new,
updated, unchanged, rejected with reasons) without writing; commit() recomputes the
plan and applies the valid rows in one transaction. The same file imported twice
changes nothing the second time. Members missing from a full list are reported, never
ended silently.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from clustermonitor.core import audit, tabular
from clustermonitor.core.imports import columns
from clustermonitor.core.tabular import (
    RowOutcome,
    Table,
    parse_amount,
    parse_date,
)
from clustermonitor.members.models import Contact, Membership
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry import enterprise
from clustermonitor.registry.models import FirmFigures, Organisation, Postcode

#: Field → the usual column names, normalised (lowercase ASCII letters and digits).
SYNONYMS: dict[str, set[str]] = {
    "enterprise_number": columns.ENTERPRISE_NUMBER,
    "name": columns.ORGANISATION_NAME,
    "kind": {"type", "soort", "kind", "typeorganisatie", "categorie", "category"},
    "street": {"straat", "adres", "straatnaam", "street", "address", "rue", "adresse"},
    "house_number": {"huisnummer", "nr", "nummer", "number", "housenumber", "numero", "no"},
    "box": {"bus", "box", "boite", "bte"},
    "postcode": columns.POSTCODE,
    "city": {
        "gemeente",
        "stad",
        "plaats",
        "woonplaats",
        "city",
        "town",
        "localite",
        "commune",
        "ville",
        "municipality",
    },
    "country": {"land", "country", "pays", "landcode", "countrycode"},
    "website": {"website", "site", "url", "web", "siteweb", "webadres"},
    "start_date": {
        "lidvanaf",
        "lidsinds",
        "startdatum",
        "begindatum",
        "datumlidmaatschap",
        "from",
        "memberfrom",
        "membersince",
        "startdate",
        "membredepuis",
        "datedebut",
    },
    "end_date": {"lidtot", "einddatum", "until", "memberuntil", "enddate", "datefin"},
    "contact_name": {
        "contactpersoon",
        "contact",
        "naamcontactpersoon",
        "contactname",
        "contactperson",
        "personnedecontact",
    },
    "contact_role": {"functie", "rol", "role", "function", "fonction", "jobtitle"},
    "contact_email": columns.EMAIL,
    "contact_phone": {"telefoon", "telefoonnummer", "tel", "gsm", "phone", "telephone", "mobile"},
    "employees": {
        "werknemers",
        "aantalwerknemers",
        "personeel",
        "personeelsleden",
        "fte",
        "vte",
        "employees",
        "headcount",
        "staff",
        "effectif",
        "travailleurs",
        "emplois",
    },
}
FIELDS = list(SYNONYMS)
KINDS = {
    **dict.fromkeys(
        [
            "",
            "bedrijf",
            "onderneming",
            "company",
            "entreprise",
            "kmo",
            "sme",
            "grote onderneming",
            "startup",
            "start-up",
        ],
        Organisation.Kind.COMPANY,
    ),
    **dict.fromkeys(
        [
            "kennisinstelling",
            "universiteit",
            "hogeschool",
            "onderzoekscentrum",
            "soc",
            "knowledge institution",
            "university",
            "research centre",
            "research center",
        ],
        Organisation.Kind.KNOWLEDGE,
    ),
    **dict.fromkeys(
        ["overheid", "government", "public authority", "gemeente", "stad"],
        Organisation.Kind.GOVERNMENT,
    ),
    **dict.fromkeys(
        ["federatie", "sectorfederatie", "federation", "beroepsvereniging"],
        Organisation.Kind.FEDERATION,
    ),
    **dict.fromkeys(
        ["cluster", "clusterorganisatie", "cluster organisation"], Organisation.Kind.CLUSTER
    ),
    **dict.fromkeys(["andere", "other", "autre", "vzw", "non-profit"], Organisation.Kind.OTHER),
}
COUNTRIES = {
    "be": "BE",
    "belgie": "BE",
    "belgië": "BE",
    "belgium": "BE",
    "belgique": "BE",
    "nl": "NL",
    "nederland": "NL",
    "netherlands": "NL",
    "fr": "FR",
    "frankrijk": "FR",
    "france": "FR",
    "de": "DE",
    "duitsland": "DE",
    "germany": "DE",
    "lu": "LU",
    "luxemburg": "LU",
    "luxembourg": "LU",
    "uk": "GB",
    "gb": "GB",
    "verenigd koninkrijk": "GB",
    "united kingdom": "GB",
}


def suggest_mapping(table: Table, remembered: dict | None = None) -> dict[str, str]:
    """Recognised columns, overridden by the mapping this cluster used before (where its
    columns are still there)."""
    return tabular.suggest_mapping(table.headers, SYNONYMS, remembered)


@dataclass
class RowPlan:
    outcome: RowOutcome
    number: str | None = None  # the enterprise number, normalised
    organisation: Organisation | None = None
    organisation_changes: dict = field(default_factory=dict)
    new_organisation: dict | None = None
    membership: Membership | None = None
    membership_changes: dict = field(default_factory=dict)
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    contact: dict | None = None
    employees: Decimal | None = None
    add_figures: bool = False


@dataclass
class Plan(tabular.PlanSummary):
    table: Table
    cluster: Cluster
    rows: list[RowPlan]
    missing: list[Membership]  # active members not in a full list


def plan(
    table: Table,
    cluster: Cluster,
    mapping: dict[str, str],
    *,
    reference_date: datetime.date,
    full_list: bool = False,
    today: datetime.date | None = None,
) -> Plan:
    """Decide every row's fate without writing anything."""
    today = today or datetime.date.today()
    unknown = [f"{f}={c}" for f, c in mapping.items() if c not in table.headers]
    if unknown:
        raise ValueError(_("These mapped columns are not in the file: %s") % ", ".join(unknown))
    get = {f: table.headers.index(c) for f, c in mapping.items() if c}

    def value(cells, name):
        index = get.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    postcodes = set(Postcode.objects.values_list("code", flat=True))
    rows: list[RowPlan] = []
    parsed = []
    for number, cells in table.rows:
        outcome = RowOutcome(number=number, cells=cells)
        row = RowPlan(outcome=outcome)
        raw_number = value(cells, "enterprise_number")
        country = _country(value(cells, "country"), outcome, mapping)
        if raw_number:
            try:
                row.number = enterprise.normalise(raw_number)
            except enterprise.InvalidEnterpriseNumber as exc:
                outcome.reject(mapping["enterprise_number"], f"{raw_number}: {_(exc.reason)}")
        elif country == "BE":
            outcome.reject(
                mapping.get("enterprise_number", _("enterprise number")),
                _("missing; a Belgian organisation needs one (give the country of a foreign one)"),
            )
        name = value(cells, "name")
        postcode = value(cells, "postcode")
        if country == "BE" and postcode and postcode not in postcodes:
            outcome.reject(mapping["postcode"], _("unknown postcode %s") % postcode)
        kind_text = value(cells, "kind").lower()
        if kind_text not in KINDS:
            outcome.reject(mapping["kind"], _("unknown kind %r") % kind_text)
        for date_field in ("start_date", "end_date"):
            text = value(cells, date_field)
            if not text:
                continue
            try:
                day = parse_date(text)
            except ValueError as exc:
                outcome.reject(mapping[date_field], str(exc))
                continue
            if day > today:
                outcome.reject(mapping[date_field], _("date in the future: %s") % text)
            setattr(row, date_field, day)
        if row.start_date and row.end_date and row.end_date < row.start_date:
            outcome.reject(mapping["end_date"], _("before the start date"))
        employees_text = value(cells, "employees")
        if employees_text:
            try:
                row.employees = parse_amount(employees_text)
                if row.employees < 0:
                    raise ValueError(_("negative"))
            except ValueError as exc:
                outcome.reject(mapping["employees"], str(exc))
        email = value(cells, "contact_email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                outcome.reject(mapping["contact_email"], _("not an e-mail address: %s") % email)
        contact_name = value(cells, "contact_name") or ""
        if contact_name or email:
            row.contact = {
                "name": contact_name or email,
                "email": email,
                "role": value(cells, "contact_role"),
                "phone": value(cells, "contact_phone"),
            }
        row.new_organisation = {
            "name": name,
            "kind": KINDS.get(kind_text, Organisation.Kind.COMPANY),
            "street": value(cells, "street"),
            "house_number": value(cells, "house_number"),
            "box": value(cells, "box"),
            "postcode": postcode,
            "city": value(cells, "city"),
            "country": country,
            "website": value(cells, "website"),
        }
        rows.append(row)
        parsed.append(row)
    _flag_duplicates(parsed, mapping)
    _match(parsed, cluster, reference_date, mapping)
    _figures(parsed, reference_date.year)
    for row in parsed:
        if row.outcome.status != "rejected":
            _validate(row, mapping)
    missing = []
    if full_list:
        present = {r.organisation.pk for r in parsed if r.organisation and r.organisation.pk}
        missing = list(
            Membership.objects.active_on(today)
            .filter(cluster=cluster)
            .exclude(organisation_id__in=present)
            .select_related("organisation")
        )
    return Plan(table=table, cluster=cluster, rows=rows, missing=missing)


def _country(text: str, outcome: RowOutcome, mapping) -> str:
    if not text:
        return "BE"
    code = COUNTRIES.get(text.strip().lower())
    if code is None and len(text.strip()) == 2 and text.strip().isalpha():
        code = text.strip().upper()
    if code is None:
        outcome.reject(mapping["country"], _("unknown country %s (use a two-letter code)") % text)
        return "BE"
    return code


def _flag_duplicates(rows: list[RowPlan], mapping) -> None:
    seen: dict[tuple, int] = {}
    for row in rows:
        if row.outcome.status == "rejected":
            continue
        data = row.new_organisation
        key = (
            ("number", row.number)
            if row.number
            else ("name", data["name"].strip().lower(), data["postcode"])
        )
        if key in seen:
            column = mapping.get("enterprise_number") if row.number else mapping.get("name", "")
            row.outcome.reject(column or _("name"), _("duplicate of row %d") % seen[key])
        else:
            seen[key] = row.outcome.number


def _match(rows: list[RowPlan], cluster: Cluster, reference_date, mapping) -> None:
    numbers = [r.number for r in rows if r.number]
    by_number = {
        o.enterprise_number: o for o in Organisation.objects.filter(enterprise_number__in=numbers)
    }
    names = [r.new_organisation["name"] for r in rows if not r.number]
    by_name = {}
    for org in Organisation.objects.filter(enterprise_number__isnull=True, name__in=names):
        by_name.setdefault((org.name.lower(), org.postcode), org)
    memberships = {}
    for m in Membership.objects.filter(cluster=cluster).prefetch_related("contacts"):
        memberships.setdefault(m.organisation_id, []).append(m)
    for row in rows:
        if row.outcome.status == "rejected":
            continue
        data = row.new_organisation
        org = (
            by_number.get(row.number)
            if row.number
            else by_name.get((data["name"].lower(), data["postcode"]))
        )
        if org is None:
            if not data["name"]:
                row.outcome.reject(mapping.get("name", _("name")), _("missing"))
                continue
            row.outcome.status = "new"
            row.start_date = row.start_date or reference_date
            continue
        row.organisation = org
        # One cluster's list fills gaps in the shared registry; it does not overwrite.
        row.organisation_changes = {
            k: v
            for k, v in data.items()
            if v and k not in ("kind", "country") and not getattr(org, k)
        }
        start = row.start_date or reference_date
        current = [
            m for m in memberships.get(org.pk, []) if m.end_date is None or m.end_date >= start
        ]
        if not current:
            row.outcome.status = "new"
            row.start_date = start
            continue
        membership = current[0]
        row.membership = membership
        if row.start_date and row.start_date != membership.start_date:
            row.membership_changes["start_date"] = row.start_date
        if row.end_date and row.end_date != membership.end_date:
            row.membership_changes["end_date"] = row.end_date
        contact_known = row.contact and any(
            (row.contact["email"] and c.email.lower() == row.contact["email"].lower())
            or c.name.lower() == row.contact["name"].lower()
            for c in membership.contacts.all()
        )
        if contact_known:
            row.contact = None
        changed = row.organisation_changes or row.membership_changes or row.contact
        row.outcome.status = "updated" if changed else "unchanged"


def _figures(rows: list[RowPlan], year: int) -> None:
    """A headcount in the list fills the organisation's figures for the reference year
    when it has none for that year (self-reported; KBO-era sources are not overwritten)."""
    known = set(
        FirmFigures.objects.filter(
            organisation_id__in=[r.organisation.pk for r in rows if r.organisation], year=year
        ).values_list("organisation_id", flat=True)
    )
    for row in rows:
        if row.outcome.status == "rejected" or row.employees is None:
            continue
        if row.organisation is None or row.organisation.pk not in known:
            row.add_figures = True
            if row.outcome.status == "unchanged":
                row.outcome.status = "updated"


def _validate(row: RowPlan, mapping: dict[str, str]) -> None:
    """Run the models' own validation now, so that commit cannot fail half-way."""
    if row.organisation is None:
        data = row.new_organisation
        candidate = Organisation(
            enterprise_number=row.number,
            no_number_reason="" if row.number else Organisation.NoNumber.FOREIGN,
            **data,
        )
    else:
        candidate = Organisation(
            **{
                f.attname: getattr(row.organisation, f.attname)
                for f in Organisation._meta.concrete_fields
            }
        )
        for key, value in row.organisation_changes.items():
            setattr(candidate, key, value)
    checks = [(candidate, ["enterprise_number"] if row.organisation else [])]
    if row.contact:
        checks.append((Contact(**row.contact), ["membership"]))
    for instance, exclude in checks:
        try:
            instance.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                source = "contact_" + field_name if isinstance(instance, Contact) else field_name
                column = mapping.get(source) or mapping.get("name") or field_name
                row.outcome.reject(column, " ".join(messages))


@transaction.atomic
def commit(
    table: Table,
    cluster: Cluster,
    mapping: dict[str, str],
    *,
    actor: audit.Actor,
    reference_date: datetime.date,
    full_list: bool = False,
) -> Plan:
    """Apply every valid row in one transaction; rejected rows are left out."""
    result = plan(table, cluster, mapping, reference_date=reference_date, full_list=full_list)
    note = f"import {table.name}"
    for row in result.rows:
        if row.outcome.status in ("rejected", "unchanged"):
            continue
        org = row.organisation
        if org is None:
            data = row.new_organisation
            org = Organisation(
                enterprise_number=row.number,
                no_number_reason=""
                if row.number
                else (
                    Organisation.NoNumber.FOREIGN
                    if data["country"] != "BE"
                    else Organisation.NoNumber.OTHER
                ),
                **data,
            )
            audit.save(actor, org, note=note)
        elif row.organisation_changes:
            for key, value in row.organisation_changes.items():
                setattr(org, key, value)
            audit.save(actor, org, note=note)
        membership = row.membership
        if membership is None:
            membership = Membership(
                organisation=org, cluster=cluster, start_date=row.start_date, end_date=row.end_date
            )
            audit.save(actor, membership, note=note)
        elif row.membership_changes:
            for key, value in row.membership_changes.items():
                setattr(membership, key, value)
            audit.save(actor, membership, note=note)
        if row.contact:
            audit.save(actor, Contact(membership=membership, **row.contact), note=note)
        if row.add_figures:
            figures = FirmFigures(
                organisation=org,
                year=reference_date.year,
                employees=row.employees,
                source=f"ledenlijst {cluster.code}",
            )
            audit.save(actor, figures, note=note)
    return result


@transaction.atomic
def end_memberships(actor: audit.Actor, memberships, end_date: datetime.date) -> int:
    """End the memberships a cluster manager confirmed as gone (from a full list)."""
    count = 0
    for membership in memberships:
        if membership.end_date is None or membership.end_date > end_date:
            membership.end_date = max(end_date, membership.start_date)
            audit.save(actor, membership, note="ended after a full member list")
            count += 1
    return count
