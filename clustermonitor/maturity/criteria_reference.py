"""The criteria sets the programme starts with, each published as version 1.

- **Norway Arena entry** and **Norway growth**: the Norwegian Innovation Clusters'
  criteria as the 2020 evaluation lists them (published_figures_2020.yaml,
  international_cases.norway); "at least N private companies" is computed from the
  member records, everything else is answered with evidence.
- **ECCP profile**: what a profile on the European Cluster Collaboration Platform asks
  (≥ 0.5 FTE cluster management, ≥ 15 committed members, ≥ 2 member types, a website
  in English).
- **Accreditation (Catalonia style)**: *our own* list in the style of Catalonia's
  accreditation (16 criteria, tightened every 3 years, according to the evaluation). It
  is not the official Catalan list, which the evaluation does not give; the programme
  manager adapts it by publishing new versions.

A published version never changes, so a set that is already there (published) is left
alone; re-running writes nothing. The lead wires `load_criteria_sets` into
load-reference.
"""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction

from clustermonitor.core import audit
from clustermonitor.maturity.models import CriteriaSet, Criterion, CriterionKind

REFERENCE_YAML = (
    Path(__file__).resolve().parent.parent / "data" / "reference" / "published_figures_2020.yaml"
)
NOTE = "reference criteria set (criteria_reference.py)"

_PRIVATE_COMPANIES = re.compile(r"^at least (\d+) private companies$")


def computed(text: str, metric: str, threshold, operator: str = ">=") -> dict:
    return {
        "text": text,
        "kind": CriterionKind.COMPUTED,
        "metric": metric,
        "operator": operator,
        "threshold": Decimal(str(threshold)),
    }


def evidence(text: str, guidance: str = "") -> dict:
    return {"text": text, "kind": CriterionKind.EVIDENCE, "guidance": guidance}


def _norway_items(lines: list[str]) -> list[dict]:
    """One criterion per statement: a line that starts with "at least N private
    companies" and lists more after commas becomes several criteria."""
    items = []
    for line in lines:
        first, _sep, rest = line.partition(", ")
        match = _PRIVATE_COMPANIES.match(first)
        if match:
            items.append(computed(first, "private_companies", int(match.group(1))))
            items.extend(evidence(part.strip()) for part in rest.split(", ") if part.strip())
        else:
            items.append(evidence(line))
    return items


def reference_sets(path: Path = REFERENCE_YAML) -> list[dict]:
    norway = yaml.safe_load(path.read_text("utf-8"))["international_cases"]["norway"]
    return [
        {
            "name": "Norway Arena entry",
            "description": (
                "Entry criteria of the Arena level of the Norwegian Innovation Clusters "
                "programme, as listed in the IBN evaluation 2020 (international cases)."
            ),
            "criteria": _norway_items(norway["entry_criteria"]),
        },
        {
            "name": "Norway growth",
            "description": (
                "Growth criteria of the Norwegian Innovation Clusters programme, as listed "
                "in the IBN evaluation 2020 (international cases)."
            ),
            "criteria": _norway_items(norway["growth_criteria"]),
        },
        {
            "name": "ECCP profile",
            "description": (
                "What a cluster profile on the European Cluster Collaboration Platform asks."
            ),
            "criteria": [
                evidence(
                    "at least 0.5 FTE of cluster management",
                    "The people of the cluster organisation and their time on it.",
                ),
                computed("at least 15 committed members", "members", 15),
                computed("at least 2 member types", "member_kinds", 2),
                evidence("a website in English", "Its address."),
            ],
        },
        {
            "name": "Accreditation (Catalonia style)",
            "description": (
                "Our own accreditation list in the style of Catalonia's (16 criteria, "
                "tightened every 3 years); not the official Catalan list."
            ),
            "criteria": [
                computed("at least 15 member companies", "private_companies", 15),
                computed("at least 2 kinds of members", "member_kinds", 2),
                computed(
                    "at least 1 knowledge institution among the members", "knowledge_members", 1
                ),
                computed("at least 10 paying members last year", "paying_members_last_year", 10),
                computed(
                    "at least 6 activities in the last 12 months", "activities_last_12_months", 6
                ),
                computed(
                    "at least 2 collaborations among members started", "collaborations_started", 2
                ),
                evidence(
                    "a legal entity with its own governance (board, general assembly)",
                    "Statutes and the composition of the board.",
                ),
                evidence(
                    "a strategic plan for at least 3 years, approved by the members",
                    "The plan and the decision approving it.",
                ),
                evidence(
                    "a professional cluster manager",
                    "Name, role and time spent on the cluster.",
                ),
                evidence(
                    "a yearly activity plan and activity report",
                    "Last year's report and this year's plan.",
                ),
                evidence(
                    "a member satisfaction survey at least every 2 years",
                    "The last survey's results.",
                ),
            ],
        },
    ]


@transaction.atomic
def load_criteria_sets(
    programme, actor: audit.Actor, *, on: datetime.date | None = None, path: Path = REFERENCE_YAML
) -> int:
    """Create and publish version 1 of each reference set that `programme` lacks.

    Returns the rows written (sets and criteria, each counted on every audited write).
    A set whose version 1 is published is left as it is: it never changes. A version 1
    left as a draft (an interrupted load) is completed and published.
    """
    on = on or datetime.date.today()
    written = 0
    for spec in reference_sets(path):
        criteria_set = CriteriaSet.objects.filter(
            programme=programme, name=spec["name"], version=1
        ).first()
        if criteria_set is not None and criteria_set.is_published:
            continue
        if criteria_set is None:
            criteria_set = CriteriaSet(programme=programme, name=spec["name"])
        criteria_set.description = spec["description"]
        written += audit.save(actor, criteria_set, note=NOTE)
        existing = {c.order: c for c in criteria_set.criteria.all()}
        for order, values in enumerate(spec["criteria"], start=1):
            item = existing.pop(order, None) or Criterion(criteria_set=criteria_set, order=order)
            item.metric, item.operator, item.threshold, item.guidance = "", "", None, ""
            for name, value in values.items():
                setattr(item, name, value)
            written += audit.save(actor, item)
        for stale in existing.values():
            audit.delete(actor, stale)
            written += 1
        criteria_set.status = CriteriaSet.Status.PUBLISHED
        criteria_set.published_on = on
        written += audit.save(actor, criteria_set, note="published")
    return written
