"""The KPIs of the IBNs: programme totals against the 3-year targets (Table 5), the
figures per IBN (Table 7), the share of active members and the trajectories.

Reported, computed and target stand side by side as on the dashboard
(`monitoring.dashboard`): reported figures are the latest per IBN whose period ended on
or before the report's date; computed values come from the records up to that date
(`dashboard.computed_kpis`); "% attained" is over the IBNs that have both a value and a
target. Programme totals as the 2020 evaluation printed them (Table 5) are shown next to
them when the report covers all IBNs and the evaluation had appeared by the report's date.
"""

from __future__ import annotations

import datetime

import pandas as pd
from django.utils.translation import gettext as _

from clustermonitor.activities import figures as activity_figures
from clustermonitor.analysis import participation
from clustermonitor.analysis import trajectory as trajectories
from clustermonitor.members import figures
from clustermonitor.monitoring import dashboard as monitoring
from clustermonitor.monitoring.dashboard import STATUS_LABELS
from clustermonitor.programmes.models import Embedding, ReportedFigure
from clustermonitor.reports.document import Paragraph, Percent, Section, Table

IBN = "IBN"
KPI_CODES = monitoring.KPI_CODES


def _pct(value: int | None) -> Percent:
    """A whole percent (85) as a typed share."""
    return Percent(None if value is None else value / 100, 0)


def _latest(cluster, metric: str, until: datetime.date):
    """The latest reported figure of `metric` whose period ended by `until` (prefetched)."""
    found = [f for f in cluster.reported_figures.all() if f.metric == metric]
    return monitoring.latest_reported(found, until, known_on=until)


def compute(ctx) -> dict | None:
    """The dashboard's figures for the selected IBNs on `ctx.as_of` (None without IBNs).
    Shared with the summary."""

    def run():
        if not ctx.ibns:
            return None
        data = monitoring.dashboard(
            ctx.programme, year=ctx.as_of.year, today=ctx.as_of, cluster_type=IBN
        )
        codes = {c.code for c in ctx.ibns}
        rows = []
        for row in data.rows:
            if row["code"] not in codes:
                continue
            cluster = row["cluster"]
            # Reported figures as on the report's date (the dashboard takes the year's end).
            cells = {
                code: monitoring.Cell(
                    code, _latest(cluster, code, ctx.as_of), cell.computed, cell.target
                )
                for code, cell in row["cells"].items()
            }
            intercluster = _latest(cluster, ReportedFigure.Metric.INTERCLUSTER, ctx.as_of)
            rows.append(row | {"cells": cells, "intercluster_reported": intercluster})
        rows.sort(key=lambda r: (r["call"] or 0, r["end_date"], r["code"]))
        all_ibns = {r["code"] for r in data.rows}
        if codes == all_ibns:
            distinct = {c: data.programme_total.totals[c].distinct for c in KPI_CODES}
        else:
            distinct = monitoring.computed_kpis(ctx.ibns, ctx.as_of).distinct
        return {
            "data": data,
            "rows": rows,
            "programme": _group(rows, distinct),
            "by_call": _groups(rows, lambda r: r["call"]),
            "by_embedding": _groups(rows, lambda r: r["embedding"] or ""),
            "published": _published(ctx, data, codes == all_ibns),
            "active": _active(ctx),
        }

    return ctx.shared("kpis.result", run)


def _group(rows, distinct=None) -> dict[str, monitoring.Total]:
    totals = {code: monitoring.Total(code) for code in KPI_CODES}
    for row in rows:
        for code in KPI_CODES:
            totals[code].add(row["cells"][code])
    for code in KPI_CODES:
        totals[code].distinct = (distinct or {}).get(code)
    return totals


def _groups(rows, key) -> list[tuple[object, list, dict]]:
    values = sorted({key(r) for r in rows}, key=lambda v: (v is None, str(v or "")))
    out = []
    for value in values:
        members = [r for r in rows if key(r) == value]
        out.append((value, members, _group(members)))
    return out


def _published(ctx, data, complete: bool) -> dict:
    """Table 5 as printed, when the report is about all IBNs and it had been published."""
    if not complete or not data.show_published:
        return {}
    return data.published  # known on the report's date (dashboard: core.known.published)


def _active(ctx) -> pd.DataFrame:
    """Active members per IBN on the report's date (the participation page's figure)."""
    on = ctx.as_of
    degree = participation.activity_degree(
        pd.DataFrame(
            activity_figures.participation_rows(ctx.ibns, on - datetime.timedelta(days=366), on),
            columns=["cluster", "organisation_id", "activity_id", "date"],
        ),
        pd.DataFrame(
            figures.member_rows(ctx.ibns, on),
            columns=["cluster", "organisation_id", "kind", "size_class", "embedding"],
        ),
        pd.Timestamp(on),
    )
    return participation.active_share(degree)


def _kpi_label(result, code: str) -> str:
    kpi = result["data"].kpis.get(code)
    return f"{code} {kpi.label}" if kpi else code


