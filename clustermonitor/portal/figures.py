"""The open figures (docs/portal.md "Open figures"): the programme's KPIs against target,
members per cluster, reach aggregates and collaborations by type, as of a day, each cell
resting on fewer than five organisations suppressed (analysis/disclosure.py: primary and
secondary, as the survey does).

Every figure is the workspace's own figure, read as of the day and then suppressed:
the KPIs are the programme dashboard's (monitoring/dashboard.py, Table 5 over every
cluster type), members and reach the reach analysis (members/reach.py,
members/figures_reach.py, analysis/reach.py), collaborations the typology
(collaborations/selectors.py, as the report's chapter reads it on a date). No row names
a member: clusters are named, organisations only counted.

One `Figure` is one table: its columns (key and label), rows in a fixed order, counts as
whole numbers (a Decimal becomes an int, or a float rounded to two decimals), and each
suppressed cell as disclosure.SUPPRESSED ("< 5") or disclosure.HIDDEN ("…"). The page,
the CSV and JSON downloads and the public API (portal/api_public.py) all show it.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clustermonitor.analysis import disclosure
from clustermonitor.analysis import reach as reach_analysis
from clustermonitor.analysis.charts import nace_labels
from clustermonitor.collaborations import selectors as collaboration_selectors
from clustermonitor.collaborations.models import Collaboration, Party
from clustermonitor.core import i18n, known
from clustermonitor.members import figures_reach
from clustermonitor.members.models import FeeTier
from clustermonitor.members.reach import reach_rows
from clustermonitor.monitoring import dashboard
from clustermonitor.programmes.models import Cluster, Programme
from clustermonitor.programmes.selectors import current_programme

#: The licence of every open figure (the page, the downloads, the API).
LICENCE_NAME = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
MIN_CELL = disclosure.MIN_CELL
SUPPRESSED = disclosure.SUPPRESSED
HIDDEN = disclosure.HIDDEN
#: The key of a breakdown's total row.
TOTAL = "total"

#: The figures in the order the page shows them: name → (title, description).
FIGURES = {
    "kpis": (
        gettext_lazy("KPIs against target"),
        gettext_lazy(
            "The programme's key performance indicators over every cluster that had "
            "started: the sum of the values the clusters reported, the value computed "
            "from the records (summed over the clusters, and with each company or "
            "collaboration counted once), the sum of the 3-year targets, and the share "
            "attained, like for like (only the clusters with both a value and a target)."
        ),
    ),
    "members": (
        gettext_lazy("Members per cluster"),
        gettext_lazy(
            "Every running cluster's member organisations: the companies by size class "
            "(employees, the latest annual accounts known on the day) and the other "
            "organisations (knowledge institutions, federations, governments)."
        ),
    ),
    "reach-sizes": (
        gettext_lazy("Member companies by size"),
        gettext_lazy("The programme's member companies by size class, each company once."),
    ),
    "reach-ages": (
        gettext_lazy("Member companies by age"),
        gettext_lazy(
            "The programme's member companies by age in whole years since their start "
            "date in the register, each company once."
        ),
    ),
    "reach-nace": (
        gettext_lazy("Member companies by sector"),
        gettext_lazy(
            "The programme's member companies by NACE section of their main activity, "
            "largest first, each company once."
        ),
    ),
    "reach-memberships": (
        gettext_lazy("Member companies by number of clusters"),
        gettext_lazy(
            "The programme's member companies by the number of clusters they are a "
            "member of, and by size class."
        ),
    ),
    "collaborations": (
        gettext_lazy("Collaborations by type"),
        gettext_lazy(
            "Every collaboration of the programme's clusters recorded by the day, each "
            "once, by stage, scale and typology."
        ),
    ),
}
NAMES = tuple(FIGURES)

SIZE_ORDER = (*reach_analysis.SIZE_CLASSES, reach_analysis.UNKNOWN)
OTHER = "other_organisations"


@dataclass
class Figure:
    name: str
    title: str
    description: str
    as_of: datetime.date
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return [key for key, _label in self.columns]

    def table(self) -> list[list]:
        """The rows as lists in the columns' order (the page, the CSV)."""
        return [[row.get(key) for key in self.keys] for row in self.rows]

    @property
    def numeric(self) -> list[bool]:
        """Per column: does it hold counts (right-aligned on the page)?"""
        markers = (SUPPRESSED, HIDDEN, None)

        def count(value) -> bool:
            return not isinstance(value, str) or value in markers

        return [
            bool(self.rows) and all(count(row.get(key)) for row in self.rows) for key in self.keys
        ]

    def page_rows(self) -> list[list[tuple]]:
        """The rows for the page: (value, right-aligned) per cell."""
        numeric = self.numeric
        return [list(zip(row, numeric, strict=True)) for row in self.table()]

    def page_columns(self) -> list[tuple]:
        return [(label, n) for (_key, label), n in zip(self.columns, self.numeric, strict=True)]


