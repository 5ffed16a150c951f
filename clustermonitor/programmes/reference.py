"""Load the real 2020 portfolio (data/reference/) into the database.

Every file is read and checked before anything is written; a malformed row stops the
load with the file, line and field. Writing is one transaction through the audited
save, which skips unchanged rows, so a second run changes nothing.
"""

import csv
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from clustermonitor.core import audit
from clustermonitor.programmes.models import (
    KPI,
    Call,
    Cluster,
    ClusterType,
    Embedding,
    FuturePath,
    Programme,
    ReportedFigure,
    Target,
)
from clustermonitor.programmes.rules_math import add_years

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"
SOURCE = "IBN-evaluatie 2020"
SOURCE_DATE = datetime.date(2020, 1, 31)
ACTOR = audit.Actor.system("load-reference")

PROGRAMME = {
    "slug": "vlaams-clusterbeleid",
    "name": "Vlaams clusterbeleid",
    "name_en": "Flemish cluster policy",
    "agency": "VLAIO",
    "description": (
        "Speerpuntclusters en innovatieve bedrijfsnetwerken, gesteund door het Agentschap "
        "Innoveren & Ondernemen."
    ),
    "start_date": datetime.date(2016, 1, 1),
}

# DESIGN §4: the three programme KPIs, as data.
KPIS = [
    {
        "code": "KPI1",
        "order": 1,
        "name": "Unieke actieve bedrijven",
        "name_en": "Unique active companies",
        "unit": "bedrijven",
        "definition": (
            "Het aantal verschillende bedrijven dat betalend lid is van de cluster, geteld over "
            "de looptijd van de overeenkomst tot de rapporteringsdatum."
        ),
        "definition_en": (
            "Distinct companies that are paying members of the cluster, counted over the "
            "agreement period up to the reporting date."
        ),
    },
    {
        "code": "KPI2",
        "order": 2,
        "name": "Nieuwe actieve bedrijven",
        "name_en": "New active companies",
        "unit": "bedrijven",
        "definition": (
            "De bedrijven van KPI 1 waarvan het eerste lidmaatschap van de cluster begint op of na "
            "de startdatum van de overeenkomst."
        ),
        "definition_en": (
            "Those of KPI 1 whose first membership of the cluster starts on or after the "
            "agreement's start date."
        ),
    },
    {
        "code": "KPI3",
        "order": 3,
        "name": "Samenwerkingen met minstens 3 bedrijven",
        "name_en": "Collaborations with at least 3 companies",
        "unit": "samenwerkingen",
        "definition": (
            "Samenwerkingsinitiatieven van de cluster met minstens 3 verschillende bedrijven "
            "onder de partijen, die binnen de looptijd van de overeenkomst de status 'gestart' "
            "(of later) bereikten."
        ),
        "definition_en": (
            "Collaboration initiatives attributed to the cluster, with at least 3 distinct "
            "companies among the parties, that reached status started (or later) within the "
            "agreement period."
        ),
    },
]

TYPE_NAMES_EN = {"SPC": "Spearhead cluster", "IBN": "Innovative business network"}


