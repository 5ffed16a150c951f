"""Invoices for fees (issue 18): billing settings, generating drafts from the expected
contributions, issuing with gapless numbers, VAT regimes, the PDF, sending after the
Peppol validation (a failing document is never sent), credit notes and reminders."""

import datetime
import subprocess
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from clustermonitor.billing import invoicing, pdf, structured
from clustermonitor.billing.models import BillingSettings, Invoice, Reminder, VatRegime
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.members.models import Contribution
from clustermonitor.registry.models import Organisation
from tests.billing_helpers import billing_settings, member_with_fee

pytestmark = pytest.mark.usefixtures("english")

ACTOR = audit.Actor.system("test")
YES = {"confirmed": "yes"}
DAY = datetime.date(2026, 2, 2)


def _issue_all(cluster, year=2026, on=DAY):
    return [invoicing.issue(ACTOR, d, on) for d in invoicing.generate(ACTOR, cluster, year)]


# Settings ------------------------------------------------------------------------------


def _settings_post(**values):
    data = {
        "legal_name": "EUKA vzw",
        "enterprise_number": "0200.065.765",
        "vat_regime": "standard",
        "vat_number": "",
        "exemption_note": "",
        "street": "Kunstlaan 1",
        "postcode": "1000",
        "city": "Brussel",
        "country": "BE",
        "iban": "BE48 0011 2345 6727",
        "bic": "",
        "email": "facturen@euka.example",
        "payment_term_days": "30",
    }
    data.update(values)
    return data


def test_settings_are_checked_with_stdnum(web, cluster_a):
    client = web("cluster_manager_a")
    url = reverse("billing:settings", args=["EUKA"])
    page = client.post(
        url,
        _settings_post(
            enterprise_number="0200.065.766", iban="BE48 0011 2345 6728", vat_regime="exempt"
        ),
    )
    errors = page.context["form"].errors
    assert set(errors) == {"enterprise_number", "iban", "exemption_note"}
    assert not BillingSettings.objects.exists()
    page = client.post(url, _settings_post(vat_regime="not_liable", vat_number="BE0200065765"))
    assert "vat_number" in page.context["form"].errors
    assert client.post(url, _settings_post()).status_code == 302
    saved = BillingSettings.objects.get(cluster=cluster_a)
    # The VAT number and the BIC are filled in from the enterprise number and the IBAN.
    assert (saved.enterprise_number, saved.vat_number) == ("0200065765", "BE0200065765")
    assert (saved.iban, saved.bic) == ("BE48001123456727", "GEBABEBB")
    assert saved.peppol_id == "0208:0200065765"
    assert AuditEntry.objects.filter(content_type__model="billingsettings").count() == 1


def test_no_invoices_without_settings(cluster_a):
    member_with_fee(1, cluster_a)
    with pytest.raises(invoicing.BillingError, match="billing settings"):
        invoicing.generate(ACTOR, cluster_a, 2026)


# Generating and numbering -----------------------------------------------------------------


def test_one_draft_per_paying_organisation_and_only_once(cluster_a):
    billing_settings(cluster_a)
    a = member_with_fee(1, cluster_a, amount="500")
    b = member_with_fee(2, cluster_a, amount="300")
    # The group pays for its subsidiary: one invoice to the group, two lines.
    b.payer = a.membership.organisation
    b.save()
    member_with_fee(3, cluster_a, amount="250")
    paid = member_with_fee(4, cluster_a)
    Contribution.objects.filter(pk=paid.pk).update(status="paid", paid_on=DAY)
    drafts = invoicing.generate(ACTOR, cluster_a, 2026)
    assert [(d.organisation.name, d.lines.count(), d.net_total) for d in drafts] == [
        ("Bedrijf 1 NV", 2, Decimal("800.00")),
        ("Bedrijf 3 NV", 1, Decimal("250.00")),
    ]
    assert all(d.status == "draft" and d.number == "" for d in drafts)
    assert invoicing.generate(ACTOR, cluster_a, 2026) == []
    # Drafts leave the contributions expected; a cancelled draft lets them go again.
    assert Contribution.objects.get(pk=a.pk).status == "expected"
    invoicing.cancel_draft(ACTOR, drafts[1])
    [again] = invoicing.generate(ACTOR, cluster_a, 2026)
    assert again.organisation.name == "Bedrijf 3 NV"


