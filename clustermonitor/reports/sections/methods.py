"""Annex: methods — the definition of every figure (DESIGN §4, kept in
`reports/definitions.yaml` in Dutch and English so the report carries them as text),
where the data comes from and under which licence, and how the survey was weighted.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from clustermonitor.core import i18n
from clustermonitor.reports.document import Section, Table

DEFINITIONS = Path(__file__).resolve().parent.parent / "definitions.yaml"


@functools.cache
def read(path: Path = DEFINITIONS) -> dict:
    return yaml.safe_load(path.read_text("utf-8"))


def _definitions(ctx) -> Table:
    lang = i18n.supported(ctx.lang)
    return Table(
        key="definitions",
        title=_("Definitions of the figures"),
        columns=[_("Term"), _("Definition")],
        rows=[[d["term"][lang], d["text"][lang]] for d in read()["definitions"]],
        display_rows=len(read()["definitions"]),  # every definition
        source="docs/definitions.md",
    )


def _sources(ctx) -> Table:
    lang = i18n.supported(ctx.lang)
    return Table(
        key="sources",
        title=_("Reference data: sources and licences"),
        columns=[_("Source"), _("Files"), _("Licence and attribution")],
        rows=[[s["name"][lang], s["files"], s["licence"][lang]] for s in read()["sources"]],
        source="docs/reference-data.md",
    )


def _survey(ctx) -> Section:
    from clustermonitor.reports.sections.survey import survey_data
    from clustermonitor.surveys.explain import privacy_text, weighting_text

    section = Section("methods_survey", _("The survey: weighting and privacy"))
    data = survey_data(ctx)
    if data is None:
        return section.text(
            _("No survey wave covering the selected clusters closed by %(date)s.")
            % {"date": ctx.date(ctx.as_of)}
        )
    section.text(
        _("Wave “%(wave)s”, closed on %(date)s.")
        % {"wave": data.wave.name, "date": ctx.date(data.wave.closes_on)}
    )
    section.text(weighting_text(data.results.weighting))
    section.text(privacy_text(data.results))
    return section


def build(ctx) -> Section:
    section = Section("methods", _("Annex: methods"))
    section.text(
        _(
            "Every figure in this report is computed by the platform from the records as "
            "they stood on %(date)s, with one definition per figure. Reported figures "
            "(what the clusters and the 2020 evaluation published) are shown beside the "
            "computed ones, never in their place."
        )
        % {"date": ctx.date(ctx.as_of)}
    )
    if ctx.selected:
        section.text(
            _("The report is limited to these clusters: %(codes)s.")
            % {"codes": ", ".join(c.code for c in ctx.clusters)}
        )
    section.add(_definitions(ctx), _sources(ctx))
    section.subsections.append(_survey(ctx))
    return section
