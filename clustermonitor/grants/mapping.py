"""From the application form's answers to the contract's shape (grants/contract.py).

The form is an XLSForm in the survey engine (the shipped one is
grants/data/application_form.xlsx, written by scripts/build_application_xlsform.py); the
agency may change it without code. What ties its answers to the contract is the question
names, by this convention:

=============================  ==========================================================
question name                  contract key
=============================  ==========================================================
``title``, ``applicant``,      the key of the same name (text, trimmed)
``cluster_name``, ``domain``,
``roadmap``, ``position``
``applicant_enterprise_number``  the key, as 0123.456.789 (checked with python-stdnum)
``keywords``                   ``keywords``: the text split on ";" (or new lines)
``manager_name`` / ``_email``  ``cluster_manager.name`` / ``.email`` / ``.phone``
/ ``_phone``
``start_date``                 ``start_date`` (YYYY-MM-DD or DD/MM/YYYY in the answer)
``term_years``                 ``term_years`` (integer)
``requested_amount``           ``requested_amount`` (amount string, two decimals)
``steering_group``             ``steering_group``: a table, one line per row
                               ``name; enterprise number; kind``
``members``                    ``members``: ``enterprise number; name`` per line
``cofinancing``                ``cofinancing``: ``year; budget; subsidy; member fees;
                               other`` per line
``target_<kpi code>``          one ``targets`` row per KPI (``target_kpi1`` → KPI1), with
``targets_due_date``           the due date of ``targets_due_date``
=============================  ==========================================================

A table is a ``multiline`` text question (the engine has no repeats): one row per line,
columns separated by ";" (a tab, as pasted from a spreadsheet, works too), empty lines
skipped. A line that cannot be read gives a `Problem` naming the question, the line (as
the applicant counts, from 1) and the column, e.g. "Members, line 3, enterprise number:
bad checksum". Amounts are read as a Belgian writes them (125.000,50 / 125000.50 /
125 000) and kept as strings with two decimals. Questions the form does not ask leave
their key out, never guessed.

`flags` are what the applicant should see but may still submit (the eligibility
screening decides): each year's co-financing under the cluster type's share, with the
amount missing, and a steering group without a majority of companies.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clustermonitor.registry import enterprise

CENT = Decimal("0.01")
#: The most rows a table takes (a form, not an import).
MAX_ROWS = 300
TEXT_KEYS = ("title", "applicant", "cluster_name", "domain", "roadmap", "position")
TARGET_PREFIX = "target_"

#: The tables: question name → its columns (key, label) in the order of a line.
TABLES = {
    "steering_group": (
        ("name", gettext_lazy("name")),
        ("enterprise_number", gettext_lazy("enterprise number")),
        ("kind", gettext_lazy("kind")),
    ),
    "members": (
        ("enterprise_number", gettext_lazy("enterprise number")),
        ("name", gettext_lazy("name")),
    ),
    "cofinancing": (
        ("year", gettext_lazy("year")),
        ("budget", gettext_lazy("budget")),
        ("subsidy", gettext_lazy("subsidy")),
        ("member_fees", gettext_lazy("member fees")),
        ("other", gettext_lazy("other contributions")),
    ),
}
TABLE_LABELS = {
    "steering_group": gettext_lazy("Steering group"),
    "members": gettext_lazy("Members"),
    "cofinancing": gettext_lazy("Co-financing plan"),
}
KINDS = {
    "company": "company",
    "bedrijf": "company",
    "onderneming": "company",
    "research": "research",
    "onderzoek": "research",
    "kennisinstelling": "research",
    "other": "other",
    "ander": "other",
    "andere": "other",
    "overheid": "other",
}


@dataclass(frozen=True)
class Problem:
    """An answer that cannot go into the contract: the question, the line of a table (1
    = the first line) and its column, and why."""

    field: str
    message: str
    line: int | None = None
    column: str = ""

    def __str__(self) -> str:
        where = str(TABLE_LABELS.get(self.field, self.field))
        if self.line is not None:
            where = _("%(table)s, line %(line)s") % {"table": where, "line": self.line}
        if self.column:
            where = f"{where}, {self.column}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Flag:
    """What the applicant and the screening see but that does not stop a submission."""

    kind: str  # "cofinancing" | "steering_group"
    message: str
    year: int | None = None
    missing: str = ""


# -- values ----------


def amount(text) -> Decimal:
    """An amount as typed in Belgium, or ValueError."""
    if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool):
        value = Decimal(str(text))
    else:
        raw = re.sub(r"[\s\u00a0€]|EUR", "", str(text or ""))
        if not raw or not re.fullmatch(r"[+-]?[\d.,]+", raw):
            raise ValueError(_("not an amount"))
        if "," in raw and "." in raw:
            decimal_mark = "," if raw.rfind(",") > raw.rfind(".") else "."
            thousands = "." if decimal_mark == "," else ","
            raw = raw.replace(thousands, "").replace(decimal_mark, ".")
        elif "," in raw:
            raw = raw.replace(",", "") if raw.count(",") > 1 else raw.replace(",", ".")
        elif raw.count(".") > 1 or re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", raw):
            raw = raw.replace(".", "")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise ValueError(_("not an amount")) from None
    if not value.is_finite() or abs(value) >= Decimal("1e13"):
        raise ValueError(_("not an amount"))
    if value < 0:
        raise ValueError(_("cannot be negative"))
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def day(text) -> datetime.date:
    raw = str(text or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise ValueError(_("not a date (YYYY-MM-DD)"))


def number(text) -> str:
    """An enterprise number as 0123.456.789, or ValueError with the reason."""
    try:
        return enterprise.display(enterprise.normalise(str(text or "")))
    except enterprise.InvalidEnterpriseNumber as error:
        raise ValueError(_(error.reason)) from None


def lines(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of a table answer; empty lines skipped."""
    out = []
    for index, line in enumerate(str(text or "").splitlines(), 1):
        if not line.strip():
            continue
        separator = "\t" if "\t" in line and ";" not in line else ";"
        out.append((index, [cell.strip() for cell in line.split(separator)]))
    return out


