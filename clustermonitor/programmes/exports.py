"""The programme's .xlsx sheets: the views pass the rows they gathered, these build the
sheets and `core.exporters.xlsx_response` writes them."""

from django.utils.translation import gettext as _

from clustermonitor.core.exporters import Sheet


def portfolio_sheet(rows, *, full: bool) -> Sheet:
    """The portfolio (selectors.portfolio_rows); `full` adds the columns only portfolio
    readers (programmes.view_portfolio) see."""
    if full:
        headers = [
            _("Code"),
            _("Cluster"),
            _("Type"),
            _("Call"),
            _("End date"),
            _("Executing organisation"),
            _("Embedding"),
            _("Origin"),
            _("Members (KPI 1)"),
            _("Basis"),
            _("Collaborations (KPI 3)"),
            _("Basis"),
            _("Intercluster projects"),
            _("Future"),
        ]
        data = (
            [
                r["code"],
                r["name"],
                r["type"],
                r["call"],
                r["end_date"],
                r["executing_organisation"],
                r["embedding"],
                r["origin"],
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
