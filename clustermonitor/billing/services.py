"""Writes to invoices, all audited: payments (used by the bank statements of
`banking`), and — in `invoicing.py` — generation, issuing, credit notes, sending and
reminders."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from clustermonitor.billing.models import Invoice, Payment
from clustermonitor.core import audit
from clustermonitor.members.contributions import mark_paid


class PaymentError(ValueError):
    """A payment that cannot be recorded on this invoice; the message says why."""


@transaction.atomic
def record_payment(
    invoice: Invoice,
    *,
    value_date: datetime.date,
    amount: Decimal,
    by: audit.Actor,
    source: str,
) -> Payment:
    """Record `amount` received on `value_date` for `invoice`, learnt from `source` (e.g.
    "coda:<statement>:<line>" or "manual:<user>:<date>").

    - Idempotent: the same `source` for the same invoice records nothing new and returns
      the payment recorded before.
    - The amount equal to the open amount: the invoice is paid (paid_on = value_date) and
      so are its contributions (status paid, paid_on = value_date — the co-financing
      figures count them from that date on, "known on D").
    - A smaller amount (a partial payment) is recorded and the invoice stays open for the
      rest; its contributions stay invoiced until the invoice is paid in full.
    - A larger amount, an amount of 0 or less, a value date before the invoice was
      issued, or an invoice that is not open (a draft, a credit note, a paid, credited or
      cancelled invoice) raise PaymentError and write nothing: the bank line waits for a
      person's decision.
    """
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    existing = Payment.objects.filter(invoice=invoice, source=source).first()
    if existing is not None:
        return existing
    amount = Decimal(amount)
    if invoice.is_credit_note:
        raise PaymentError(_("%(number)s is a credit note: it is not paid.") % {"number": invoice})
    if invoice.status != Invoice.Status.ISSUED:
        raise PaymentError(
            _("Invoice %(number)s is %(status)s: a payment cannot be recorded on it.")
            % {"number": invoice, "status": invoice.get_status_display()}
        )
    if amount <= 0:
        raise PaymentError(
            _("A payment amount must be above 0, not %(amount)s.") % {"amount": amount}
        )
    if invoice.issued_on and value_date < invoice.issued_on:
        raise PaymentError(
            _("A payment on %(day)s is before invoice %(number)s was issued (%(issued)s).")
            % {"day": value_date, "number": invoice, "issued": invoice.issued_on}
        )
    open_amount = invoice.open_amount
    if amount > open_amount:
        raise PaymentError(
            _("%(amount)s is more than the open amount %(open)s of invoice %(number)s.")
            % {"amount": amount, "open": open_amount, "number": invoice}
        )
    payment = Payment(invoice=invoice, value_date=value_date, amount=amount, source=source)
    audit.save(by, payment)
    if amount == open_amount:
        invoice.status = Invoice.Status.PAID
        invoice.paid_on = value_date
        audit.save(by, invoice, note=f"paid ({source})")
        for line in invoice.lines.select_related("contribution"):
            mark_paid(by, line.contribution, value_date, note=f"invoice {invoice.number} paid")
    return payment
