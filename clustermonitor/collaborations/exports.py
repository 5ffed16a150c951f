"""The collaborations as a sheet (core.exporters): the cluster's list and the programme
overview download the same columns."""

from django.utils.translation import gettext as _

from clustermonitor.collaborations import selectors
from clustermonitor.core.exporters import Sheet


def collaboration_rows(collaborations, counted: set[int]) -> Sheet:
    return Sheet(
        _("Collaborations"),
        [
            _("Title"),
            _("Clusters"),
            _("Stage"),
            _("Stopped because"),
            _("Nature"),
            _("Value chain"),
            _("Purpose"),
            _("Funding instrument"),
            _("Companies"),
            _("Scale"),
            _("Knowledge institution"),
            _("Start"),
            _("End"),
            _("Budget (EUR)"),
            _("Grant (EUR)"),
            "KPI 3",
        ],
        [
            [
                c.title,
                ", ".join(sorted(x.code for x in c.clusters.all())),
                c.get_stage_display(),
                c.get_stop_reason_display(),
                c.get_nature_display(),
                c.get_value_chain_display(),
                c.get_purpose_display(),
                c.get_instrument_display(),
                c.n_companies,
                selectors.scale_label(c.n_companies),
                _("yes") if c.has_knowledge else _("no"),
                c.start_date,
                c.end_date,
                c.budget,
                c.grant,
                _("counted") if c.pk in counted else "",
            ]
            for c in collaborations
        ],
    )
