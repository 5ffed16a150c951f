"""The payment schedule for the agency's bookkeeping: one row per tranche, with what
was paid (and under which references) by the day asked for. Written by
core.exporters (.xlsx and .csv)."""

from django.utils.translation import gettext as _

from clustermonitor.core.exporters import Sheet


def schedule_sheet(rows, on) -> Sheet:
    """``rows``: agreements.selectors.schedule."""
    headers = [
        _("Code"),
        _("Cluster"),
        _("Call"),
        _("Agreement"),
        _("Subsidy"),
        _("Tranche"),
        _("Kind"),
        _("Amount"),
        _("Payable"),
        _("Why"),
        _("Paid"),
        _("Open"),
        _("Last paid on"),
        _("References"),
    ]
    data = []
    for row in rows:
        for state in row["tranches"]:
            tranche = state.tranche
            payments = [p for p in tranche.payments.all() if p.paid_on <= on]
            data.append(
                [
                    row["cluster"].code,
                    row["cluster"].name,
                    row["call"],
                    row["agreement"].reference,
                    row["terms"].subsidy,
                    tranche.number,
                    tranche.get_kind_display(),
                    state.amount,
                    _("yes") if state.payable else _("no"),
                    state.reason,
                    state.paid,
                    state.open,
                    max((p.paid_on for p in payments), default=None),
                    ", ".join(p.reference for p in payments),
                ]
            )
    return Sheet(
        _("Payment schedule"),
        headers,
        data,
        number_formats={
            4: "#,##0.00",
            7: "#,##0.00",
            10: "#,##0.00",
            11: "#,##0.00",
            12: "dd/mm/yyyy",
        },
    )
