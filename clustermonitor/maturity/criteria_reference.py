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

The sets are written in English (as the evaluation lists them) and given in Dutch by
DUTCH: the Dutch goes into name, description, text and guidance (the interface is Dutch
first), the English into their `_en` fields. A line the table does not know (a change in
the published figures) stays English in both.

A published version never changes, so a set that is already there (published) is left
alone, also one loaded before the sets had Dutch; re-running writes nothing. The lead
wires `load_criteria_sets` into load-reference.
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

#: The Dutch of every name, description, criterion and guidance of the sets below.
DUTCH = {
    # Norway Arena entry
    "Norway Arena entry": "Noorwegen: instap Arena",
    "Entry criteria of the Arena level of the Norwegian Innovation Clusters programme, as "
    "listed in the IBN evaluation 2020 (international cases).": (
        "Instapcriteria van het Arena-niveau van het programma Norwegian Innovation "
        "Clusters, zoals de IBN-evaluatie van 2020 ze opsomt (internationale cases)."
    ),
    "clear vision for the cluster and the reason for collaborating": (
        "een duidelijke visie op de cluster en op de reden om samen te werken"
    ),
    "at least 10 private companies": "minstens 10 private bedrijven",
    "1 structural collaboration with an R&D or innovation actor": (
        "1 structurele samenwerking met een O&O- of innovatieactor"
    ),
    "1 actor stimulating entrepreneurial thinking": "1 actor die ondernemend denken stimuleert",
    "clear role of research institutions (if part of the cluster)": (
        "een duidelijke rol van de onderzoeksinstellingen (als ze deel uitmaken van de cluster)"
    ),
    "vision on the cluster's contribution to the SDGs": (
        "een visie op de bijdrage van de cluster aan de duurzameontwikkelingsdoelen (SDG's)"
    ),
    "cluster-specific experts affiliated with the cluster": (
        "clusterspecifieke experts die aan de cluster verbonden zijn"
    ),
    "at least 3 actors representing new knowledge/competences/value chains essential for "
    "future innovation": (
        "minstens 3 actoren die nieuwe kennis, competenties of waardeketens vertegenwoordigen "
        "die essentieel zijn voor toekomstige innovatie"
    ),
    "steering group of relevant actors": "een stuurgroep van relevante actoren",
    # Norway growth
    "Norway growth": "Noorwegen: groei",
    "Growth criteria of the Norwegian Innovation Clusters programme, as listed in the IBN "
    "evaluation 2020 (international cases).": (
        "Groeicriteria van het programma Norwegian Innovation Clusters, zoals de "
        "IBN-evaluatie van 2020 ze opsomt (internationale cases)."
    ),
    "at least 20 private companies": "minstens 20 private bedrijven",
    "a centrally organised administration": "een centraal georganiseerde administratie",
    "active in organising/applying for project financing for members": (
        "actief in het opzetten en aanvragen van projectfinanciering voor de leden"
    ),
    "demonstrably realises projects that are lucrative for all members": (
        "realiseert aantoonbaar projecten die voor alle leden lonend zijn"
    ),
    "attracts at least EUR 300,000 project financing for members per year": (
        "haalt per jaar minstens 300.000 euro projectfinanciering binnen voor de leden"
    ),
    # ECCP profile
    "ECCP profile": "ECCP-profiel",
    "What a cluster profile on the European Cluster Collaboration Platform asks.": (
        "Wat een clusterprofiel op het European Cluster Collaboration Platform vraagt."
    ),
    "at least 0.5 FTE of cluster management": "minstens 0,5 VTE clustermanagement",
    "The people of the cluster organisation and their time on it.": (
        "De mensen van de clusterorganisatie en de tijd die ze eraan besteden."
    ),
    "at least 15 committed members": "minstens 15 geëngageerde leden",
    "at least 2 member types": "minstens 2 soorten leden",
    "a website in English": "een website in het Engels",
    "Its address.": "Het adres ervan.",
    # Accreditation (Catalonia style)
    "Accreditation (Catalonia style)": "Accreditatie (naar Catalaans model)",
    "Our own accreditation list in the style of Catalonia's (16 criteria, tightened every 3 "
    "years); not the official Catalan list.": (
        "Onze eigen accreditatielijst naar het model van Catalonië (16 criteria, om de 3 jaar "
        "strenger); niet de officiële Catalaanse lijst."
    ),
    "at least 15 member companies": "minstens 15 ledenbedrijven",
    "at least 2 kinds of members": "minstens 2 soorten leden",
    "at least 1 knowledge institution among the members": (
        "minstens 1 kennisinstelling onder de leden"
    ),
    "at least 10 paying members last year": "minstens 10 betalende leden vorig jaar",
    "at least 6 activities in the last 12 months": (
        "minstens 6 activiteiten in de laatste 12 maanden"
    ),
    "at least 2 collaborations among members started": (
        "minstens 2 gestarte samenwerkingen tussen leden"
    ),
    "a legal entity with its own governance (board, general assembly)": (
        "een rechtspersoon met een eigen bestuur (raad van bestuur, algemene vergadering)"
    ),
    "Statutes and the composition of the board.": (
        "De statuten en de samenstelling van het bestuur."
    ),
    "a strategic plan for at least 3 years, approved by the members": (
        "een strategisch plan voor minstens 3 jaar, goedgekeurd door de leden"
    ),
    "The plan and the decision approving it.": "Het plan en de beslissing die het goedkeurt.",
    "a professional cluster manager": "een professionele clustermanager",
    "Name, role and time spent on the cluster.": "Naam, rol en tijd besteed aan de cluster.",
    "a yearly activity plan and activity report": "een jaarlijks activiteitenplan en -verslag",
    "Last year's report and this year's plan.": (
        "Het verslag van vorig jaar en het plan van dit jaar."
    ),
    "a member satisfaction survey at least every 2 years": (
        "minstens om de 2 jaar een tevredenheidsbevraging bij de leden"
    ),
    "The last survey's results.": "De resultaten van de laatste bevraging.",
}


def dutch(english: str) -> str:
    """The Dutch of a text of the reference sets (the English when DUTCH lacks it)."""
    return DUTCH.get(english, english)


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
        # By its Dutch name, or by the English one it had before the sets had Dutch.
        criteria_set = (
            CriteriaSet.objects.filter(programme=programme, version=1)
            .filter(name__in=[dutch(spec["name"]), spec["name"]])
            .first()
        )
        if criteria_set is not None and criteria_set.is_published:
            continue
        if criteria_set is None:
            criteria_set = CriteriaSet(programme=programme)
        criteria_set.name, criteria_set.name_en = dutch(spec["name"]), spec["name"]
        criteria_set.description = dutch(spec["description"])
        criteria_set.description_en = spec["description"]
        written += audit.save(actor, criteria_set, note=NOTE)
        existing = {c.order: c for c in criteria_set.criteria.all()}
        for order, values in enumerate(spec["criteria"], start=1):
            item = existing.pop(order, None) or Criterion(criteria_set=criteria_set, order=order)
            item.metric, item.operator, item.threshold = "", "", None
            item.guidance = item.guidance_en = ""
            for name, value in values.items():
                if name in ("text", "guidance"):
                    setattr(item, f"{name}_en", value)
                    value = dutch(value) if value else ""
                setattr(item, name, value)
            written += audit.save(actor, item)
        for stale in existing.values():
            audit.delete(actor, stale)
            written += 1
        criteria_set.status = CriteriaSet.Status.PUBLISHED
        criteria_set.published_on = on
        written += audit.save(actor, criteria_set, note="published")
    return written