# -- tables ----------


def _table(name: str, text: str, problems: list[Problem]) -> list[tuple[int, dict]]:
    columns = TABLES[name]
    rows = []
    for index, cells in lines(text):
        if len(rows) >= MAX_ROWS:
            problems.append(Problem(name, _("at most %(n)s lines") % {"n": MAX_ROWS}, index))
            break
        if len(cells) > len(columns):
            problems.append(
                Problem(
                    name,
                    _("%(found)s columns where %(expected)s are expected")
                    % {"found": len(cells), "expected": len(columns)},
                    index,
                )
            )
            continue
        cells += [""] * (len(columns) - len(cells))
        rows.append((index, dict(zip([key for key, _label in columns], cells, strict=True))))
    return rows


def _label(table: str, key: str) -> str:
    return str(dict(TABLES[table])[key])


def steering_group(text: str, problems: list[Problem]) -> list[dict]:
    out = []
    for index, cells in _table("steering_group", text, problems):
        row = {"name": cells["name"], "enterprise_number": None, "kind": "company"}
        if not cells["name"]:
            problems.append(
                Problem("steering_group", _("is empty"), index, _label("steering_group", "name"))
            )
            continue
        if cells["enterprise_number"]:
            try:
                row["enterprise_number"] = number(cells["enterprise_number"])
            except ValueError as error:
                problems.append(
                    Problem(
                        "steering_group",
                        f"{cells['enterprise_number']!s}: {error}",
                        index,
                        _label("steering_group", "enterprise_number"),
                    )
                )
                continue
        kind = KINDS.get(cells["kind"].strip().lower()) if cells["kind"] else "company"
        if kind is None:
            problems.append(
                Problem(
                    "steering_group",
                    _("'%(value)s' is not one of company, research, other")
                    % {"value": cells["kind"]},
                    index,
                    _label("steering_group", "kind"),
                )
            )
            continue
        row["kind"] = kind
        out.append(row)
    return out


def members(text: str, problems: list[Problem]) -> list[dict]:
    out, seen = [], {}
    for index, cells in _table("members", text, problems):
        label = _label("members", "enterprise_number")
        try:
            digits = number(cells["enterprise_number"])
        except ValueError as error:
            shown = cells["enterprise_number"] or "—"
            problems.append(Problem("members", f"{shown}: {error}", index, label))
            continue
        if digits in seen:
            problems.append(
                Problem(
                    "members",
                    _("%(number)s is already on line %(line)s")
                    % {"number": digits, "line": seen[digits]},
                    index,
                    label,
                )
            )
            continue
        seen[digits] = index
        out.append({"enterprise_number": digits, "name": cells["name"]})
    return out


def cofinancing(text: str, problems: list[Problem]) -> list[dict]:
    out, years = [], {}
    for index, cells in _table("cofinancing", text, problems):
        row, ok = {}, True
        try:
            year = int(cells["year"])
            if not 2000 <= year <= 2100:
                raise ValueError
            row["year"] = year
        except ValueError:
            problems.append(
                Problem(
                    "cofinancing",
                    _("'%(value)s' is not a year") % {"value": cells["year"]},
                    index,
                    _label("cofinancing", "year"),
                )
            )
            ok = False
        for key in ("budget", "subsidy", "member_fees", "other"):
            text_value = cells[key] or ("0" if key == "other" else "")
            try:
                row[key] = str(amount(text_value))
            except ValueError as error:
                problems.append(
                    Problem(
                        "cofinancing",
                        f"'{cells[key]}': {error}",
                        index,
                        _label("cofinancing", key),
                    )
                )
                ok = False
        if not ok:
            continue
        if row["year"] in years:
            problems.append(
                Problem(
                    "cofinancing",
                    _("the year %(year)s is already on line %(line)s")
                    % {"year": row["year"], "line": years[row["year"]]},
                    index,
                    _label("cofinancing", "year"),
                )
            )
            continue
        years[row["year"]] = index
        parts = sum(Decimal(row[k]) for k in ("subsidy", "member_fees", "other"))
        if parts != Decimal(row["budget"]):
            problems.append(
                Problem(
                    "cofinancing",
                    _(
                        "subsidy, member fees and other contributions add up to %(sum)s, "
                        "not the budget %(budget)s"
                    )
                    % {"sum": parts, "budget": row["budget"]},
                    index,
                    _label("cofinancing", "budget"),
                )
            )
            continue
        out.append(row)
    return out