def _published_value(published: dict, code: str, field: str):
    figure = published.get(monitoring.table5_key(code, field))
    return figure.value if figure else None


def table5(ctx, result) -> Table:
    published = result["published"]
    columns = [
        "KPI",
        _("Reported (sum over IBNs)"),
        _("IBNs reporting"),
        _("Target after 3 years (sum)"),
        _("IBNs with a target"),
        _("% attained, reported"),
        _("Computed from the records (sum)"),
        _("Computed, each counted once"),
        _("% attained, computed"),
    ]
    if published:
        columns += [_("Published (2020 evaluation)"), _("Published target"), _("Published %")]
    rows = []
    for code in KPI_CODES:
        t = result["programme"][code]
        row = [
            _kpi_label(result, code),
            t.reported if t.n_reported else None,
            t.n_reported,
            t.target if t.n_target else None,
            t.n_target,
            _pct(t.reported_pct),
            t.computed if t.n_computed else None,
            t.distinct,
            _pct(t.computed_pct),
        ]
        if published:
            pct = _published_value(published, code, "pct")
            row += [
                _published_value(published, code, "reported"),
                _published_value(published, code, "target_3y"),
                _pct(None if pct is None else int(pct)),
            ]
        rows.append(row)
    notes = [
        _(
            "Reported: per IBN the latest figure for a period ending on or before %(date)s. "
            "Computed: from the records up to that date. %% attained: value / target over "
            "the IBNs that have both."
        )
        % {"date": ctx.date(ctx.as_of)}
    ]
    if published:
        notes.append(
            _(
                "The published figures are Table 5 of the 2020 evaluation as printed; they "
                "need not equal the sum of the IBNs' reported figures."
            )
        )
    return Table(
        key="table5",
        title=_("Programme KPIs against the 3-year targets"),
        columns=columns,
        rows=rows,
        notes=notes,
        source=_("Progress reports, targets and the records (programme dashboard)."),
    )


def _group_label(kind: str, value) -> str:
    if kind == "call":
        return _("Call %(n)s") % {"n": value} if value else _("no call")
    return str(dict(Embedding.choices).get(value, _("not given")))


def table5_groups(ctx, result) -> Table:
    rows = []
    for kind, groups in (("call", result["by_call"]), ("embedding", result["by_embedding"])):
        for value, members, totals in groups:
            for code in KPI_CODES:
                t = totals[code]
                rows.append(
                    [
                        _group_label(kind, value),
                        code,
                        len(members),
                        t.reported if t.n_reported else None,
                        t.target if t.n_target else None,
                        _pct(t.reported_pct),
                        t.computed if t.n_computed else None,
                        _pct(t.computed_pct),
                    ]
                )
    return Table(
        key="table5_groups",
        title=_("KPIs by call and by embedding"),
        columns=[
            _("Group"),
            "KPI",
            _("IBNs"),
            _("Reported (sum)"),
            _("Target (sum)"),
            _("% attained, reported"),
            _("Computed (sum)"),
            _("% attained, computed"),
        ],
        rows=rows,
    )


def table7(ctx, result) -> Table:
    active = result["active"].set_index("cluster") if len(result["active"]) else None
    columns = [
        _("Code"),
        _("IBN"),
        _("Call"),
        _("End date"),
        _("Embedding"),
        _("Members on the date"),
        _("Active members"),
        _("Share active"),
    ]
    for code in KPI_CODES:
        columns += [
            _("%(kpi)s reported") % {"kpi": code},
            _("%(kpi)s computed") % {"kpi": code},
            _("%(kpi)s target") % {"kpi": code},
            _("%(kpi)s %% attained") % {"kpi": code},
        ]
    columns.append(_("Intercluster projects (reported)"))
    rows = []
    for r in result["rows"]:
        members = n_active = share = None
        if active is not None and r["code"] in active.index:
            a = active.loc[r["code"]]
            members, n_active, share = int(a["n_members"]), int(a["n_active"]), a["share"]
        row = [
            r["code"],
            r["name"],
            r["call"],
            r["end_date"],
            r["embedding_label"] or None,
            members,
            n_active,
            Percent(None if share is None else float(share), 0),
        ]
        for code in KPI_CODES:
            cell = r["cells"][code]
            row += [cell.reported_value, cell.computed, cell.target_value, _pct(cell.reported_pct)]
        intercluster = r["intercluster_reported"]
        row.append(intercluster.value if intercluster else None)
        rows.append(row)
    total = [_("Total"), None, None, None, None]
    total += [
        sum(row[5] or 0 for row in rows),
        sum(row[6] or 0 for row in rows),
        None,
    ]
    for code in KPI_CODES:
        t = result["programme"][code]
        total += [
            t.reported if t.n_reported else None,
            t.computed if t.n_computed else None,
            t.target if t.n_target else None,
            _pct(t.reported_pct),
        ]
    rows.append(total)
    notes = [
        _(
            "Members and active members on %(date)s; active: took part in at least 2 "
            "activities in the 12 months before. %% attained: reported / target."
        )
        % {"date": ctx.date(ctx.as_of)}
    ]
    after_one = sorted(
        {r["code"] for r in result["rows"] for c in r["cells"].values() if c.marker == "*"}
    )
    if after_one:
        notes.append(
            _("Reported after one year of operation: %(codes)s.") % {"codes": ", ".join(after_one)}
        )
    return Table(
        key="table7",
        title=_("Overview per IBN"),
        columns=columns,
        rows=rows,
        notes=notes,
        source=_("Progress reports, targets and the records (programme dashboard)."),
        total_rows=1,
    )


