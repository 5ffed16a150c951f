"""Assemble a report: validate the request, run each chapter's builder, return a Document.

`build_document(as_of=..., cluster_codes=..., lang=...)` is what the command, the web
button's task and the tests call. Every figure is computed from the records on
`as_of` by the platform's own analyses; nothing is typed into the text.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clustermonitor.core import known
from clustermonitor.reports.document import Document, Formatter, Section

# The chapters in the order of the 2020 evaluation (modules in reports/sections/).
CHAPTERS = [
    "summary",
    "portfolio",
    "reach",
    "kpis",
    "cofinancing",
    "collaborations",
    "intercluster",
    "survey",
    "maturity",
    "impact",
    "methods",
    "published",
]
LANGUAGES = ("nl", "en")


class ReportError(ValueError):
    """The report cannot be made as asked (one line, for the command and the form)."""


@dataclass
class ReportContext(Formatter):
    """What every chapter builder gets: the date, the clusters and the formatting.

    `clusters` are the selected clusters (all SPCs and IBNs of the programme by
    default), ordered by code, with `programme`, `cluster_type` and `call` loaded.
    `ibns` and `spcs` split them by type. `cache` lets chapters share a computation
    (key it by the function that fills it).
    """

    as_of: datetime.date
    lang: str
    clusters: list
    programme: object
    selected: bool = False  # True when --clusters restricted the report
    cache: dict = field(default_factory=dict)

    def __post_init__(self):
        Formatter.__init__(self, self.lang)

    @property
    def ibns(self) -> list:
        return [c for c in self.clusters if c.cluster_type.code == "IBN"]

    @property
    def spcs(self) -> list:
        return [c for c in self.clusters if c.cluster_type.code == "SPC"]

    def shared(self, key: str, compute: Callable):
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


def resolve(
    as_of: datetime.date | None, cluster_codes: list[str] | None, lang: str = "nl"
) -> ReportContext:
    """Check the request and load the clusters; ReportError names the problem."""
    from clustermonitor.programmes.models import Cluster, Programme

    if lang not in LANGUAGES:
        raise ReportError(_("Unknown language %(lang)s: use nl or en.") % {"lang": lang})
    programme = Programme.objects.order_by("pk").first()
    if programme is None:
        raise ReportError(_("There is no programme yet: load the reference data first."))
    clusters = list(
        Cluster.objects.filter(programme=programme)
        .select_related("programme", "cluster_type", "call")
        .order_by("code")
    )
    if not clusters:
        raise ReportError(_("The programme has no clusters yet."))
    today = timezone.localdate()  # Belgian time
    as_of = as_of or today
    if as_of > today:
        # No forecast: the records cannot know what happens after today (docs/report.md).
        raise ReportError(
            _("--as-of %(date)s is in the future (today is %(today)s): no forecasts.")
            % {"date": as_of.isoformat(), "today": today.isoformat()}
        )
    first = programme.start_date or min(c.start_date for c in clusters)
    if as_of < first:
        raise ReportError(
            _("--as-of %(date)s is before the programme started (%(start)s).")
            % {"date": as_of.isoformat(), "start": first.isoformat()}
        )
    # Known on D (core.known): a cluster whose agreement starts later is not in the report.
    later = {c.code.upper() for c in clusters} - {
        c.code.upper() for c in known.clusters(Cluster.objects.filter(programme=programme), as_of)
    }
    clusters = [c for c in clusters if c.code.upper() not in later]
    # Their attributes as they were on the date (core.known: the audit-log rule).
    clusters = known.cluster_attributes(clusters, as_of)
    selected = False
    if cluster_codes:
        codes = [c.strip().upper() for c in cluster_codes if c.strip()]
        by_code = {c.code.upper(): c for c in clusters}
        unknown = [c for c in codes if c not in by_code and c not in later]
        if unknown:
            raise ReportError(
                _("Unknown cluster code(s): %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        not_yet = [c for c in codes if c in later]
        if not_yet:
            raise ReportError(
                _("Cluster(s) %(codes)s start after %(date)s.")
                % {"codes": ", ".join(not_yet), "date": as_of.isoformat()}
            )
        clusters = [by_code[c] for c in sorted(set(codes))]
        selected = True
    return ReportContext(
        as_of=as_of, lang=lang, clusters=clusters, programme=programme, selected=selected
    )


def build_document(
    as_of: datetime.date | None = None,
    cluster_codes: list[str] | None = None,
    lang: str = "nl",
    progress: Callable[[int, str], None] | None = None,
) -> Document:
    """The whole report. `progress(percent, chapter)` is called after each chapter."""
    from clustermonitor.surveys import results

    # The survey chapter and the published comparison compute on the same responses once.
    with translation.override(lang), results.sharing():
        ctx = resolve(as_of, cluster_codes, lang)
        sections: list[Section] = []
        for i, name in enumerate(CHAPTERS):
            module = importlib.import_module(f"clustermonitor.reports.sections.{name}")
            section = module.build(ctx)
            if section is not None:
                sections.append(section)
            if progress:
                progress(round(90 * (i + 1) / len(CHAPTERS)), name)
        title = _("Evaluation of the cluster programme")
        subtitle = _("%(programme)s — situation on %(date)s") % {
            "programme": ctx.programme.name,
            "date": ctx.date(ctx.as_of, long=True),
        }
        return Document(
            title=title,
            subtitle=subtitle,
            as_of=ctx.as_of,
            lang=lang,
            cluster_codes=[c.code for c in ctx.clusters] if ctx.selected else [],
            sections=sections,
        ).settle()