# -- the whole form ----------


def to_contract(answers: dict) -> tuple[dict, list[Problem]]:
    """The contract's shape of `answers` (keyed by question name) and the problems that
    keep it from being submitted."""
    problems: list[Problem] = []
    data: dict = {}
    for key in TEXT_KEYS:
        if key in answers:
            data[key] = str(answers[key]).strip()
    if "applicant_enterprise_number" in answers:
        try:
            data["applicant_enterprise_number"] = number(answers["applicant_enterprise_number"])
        except ValueError as error:
            problems.append(Problem("applicant_enterprise_number", str(error)))
    if "keywords" in answers:
        parts = re.split(r"[;\n]", str(answers["keywords"]))
        data["keywords"] = [p.strip() for p in parts if p.strip()]
    manager = {
        key: str(answers[f"manager_{key}"]).strip()
        for key in ("name", "email", "phone")
        if f"manager_{key}" in answers
    }
    if manager:
        data["cluster_manager"] = {"name": "", "email": "", "phone": "", **manager}
        email = manager.get("email", "")
        if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            problems.append(Problem("manager_email", _("not an e-mail address")))
    if "start_date" in answers:
        try:
            data["start_date"] = day(answers["start_date"]).isoformat()
        except ValueError as error:
            problems.append(Problem("start_date", str(error)))
    if "term_years" in answers:
        data["term_years"] = int(answers["term_years"])
    if "requested_amount" in answers:
        try:
            data["requested_amount"] = str(amount(answers["requested_amount"]))
        except ValueError as error:
            problems.append(Problem("requested_amount", str(error)))
    if "steering_group" in answers:
        data["steering_group"] = steering_group(answers["steering_group"], problems)
    if "members" in answers:
        data["members"] = members(answers["members"], problems)
    if "cofinancing" in answers:
        data["cofinancing"] = cofinancing(answers["cofinancing"], problems)
    targets = _targets(answers, problems)
    if targets:
        data["targets"] = targets
    return data, problems


def _targets(answers: dict, problems: list[Problem]) -> list[dict]:
    names = sorted(n for n in answers if n.startswith(TARGET_PREFIX) and n != "targets_due_date")
    if not names:
        return []
    due = ""
    if "targets_due_date" in answers:
        try:
            due = day(answers["targets_due_date"]).isoformat()
        except ValueError as error:
            problems.append(Problem("targets_due_date", str(error)))
    out = []
    for name in names:
        try:
            value = amount(answers[name])
        except ValueError as error:
            problems.append(Problem(name, str(error)))
            continue
        kpi = name[len(TARGET_PREFIX) :].upper()
        out.append({"kpi": kpi, "value": _plain(value), "due_date": due})
    return out


def _plain(value: Decimal) -> str:
    """125.00 → '125', 12.50 → '12.5': a target as written."""
    text = format(value.normalize(), "f")
    return text


# -- checks the applicant sees ----------


def flags(data: dict, share: Decimal | None) -> list[Flag]:
    """Each year of the plan whose member fees and other contributions stay under
    `share` (the cluster type's co-financing share, 0.50) of its budget, with the amount
    missing; a steering group where companies are not the majority."""
    out = []
    if share is not None:
        for row in data.get("cofinancing", []):
            budget = Decimal(row["budget"])
            own = Decimal(row["member_fees"]) + Decimal(row["other"])
            needed = (budget * Decimal(share)).quantize(CENT, rounding=ROUND_HALF_UP)
            if own < needed:
                missing = needed - own
                out.append(
                    Flag(
                        "cofinancing",
                        _(
                            "%(year)s: member fees and other contributions are %(own)s, "
                            "%(missing)s short of %(percent)s %% of the budget (%(needed)s)"
                        )
                        % {
                            "year": row["year"],
                            "own": own,
                            "missing": missing,
                            "percent": _percent(share),
                            "needed": needed,
                        },
                        year=row["year"],
                        missing=str(missing),
                    )
                )
    group = data.get("steering_group")
    if group:
        companies = sum(1 for r in group if r["kind"] == "company")
        if companies * 2 <= len(group):
            out.append(
                Flag(
                    "steering_group",
                    _(
                        "Companies are %(companies)s of the %(total)s steering group members: "
                        "not a majority."
                    )
                    % {"companies": companies, "total": len(group)},
                )
            )
    return out


def _percent(share) -> str:
    value = (Decimal(share) * 100).normalize()
    return format(value, "f")
