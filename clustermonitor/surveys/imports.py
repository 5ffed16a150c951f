"""Responses collected elsewhere (LimeSurvey, KoboToolbox), mapped onto a wave's
questionnaire: what both imports share.

A source module (`imports_limesurvey`, `imports_kobo`) says which header is which
question (or which option of a select_multiple), which columns are its own system
columns, and how a row gives its id and timestamps. This module does the rest:

- the file's *layout*: headers matching no question (listed by name, with a hint),
  required questions without a column, and what makes the file unusable (no column
  matches a question, no id column, no way to know the cluster);
- per row a verdict: new, updated, unchanged or rejected (row, column, reason). Values
  are checked against the question: a choice must be one of the question's choices
  (by name; by its Dutch or English label; LimeSurvey's answer codes `A1` → `1` and
  `Y`/`N` → yes/no where those are the choices), numbers must be numbers (whole for an
  integer) and every answer must satisfy its question's XLSForm `constraint` (as the
  web questionnaire evaluates it); a value out of range rejects the row;
- the cluster of each row: chosen for the whole file on upload, or a column `cluster`
  (also `IBN`, `cluster code`) with the cluster's code; it must be one of the wave's;
- the invitation, when there is an enterprise-number column (`enterprise number`,
  `ondernemingsnummer`, `KBO`, `BTW`, `VAT`): the row's response is linked to the
  invitation of that company in that cluster and takes its profile; otherwise the
  profile is built from the cluster and the registry's headcount (or the self-reported
  `employees` answer when the registry has none);
- the overwrite rule: a response is known by (wave, source, id in the source). A row
  never overwrites a stored response saved later than the row's own timestamp, so an
  older export never undoes newer answers and a partial response is never replaced by
  an older one. A row without any timestamp counts as saved at the upload. Re-importing
  the same file changes nothing (the profile is a snapshot taken at the first import).
  A row whose company already answered in this wave by another way (the web
  questionnaire, another file) is rejected, not merged.

The commit writes every new and updated row in one transaction; rejected rows are left
out. Audit entries record each response with its answers as a digest only (raw answers
are the evaluator's).
"""

import datetime
import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clustermonitor.core import audit, i18n, tabular
from clustermonitor.core.models import AuditEntry
from clustermonitor.core.tabular import PlanSummary, RowOutcome, Table, normalise_header
from clustermonitor.registry import enterprise
from clustermonitor.registry.models import Organisation
from clustermonitor.surveys import expressions
from clustermonitor.surveys.invitations import headcounts, profile_for, size_of
from clustermonitor.surveys.models import Response, Wave

ANSWERABLE = ("select_one", "select_multiple", "integer", "decimal", "text", "date")
CLUSTER_HEADERS = {"cluster", "clustercode", "ibn", "ibncode", "netwerk"}
ENTERPRISE_HEADERS = {
    "enterprisenumber",
    "ondernemingsnummer",
    "kbo",
    "kbonummer",
    "kbonr",
    "btw",
    "btwnummer",
    "vat",
    "vatnumber",
    "numerodentreprise",
}
TRUE = {"1", "y", "yes", "ja", "true", "x", "waar"}
FALSE = {"0", "n", "no", "nee", "false", "onwaar"}
YES_NO = {"y": ("yes", "ja", "y", "1"), "n": ("no", "nee", "n", "0")}


# -- The questionnaire as an import sees it ------------------------------------------


def question_type(question: dict) -> str:
    return str(question.get("type", "")).split(" ")[0]


def _label_texts(label) -> list[str]:
    if isinstance(label, dict):
        return [str(v).strip().lower() for v in label.values() if v]
    return [str(label).strip().lower()] if label else []


class Index:
    """The questionnaire's questions by lower-cased name, with their choices."""

    def __init__(self, questionnaire):
        self.questions = {
            str(q["name"]).lower(): q
            for q in questionnaire.questions
            if isinstance(q, dict) and q.get("name")
        }

    def get(self, name: str) -> dict | None:
        return self.questions.get(name.strip().lower())

    def option(self, question: dict, text: str) -> str | None:
        """The choice of `question` that `text` names (name, A-code, Y/N or label)."""
        choices = question.get("choices") or []
        wanted = text.strip()
        lowered = wanted.lower()
        for choice in choices:
            if str(choice["name"]).lower() == lowered:
                return choice["name"]
        code = re.fullmatch(r"(?i)a0*(\d+)", wanted)
        if code:
            for choice in choices:
                if str(choice["name"]) == code.group(1):
                    return choice["name"]
        if lowered in YES_NO:
            for choice in choices:
                if str(choice["name"]).lower() in YES_NO[lowered]:
                    return choice["name"]
        for choice in choices:
            if lowered in _label_texts(choice.get("label")):
                return choice["name"]
        return None

    def required(self) -> list[str]:
        return [
            q["name"]
            for q in self.questions.values()
            if q.get("required") and question_type(q) in ANSWERABLE
        ]


