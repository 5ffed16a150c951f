"""The programme dashboard's .xlsx sheets (Tables 5 and 7): the view passes the dashboard
it computed, this builds the sheets and `core.exporters.xlsx_response` writes them."""

from django.utils.translation import gettext as _

from clustermonitor.core.exporters import Sheet
from clustermonitor.monitoring import dashboard as selectors
from clustermonitor.programmes import exports as programme_exports

DATE_FORMAT = "dd/mm/yyyy"


def _kpi_name(data, code) -> str:
    kpi = data.kpis.get(code)
    return f"{code} {kpi.label}" if kpi else code


def dashboard_sheets(data: selectors.Dashboard) -> list[Sheet]:
    """The dashboard as four sheets: the selection, Table 5 (totals per programme, call and
    embedding), Table 7 (per cluster) and the published figures."""
    selection = Sheet(
        _("Selection"),
        [_("Item"), _("Value")],
        [
            (_("Programme"), data.programme.label),
            (_("Cluster type"), data.cluster_type or _("all")),
            (_("Year"), data.year or _("latest")),
            (_("Reported figures with a period ending by"), data.reported_until),
            (_("Computed from the records up to"), data.until),
        ],
        number_formats={1: DATE_FORMAT},
    )
    totals = []
    for group_name, groups in (
        (_("Programme"), [data.programme_total]),
        (_("Call"), data.by_call),
        (_("Embedding"), data.by_embedding),
    ):
        for group in groups:
            for code in selectors.KPI_CODES:
                t = group.totals[code]
                totals.append(
                    (
                        group_name,
                        group.label,
                        _kpi_name(data, code),
                        group.n_clusters,
                        t.reported if t.n_reported else None,
                        t.n_reported,
                        t.computed if t.n_computed else None,
                        t.distinct,
                        t.target if t.n_target else None,
                        t.n_target,
                        t.reported_pct,
                        t.computed_pct,
                        t.published_value,
                        t.published_target_value,
                        t.published_pct.value if t.published_pct else None,
                        t.difference_published,
                    )
                )
    table5 = Sheet(
        _("Table 5"),
        [
            _("Breakdown"),
            _("Group"),
            "KPI",
            _("Clusters"),
            _("Reported (sum over clusters)"),
            _("Clusters reporting"),
            _("Computed (sum over clusters)"),
            _("Computed (each counted once)"),
            _("Target (sum over clusters)"),
            _("Clusters with a target"),
            _("% attained, reported"),
            _("% attained, computed"),
            _("Published (2020 evaluation)"),
            _("Published target"),
            _("Published % attained"),
            _("Reported sum − published"),
        ],
        totals,
    )
    headers = programme_exports.cluster_headers()
    for code in selectors.KPI_CODES:
        headers += [
            f"{code} " + _("reported"),
            f"{code} " + _("basis"),
            f"{code} " + _("source"),
            f"{code} " + _("up to"),
            f"{code} " + _("computed"),
            f"{code} " + _("target"),
            f"{code} " + _("% attained, reported"),
            f"{code} " + _("% attained, computed"),
        ]
    headers += [_("Intercluster projects"), _("Future")]
    rows = []
    for r in data.rows:
        row = programme_exports.cluster_cells(r)
        for cell in r["kpi_cells"]:
            figure = cell.reported
            row += [
                cell.reported_value,
                figure.get_basis_display() if figure else None,
                figure.source if figure else None,
                selectors.effective_date(figure) if figure else None,
                cell.computed,
                cell.target_value,
                cell.reported_pct,
                cell.computed_pct,
            ]
        row += [r["intercluster"].value, r["future"]]
        rows.append(row)
    date_columns = {4} | {8 + 8 * i + 3 for i in range(len(selectors.KPI_CODES))}
    table7 = Sheet(
        _("Table 7"), headers, rows, number_formats=dict.fromkeys(date_columns, DATE_FORMAT)
    )
    published = Sheet(
        _("Published"),
        [_("Figure"), _("Value"), _("Source"), _("Source date")],
        [(f.key, f.value, f.source, f.source_date) for _k, f in sorted(data.published.items())],
        number_formats={3: DATE_FORMAT},
    )
    return [selection, table5, table7, published]
