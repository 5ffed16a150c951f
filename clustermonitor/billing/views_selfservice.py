"""A member contact's own invoices in self-service: the PDF and the Peppol UBL document
(XML) of an issued invoice or credit note of the company the account acts for (any
other company's id, a draft: 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from clustermonitor.accounts import access
from clustermonitor.billing import invoicing, pdf
from clustermonitor.billing.models import Invoice


@login_required
def my_invoice_pdf(request, pk):
    invoice = access.member_invoice(request.user, Invoice.objects, pk)
    response = HttpResponse(pdf.render(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    return response


@login_required
def my_invoice_ubl(request, pk):
    """The Peppol BIS Billing 3.0 document, for the company's accounting software; one
    that fails validation is not handed out (the cluster is to correct it)."""
    invoice = access.member_invoice(request.user, Invoice.objects, pk)
    document = invoicing.member_ubl(invoice)
    if document is None:
        messages.error(
            request,
            _(
                "The e-invoice (Peppol UBL) of %(invoice)s is not available yet: the "
                "cluster has to correct it first. The PDF is."
            )
            % {"invoice": invoice.number},
        )
        return redirect("selfservice:home")
    response = HttpResponse(document, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.xml"'
    return response