# -- Layout --------------------------------------------------------------------------


@dataclass
class Column:
    header: str
    index: int
    question: dict | None = None
    option: str | None = None  # a select_multiple option column

    @property
    def name(self) -> str:
        return self.question["name"] if self.question else ""


@dataclass
class Layout:
    answers: list[Column] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    hints: dict[str, str] = field(default_factory=dict)
    system: list[str] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cluster_column: str = ""
    enterprise_column: str = ""

    @property
    def matched(self) -> list[tuple[str, str]]:
        return [(c.header, c.name + (f" ({c.option})" if c.option else "")) for c in self.answers]


class RowError(ValueError):
    """A row's id or timestamps cannot be read (raised by a source module)."""

    def __init__(self, column: str, message: str):
        self.column, self.message = column, message
        super().__init__(f"{column}: {message}")


def build_layout(table: Table, index: Index, source, chosen_cluster, title: str = "") -> Layout:
    layout = Layout()
    for position, header in enumerate(table.headers):
        mapped = source.map_header(header, index)
        if mapped is not None:
            question, option = mapped
            layout.answers.append(Column(header, position, question, option))
            continue
        key = normalise_header(source.short_name(header))
        if not layout.cluster_column and key in CLUSTER_HEADERS:
            layout.cluster_column = header
        elif not layout.enterprise_column and key in ENTERPRISE_HEADERS:
            layout.enterprise_column = header
        elif source.is_system(header):
            layout.system.append(header)
        else:
            layout.unmatched.append(header)
            hint = source.hint(header, index)
            if hint:
                layout.hints[header] = hint
    covered = {c.name.lower() for c in layout.answers}
    layout.missing_required = [n for n in index.required() if n.lower() not in covered]
    if not layout.answers:
        layout.errors.append(
            _("None of the columns matches a question of “%(q)s”: %(example)s")
            % {"q": title, "example": source.expected_headers(index)}
        )
    if not source.has_id(table.headers):
        layout.errors.append(source.missing_id_message())
    if chosen_cluster is None and not layout.cluster_column:
        layout.errors.append(
            _(
                "Which cluster did each row answer about? Choose the cluster on upload, or "
                "add a column “cluster” with the cluster's code."
            )
        )
    return layout


# -- Values --------------------------------------------------------------------------


def _number(question: dict, text: str):
    kind = question_type(question)
    cleaned = text.strip().replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("“%(v)s” is not a number") % {"v": text}) from None
    if kind == "integer" and value != value.to_integral_value():
        raise ValueError(_("“%(v)s” is not a whole number") % {"v": text})
    return int(value) if kind == "integer" else float(value)


def choice_names(question: dict) -> str:
    return ", ".join(str(c["name"]) for c in question.get("choices") or [])


def convert(index: Index, question: dict, text: str):
    """The stored answer for a cell, or ValueError with the reason."""
    kind = question_type(question)
    if kind == "select_one":
        choice = index.option(question, text)
        if choice is None:
            raise ValueError(
                _("“%(v)s” is not one of the choices of %(q)s (%(choices)s)")
                % {"v": text, "q": question["name"], "choices": choice_names(question)}
            )
        return choice
    if kind == "select_multiple":
        picked = []
        for part in text.split():
            choice = index.option(question, part)
            if choice is None:
                raise ValueError(
                    _("“%(v)s” is not one of the choices of %(q)s (%(choices)s)")
                    % {"v": part, "q": question["name"], "choices": choice_names(question)}
                )
            picked.append(choice)
        return _ordered(question, picked)
    if kind in ("integer", "decimal"):
        return _number(question, text)
    if kind == "date":
        try:
            return datetime.date.fromisoformat(text.strip()[:10]).isoformat()
        except ValueError:
            raise ValueError(_("“%(v)s” is not a date (yyyy-mm-dd)") % {"v": text}) from None
    return text


