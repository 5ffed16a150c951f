"""The form-field matrix's entries for the bank statements' forms
(tests/test_form_field_matrix.py): the decision on a line that waits offers only the
line's cluster's open invoices and accepts no other."""

import datetime
from decimal import Decimal

from django.urls import reverse

from tests.form_matrix import NoIds, Probe, Probed, Side

IBANS = {"EUKA": "BE71096123456769", "BIM": "BE62510007547061"}


def _waiting_line(side: Side):
    """A line of the side's cluster's statement that waits for a decision."""
    from clustermonitor.banking import files, services
    from clustermonitor.banking.models import BankAccount, StatementLine
    from clustermonitor.core import audit

    iban = IBANS[side.cluster.code]
    found = StatementLine.objects.filter(statement__account__iban=iban).first()
    if found is not None:
        return found
    BankAccount.objects.get_or_create(cluster=side.cluster, iban=iban)
    day = datetime.date(2026, 3, 3)
    data = files.coda(
        iban=iban,
        holder="Matrix vzw",
        number=1,
        old_balance=Decimal(0),
        old_date=day,
        new_date=day,
        payments=[files.Payment(Decimal("121.00"), day, communication="lidgeld")],
    ).encode("latin-1")
    services.import_statements(data, "matrix.cod", side.cluster, audit.Actor.system("tests"))
    return StatementLine.objects.get(statement__account__iban=iban)


def _open_invoice(side: Side):
    """An issued invoice of the side's cluster to its (secret) member, 121 open."""
    from clustermonitor.billing import structured
    from clustermonitor.billing.models import Invoice

    return Invoice.objects.get_or_create(
        cluster=side.cluster,
        number=f"{side.cluster.code}-2026-00001",
        defaults={
            "organisation": side.member,
            "year": 2026,
            "sequence": 1,
            "issued_on": datetime.date(2026, 2, 1),
            "structured_reference": structured.make_reference(side.cluster.pk),
            "vat_regime": "not_liable",
            "net_total": Decimal("121.00"),
            "total": Decimal("121.00"),
            "status": Invoice.Status.ISSUED,
        },
    )[0]


def _line_page(w):
    return reverse("banking:line-detail", args=[_waiting_line(w.own).pk])


def _state(w):
    from clustermonitor.billing.models import Payment

    line = _waiting_line(w.own)
    line.refresh_from_db()
    return (line.status, line.invoice_id, Payment.objects.count())


BANKING = {
    "clustermonitor.banking.forms.AssignForm": Probed(
        probes=(
            Probe(
                field="invoice",
                page=_line_page,
                context="assign_form",
                post=lambda w: reverse("banking:line-assign", args=[_waiting_line(w.own).pk]),
                data=lambda w: {"invoice": _open_invoice(w.other).pk},
                state=_state,
                hostile=lambda w: _open_invoice(w.other),
            ),
        )
    ),
    "clustermonitor.banking.forms.BankAccountForm": NoIds(
        "an IBAN and a name; the cluster is the URL's (access.banking_cluster)"
    ),
    "clustermonitor.banking.forms.StatementUploadForm": NoIds(
        "a file; the cluster is the URL's, and each statement's account must be that "
        "cluster's (services.check)"
    ),
    "clustermonitor.banking.forms.IgnoreForm": NoIds(
        "a confirmation; the line is the URL's (access.statement_line_for)"
    ),
}
