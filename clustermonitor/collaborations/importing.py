"""Importing a list of collaborations, one row per collaboration, with the same
experience as member lists: mapping remembered per cluster, a dry run with a verdict
per row that names the row, column and reason, one transaction, and a second import
of the same file changes nothing.

Parties are given as enterprise numbers separated by ";", each with an optional role
in brackets: ``0200.065.765 (lead); 0403.170.701``. Every party must be an
organisation of the registry. Other clusters (an intercluster project) are given by
code; the importing cluster is always one of them. A row is matched to an existing
collaboration of the cluster by its title. Parties are added or get a new role;
a party missing from the file is never removed.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clustermonitor.collaborations import lifecycle, services
from clustermonitor.collaborations.models import (
    Collaboration,
    Instrument,
    Nature,
    Party,
    Purpose,
    Stage,
    StopReason,
    ValueChain,
)
from clustermonitor.core import audit, tabular
from clustermonitor.core.tabular import RowOutcome, Table, parse_amount, parse_date
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry import enterprise
from clustermonitor.registry.models import Organisation

SYNONYMS: dict[str, set[str]] = {
    "title": {"titel", "title", "titre", "naam", "project", "projectnaam", "initiatief"},
    "description": {"omschrijving", "beschrijving", "description", "samenvatting"},
    "clusters": {"clusters", "anderclusters", "partnerclusters", "otherclusters", "intercluster"},
    "stage": {"stadium", "fase", "status", "stage", "etat", "statut"},
    "stage_date": {"sinds", "datumstatus", "statusdatum", "since", "stagedate", "depuis"},
    "stop_reason": {"redenstop", "reden", "stopreden", "stopreason", "reason", "raison"},
    "start_date": {"startdatum", "start", "begin", "begindatum", "startdate", "datedebut"},
    "end_date": {"einddatum", "einde", "enddate", "end", "datefin"},
    "budget": {"budget", "totaalbudget", "begroting", "totalbudget"},
    "grant": {"steun", "subsidie", "toelage", "grant", "subvention", "funding"},
    "nature": {"aard", "soort", "nature", "type", "typesamenwerking"},
    "value_chain": {"waardeketen", "keten", "valuechain", "chaine"},
    "purpose": {"doel", "doelstelling", "purpose", "objectif", "focus"},
    "instrument": {"instrument", "financiering", "financieringsinstrument", "funding instrument"},
    "parties": {"partijen", "partners", "deelnemers", "parties", "participants", "bedrijven"},
}
FIELDS = list(SYNONYMS)
LABELS = {
    "title": gettext_lazy("title"),
    "description": gettext_lazy("description"),
    "clusters": gettext_lazy("other clusters (codes)"),
    "stage": gettext_lazy("stage"),
    "stage_date": gettext_lazy("stage since"),
    "stop_reason": gettext_lazy("reason for stopping"),
    "start_date": gettext_lazy("start date"),
    "end_date": gettext_lazy("end date"),
    "budget": gettext_lazy("budget (EUR)"),
    "grant": gettext_lazy("grant (EUR)"),
    "nature": gettext_lazy("nature"),
    "value_chain": gettext_lazy("value chain"),
    "purpose": gettext_lazy("purpose"),
    "instrument": gettext_lazy("funding instrument"),
    "parties": gettext_lazy("parties (enterprise numbers)"),
}
CHOICE_FIELDS = {
    "nature": Nature,
    "value_chain": ValueChain,
    "purpose": Purpose,
    "instrument": Instrument,
    "stage": Stage,
    "stop_reason": StopReason,
}
#: Dutch words people type, beside the codes and the English labels.
DUTCH = {
    "stage": {
        "idee": "idea",
        "verkenning": "exploring",
        "verkennend": "exploring",
        "gedefinieerd": "defined",
        "afgebakend": "defined",
        "ingediend": "submitted",
        "gestart": "started",
        "lopend": "started",
        "afgerond": "completed",
        "voltooid": "completed",
        "gestopt": "stopped",
        "stopgezet": "stopped",
    },
    "nature": {"projectmatig": "project", "project": "project", "operationeel": "operational"},
    "value_chain": {"binnen": "within", "buiten": "outside"},
    "purpose": {
        "onderzoek": "research",
        "o&o": "research",
        "testen": "testing",
        "pilot": "testing",
        "demo": "testing",
        "proeftuin": "testing",
        "markt": "market",
        "internationalisering": "market",
        "opleiding": "competence",
        "competenties": "competence",
        "standaarden": "standards",
        "procedures": "standards",
        "roadmap": "roadmap",
        "strategie": "roadmap",
        "andere": "other",
    },
    "instrument": {
        "vis": "vis",
        "haalbaarheidsstudie": "vis",
        "interclusteroproep": "intercluster",
        "eigen middelen": "own",
        "eu-programma": "eu",
        "esf": "esf_scope",
        "scope": "esf_scope",
        "erdf": "efro",
        "andere": "other",
    },
    "stop_reason": {
        "verwachtingen": "expectations",
        "belangen": "expectations",
        "financiering": "finance",
        "engagement": "commitment",
        "trekker": "commitment",
        "andere": "other",
    },
}
ROLE_WORDS = {
    "lead": Party.Role.LEAD,
    "trekker": Party.Role.LEAD,
    "coordinator": Party.Role.LEAD,
    "coördinator": Party.Role.LEAD,
    "partner": Party.Role.PARTNER,
    "kennispartner": Party.Role.KNOWLEDGE,
    "knowledge": Party.Role.KNOWLEDGE,
    "knowledge partner": Party.Role.KNOWLEDGE,
    "onderaannemer": Party.Role.SUBCONTRACTOR,
    "subcontractor": Party.Role.SUBCONTRACTOR,
    "eindgebruiker": Party.Role.END_USER,
    "end user": Party.Role.END_USER,
    "end_user": Party.Role.END_USER,
    "andere": Party.Role.OTHER,
    "other": Party.Role.OTHER,
}
PARTY = re.compile(r"^\s*(?P<number>[^()]+?)\s*(?:\((?P<role>[^)]*)\))?\s*$")


def suggest_mapping(table: Table, remembered: dict | None = None) -> dict[str, str]:
    return tabular.suggest_mapping(table.headers, SYNONYMS, remembered)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def parse_choice(name: str, text: str) -> str:
    """A choice as code, English label, Dutch label or common Dutch word."""
    choices = CHOICE_FIELDS[name]
    folded = _fold(text)
    for value, label in choices.choices:
        if folded in (_fold(value), _fold(str(label))):
            return value
    # The Dutch catalogue's label, whatever the active language.
    from django.utils import translation

    with translation.override("nl"):
        for value, label in choices.choices:
            if folded == _fold(str(label)):
                return value
    for word, value in DUTCH.get(name, {}).items():
        if folded == _fold(word) or _fold(word) in re.split(r"[^\w&-]+", folded):
            return value
    raise ValueError(
        _("%(value)s is not one of: %(choices)s")
        % {"value": text, "choices": ", ".join(v for v, _label in choices.choices)}
    )


@dataclass
class RowPlan:
    outcome: RowOutcome
    existing: Collaboration | None = None
    values: dict = field(default_factory=dict)
    clusters: list = field(default_factory=list)
    parties: list[tuple[Organisation, str]] = field(default_factory=list)
    stage: str = ""
    stage_date: datetime.date | None = None


@dataclass
class Plan(tabular.PlanSummary):
    rows: list[RowPlan]
    missing: list = field(default_factory=list)

    @property
    def extra_counts(self) -> dict[str, int]:
        planned = [r for r in self.rows if r.outcome.status in ("new", "updated")]
        return {
            _("intercluster"): sum(1 for r in planned if len(r.clusters) > 1),
            _("parties"): sum(len(r.parties) for r in planned),
        }


def _parties(
    text: str, column: str, outcome: RowOutcome, nameable
) -> list[tuple[Organisation, str]]:
    """The parties of a row: organisations among `nameable` (what the importing user may
    name, access.parties_for) by enterprise number; any other number is refused as not
    in the registry, revealing nothing."""
    parties, seen = [], set()
    for part in (p for p in re.split(r"[;\n|]", text) if p.strip()):
        match = PARTY.match(part)
        number_text = match.group("number") if match else part
        role = Party.Role.PARTNER
        if match and match.group("role"):
            role = ROLE_WORDS.get(_fold(match.group("role")))
            if role is None:
                outcome.reject(
                    column,
                    _(
                        "%(role)s is no role (lead, partner, knowledge partner, subcontractor, "
                        "end user, other)"
                    )
                    % {"role": match.group("role")},
                )
                continue
        try:
            number = enterprise.normalise(number_text)
        except enterprise.InvalidEnterpriseNumber as exc:
            outcome.reject(column, f"{number_text.strip()}: {_(exc.reason)}")
            continue
        organisation = nameable.filter(enterprise_number=number).first()
        if organisation is None:
            outcome.reject(
                column,
                _("%(number)s is no organisation in the registry")
                % {"number": enterprise.display(number)},
            )
            continue
        if organisation.pk in seen:
            continue
        seen.add(organisation.pk)
        parties.append((organisation, role))
    return parties


def plan(table: Table, cluster: Cluster, mapping: dict[str, str], *, user=None) -> Plan:
    """`user`: who imports (None: the system, which may name any organisation)."""
    nameable = Organisation.objects.all()
    if user is not None:
        from clustermonitor.accounts import access

        nameable = access.parties_for(user, nameable)
    value = table.mapped(mapping)

    existing = {
        c.title.strip().lower(): c
        for c in Collaboration.objects.filter(clusters=cluster).prefetch_related(
            "clusters", "parties"
        )
    }
    codes = {c.code.upper(): c for c in Cluster.objects.filter(programme=cluster.programme)}
    today = datetime.date.today()
    rows, seen = [], {}
    for number, cells in table.rows:
        outcome = RowOutcome(number=number, cells=cells)
        row = RowPlan(outcome=outcome)
        rows.append(row)
        title = value(cells, "title")
        if not title:
            outcome.reject(mapping.get("title", _("title")), _("no title"))
            continue
        if title.lower() in seen:
            outcome.reject(mapping["title"], _("duplicate of row %d") % seen[title.lower()])
            continue
        seen[title.lower()] = number
        values = {"title": title[:300], "description": value(cells, "description")}
        for name in ("nature", "value_chain", "purpose", "instrument", "stop_reason", "stage"):
            text = value(cells, name)
            if not text:
                values[name] = ""
                continue
            try:
                values[name] = parse_choice(name, text)
            except ValueError as exc:
                outcome.reject(mapping[name], str(exc))
        for name in ("start_date", "end_date", "stage_date"):
            text = value(cells, name)
            values[name] = None
            if text:
                try:
                    values[name] = parse_date(text)
                except ValueError as exc:
                    outcome.reject(mapping[name], str(exc))
                    continue
                if values[name] > today and name == "stage_date":
                    outcome.reject(mapping[name], _("date in the future"))
        for name in ("budget", "grant"):
            text = value(cells, name)
            values[name] = None
            if text:
                try:
                    values[name] = parse_amount(text)
                except ValueError as exc:
                    outcome.reject(mapping[name], str(exc))
        clusters = [cluster]
        for code in (c.strip().upper() for c in re.split(r"[;,]", value(cells, "clusters"))):
            if not code or code == cluster.code.upper():
                continue
            if code not in codes:
                outcome.reject(mapping["clusters"], _("%(code)s is no cluster") % {"code": code})
            elif codes[code] not in clusters:
                clusters.append(codes[code])
        row.clusters = clusters
        row.parties = _parties(
            value(cells, "parties"), mapping.get("parties", ""), outcome, nameable
        )
        if outcome.status == "rejected":
            continue
        stage, stage_date = values.pop("stage"), values.pop("stage_date")
        current = existing.get(title.lower())
        row.existing = current
        stop_reason = values.pop("stop_reason")
        if stage and not stage_date:
            if stage == Stage.STARTED:
                stage_date = values.get("start_date") or (current and current.start_date)
            elif stage == Stage.COMPLETED:
                stage_date = values.get("end_date") or (current and current.end_date)
            else:
                stage_date = today
            if not stage_date:
                outcome.reject(
                    mapping.get("stage_date") or mapping["stage"],
                    _("a started collaboration needs its start date")
                    if stage == Stage.STARTED
                    else _("a completed collaboration needs its end date"),
                )
                continue
        row.stage, row.stage_date = stage, stage_date
        row.values = {k: v for k, v in values.items() if k == "title" or k in value.index}
        if current is not None:
            # An empty cell leaves what is recorded: a file fills in, it does not erase.
            row.values = {k: v for k, v in row.values.items() if v not in (None, "")}
            if stage in (Stage.STARTED, Stage.COMPLETED) and not row.values.get("start_date"):
                row.values["start_date"] = current.start_date or stage_date
        row.values["stop_reason"] = stop_reason
        if current is None and not stage:
            row.stage, row.stage_date = Stage.IDEA, today
        problem = _check(row, current, mapping)
        if problem:
            outcome.reject(*problem)
            continue
        if current is None:
            outcome.status = "new"
        else:
            outcome.status = "updated" if _differs(current, row) else "unchanged"
    return Plan(rows=rows)


def _column(mapping, field_name: str) -> str:
    return mapping.get(field_name) or mapping.get("stage") or mapping.get("title", "")


def _check(row: RowPlan, current: Collaboration | None, mapping) -> tuple[str, str] | None:
    """The lifecycle step and the record's own rules, as (column, message)."""
    reason = row.values.get("stop_reason") or ""
    if (
        current is not None
        and current.stage == Stage.STOPPED
        and row.stage in ("", Stage.STOPPED)
        and reason
        and reason != current.stop_reason
    ):
        return (
            _column(mapping, "stop_reason"),
            _("the collaboration stopped for another reason: change it on its page"),
        )
    if row.stage and (current is None or row.stage != current.stage):
        last = current.stage_changes.order_by("-date", "-pk").first() if current else None
        try:
            lifecycle.check_transition(
                current.stage if current else None,
                row.stage,
                on=row.stage_date,
                last_date=last.date if last else None,
                reason=row.values["stop_reason"] or "",
                start_date=row.values.get("start_date") or (current and current.start_date),
                end_date=row.values.get("end_date") or (current and current.end_date),
            )
        except lifecycle.TransitionError as exc:
            name = {"date": "stage_date", "reason": "stop_reason"}.get(exc.field, "stage")
            return _column(mapping, name), str(exc)
    candidate = Collaboration()
    if current is not None:
        for f in Collaboration._meta.concrete_fields:
            setattr(candidate, f.attname, getattr(current, f.attname))
    for key, value in row.values.items():
        setattr(candidate, key, value or "" if key == "stop_reason" else value)
    if row.stage:
        candidate.stage = row.stage
        if row.stage in (Stage.STARTED, Stage.COMPLETED) and not candidate.start_date:
            candidate.start_date = row.stage_date
    try:
        candidate.clean()
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        return _column(mapping, name), "; ".join(messages)
    return None