def _ordered(question: dict, picked) -> list:
    order = [c["name"] for c in question.get("choices") or []]
    return sorted(set(picked), key=lambda name: order.index(name) if name in order else 99)


def checked(text: str) -> bool:
    value = text.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE or value == "":
        return False
    raise ValueError(_("“%(v)s” is not 0/1 or Y/N") % {"v": text})


# -- Timestamps ----------------------------------------------------------------------

_FORMATS = ("%d-%m-%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d/%m/%Y %H:%M")


def parse_timestamp(text: str, naive_in=None) -> datetime.datetime | None:
    """ISO 8601 (with or without offset), or dd-mm-yyyy hh:mm[:ss]; naive times are in
    `naive_in` (default: the application's time zone)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        for fmt in _FORMATS:
            try:
                moment = datetime.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(_("“%(v)s” is not a date and time") % {"v": text}) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, naive_in or timezone.get_current_timezone())
    return moment


@dataclass
class RowMeta:
    external_id: str = ""
    started: datetime.datetime | None = None
    saved: datetime.datetime | None = None  # the row's own "last saved" time
    completed: bool = False
    completed_at: datetime.datetime | None = None  # None with completed: time unknown
    duration: int | None = None


# -- Plan ----------------------------------------------------------------------------


@dataclass
class PlannedRow:
    number: int
    cells: list[str]
    outcome: RowOutcome
    meta: RowMeta = field(default_factory=RowMeta)
    cluster: object = None
    invitation: object = None
    organisation: object = None
    organisation_name: str = ""
    answers: dict = field(default_factory=dict)
    existing: Response | None = None
    values: dict = field(default_factory=dict)  # the Response fields to write


@dataclass
class ImportPlan(PlanSummary):
    layout: Layout
    rows: list[PlannedRow]

    @property
    def can_commit(self) -> bool:
        return not self.layout.errors

    @property
    def to_write(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.outcome.status in ("new", "updated")]


class _Context:
    """What every row needs from the database, fetched once."""

    def __init__(self, wave: Wave, source_name: str, table: Table, layout: Layout):
        self.clusters = {c.code.lower(): c for c in wave.clusters.select_related("call")}
        self.existing = {
            r.external_id: r
            for r in Response.objects.filter(wave=wave, source=source_name).exclude(external_id="")
        }
        self.taken = {
            r.invitation_id: r for r in Response.objects.filter(wave=wave, invitation__isnull=False)
        }
        self.invitations = {}
        self.organisations = {}
        self.staff = {}
        if layout.enterprise_column:
            numbers = set()
            for _number, cells in table.rows:
                try:
                    numbers.add(enterprise.normalise(table.cell(cells, layout.enterprise_column)))
                except enterprise.InvalidEnterpriseNumber:
                    continue
            for invitation in wave.invitations.filter(
                organisation__enterprise_number__in=numbers
            ).select_related("organisation"):
                key = (invitation.organisation.enterprise_number, invitation.cluster_id)
                self.invitations[key] = invitation
            self.organisations = {
                o.enterprise_number: o
                for o in Organisation.objects.filter(enterprise_number__in=numbers)
            }
            self.staff = headcounts([o.pk for o in self.organisations.values()], wave.opens_on.year)


def _cluster_of(row: PlannedRow, table, layout, context, chosen) -> None:
    text = table.cell(row.cells, layout.cluster_column) if layout.cluster_column else ""
    if chosen is not None:
        if text and text.lower() != chosen.code.lower():
            row.outcome.reject(
                layout.cluster_column,
                _("the file is for %(chosen)s, this row says %(row)s")
                % {"chosen": chosen.code, "row": text},
            )
        row.cluster = chosen
        return
    if not text:
        row.outcome.reject(layout.cluster_column, _("no cluster"))
        return
    row.cluster = context.clusters.get(text.lower())
    if row.cluster is None:
        row.outcome.reject(
            layout.cluster_column,
            _("“%(code)s” is not one of this wave's clusters (%(codes)s)")
            % {"code": text, "codes": ", ".join(c.code for c in context.clusters.values())},
        )


def _read_answers(row: PlannedRow, table, layout: Layout, index: Index) -> None:
    options: dict[str, tuple[dict, list]] = {}
    for column in layout.answers:
        text = row.cells[column.index].strip() if column.index < len(row.cells) else ""
        question = column.question
        kind = question_type(question)
        try:
            if column.option is not None:
                entry = options.setdefault(question["name"], (question, []))
                if checked(text):
                    entry[1].append(column.option)
                continue
            if not text or kind not in ANSWERABLE:
                continue
            row.answers[question["name"]] = convert(index, question, text)
        except ValueError as exc:
            row.outcome.reject(column.header, str(exc))
    for name, (question, picked) in options.items():
        from_columns = _ordered(question, picked)
        if name in row.answers and from_columns and row.answers[name] != from_columns:
            row.outcome.reject(
                name,
                _("the answer (%(a)s) and its option columns (%(b)s) disagree")
                % {
                    "a": " ".join(map(str, row.answers[name])),
                    "b": " ".join(map(str, from_columns)),
                },
            )
        elif from_columns:
            row.answers[name] = from_columns
    _check_constraints(row, layout)


def _text(value, language: str | None = None) -> str:
    """A text of the form in the reader's language (the other one when it has none)."""
    language = language or i18n.lang()
    if isinstance(value, dict):
        return str(value.get(language) or value.get("nl") or next(iter(value.values()), ""))
    return str(value or "")