def plain(value):
    """A count or amount as the downloads write it: a whole number as an int, any other
    number as a float rounded to two decimals (the same bytes every time)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else round(float(value), 2)
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, 2)
    return int(value)


def suppression_note() -> str:
    return _(
        "Every count resting on fewer than %(n)s organisations is shown as %(suppressed)s; "
        "where a row, a column or a breakdown is published with its total, the next "
        "smallest count of it is shown as %(hidden)s, so that no %(suppressed)s can be "
        "worked out from the others."
    ) % {"n": MIN_CELL, "suppressed": SUPPRESSED, "hidden": HIDDEN}


def attribution(programme: Programme | None = None) -> str:
    programme = programme if programme is not None else current_programme()
    source = f"{programme.agency}, {programme.label}" if programme else "clustermonitor"
    return _("Source: %(source)s, open figures of the cluster programme (clustermonitor)") % {
        "source": source
    }


def licence(programme: Programme | None = None) -> dict:
    return {"name": LICENCE_NAME, "url": LICENCE_URL, "attribution": attribution(programme)}


# -- The figures -------------------------------------------------------------------------


def _kpis(programme: Programme, on: datetime.date, _inputs) -> list[dict]:
    """Table 5 of the dashboard over every cluster type, as of `on`."""
    board = dashboard.dashboard(programme, today=on, cluster_type="")
    rows = []
    for total in board.programme_total.ordered:
        kpi = board.kpis.get(total.code)

        def value(n, counted):
            return disclosure.shown(plain(n)) if counted else None

        def attained(pct, matched, counted):
            if not counted:
                return None
            return pct if matched >= MIN_CELL else HIDDEN

        rows.append(
            {
                "kpi": total.code,
                "name": kpi.label if kpi else total.code,
                "clusters": total.n_clusters,
                "reported": value(total.reported, total.n_reported),
                "computed": value(total.computed, total.n_computed),
                "computed_distinct": value(total.distinct, total.n_computed),
                "target": plain(total.target) if total.n_target else None,
                "clusters_with_target": total.n_target,
                "attained_reported": attained(
                    total.reported_pct, total.matched_reported, total.n_matched_reported
                ),
                "attained_computed": attained(
                    total.computed_pct, total.matched_computed, total.n_matched_computed
                ),
            }
        )
    return rows


KPI_COLUMNS = (
    ("kpi", gettext_lazy("KPI")),
    ("name", gettext_lazy("Indicator")),
    ("clusters", gettext_lazy("Clusters")),
    ("reported", gettext_lazy("Reported (sum over clusters)")),
    ("computed", gettext_lazy("Computed (sum over clusters)")),
    ("computed_distinct", gettext_lazy("Computed (each counted once)")),
    ("target", gettext_lazy("Target (sum over clusters)")),
    ("clusters_with_target", gettext_lazy("Clusters with a target")),
    ("attained_reported", gettext_lazy("% attained, reported")),
    ("attained_computed", gettext_lazy("% attained, computed")),
)


def _size_labels() -> dict:
    labels = dict(FeeTier.SIZE_CLASSES)
    return {size: str(labels[size]) for size in SIZE_ORDER}


def _members(programme: Programme, on: datetime.date, inputs) -> list[dict]:
    """Per cluster running on `on` (or with members on it): its companies by size class
    (analysis.reach.size_classes, as the cluster's reach page) and its other member
    organisations; rows and columns both suppressed (rows: the cluster's total is
    shown; columns: the programme's classes are, in reach-sizes)."""
    frame = inputs.frame
    codes = set(frame["cluster"])
    clusters = known.clusters(Cluster.objects.filter(programme=programme), on).order_by("code")
    clusters = [
        c for c in known.cluster_attributes(clusters, on) if c.end_date >= on or c.code in codes
    ]
    table, totals = [], []
    for cluster in clusters:
        sizes = reach_analysis.size_classes(frame, cluster=cluster.code)
        counts = dict(zip(sizes["size_class"], sizes["n"].astype(int), strict=True))
        numbers = figures_reach.member_counts(frame, cluster.code)
        table.append(
            [counts[s] for s in SIZE_ORDER] + [numbers["n_organisations"] - numbers["n_companies"]]
        )
        totals.append(numbers["n_organisations"])
    primary, secondary = disclosure.hidden_cells(table)
    shown = disclosure.shown_table(table, primary, secondary)
    keys = [*SIZE_ORDER, OTHER]
    return [
        {
            "cluster": cluster.code,
            "name": cluster.name,
            **dict(zip(keys, cells, strict=True)),
            "organisations": disclosure.shown(total),
        }
        for cluster, cells, total in zip(clusters, shown, totals, strict=True)
    ]


def _member_columns() -> list[tuple[str, str]]:
    labels = _size_labels()
    return [
        ("cluster", _("Cluster")),
        ("name", _("Name")),
        *[(size, _("Companies: %(size)s") % {"size": labels[size]}) for size in SIZE_ORDER],
        (OTHER, _("Other organisations")),
        ("organisations", _("Member organisations")),
    ]


def _breakdown(key: str, values: list[tuple[str, str, int]]) -> list[dict]:
    """One breakdown with its total: (code, label, count) rows, suppressed as a line."""
    table = [[n] for _code, _label, n in values]
    primary, secondary = disclosure.hidden_cells(table, rows=False)
    shown = disclosure.shown_table(table, primary, secondary)
    total = sum(n for _code, _label, n in values)
    rows = [
        {key: code, "label": label, "companies": cells[0]}
        for (code, label, _n), cells in zip(values, shown, strict=True)
    ]
    rows.append({key: TOTAL, "label": _("Total"), "companies": disclosure.shown(total)})
    return rows


def _reach_sizes(programme, on, inputs) -> list[dict]:
    sizes = inputs.reach["sizes"]
    labels = _size_labels()
    pairs = zip(sizes["size_class"], sizes["n"], strict=True)
    return _breakdown("size_class", [(s, labels[s], int(n)) for s, n in pairs])


def _reach_ages(programme, on, inputs) -> list[dict]:
    ages = inputs.reach["ages"]
    label = {reach_analysis.UNKNOWN: _("age unknown")}
    pairs = zip(ages["age_class"], ages["n"], strict=True)
    years = _("%(years)s years")
    return _breakdown(
        "age_class", [(a, label.get(a, years % {"years": a}), int(n)) for a, n in pairs]
    )


def _reach_nace(programme, on, inputs) -> list[dict]:
    nace = inputs.reach["nace"]
    labels = nace_labels(i18n.lang())
    pairs = zip(nace["nace_section"], nace["n"], strict=True)
    unknown = _("sector unknown")
    return _breakdown(
        "nace_section", [(s, labels.get(s, unknown).strip(), int(n)) for s, n in pairs]
    )


def _reach_memberships(programme, on, inputs) -> list[dict]:
    cross = inputs.reach["memberships"]
    table = [[int(n) for n in cross[s]] for s in SIZE_ORDER]
    table = [list(row) for row in zip(*table, strict=True)]  # bins × size classes
    primary, secondary = disclosure.hidden_cells(table)
    shown = disclosure.shown_table(table, primary, secondary)
    rows = zip(cross["memberships"], shown, cross["total"], strict=True)
    return [
        {
            "clusters": bin_,
            **dict(zip(SIZE_ORDER, cells, strict=True)),
            "companies": disclosure.shown(int(total)),
        }
        for bin_, cells, total in rows
    ]


def _memberships_columns() -> list[tuple[str, str]]:
    labels = _size_labels()
    return [
        ("clusters", _("Member of how many clusters")),
        *[(size, labels[size]) for size in SIZE_ORDER],
        ("companies", _("Companies")),
    ]


def _collaborations(programme, on, _inputs) -> list[dict]:
    """The typology (collaborations.selectors.breakdowns) of the collaborations of the
    programme's clusters existing on `on`, with their stage on that day. A cell is
    suppressed when it counts fewer than five collaborations or its collaborations have
    fewer than five distinct organisations among their parties; each dimension is a
    breakdown of all of them, suppressed as a line."""
    clusters = known.clusters(Cluster.objects.filter(programme=programme), on)
    attributed = Collaboration.objects.filter(clusters__in=clusters).values("pk")
    states = collaboration_selectors.states_on(attributed, on)
    collaborations = collaboration_selectors.annotated_on(states, on)
    counts = collaboration_selectors.breakdowns(collaborations)
    # The organisations behind each cell: an organisation is in every cell one of its
    # collaborations is in (the same breakdowns, over its own collaborations).
    by_organisation = defaultdict(list)
    by_id = {c.pk: c for c in collaborations}
    parties = (
        Party.objects.filter(collaboration_id__in=list(by_id))
        .values_list("organisation_id", "collaboration_id")
        .distinct()
        .order_by("organisation_id", "collaboration_id")
    )
    for organisation_id, collaboration_id in parties:
        by_organisation[organisation_id].append(by_id[collaboration_id])
    basis = {dimension: Counter() for dimension in counts}
    for own in by_organisation.values():
        for dimension, counter in collaboration_selectors.breakdowns(own).items():
            for value, n in counter.items():
                if n:
                    basis[dimension][value] += 1
    rows = []
    shown_table = collaboration_selectors.breakdown_table(counts)
    basis_table = collaboration_selectors.breakdown_table(basis)
    for (dimension, values), (_same, organisations) in zip(shown_table, basis_table, strict=True):
        table = [[n] for _label, n in values]
        # The fewer of collaborations and organisations decides (a value that none of
        # the parties' collaborations has is missing from `organisations`: nobody).
        behind = dict(organisations)
        fewer = [[min(n, behind.get(label, 0))] for label, n in values]
        primary, secondary = disclosure.hidden_cells(table, rows=False, basis=fewer)
        cells = disclosure.shown_table(table, primary, secondary)
        rows += [
            {"dimension": str(dimension), "value": str(label), "collaborations": cell[0]}
            for (label, _n), cell in zip(values, cells, strict=True)
        ]
    total = len(collaborations)
    rows.append(
        {
            "dimension": _("Total"),
            "value": "",
            "collaborations": total if min(total, len(by_organisation)) >= MIN_CELL else SUPPRESSED,
        }
    )
    return rows


COLLABORATION_COLUMNS = (
    ("dimension", gettext_lazy("Dimension")),
    ("value", gettext_lazy("Value")),
    ("collaborations", gettext_lazy("Collaborations")),
)


def _breakdown_columns(key: str, label: str) -> list[tuple[str, str]]:
    return [(key, label), ("label", _("Label")), ("companies", _("Companies"))]


def _columns(name: str) -> list[tuple[str, str]]:
    if name == "kpis":
        return [(k, str(label)) for k, label in KPI_COLUMNS]
    if name == "members":
        return _member_columns()
    if name == "reach-sizes":
        return _breakdown_columns("size_class", _("Size class"))
    if name == "reach-ages":
        return _breakdown_columns("age_class", _("Age class"))
    if name == "reach-nace":
        return _breakdown_columns("nace_section", _("NACE section"))
    if name == "reach-memberships":
        return _memberships_columns()
    return [(k, str(label)) for k, label in COLLABORATION_COLUMNS]


BUILDERS = {
    "kpis": _kpis,
    "members": _members,
    "reach-sizes": _reach_sizes,
    "reach-ages": _reach_ages,
    "reach-nace": _reach_nace,
    "reach-memberships": _reach_memberships,
    "collaborations": _collaborations,
}


# -- Reading -----------------------------------------------------------------------------


class _Inputs:
    """What several figures read, read once: the reach analysis's members frame (every
    membership active on the day) and its programme-wide analysis."""

    def __init__(self, programme: Programme, on: datetime.date):
        self.programme, self.on = programme, on

    @cached_property
    def frame(self):
        return figures_reach.reach_frame(reach_rows(on=self.on, programme=self.programme))

    @cached_property
    def reach(self) -> dict:
        return figures_reach.analyse(self.frame, self.on)


def _compute(names: tuple[str, ...], on: datetime.date) -> list[Figure]:
    programme = current_programme()
    inputs = _Inputs(programme, on)
    out = []
    for name in names:
        title, description = FIGURES[name]
        figure = Figure(
            name=name,
            title=str(title),
            description=str(description),
            as_of=on,
            columns=_columns(name),
            notes=[suppression_note()],
        )
        if programme is not None:
            rows = BUILDERS[name](programme, on, inputs)
            figure.rows = [{key: plain(value) for key, value in row.items()} for row in rows]
        out.append(figure)
    return out


def figures(on: datetime.date, names: tuple[str, ...] = NAMES) -> list[Figure]:
    """The figures `names` as of `on`, in the active language; kept by the records'
    version (core.memo), never by time."""
    from clustermonitor.core.memo import memo
    from clustermonitor.core.pagecache import records_version

    language = translation.get_language()
    return memo(
        "open-figures",
        lambda: (tuple(names), on, language, records_version()),
        lambda: _compute(tuple(names), on),
    )


def figure(name: str, on: datetime.date) -> Figure:
    return figures(on, (name,))[0]


def as_json(figure: Figure, programme: Programme | None = None) -> dict:
    """A figure as the JSON download and the API give it (keys in a fixed order)."""
    return {
        "name": figure.name,
        "title": figure.title,
        "description": figure.description,
        "as_of": figure.as_of.isoformat(),
        "language": i18n.lang(),
        "licence": licence(programme),
        "suppression": {
            "min_organisations": MIN_CELL,
            "suppressed": SUPPRESSED,
            "hidden": HIDDEN,
            "note": suppression_note(),
        },
        "columns": [{"key": key, "label": label} for key, label in figure.columns],
        "rows": figure.rows,
    }


def csv_metadata(figure: Figure, url: str, programme: Programme | None = None) -> dict:
    """The CSV's metadata as W3C CSV on the Web describes it (the side-file
    `<name>.csv-metadata.json`): title, licence, attribution and the columns."""
    programme = programme if programme is not None else current_programme()
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": url,
        "dc:title": figure.title,
        "dc:description": figure.description,
        "dc:license": {"@id": LICENCE_URL},
        "dc:rights": LICENCE_NAME,
        "dc:creator": programme.agency if programme else "clustermonitor",
        "dc:bibliographicCitation": attribution(programme),
        "dc:temporal": figure.as_of.isoformat(),
        "dc:language": i18n.lang(),
        "dialect": {"delimiter": ",", "encoding": "utf-8", "header": True},
        "notes": [suppression_note()],
        "tableSchema": {
            "columns": [{"name": key, "titles": label} for key, label in figure.columns]
        },
    }
