"""An invoice or credit note as a Dutch A4 PDF (WeasyPrint) with the Belgian mandatory
mentions: the seller's and buyer's names, addresses, enterprise and VAT numbers, the
number and date, the supply (membership year), net amount, VAT rate and amount (or the
exemption / not-liable mention), total, due date, IBAN/BIC and the structured
communication."""

from django.template.loader import render_to_string
from django.utils import translation

from clustermonitor.billing.models import Invoice, VatRegime


def context(invoice: Invoice, billing) -> dict:
    from clustermonitor.billing import ubl

    return {
        "invoice": invoice,
        "billing": billing,
        "lines": list(invoice.lines.all()),
        "buyer": invoice.organisation,
        "buyer_vat": ubl.buyer_vat_number(invoice.organisation),
        "standard": invoice.vat_regime == VatRegime.STANDARD,
        "exempt": invoice.vat_regime == VatRegime.EXEMPT,
        "not_liable": invoice.vat_regime == VatRegime.NOT_LIABLE,
    }


def render_html(invoice: Invoice) -> str:
    from clustermonitor.billing.invoicing import settings_for

    with translation.override("nl"):
        return render_to_string(
            "billing/invoice_pdf.html", context(invoice, settings_for(invoice.cluster))
        )


def render(invoice: Invoice) -> bytes:
    """The PDF (WeasyPrint imported here, as the report does, so the rest runs without
    Pango)."""
    import weasyprint

    return weasyprint.HTML(string=render_html(invoice), base_url=None).write_pdf()