def _check_constraints(row: PlannedRow, layout: Layout) -> None:
    """Each answer against its question's XLSForm constraint (the subset the web
    questionnaire evaluates, `surveys/expressions.py`): out of range → rejected."""
    checked_names = set()
    for column in layout.answers:
        question = column.question
        name = question["name"]
        constraint = str(question.get("constraint") or "").strip()
        if name in checked_names or not constraint or name not in row.answers:
            continue
        checked_names.add(name)
        try:
            holds = expressions.evaluate(
                constraint, row.answers, row.answers[name], allow_current=True
            )
        except expressions.ExpressionError:
            continue
        if not holds:
            message = _text(question.get("constraint_message"))
            row.outcome.reject(
                column.header,
                _("%(v)s is out of range (%(rule)s)")
                % {"v": row.answers[name], "rule": message or constraint},
            )


def _identify(row: PlannedRow, table, layout: Layout, context: _Context) -> None:
    if not layout.enterprise_column or row.cluster is None:
        return
    text = table.cell(row.cells, layout.enterprise_column)
    if not text:
        return
    try:
        number = enterprise.normalise(text)
    except enterprise.InvalidEnterpriseNumber as exc:
        row.outcome.notes.append(
            _("enterprise number %(v)s not used: %(reason)s") % {"v": text, "reason": _(exc.reason)}
        )
        return
    row.invitation = context.invitations.get((number, row.cluster.pk))
    organisation = context.organisations.get(number)
    if row.invitation is not None:
        row.organisation_name = row.invitation.organisation.name
    elif organisation is not None:
        row.organisation_name = organisation.name
        row.outcome.notes.append(_("no invitation for this company in this cluster"))
        row.organisation = organisation
    else:
        row.outcome.notes.append(_("enterprise number not in the registry"))


def _profile(row: PlannedRow, context: _Context) -> dict:
    if row.invitation is not None:
        profile = dict(row.invitation.profile)
    else:
        organisation = row.organisation
        employees = context.staff.get(organisation.pk) if organisation else None
        profile = profile_for(row.cluster, employees)
    if profile.get("size", "unknown") == "unknown" and isinstance(
        row.answers.get("employees"), (int, float)
    ):
        profile["size"] = size_of(row.answers["employees"])
        profile["employees"] = row.answers["employees"]
        profile["size_source"] = "self-reported"
    return profile