class ReferenceDataError(Exception):
    """One or more malformed rows; nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class Problems:
    items: list[str] = field(default_factory=list)

    def add(self, file: str, line: int | None, column: str, message: str) -> None:
        where = f"{file}, line {line}" if line else file
        self.items.append(f"{where}, field {column}: {message}")


def split_keywords(text: str) -> list[str]:
    """Split on ';' outside parentheses: 'luchtvaartsector (bouwers; apparatuur)' is one."""
    parts, depth, current = [], 0, []
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == ";" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


class _Reader:
    """Reads one CSV file into dicts, checking header and values, noting every problem."""

    def __init__(self, directory: Path, name: str, columns: list[str], problems: Problems):
        self.name, self.problems, self.rows = name, problems, []
        path = directory / name
        if not path.exists():
            problems.add(name, None, "-", "file is missing")
            return
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in columns if c not in header]
            if missing:
                problems.add(name, 1, ", ".join(missing), f"missing column; expected {columns}")
                return
            for row in reader:
                self.rows.append((reader.line_num, row))

    def text(self, line, row, column, *, required=True, pattern=None) -> str:
        value = (row.get(column) or "").strip()
        if required and not value:
            self.problems.add(self.name, line, column, "is empty")
        elif value and pattern and not re.fullmatch(pattern, value):
            self.problems.add(self.name, line, column, f"{value!r} is not valid")
        return value

    def date(self, line, row, column) -> datetime.date | None:
        value = self.text(line, row, column)
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.problems.add(self.name, line, column, f"{value!r} is not a date (YYYY-MM-DD)")
            return None

    def number(self, line, row, column, *, required=True) -> Decimal | None:
        value = self.text(line, row, column, required=required)
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.problems.add(self.name, line, column, f"{value!r} is not a number")
            return None
        if number < 0:
            self.problems.add(self.name, line, column, f"{value} is negative")
            return None
        return number

    def choice(self, line, row, column, choices) -> str:
        value = self.text(line, row, column)
        if value and value not in choices:
            self.problems.add(
                self.name, line, column, f"{value!r} is not one of {', '.join(sorted(choices))}"
            )
        return value


CODE = r"[A-Z0-9][A-Z0-9_-]*"
INTERCLUSTER_FILE = "intercluster_projects_2017_2018.csv"


def read_reference(directory: Path = REFERENCE_DIR) -> dict:
    """Parse and check every reference file; raise ReferenceDataError listing all problems."""
    import yaml  # with the first read, not the module (the forms and pages import it)

    problems = Problems()
    data: dict = {"ibn": [], "spc": []}

    try:
        published = yaml.safe_load((directory / "published_figures_2020.yaml").read_text("utf-8"))
        data["types"] = published["programme"]["cluster_types"]
        data["share"] = Decimal(str(published["programme"]["cofinancing_share_by_members"]))
        data["calls"] = published["programme"]["calls"]
    except FileNotFoundError:
        problems.add("published_figures_2020.yaml", None, "-", "file is missing")
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        problems.add("published_figures_2020.yaml", None, "programme", f"unreadable: {exc}")

    keywords = _Reader(directory, "ibn_keywords_2020.csv", ["code", "keywords"], problems)
    keyword_map = {
        keywords.text(line, row, "code", pattern=CODE): split_keywords(row["keywords"])
        for line, row in keywords.rows
    }
    cofin = _Reader(directory, "ibn_cofinancing_2020.csv", ["code", "subsidy_eur"], problems)
    subsidy_map = {
        cofin.text(line, row, "code", pattern=CODE): cofin.number(line, row, "subsidy_eur")
        for line, row in cofin.rows
    }
    futures = _Reader(directory, "future_paths.csv", ["future", "path", "organisation"], problems)
    future_map = {}
    for line, row in futures.rows:
        path = futures.choice(line, row, "path", set(FuturePath.values))
        future_map[row["future"].strip()] = (path, row["organisation"].strip())

    columns = [
        "code",
        "name",
        "call",
        "end_date",
        "executing_organisation",
        "embedding",
        "origin",
        "members_kpi1",
        "collaborations_kpi3a",
        "kpi_basis",
        "intercluster_projects",
        "future",
    ]
    ibn = _Reader(directory, "ibn_portfolio_2020.csv", columns, problems)
    for line, row in ibn.rows:
        future = ibn.text(line, row, "future", required=False)
        if future and future not in future_map:
            problems.add(ibn.name, line, "future", f"{future!r} is not in future_paths.csv")
        call = ibn.text(line, row, "call", pattern=r"[1-9][0-9]*")
        data["ibn"].append(
            {
                "code": ibn.text(line, row, "code", pattern=CODE),
                "name": ibn.text(line, row, "name"),
                "call": int(call) if call.isdigit() else None,
                "end_date": ibn.date(line, row, "end_date"),
                "executing_organisation": ibn.text(line, row, "executing_organisation"),
                "embedding": ibn.choice(line, row, "embedding", set(Embedding.values)),
                "origin": ibn.text(line, row, "origin", required=False),
                "members": ibn.number(line, row, "members_kpi1"),
                "collaborations": ibn.number(line, row, "collaborations_kpi3a"),
                "basis": ibn.choice(
                    line, row, "kpi_basis", {"reported_1y", "reported_2y", "target"}
                ),
                "intercluster": ibn.number(line, row, "intercluster_projects"),
                "future": future,
                "future_path": future_map.get(future, ("", ""))[0] if future else "",
                "future_organisation": future_map.get(future, ("", ""))[1] if future else "",
                "line": line,
            }
        )
    spc = _Reader(
        directory,
        "spc_portfolio_2020.csv",
        ["code", "name", "domain", "start_date", "end_date"],
        problems,
    )
    for line, row in spc.rows:
        data["spc"].append(
            {
                "code": spc.text(line, row, "code", pattern=CODE),
                "name": spc.text(line, row, "name"),
                "domain": spc.text(line, row, "domain"),
                "start_date": spc.date(line, row, "start_date"),
                "end_date": spc.date(line, row, "end_date"),
            }
        )
    seen: dict[str, str] = {}
    for kind, rows in (
        ("ibn_portfolio_2020.csv", data["ibn"]),
        ("spc_portfolio_2020.csv", data["spc"]),
    ):
        for row in rows:
            if row["code"] in seen:
                problems.add(
                    kind, None, "code", f"{row['code']} also appears in {seen[row['code']]}"
                )
            seen[row["code"]] = kind
    data["keywords"], data["subsidies"] = keyword_map, subsidy_map
    _read_intercluster(directory, data, problems, published if "types" in data else None)
    if problems.items:
        raise ReferenceDataError(problems.items)
    return data


@dataclass
class LoadSummary:
    changed: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)

    def count(self, label: str, changed: bool) -> None:
        bucket = self.changed if changed else self.unchanged
        bucket[label] = bucket.get(label, 0) + 1

    @property
    def total_changed(self) -> int:
        return sum(self.changed.values())


def upsert(summary, label, model, lookup: dict, values: dict, m2m=None):
    instance = model.objects.filter(**lookup).first() or model(**lookup)
    for key, value in values.items():
        setattr(instance, key, value)
    changed = audit.save(ACTOR, instance, m2m=m2m, note="reference data 2020")
    summary.count(label, changed)
    return instance


def _ibn_start(end: datetime.date, years: int) -> datetime.date:
    """The report gives only end dates: an IBN agreement runs `years` up to its end."""
    return add_years(end + datetime.timedelta(days=1), -years)


@transaction.atomic
def load_programme_reference(
    directory: Path = REFERENCE_DIR,
) -> tuple["LoadSummary", dict, Programme]:
    """The programme's set-up: programme, KPIs, cluster types, calls, clusters, targets
    and reported figures. Returns the summary, the data read and the programme, for the
    loaders of the other apps (load_reference in demodata/reference.py)."""
    data = read_reference(directory)
    summary = LoadSummary()
    programme = upsert(summary, "programme", Programme, {"slug": PROGRAMME["slug"]}, PROGRAMME)
    kpis = [
        upsert(summary, "KPI", KPI, {"programme": programme, "code": k["code"]}, k) for k in KPIS
    ]
    kpi = {k.code: k for k in kpis}
    types = {}
    for code, spec in data["types"].items():
        types[code] = upsert(
            summary,
            "cluster type",
            ClusterType,
            {"programme": programme, "code": code},
            {
                "name": spec["name"],
                "name_en": TYPE_NAMES_EN.get(code, ""),
                "max_annual_subsidy": Decimal(spec["max_annual_subsidy_eur"]),
                "max_years": spec["max_years"],
                "cofinancing_share": data["share"],
            },
            m2m={"kpis": kpis},
        )
    calls = {}
    for spec in data["calls"]:
        call = upsert(
            summary,
            "call",
            Call,
            {"programme": programme, "cluster_type": types["IBN"], "number": spec["call"]},
            {"period": spec.get("period", "")},
        )
        calls[spec["call"]] = call
        for metric, key in (
            (ReportedFigure.Metric.SUBMITTED, "submitted"),
            (ReportedFigure.Metric.FUNDED, "funded"),
            (ReportedFigure.Metric.FUNDED_AMOUNT, "funded_amount_eur"),
        ):
            _reported(summary, metric, spec[key], call=call, basis=ReportedFigure.Basis.REPORTED)
    for row in data["spc"]:
        upsert(
            summary,
            "cluster",
            Cluster,
            {"code": row["code"]},
            {
                "programme": programme,
                "name": row["name"],
                "cluster_type": types["SPC"],
                "domain": row["domain"],
                "start_date": row["start_date"],
                "end_date": row["end_date"],
            },
        )
    ibn_type = types["IBN"]
    for row in data["ibn"]:
        cluster = upsert(
            summary,
            "cluster",
            Cluster,
            {"code": row["code"]},
            {
                "programme": programme,
                "name": row["name"],
                "cluster_type": ibn_type,
                "call": calls.get(row["call"]),
                "executing_organisation": row["executing_organisation"],
                "embedding": row["embedding"],
                "origin": row["origin"],
                "keywords": data["keywords"].get(row["code"], []),
                "start_date": _ibn_start(row["end_date"], ibn_type.max_years),
                "end_date": row["end_date"],
                "subsidy": data["subsidies"].get(row["code"]),
                "future_path": row["future_path"],
                "future_organisation": row["future_organisation"],
                "future_note": row["future"],
            },
        )
        if row["basis"] == "target":
            # Table 7 (**): no report yet; the figures printed are the targets.
            for code, value in (("KPI1", row["members"]), ("KPI3", row["collaborations"])):
                upsert(
                    summary,
                    "target",
                    Target,
                    {
                        "cluster": cluster,
                        "kpi": kpi[code],
                        "due_date": Target.default_due_date(cluster),
                    },
                    {"value": value, "note": f"{SOURCE}, tabel 7 (streefwaarde)"},
                )
        else:
            years = 2 if row["basis"] == "reported_2y" else 1
            period_end = add_years(cluster.start_date, years) - datetime.timedelta(days=1)
            for metric, value in (("KPI1", row["members"]), ("KPI3", row["collaborations"])):
                _reported(
                    summary,
                    metric,
                    value,
                    cluster=cluster,
                    basis=row["basis"],
                    period_end=min(period_end, SOURCE_DATE),
                )
        _reported(
            summary,
            ReportedFigure.Metric.INTERCLUSTER,
            row["intercluster"],
            cluster=cluster,
            basis=ReportedFigure.Basis.REPORTED,
        )
    return summary, data, programme


def _read_intercluster(directory: Path, data: dict, problems: Problems, published) -> None:
    """Table 10 (the intercluster projects of the 2017 and 2018 calls) and the published
    figures of those calls."""
    known = {row["code"] for row in data["ibn"]} | {row["code"] for row in data["spc"]}
    table = _Reader(directory, INTERCLUSTER_FILE, ["title", "participants"], problems)
    data["intercluster_projects"] = []
    for line, row in table.rows:
        clusters, others = [], []
        for part in (p.strip() for p in row["participants"].split(";") if p.strip()):
            if part.startswith("(") and part.endswith(")"):
                others.append(part[1:-1].strip())  # a partner that is no cluster
            elif part in known:
                clusters.append(part)
            else:
                problems.add(
                    table.name,
                    line,
                    "participants",
                    f"{part!r} is no cluster code; put a partner that is no cluster in brackets",
                )
        data["intercluster_projects"].append(
            {"title": table.text(line, row, "title"), "clusters": clusters, "others": others}
        )
    data["intercluster_calls"], data["intercluster_published"] = [], {}
    if published is None:
        return
    try:
        calls = published["intercluster_calls"]
        for key in sorted(k for k in calls if k.startswith("call_")):
            spec = calls[key]
            data["intercluster_calls"].append(
                {
                    "year": int(key.removeprefix("call_")),
                    "matchmaking_by_agency": bool(spec["matchmaking_by_agency"]),
                    "reported_applications": int(spec["applications_with_ibn"]),
                    "reported_approved": int(spec["approved"]),
                }
            )
        data["intercluster_published"] = {
            "intercluster.applications": calls["applications_total"],
            "intercluster.approved": calls["approved_total"],
            "intercluster.involvements.gevestigd": calls["involvements"]["gevestigd"],
            "intercluster.involvements.zelfstandig": calls["involvements"]["zelfstandig"],
            "intercluster.ibn_spc.submitted": calls["ibn_spc_applications"]["submitted"],
            "intercluster.ibn_spc.approved": calls["ibn_spc_applications"]["approved"],
        }
    except (KeyError, TypeError, ValueError) as exc:
        problems.add("published_figures_2020.yaml", None, "intercluster_calls", f"{exc}")


def _reported(summary, metric, value, *, cluster=None, call=None, basis, period_end=None):
    return upsert(
        summary,
        "reported figure",
        ReportedFigure,
        {"metric": metric, "cluster": cluster, "call": call, "source": f"{SOURCE}"},
        {
            "value": Decimal(value),
            "basis": basis,
            "period_end": period_end,
            "source_date": SOURCE_DATE,
        },
    )