def trajectory_table(ctx) -> Table | None:
    codes = {c.code for c in ctx.ibns}
    rows = []
    for t in monitoring.programme_trajectories(ctx.programme, ctx.as_of, cluster_type=IBN):
        if t.cluster.code not in codes:
            continue
        path = t.trajectory
        last = path.last
        rows.append(
            [
                t.cluster.code,
                t.code,
                str(STATUS_LABELS.get(t.status, t.status)),
                last.value_display if last else None,
                last.date if last else None,
                path.forecast_display,
                path.target_display,
                _pct(path.percent_of_target),
                path.horizon,
            ]
        )
    if not rows:
        return None
    return Table(
        key="trajectories",
        title=_("KPI trajectories of the IBNs"),
        columns=[
            _("Code"),
            "KPI",
            _("Status"),
            _("Last reported"),
            _("Reported up to"),
            _("Forecast"),
            _("Target"),
            _("Forecast / target"),
            _("Forecast for"),
        ],
        rows=rows,
        notes=[
            _(
                "Forecast: the least-squares line through the start and the reported "
                "figures, at the agreement's end (or the target's due date). On track: "
                "forecast ≥ target; at risk: ≥ %(share)s of it; off track: below."
            )
            % {"share": ctx.percent(float(trajectories.AT_RISK_SHARE))}
        ],
        source=_("Progress reports up to %(date)s.") % {"date": ctx.date(ctx.as_of)},
    )


def _warnings_text(ctx) -> str:
    codes = {c.code for c in ctx.ibns}
    found = [
        (cluster.code, kpi, status)
        for cluster, kpi, status, _forecast, _target in monitoring.off_track(
            ctx.programme, ctx.as_of
        )
        if cluster.code in codes
    ]
    if not found:
        return _("On %(date)s no running IBN is off track or at risk on a KPI.") % {
            "date": ctx.date(ctx.as_of)
        }
    off = [f"{c} {k}" for c, k, s in found if s == trajectories.OFF_TRACK]
    risk = [f"{c} {k}" for c, k, s in found if s == trajectories.AT_RISK]
    return _(
        "On %(date)s %(off)s KPIs of running IBNs are off track (%(off_list)s) and "
        "%(risk)s at risk (%(risk_list)s)."
    ) % {
        "date": ctx.date(ctx.as_of),
        "off": ctx.number(len(off)),
        "off_list": ", ".join(off) or "–",
        "risk": ctx.number(len(risk)),
        "risk_list": ", ".join(risk) or "–",
    }


def _intro(ctx, result) -> str:
    parts = []
    for code in KPI_CODES:
        t = result["programme"][code]
        if not t.n_reported:
            continue
        values = {
            "kpi": _kpi_label(result, code),
            "value": ctx.number(t.reported),
            "n": ctx.number(t.n_reported),
        }
        if t.reported_pct is None:
            parts.append(_("%(kpi)s: %(value)s reported by %(n)s IBNs") % values)
        else:
            values["pct"] = ctx.percent(t.reported_pct / 100)
            parts.append(
                _("%(kpi)s: %(value)s reported by %(n)s IBNs (%(pct)s of their targets)") % values
            )
    text = _("Up to %(date)s the progress reports give: %(parts)s.") % {
        "date": ctx.date(ctx.as_of),
        "parts": "; ".join(parts) if parts else _("no figures yet"),
    }
    computed = [
        _("%(kpi)s %(value)s")
        % {"kpi": code, "value": ctx.number(result["programme"][code].computed)}
        for code in KPI_CODES
    ]
    return (
        text + " " + _("Computed from the records: %(values)s.") % {"values": ", ".join(computed)}
    )


def build(ctx) -> Section:
    section = Section("kpis", _("Programme KPIs"))
    if not ctx.ibns:
        return section.text(_("No IBN is selected: there are no programme KPIs to show."))
    result = compute(ctx)
    section.add(Paragraph(_intro(ctx, result)))
    section.add(table5(ctx, result), table5_groups(ctx, result), table7(ctx, result))
    trajectory = trajectory_table(ctx)
    if trajectory is not None:
        section.add(trajectory)
    section.text(_warnings_text(ctx))
    return section