def _decide(row: PlannedRow, context: _Context, source_name: str, now) -> None:
    meta, existing = row.meta, context.existing.get(row.meta.external_id)
    row.existing = existing
    holder = context.taken.get(row.invitation.pk) if row.invitation is not None else None
    if holder is not None and (holder.source, holder.external_id) != (
        source_name,
        meta.external_id,
    ):
        row.outcome.reject(
            _("enterprise number"),
            _(
                "%(org)s already answered about %(cluster)s in this wave (%(how)s, last "
                "saved %(when)s); this row is not imported"
            )
            % {
                "org": row.organisation_name,
                "cluster": row.cluster.code,
                "how": holder.get_source_display(),
                "when": timezone.localtime(holder.last_saved_at).strftime("%d/%m/%Y %H:%M"),
            },
        )
        return
    if existing is not None and meta.saved is not None and existing.last_saved_at > meta.saved:
        row.outcome.status = "unchanged"
        row.outcome.notes.append(
            _("kept the stored response: it was saved later (%(when)s)")
            % {"when": timezone.localtime(existing.last_saved_at).strftime("%d/%m/%Y %H:%M")}
        )
        return
    saved = meta.saved or (existing.last_saved_at if existing else now)
    started = meta.started or (existing.started_at if existing else saved)
    completed_at = None
    if meta.completed:
        completed_at = meta.completed_at or (
            existing.completed_at if existing and existing.completed_at else saved
        )
    duration = meta.duration
    if duration is None and meta.completed and meta.started and meta.completed_at:
        duration = max(0, int((meta.completed_at - meta.started).total_seconds()))
    invitation = row.invitation or (existing.invitation if existing else None)
    values = {
        "answers": row.answers,
        "started_at": min(started, saved),
        "last_saved_at": saved,
        "completed_at": completed_at,
        "duration_seconds": duration if meta.completed else None,
        "invitation": invitation,
    }
    if existing is None or (invitation is not None and existing.invitation_id is None):
        values["profile"] = _profile(row, context)
    row.values = values
    if existing is None:
        row.outcome.status = "new"
        return
    changed = [
        name
        for name, value in values.items()
        if (
            existing.invitation_id != (value.pk if value else None)
            if name == "invitation"
            else getattr(existing, name) != value
        )
    ]
    if not changed:
        row.outcome.status = "unchanged"
        return
    row.outcome.status = "updated"
    if "answers" in changed:
        keys = set(existing.answers) | set(row.answers)
        differ = sorted(k for k in keys if existing.answers.get(k) != row.answers.get(k))
        row.outcome.notes.append(_("answers changed: %(q)s") % {"q": ", ".join(differ)})


def layout_of(table: Table, wave: Wave, source, chosen_cluster=None) -> Layout:
    index = Index(wave.questionnaire)
    return build_layout(table, index, source, chosen_cluster, str(wave.questionnaire))


def plan(table: Table, wave: Wave, source, chosen_cluster=None, now=None) -> ImportPlan:
    """The dry run: what importing `table` into `wave` would do, row by row."""
    now = now or timezone.now()
    index = Index(wave.questionnaire)
    layout = build_layout(table, index, source, chosen_cluster, str(wave.questionnaire))
    rows = [PlannedRow(number, cells, RowOutcome(number, cells)) for number, cells in table.rows]
    result = ImportPlan(layout=layout, rows=rows)
    if layout.errors:
        for row in rows:
            row.outcome.reject(_("file"), _("the file cannot be imported as it is"))
        return result
    context = _Context(wave, source.SOURCE, table, layout)
    seen_ids, seen_invitations = {}, {}
    for row in rows:
        try:
            row.meta = source.row_meta(table, row.cells)
        except RowError as exc:
            row.outcome.reject(exc.column, exc.message)
        if not row.meta.external_id and not row.outcome.problems:
            row.outcome.reject(source.id_column(table.headers), _("no id"))
        elif row.meta.external_id in seen_ids:
            row.outcome.reject(
                source.id_column(table.headers),
                _("the same id as row %(row)d") % {"row": seen_ids[row.meta.external_id]},
            )
        if row.meta.external_id:
            seen_ids.setdefault(row.meta.external_id, row.number)
        _cluster_of(row, table, layout, context, chosen_cluster)
        _read_answers(row, table, layout, index)
        _identify(row, table, layout, context)
        if row.invitation is not None:
            if row.invitation.pk in seen_invitations:
                row.outcome.reject(
                    layout.enterprise_column,
                    _("this company answered about this cluster in row %(row)d already")
                    % {"row": seen_invitations[row.invitation.pk]},
                )
            seen_invitations.setdefault(row.invitation.pk, row.number)
        if row.outcome.problems:
            continue
        _decide(row, context, source.SOURCE, now)
    return result


# -- Commit --------------------------------------------------------------------------


def _audit_snapshot(response: Response) -> dict:
    data = audit.snapshot(response)
    digest = hashlib.sha256(json.dumps(response.answers, sort_keys=True).encode()).hexdigest()
    data["answers"] = f"hidden:{digest[:8]} ({len(response.answers)})"
    return data


