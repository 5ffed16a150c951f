"""Annex: published vs computed — every figure of the 2020 evaluation beside the value
the platform computes on the report's date (`monitoring.published.comparison`, the
page /published-vs-computed/), with the difference or why it is not computed.

The 2020 figures are the programme's: the annex always covers the whole programme,
whatever clusters the report was limited to.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from clustermonitor.reports.document import Section, Table


def rows(ctx) -> list:
    from clustermonitor.monitoring import published

    return ctx.shared(
        "published.comparison", lambda: published.comparison(ctx.programme, ctx.as_of)
    )


def _value(value):
    """A cell: a yes/no, a list or a published text in words as text (in the report's
    language); numbers stay numbers."""
    from clustermonitor.monitoring.published import display_value

    if isinstance(value, bool | list | str):
        return display_value(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _left_out(ctx) -> str:
    """The clusters the 2020 reach analysis left out, named as the evaluation names them
    (not looked up: on a date before such a cluster started it is not in the records,
    and the note is about the evaluation's population all the same)."""
    from clustermonitor.monitoring import published

    return ", ".join(
        published.REACH_2020_LEFT_OUT[code] for code in sorted(published.REACH_2020_LEFT_OUT)
    )


def build(ctx) -> Section:
    from clustermonitor.monitoring import published

    section = Section("published", _("Annex: published and computed figures"))
    comparison = rows(ctx)
    if not comparison:
        return section.text(_("There are no published figures to compare with."))
    computed = sum(r.is_computed for r in comparison)
    flagged = sum(r.flagged for r in comparison)
    section.text(
        _(
            "Every figure the 2020 evaluation published, beside the value the platform "
            "computes from the records on %(date)s: %(computed)s of the %(total)s figures "
            "are computed, %(flagged)s of them differ beyond the tolerance."
        )
        % {
            "date": ctx.date(ctx.as_of),
            "computed": ctx.number(computed),
            "total": ctx.number(len(comparison)),
            "flagged": ctx.number(flagged),
        }
    )
    if ctx.selected:
        section.text(_("The 2020 figures are the programme's: this annex covers every cluster."))
    table_rows = []
    for r in comparison:
        difference = r.difference if r.difference is not None else r.approximate_difference
        table_rows.append(
            [
                str(published.SECTION_LABELS.get(r.section, r.section)),
                r.label,
                _value(r.published),
                _value(r.computed),
                _value(difference),
                r.flagged,
                r.note,
            ]
        )
    section.add(
        Table(
            key="published",
            title=_("Published (2020) and computed figures"),
            columns=[
                _("Section"),
                _("Figure"),
                _("Published"),
                _("Computed"),
                _("Difference"),
                _("Beyond tolerance"),
                _("Reason or how computed"),
            ],
            rows=table_rows,
            display_rows=len(table_rows),  # the annex lists every figure
            source=_("IBN evaluation 2020 (published_figures_2020.yaml)"),
            notes=[
                _(
                    "Difference: computed minus published; for a published text with a "
                    "number in it (“almost 0.80”), computed minus that number. Beyond "
                    "tolerance: more than %(share)s percentage points for shares, "
                    "%(score)s for scores, %(years)s year, %(relative)s of the published "
                    "value for counts and amounts."
                )
                % {
                    "share": ctx.number(published.TOLERANCE[published.SHARE] * 100),
                    "score": ctx.number(published.TOLERANCE[published.SCORE], 1),
                    "years": ctx.number(published.TOLERANCE[published.YEARS]),
                    "relative": ctx.percent(published.TOLERANCE[published.COUNT]),
                },
                _(
                    "Reach (chapter 2): computed over the 2020 evaluation's population, the "
                    "IBNs' member companies without %(left_out)s (its member list had no "
                    "enterprise numbers in 2020); the reach chapter itself counts every IBN."
                )
                % {"left_out": _left_out(ctx)},
                _(
                    "Table 5 by embedding (“end of year 2”): each IBN's KPI at the end of "
                    "its second year (agreement start + 2 years, from the records known on "
                    "that day), or on %(date)s for an IBN whose second year had not ended, "
                    "summed per embedding; not the value on the report's date."
                )
                % {"date": ctx.date(ctx.as_of)},
                _(
                    "Texts are compared by their meaning: “> 1/3” and “over 50” hold or "
                    "not; “about 50” and “almost 0.80” are approximate, within %(approx)s "
                    "of their number."
                )
                % {"approx": ctx.percent(published.APPROXIMATE)},
            ],
        )
    )
    return section