def test_numbers_follow_per_cluster_year_and_kind_without_gaps(cluster_a, cluster_b):
    billing_settings(cluster_a)
    billing_settings(cluster_b)
    for i in range(1, 4):
        member_with_fee(i, cluster_a)
    member_with_fee(9, cluster_b)
    drafts = invoicing.generate(ACTOR, cluster_a, 2026)
    # A cancelled draft never had a number: no gap.
    invoicing.cancel_draft(ACTOR, drafts[0])
    issued = [invoicing.issue(ACTOR, d, DAY) for d in drafts[1:]]
    [other] = _issue_all(cluster_b)
    assert [i.number for i in issued] == ["EUKA-2026-00001", "EUKA-2026-00002"]
    assert other.number == "BIM-2026-00001"
    # Issuing twice does nothing.
    assert invoicing.issue(ACTOR, issued[0], DAY).number == "EUKA-2026-00001"
    note = invoicing.credit(ACTOR, issued[0], DAY)
    assert note.number == "EUKA-CN-2026-00001" and note.kind == "credit_note"
    for invoice in issued:
        invoice.refresh_from_db()
        assert structured.parse_reference(invoice.reference_display) == (
            invoice.structured_reference
        )
        assert invoice.due_on == DAY + datetime.timedelta(days=30)
    contribution = issued[1].lines.get().contribution
    assert (contribution.status, contribution.invoiced_on) == ("invoiced", DAY)


@pytest.mark.parametrize(
    ("regime", "vat", "total"),
    [
        (VatRegime.STANDARD, "210.21", "1211.21"),
        (VatRegime.EXEMPT, "0.00", "1001.00"),
        (VatRegime.NOT_LIABLE, "0.00", "1001.00"),
    ],
)
def test_vat_regimes_give_the_totals(cluster_a, regime, vat, total):
    billing_settings(cluster_a, regime)
    member_with_fee(1, cluster_a, amount="1001.00")
    [invoice] = _issue_all(cluster_a)
    assert invoice.net_total == Decimal("1001.00")
    assert (invoice.vat_total, invoice.total) == (Decimal(vat), Decimal(total))
    assert invoice.lines.get().vat_category == {"standard": "S", "exempt": "E"}.get(regime, "O")


def test_vat_is_computed_once_on_the_invoice_total(cluster_a):
    billing_settings(cluster_a)
    first = member_with_fee(1, cluster_a, amount="10.02")
    for i in (2, 3):
        c = member_with_fee(i, cluster_a, amount="10.02")
        c.payer = first.membership.organisation
        c.save()
    [invoice] = _issue_all(cluster_a)
    # 3 × 10.02 = 30.06; 21 % = 6.3126 → 6.31 (per line it would be 3 × 2.10 = 6.30).
    assert (invoice.net_total, invoice.vat_total) == (Decimal("30.06"), Decimal("6.31"))


# Credit notes --------------------------------------------------------------------------


def test_credit_note_reverses_the_invoiced_state(cluster_a):
    billing_settings(cluster_a)
    contribution = member_with_fee(1, cluster_a)
    [invoice] = _issue_all(cluster_a)
    note = invoicing.credit(ACTOR, invoice, datetime.date(2026, 3, 1))
    invoice.refresh_from_db()
    contribution.refresh_from_db()
    assert invoice.status == "credited" and note.credited_invoice == invoice
    assert note.total == invoice.total and note.lines.count() == 1
    assert (contribution.status, contribution.invoiced_on) == ("expected", None)
    with pytest.raises(invoicing.BillingError):
        invoicing.credit(ACTOR, invoice)
    # The contribution can be invoiced again, with the next number.
    [again] = _issue_all(cluster_a, on=datetime.date(2026, 3, 2))
    assert again.number == "EUKA-2026-00002"


