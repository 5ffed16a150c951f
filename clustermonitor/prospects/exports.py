"""The pipeline as a download (.xlsx or .csv): the rows the pipeline page lists, with its
filters, in its order; `core.exporters` writes them (formula-like text made harmless).
The contact person's name, e-mail and phone are in it, as on each prospect's page: the
pipeline's readers (the agency, the cluster's managers) see them there too."""

from django.utils import timezone
from django.utils.translation import gettext as _

from clustermonitor.core.exporters import Sheet

#: Columns written as dates (0-based).
DATE_COLUMNS = (9, 12)


def headers() -> list[str]:
    return [
        _("Company name"),
        _("Enterprise number"),
        _("Stage"),
        _("Source"),
        _("Owner"),
        _("Contact person"),
        _("Contact e-mail"),
        _("Contact phone"),
        _("Next step"),
        _("Next step on"),
        _("Reason lost"),
        _("Why, in a few words"),
        _("Added on"),
    ]


def rows(prospects):
    """One row per prospect, in the order given."""
    for p in prospects:
        yield [
            p.company_name,
            p.enterprise_number_display,
            p.get_stage_display(),
            p.get_source_display(),
            p.owner_name,
            p.contact_name,
            p.contact_email,
            p.contact_phone,
            p.next_step,
            p.next_step_date,
            p.get_lost_reason_display() if p.lost_reason else "",
            p.lost_note,
            timezone.localdate(p.created_at),
        ]


def sheet(prospects) -> Sheet:
    return Sheet(
        _("Prospects"),
        headers(),
        rows(prospects),
        number_formats={i: "dd/mm/yyyy" for i in DATE_COLUMNS},
    )
