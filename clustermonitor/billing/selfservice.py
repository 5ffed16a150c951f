"""What member self-service shows of invoicing (core.panels): a member company's issued
invoices and credit notes on its home page ("Mijn organisatie"), each with its PDF.
Handed to core.panels in the app's `ready()`; the PDF's route (views_selfservice.py)
checks that the invoice is the signed-in member's own (accounts.access.member_invoice)."""

from clustermonitor.billing.models import Invoice

#: The states a member sees: a draft (and a cancelled draft) was never sent to it.
SHOWN = (Invoice.Status.ISSUED, Invoice.Status.PAID, Invoice.Status.CREDITED)


def company_invoices(organisation, user) -> list[Invoice]:
    """The company's issued invoices and credit notes, newest first (the last 50)."""
    return list(
        Invoice.objects.filter(organisation=organisation, status__in=SHOWN)
        .exclude(number="")
        .select_related("cluster")
        .order_by("-issued_on", "-pk")[:50]
    )