# PDF -----------------------------------------------------------------------------------


def test_pdf_has_the_belgian_mentions(cluster_a, tmp_path):
    billing_settings(cluster_a)
    member_with_fee(1, cluster_a)
    [invoice] = _issue_all(cluster_a)
    data = pdf.render(invoice)
    assert data.startswith(b"%PDF")
    (tmp_path / "f.pdf").write_bytes(data)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "f.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    for mention in (
        "Factuur EUKA-2026-00001",
        invoice.reference_display,
        "BE48001123456727",
        "Btw 21 %",
        "1.210,00",
        "Vervaldag",
        "Ondernemingsnummer",
        "Bedrijf 1 NV",
    ):
        assert mention in text, mention


def test_pdf_of_an_exempt_invoice_states_why(cluster_a, tmp_path):
    billing_settings(cluster_a, VatRegime.EXEMPT)
    member_with_fee(1, cluster_a)
    [invoice] = _issue_all(cluster_a)
    assert "art. 44" in pdf.render_html(invoice)


# The web journey and sending -------------------------------------------------------------


def test_manager_generates_issues_downloads_and_sends(
    web, cluster_a, django_capture_on_commit_callbacks
):
    billing_settings(cluster_a)
    member_with_fee(1, cluster_a)
    client = web("cluster_manager_a")
    listing = reverse("billing:invoice-list", args=["EUKA"])
    assert client.get(listing, {"year": 2026}).status_code == 200
    generate = reverse("billing:invoices-generate", args=["EUKA"]) + "?year=2026"
    asked = client.post(generate)
    assert "Generate 1 draft invoice for 2026?" in asked.content.decode()
    assert not Invoice.objects.exists()
    client.post(generate, YES)
    draft = Invoice.objects.get()
    client.post(reverse("billing:invoice-issue", args=[draft.pk]), YES)
    draft.refresh_from_db()
    assert draft.status == "issued" and draft.number == "EUKA-2026-00001"
    pdf_response = client.get(reverse("billing:invoice-pdf", args=[draft.pk]))
    assert pdf_response["Content-Type"] == "application/pdf"
    ubl = client.get(reverse("billing:invoice-ubl", args=[draft.pk]))
    assert ubl["Content-Type"] == "application/xml" and b"EUKA-2026-00001" in ubl.content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("billing:invoice-send", args=[draft.pk]), YES)
    [message] = mail.outbox
    assert message.to == ["b1@x.example"] and "EUKA-2026-00001" in message.subject
    assert [a[0] for a in message.attachments] == ["EUKA-2026-00001.pdf", "EUKA-2026-00001.xml"]
    assert draft.reference_display in message.body
    draft.refresh_from_db()
    assert draft.sent_on == datetime.date.today() and draft.findings == []
    # The contact's e-mail address is not in the audit log.
    assert not AuditEntry.objects.filter(after__icontains="b1@x.example").exists()
    assert not AuditEntry.objects.filter(note__icontains="b1@x.example").exists()


def test_a_document_failing_validation_is_never_sent_and_shows_the_rule(
    web, cluster_a, django_capture_on_commit_callbacks
):
    billing_settings(cluster_a)
    contribution = member_with_fee(1, cluster_a)
    # A buyer without an enterprise number has no Peppol address (BT-49).
    Organisation.objects.filter(pk=contribution.membership.organisation_id).update(
        enterprise_number=None, no_number_reason="other"
    )
    [invoice] = _issue_all(cluster_a)
    client = web("cluster_manager_a")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("billing:invoice-send", args=[invoice.pk]), YES)
    assert not mail.outbox
    invoice.refresh_from_db()
    assert invoice.sent_on is None
    rules = {f["rule"] for f in invoice.findings if f["flag"] == "fatal"}
    assert "PEPPOL-EN16931-R010" in rules, rules
    page = client.get(reverse("billing:invoice-detail", args=[invoice.pk])).content.decode()
    assert "PEPPOL-EN16931-R010" in page and "fails validation and is not sent" in page
    # Nor is it handed out for an access point.
    ubl = client.get(reverse("billing:invoice-ubl", args=[invoice.pk]))
    assert ubl.status_code == 302