@transaction.atomic
def commit(
    table: Table, wave: Wave, source, actor: audit.Actor, chosen_cluster=None, note: str = ""
) -> ImportPlan:
    """Write the new and updated rows of the plan, in one transaction."""
    result = plan(table, wave, source, chosen_cluster)
    if not result.can_commit:
        return result
    for row in result.to_write:
        response = row.existing or Response(
            wave=wave, source=source.SOURCE, external_id=row.meta.external_id
        )
        before = _audit_snapshot(response) if response.pk else None
        for name, value in row.values.items():
            setattr(response, name, value)
        response.save()
        audit.record(
            actor,
            AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE,
            response,
            before,
            _audit_snapshot(response),
            note=note,
        )
    return result


# -- Uploaded files ------------------------------------------------------------------

KEY = re.compile(r"^[0-9a-f]{32}$")


PARSED = "table.json.gz"  # the parsed table, kept next to the uploaded file


def _folder(wave: Wave, key: str) -> str:
    if not KEY.match(key):
        raise FileNotFoundError(key)
    return f"surveys/imports/{wave.pk}/{key}"


def store_upload(wave: Wave, data: bytes, name: str, meta: dict, table: Table | None = None) -> str:
    """Keep an uploaded file until its import is committed, with the table parsed from
    it (so that the pages that follow do not parse it again); returns its key."""
    key = secrets.token_hex(16)
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", PurePosixPath(name).name)[-100:] or "upload.csv"
    folder = _folder(wave, key)
    default_storage.save(f"{folder}/{safe}", ContentFile(data))
    if table is not None:
        default_storage.save(f"{folder}/{PARSED}", ContentFile(tabular.dump_parsed(table)))
    meta = {
        **meta,
        "file": safe,
        "name": name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "state": "uploaded",
        "uploaded_at": timezone.now().isoformat(),
    }
    write_meta(wave, key, meta)
    return key


def write_meta(wave: Wave, key: str, meta: dict) -> None:
    path = f"{_folder(wave, key)}/meta.json"
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(path, ContentFile(json.dumps(meta, indent=1).encode()))


def read_upload_table(wave: Wave, key: str) -> tuple[dict, Table]:
    """The upload's meta and its parsed table; an upload from before the table was kept
    is parsed once now. Raises FileNotFoundError, or TableError for a file kept from
    before the limits that is over one of them."""
    folder = _folder(wave, key)
    if not default_storage.exists(f"{folder}/meta.json"):
        raise FileNotFoundError(key)
    with default_storage.open(f"{folder}/meta.json") as handle:
        meta = json.loads(handle.read())
    if default_storage.exists(f"{folder}/{PARSED}"):
        with default_storage.open(f"{folder}/{PARSED}", "rb") as handle:
            return meta, tabular.load_parsed(handle.read())
    with default_storage.open(f"{folder}/{meta['file']}") as handle:
        table = tabular.read_table(handle.read(), meta["name"])
    default_storage.save(f"{folder}/{PARSED}", ContentFile(tabular.dump_parsed(table)))
    return meta, table


def recent_uploads(wave: Wave, limit: int = 10) -> list[dict]:
    base = f"surveys/imports/{wave.pk}"
    try:
        keys, _files = default_storage.listdir(base)
    except FileNotFoundError:
        return []
    uploads = []
    for key in keys:
        if not KEY.match(key):
            continue
        try:
            with default_storage.open(f"{base}/{key}/meta.json") as handle:
                uploads.append({**json.loads(handle.read()), "key": key})
        except (FileNotFoundError, ValueError):
            continue
    uploads.sort(key=lambda m: m.get("uploaded_at", ""), reverse=True)
    return uploads[:limit]


# -- Sources -------------------------------------------------------------------------


def source_module(name: str):
    from clustermonitor.surveys import imports_kobo, imports_limesurvey

    return {"limesurvey": imports_limesurvey, "kobo": imports_kobo}[name]


def detect_source(headers: list[str]) -> str:
    """'limesurvey', 'kobo' or '' from the system columns a file carries."""
    lowered = {h.strip().lower() for h in headers}
    if lowered & {"submitdate", "lastpage", "startlanguage", "datestamp"}:
        return "limesurvey"
    if lowered & {"_uuid", "_submission_time", "_id", "_index"} or any("/" in h for h in lowered):
        return "kobo"
    return ""
