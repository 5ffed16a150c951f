"""The member list's .xlsx sheet: the view passes the memberships it gathered, this builds
the sheet and `core.exporters.xlsx_response` writes it."""

from django.utils.translation import gettext as _

from clustermonitor.core.exporters import Sheet


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