def _differs(current: Collaboration, row: RowPlan) -> bool:
    for key, value in row.values.items():
        if key == "stop_reason":
            value = value or ""
        if getattr(current, key) != value:
            return True
    if row.stage and row.stage != current.stage:
        return True
    if not {c.pk for c in row.clusters} <= {c.pk for c in current.clusters.all()}:
        return True
    parties = {p.organisation_id: p.role for p in current.parties.all()}
    return any(parties.get(o.pk) != role for o, role in row.parties)


@transaction.atomic
def commit(table: Table, cluster: Cluster, mapping, *, actor: audit.Actor) -> Plan:
    result = plan(table, cluster, mapping, user=actor.user)
    note = f"import {table.name}"
    for row in result.rows:
        if row.outcome.status not in ("new", "updated"):
            continue
        values = {k: v for k, v in row.values.items() if k != "stop_reason"}
        stop_reason = row.values.get("stop_reason") or ""
        if row.existing is None:
            collaboration = Collaboration(programme=cluster.programme, **values)
            services.create(
                actor,
                collaboration,
                row.clusters,
                stage=row.stage,
                on=row.stage_date,
                reason=stop_reason,
                note=note,
            )
        else:
            collaboration = row.existing
            for key, value in values.items():
                setattr(collaboration, key, value)
            # Clusters are added, never taken away by a file of one cluster.
            clusters = {c.pk: c for c in collaboration.clusters.all()}
            clusters.update({c.pk: c for c in row.clusters})
            audit.save(actor, collaboration, m2m={"clusters": list(clusters.values())}, note=note)
            if row.stage and row.stage != collaboration.stage:
                services.change_stage(
                    actor,
                    collaboration,
                    row.stage,
                    on=row.stage_date,
                    reason=stop_reason,
                    note=note,
                )
        for organisation, role in row.parties:
            services.set_party(actor, collaboration, organisation, role)
    return result
