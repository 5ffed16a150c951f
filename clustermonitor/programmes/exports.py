"""The programme's .xlsx sheets: the views pass the rows they gathered, these build the
sheets and `core.exporters.xlsx_response` writes them."""

from django.utils.translation import gettext as _

from clustermonitor.core.exporters import Sheet

#: The keys of a portfolio row that identify a cluster: the first columns of the portfolio
#: and of the dashboard's Table 7 sheet (monitoring/exports.py).
CLUSTER_KEYS = (
    "code",
    "name",
    "type",
    "call",
    "end_date",
    "executing_organisation",
    "embedding",
    "origin",
)


def cluster_headers() -> list[str]:
    """The headers of :data:`CLUSTER_KEYS`, in the active language."""
    return [
        _("Code"),
        _("Cluster"),
        _("Type"),
        _("Call"),
        _("End date"),
        _("Executing organisation"),
        _("Embedding"),
        _("Origin"),
    ]


def cluster_cells(row) -> list:
    """A portfolio row's values for :func:`cluster_headers`."""
    return [row[key] for key in CLUSTER_KEYS]


def portfolio_sheet(rows, *, full: bool) -> Sheet:
    """The portfolio (selectors.portfolio_rows); `full` adds the columns only portfolio
    readers (programmes.view_portfolio) see."""
    if full:
        headers = [
            *cluster_headers(),
            _("Members (KPI 1)"),
            _("Basis"),
            _("Collaborations (KPI 3)"),
            _("Basis"),
            _("Intercluster projects"),
            _("Future"),
        ]
        data = (
            [
                *cluster_cells(r),
                r["members"].value,
                r["members"].basis,
                r["collaborations"].value,
                r["collaborations"].basis,
                r["intercluster"].value,
                r["future"],
            ]
            for r in rows
        )
    else:
        headers = [_("Code"), _("Cluster"), _("Type"), _("Domain"), _("End date")]
        data = ([r["code"], r["name"], r["type"], r["domain"], r["end_date"]] for r in rows)
    return Sheet(_("Portfolio"), headers, data, number_formats={4: "dd/mm/yyyy"})