def test_the_other_cluster_manager_sees_nothing(web, cluster_a):
    billing_settings(cluster_a)
    member_with_fee(1, cluster_a)
    [invoice] = _issue_all(cluster_a)
    client = web("cluster_manager_b")
    for name in ("invoice-detail", "invoice-pdf", "invoice-ubl"):
        assert client.get(reverse(f"billing:{name}", args=[invoice.pk])).status_code == 404
    assert client.post(reverse("billing:invoice-credit", args=[invoice.pk]), YES).status_code == 404
    invoice.refresh_from_db()
    assert invoice.status == "issued"
    # An evaluator reads, but does not credit.
    evaluator = web("evaluator")
    assert evaluator.get(reverse("billing:invoice-detail", args=[invoice.pk])).status_code == 200
    assert (
        evaluator.post(reverse("billing:invoice-credit", args=[invoice.pk]), YES).status_code == 403
    )


def test_list_filters_and_exports(web, cluster_a):
    billing_settings(cluster_a)
    for i in (1, 2):
        member_with_fee(i, cluster_a)
    drafts = invoicing.generate(ACTOR, cluster_a, 2026)
    invoicing.issue(ACTOR, drafts[0], DAY)
    client = web("cluster_manager_a")
    url = reverse("billing:invoice-list", args=["EUKA"])
    issued = client.get(url, {"status": "issued"})
    assert [i.number for i in issued.context["invoices"]] == ["EUKA-2026-00001"]
    assert len(client.get(url, {"year": 2025}).context["invoices"]) == 0
    csv = client.get(url, {"format": "csv", "year": 2026}).content.decode("utf-8-sig")
    assert "EUKA-2026-00001" in csv and csv.count("\n") == 3


# Reminders -----------------------------------------------------------------------------


def test_reminders_first_then_second_each_once(cluster_a, django_capture_on_commit_callbacks):
    billing_settings(cluster_a)
    member_with_fee(1, cluster_a)
    member_with_fee(2, cluster_a, contact=False)
    issued = _issue_all(cluster_a)
    due = issued[0].due_on
    with django_capture_on_commit_callbacks(execute=True):
        # Not yet overdue long enough.
        assert invoicing.send_reminders(ACTOR, due + datetime.timedelta(days=6)) == {
            "first": 0,
            "second": 0,
            "no_contact": 0,
        }
        first_day = due + datetime.timedelta(days=7)
        assert invoicing.send_reminders(ACTOR, first_day) == {
            "first": 1,
            "second": 0,
            "no_contact": 1,
        }
        assert invoicing.send_reminders(ACTOR, first_day)["first"] == 0  # never twice
        call_command("send-reminders", today=(first_day + datetime.timedelta(days=14)).isoformat())
        call_command("send-reminders", today=(first_day + datetime.timedelta(days=30)).isoformat())
    levels = list(Reminder.objects.values_list("invoice__number", "level", "sent_on"))
    assert levels == [
        ("EUKA-2026-00001", 1, first_day),
        ("EUKA-2026-00001", 2, first_day + datetime.timedelta(days=14)),
    ]
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Herinnering", "Tweede herinnering"]
    assert "Openstaand bedrag: € 1.210,00" in mail.outbox[0].body


def test_a_paid_invoice_is_not_reminded(cluster_a):
    from clustermonitor.billing.services import record_payment

    billing_settings(cluster_a)
    member_with_fee(1, cluster_a)
    [invoice] = _issue_all(cluster_a)
    record_payment(invoice, value_date=DAY, amount=invoice.total, by=ACTOR, source="manual:1")
    later = invoice.due_on + datetime.timedelta(days=60)
    assert invoicing.send_reminders(ACTOR, later)["first"] == 0
