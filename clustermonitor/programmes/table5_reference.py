"""Table 5 of the 2020 evaluation as published figures (PublishedFigure rows).

Table 5 gives the programme-wide KPIs of the IBNs "up to January 2020 (max. 2 years of
operation)": the reported value, the 3-year target and the share attained, and beside it
the split by embedding at the end of year 2 and a few figures on groups of clusters.
They are kept as published, next to what the clusters' own reported figures (Table 7)
and the records give; the dashboard shows all of them, labelled, never mixed.

Keys (``programme_kpis`` of data/reference/published_figures_2020.yaml):

- ``table5.<KPI>.reported``, ``table5.<KPI>.target_3y``, ``table5.<KPI>.pct`` for KPI1
  (unique active companies), KPI2 (new active companies), KPI3 (collaborations with at
  least 3 companies);
- ``table5.by_embedding.<zelfstandig|gevestigd>.<active_members|new_members>``;
- ``table5.call1_first_14.<...>``, ``table5.subsidy_over_400k.<...>``,
  ``table5.others_members_end_2018.<...>``: the text's figures on groups of clusters.

Writing goes through the audited save, which skips unchanged rows: a second load
changes nothing.
"""

from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from clustermonitor.core import audit
from clustermonitor.programmes.models import Programme, PublishedFigure
from clustermonitor.programmes.reference import (
    REFERENCE_DIR,
    SOURCE,
    SOURCE_DATE,
    ReferenceDataError,
)

FILE = "published_figures_2020.yaml"
PREFIX = "table5."
#: The YAML's names of the three programme KPIs → the KPI codes.
KPI_NAMES = {
    "unique_active_companies": "KPI1",
    "new_active_companies": "KPI2",
    "collaborations_min_3_parties": "KPI3",
}
#: by_embedding_end_of_year_2: which KPI each figure is.
EMBEDDING_FIGURES = {"active_members": "KPI1", "new_members": "KPI2"}
GROUPS = ("call1_first_14", "subsidy_over_400k", "others_members_end_2018")


def key(*parts: str) -> str:
    """``key("KPI1", "reported")`` → ``"table5.KPI1.reported"``."""
    return PREFIX + ".".join(parts)


def _number(where: str, value) -> Decimal:
    if isinstance(value, bool):
        raise ReferenceDataError([f"{FILE}, field {where}: {value!r} is not a number"])
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ReferenceDataError([f"{FILE}, field {where}: {value!r} is not a number"]) from None
    if not number.is_finite():
        raise ReferenceDataError([f"{FILE}, field {where}: {value!r} is not a number"])
    return number


def read_table5(directory: Path = REFERENCE_DIR) -> dict[str, Decimal]:
    """The published figures by key; raises ReferenceDataError on a missing or bad one."""
    import yaml  # with the first read, not the module (the forms and pages import it)

    path = directory / FILE
    try:
        kpis = yaml.safe_load(path.read_text("utf-8"))["programme_kpis"]
    except FileNotFoundError:
        raise ReferenceDataError([f"{FILE}: file is missing"]) from None
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise ReferenceDataError([f"{FILE}, field programme_kpis: unreadable: {exc}"]) from None
    figures: dict[str, Decimal] = {}
    try:
        for name, code in KPI_NAMES.items():
            for field in ("reported", "target_3y", "pct"):
                figures[key(code, field)] = _number(f"{name}.{field}", kpis[name][field])
        for embedding, values in sorted(kpis["by_embedding_end_of_year_2"].items()):
            for field in EMBEDDING_FIGURES:
                figures[key("by_embedding", embedding, field)] = _number(
                    f"by_embedding_end_of_year_2.{embedding}.{field}", values[field]
                )
        for group in GROUPS:
            for field, value in sorted(kpis[group].items()):
                figures[key(group, field)] = _number(f"{group}.{field}", value)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ReferenceDataError([f"{FILE}, field programme_kpis: missing {exc}"]) from None
    return figures


@transaction.atomic
def load_table5(programme: Programme, actor: audit.Actor, directory: Path = REFERENCE_DIR) -> int:
    """Store Table 5 as PublishedFigure rows of ``programme`` (source "IBN-evaluatie 2020",
    dated 31/01/2020). Returns the number of rows created or changed (0 on a re-run)."""
    changed = 0
    for figure_key, value in read_table5(directory).items():
        figure = PublishedFigure.objects.filter(
            programme=programme, key=figure_key, source=SOURCE
        ).first() or PublishedFigure(programme=programme, key=figure_key, source=SOURCE)
        figure.value = value
        figure.source_date = SOURCE_DATE
        changed += audit.save(actor, figure, note="reference data 2020, table 5")
    return changed
