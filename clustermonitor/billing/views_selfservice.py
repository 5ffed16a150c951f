"""A member contact's own invoices in self-service: the PDF of an issued invoice or
credit note of the company the account acts for (any other company's id: 404)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from clustermonitor.accounts import access
from clustermonitor.billing import pdf
from clustermonitor.billing.models import Invoice


@login_required
def my_invoice_pdf(request, pk):
    invoice = access.member_invoice(request.user, Invoice.objects, pk)
    response = HttpResponse(pdf.render(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    return response
