"""The members' .xlsx sheets (the member list, the co-financing figures, Table 8, KPI 1 and
2, the reach analysis): the views pass the rows and frames they gathered, these build the
sheets and `core.exporters.xlsx_response` writes them."""

import pandas as pd
from django.utils.translation import gettext as _

from clustermonitor.core.exporters import Sheet, frame_sheet


def member_list_sheet(memberships) -> Sheet:
    """The member list, one row per membership in the order given."""
    headers = [
        _("Name"),
        _("Enterprise number"),
        _("Kind"),
        _("Postcode"),
        _("Municipality"),
        _("Member from"),
        _("Member until"),
    ]
    data = (
        [
            m.organisation.name,
            m.organisation.enterprise_number_display,
            m.organisation.get_kind_display(),
            m.organisation.postcode,
            m.organisation.municipality.name_nl
            if m.organisation.municipality
            else m.organisation.city,
            m.start_date,
            m.end_date,
        ]
        for m in memberships
    )
    return Sheet(_("Members"), headers, data, number_formats={5: "dd/mm/yyyy", 6: "dd/mm/yyyy"})


def cofinancing_cluster_sheets(ledger, table, at_risk: list) -> list[Sheet]:
    """A cluster's co-financing ledger, its Table 8 rows and the members at risk (names)."""
    return [
        frame_sheet(_("Ledger"), ledger),
        frame_sheet(_("Table 8"), table),
        frame_sheet(_("At risk"), pd.DataFrame({"membership": at_risk})),
    ]


def table8_sheets(table, summary) -> list[Sheet]:
    """Table 8 for one year and, where there is one, the programme's summary."""
    sheets = [frame_sheet(_("Table 8"), table)]
    if summary is not None:
        sheets.append(frame_sheet(_("Programme"), summary))
    return sheets


def kpi_sheets(table, companies) -> list[Sheet]:
    """KPI 1 and 2 per cluster and the companies behind them."""
    return [
        frame_sheet("KPI", table.drop(columns=["agreement_start"])),
        frame_sheet(_("Companies"), companies.drop(columns=["agreement_start"])),
    ]


def reach_sheets(result: dict, on) -> list[Sheet]:
    """The reach analysis on a reference date: its summary figures and its tables, the
    frames' values as they are (`blanks=False`)."""
    sme = result["sme"]
    summary = pd.DataFrame(
        [
            ("reference_date", on.isoformat()),
            ("companies", result["n_companies"]),
            ("company_memberships", result["n_company_memberships"]),
            ("memberships_all_organisations", result["n_memberships"]),
            ("organisations", result["n_organisations"]),
            ("sme", sme["sme"]),
            ("non_sme", sme["non_sme"]),
            ("sme_unknown", sme["unknown"]),
            ("sme_share", sme["share"]),
            ("sme_basis_financials", sme["basis_counts"]["financials"]),
            ("sme_basis_headcount_only", sme["basis_counts"]["headcount_only"]),
            ("mean_age", result["age"]["mean_age"]),
            ("share_startups", result["age"]["share_startups"]),
        ],
        columns=["figure", "value"],
    )
    return [
        frame_sheet(title, frame, blanks=False)
        for title, frame in (
            (_("Summary"), summary),
            (_("Size classes"), result["sizes"]),
            (_("Age classes"), result["ages"]),
            (_("Memberships"), result["memberships"]),
            ("NACE", result["nace"]),
            (_("Municipalities"), result["municipalities"]),
        )
    ]
