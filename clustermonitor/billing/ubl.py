"""An invoice or credit note as a Peppol BIS Billing 3.0 UBL 2.1 document.

The seller is the cluster (its `BillingSettings`), the buyer the member organisation;
both are addressed on the Peppol network by their enterprise number (scheme 0208). The
VAT regime gives the category of every line: S (21 %), E (exempt, with the legal note)
or O (not subject: no VAT identifiers at all, BR-O-02). The structured communication is
the payment id (BT-83), the cluster's IBAN and BIC the account (BT-84, BT-86).
"""

import xml.etree.ElementTree as ET
from decimal import Decimal

from clustermonitor.billing.models import VAT_CATEGORY, Invoice, VatRegime

NS = {
    "invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "creditnote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
#: The Peppol electronic address scheme and ICD of the Belgian enterprise number.
SCHEME_BE = "0208"
#: VATEX codes (CEF code list) for the zero categories.
EXEMPTION_CODES = {"E": "VATEX-EU-132", "O": "VATEX-EU-O"}
NOT_SUBJECT_TEXT = "Niet onderworpen aan btw"

ET.register_namespace("cac", NS["cac"])
ET.register_namespace("cbc", NS["cbc"])


def _amount(value: Decimal) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01')):.2f}"


def _percent(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


class _Builder:
    def __init__(self, root):
        self.root = root

    def add(self, parent, tag: str, text=None, **attributes):
        prefix, local = tag.split(":")
        element = ET.SubElement(parent, f"{{{NS[prefix]}}}{local}", attributes)
        if text is not None:
            element.text = str(text)
        return element

    def money(self, parent, tag: str, value: Decimal):
        return self.add(parent, tag, _amount(value), currencyID="EUR")


def _party(
    b: _Builder,
    parent,
    *,
    endpoint,
    name,
    street,
    postcode,
    city,
    country,
    vat_number,
    legal_number,
    with_vat: bool,
):
    party = b.add(parent, "cac:Party")
    if endpoint:
        b.add(party, "cbc:EndpointID", endpoint, schemeID=SCHEME_BE)
    b.add(b.add(party, "cac:PartyName"), "cbc:Name", name)
    address = b.add(party, "cac:PostalAddress")
    if street:
        b.add(address, "cbc:StreetName", street)
    if city:
        b.add(address, "cbc:CityName", city)
    if postcode:
        b.add(address, "cbc:PostalZone", postcode)
    b.add(b.add(address, "cac:Country"), "cbc:IdentificationCode", country or "BE")
    if with_vat and vat_number:
        scheme = b.add(party, "cac:PartyTaxScheme")
        b.add(scheme, "cbc:CompanyID", vat_number)
        b.add(b.add(scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = b.add(party, "cac:PartyLegalEntity")
    b.add(legal, "cbc:RegistrationName", name)
    if legal_number:
        b.add(legal, "cbc:CompanyID", legal_number, schemeID=SCHEME_BE)
    return party


def _tax_category(b: _Builder, parent, name: str, category: str, rate: Decimal, note: str):
    element = b.add(parent, name)
    b.add(element, "cbc:ID", category)
    if category != "O":  # BR-O-05/-09: no rate for "not subject"
        b.add(element, "cbc:Percent", _percent(rate))
    if name == "cac:TaxCategory" and category in EXEMPTION_CODES:
        b.add(element, "cbc:TaxExemptionReasonCode", EXEMPTION_CODES[category])
        b.add(element, "cbc:TaxExemptionReason", note or NOT_SUBJECT_TEXT)
    b.add(b.add(element, "cac:TaxScheme"), "cbc:ID", "VAT")
    return element


def buyer_vat_number(organisation) -> str:
    """The buyer's VAT identifier: BE + its enterprise number (Belgian companies)."""
    if organisation.enterprise_number and not organisation.is_foreign:
        return f"BE{organisation.enterprise_number}"
    return ""


def document(invoice: Invoice, settings, *, buyer_reference: str = "") -> bytes:
    """The UBL document of an issued `invoice` (or credit note) of the cluster whose
    billing `settings` are given."""
    credit = invoice.is_credit_note
    root_ns = NS["creditnote" if credit else "invoice"]
    root = ET.Element(f"{{{root_ns}}}{'CreditNote' if credit else 'Invoice'}")
    b = _Builder(root)
    category, rate = VAT_CATEGORY[VatRegime(invoice.vat_regime)]
    with_vat = category != "O"
    note = settings.exemption_note if category == "E" else ""

    b.add(root, "cbc:CustomizationID", CUSTOMIZATION)
    b.add(root, "cbc:ProfileID", PROFILE)
    b.add(root, "cbc:ID", invoice.number)
    b.add(root, "cbc:IssueDate", invoice.issued_on.isoformat())
    if not credit and invoice.due_on:
        b.add(root, "cbc:DueDate", invoice.due_on.isoformat())
    b.add(
        root,
        "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode",
        "381" if credit else "380",
    )
    if note:
        b.add(root, "cbc:Note", note)
    elif category == "O":
        b.add(root, "cbc:Note", NOT_SUBJECT_TEXT)
    b.add(root, "cbc:DocumentCurrencyCode", "EUR")
    b.add(root, "cbc:BuyerReference", buyer_reference or invoice.number)
    if credit and invoice.credited_invoice_id:
        original = invoice.credited_invoice
        reference = b.add(b.add(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        b.add(reference, "cbc:ID", original.number)
        b.add(reference, "cbc:IssueDate", original.issued_on.isoformat())

    _party(
        b,
        b.add(root, "cac:AccountingSupplierParty"),
        endpoint=settings.enterprise_number,
        name=settings.legal_name,
        street=settings.street,
        postcode=settings.postcode,
        city=settings.city,
        country=settings.country,
        vat_number=settings.vat_number,
        legal_number=settings.enterprise_number,
        with_vat=with_vat,
    )
    buyer = invoice.organisation
    street = " ".join(p for p in (buyer.street, buyer.house_number) if p)
    if buyer.box:
        street = f"{street} bus {buyer.box}"
    _party(
        b,
        b.add(root, "cac:AccountingCustomerParty"),
        endpoint=buyer.enterprise_number,
        name=buyer.name,
        street=street,
        postcode=buyer.postcode,
        city=buyer.city,
        country=buyer.country,
        vat_number=buyer_vat_number(buyer),
        legal_number=buyer.enterprise_number,
        with_vat=with_vat and category == "S",
    )

    if not credit:
        means = b.add(root, "cac:PaymentMeans")
        b.add(means, "cbc:PaymentMeansCode", "30", name="Credit transfer")
        if invoice.structured_reference:
            b.add(means, "cbc:PaymentID", invoice.reference_display)
        account = b.add(means, "cac:PayeeFinancialAccount")
        b.add(account, "cbc:ID", settings.iban)
        b.add(account, "cbc:Name", settings.legal_name)
        if settings.bic:
            b.add(b.add(account, "cac:FinancialInstitutionBranch"), "cbc:ID", settings.bic)
        terms = b.add(root, "cac:PaymentTerms")
        b.add(terms, "cbc:Note", f"Te betalen binnen {settings.payment_term_days} dagen")

    lines = list(invoice.lines.all())
    tax_total = b.add(root, "cac:TaxTotal")
    b.money(tax_total, "cbc:TaxAmount", invoice.vat_total)
    subtotal = b.add(tax_total, "cac:TaxSubtotal")
    b.money(subtotal, "cbc:TaxableAmount", invoice.net_total)
    b.money(subtotal, "cbc:TaxAmount", invoice.vat_total)
    _tax_category(b, subtotal, "cac:TaxCategory", category, rate, note)

    totals = b.add(root, "cac:LegalMonetaryTotal")
    b.money(totals, "cbc:LineExtensionAmount", invoice.net_total)
    b.money(totals, "cbc:TaxExclusiveAmount", invoice.net_total)
    b.money(totals, "cbc:TaxInclusiveAmount", invoice.total)
    b.money(totals, "cbc:PayableAmount", invoice.total)

    for i, line in enumerate(lines, start=1):
        element = b.add(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
        b.add(element, "cbc:ID", i)
        b.add(
            element,
            "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity",
            "1",
            unitCode="C62",
        )
        b.money(element, "cbc:LineExtensionAmount", line.net_amount)
        item = b.add(element, "cac:Item")
        b.add(item, "cbc:Name", line.description)
        _tax_category(b, item, "cac:ClassifiedTaxCategory", line.vat_category, line.vat_rate, note)
        b.money(b.add(element, "cac:Price"), "cbc:PriceAmount", line.net_amount)

    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
