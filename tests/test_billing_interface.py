"""The billing interface other apps code against (issue 18): the structured
communication and recording a payment."""

import datetime
from decimal import Decimal

import pytest

from clustermonitor.billing import structured
from clustermonitor.billing.models import Invoice, InvoiceLine, Payment, VatRegime
from clustermonitor.billing.services import PaymentError, record_payment
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.members.models import Contribution
from tests.factories import membership, organisation

pytestmark = pytest.mark.usefixtures("english")

ACTOR = audit.Actor.system("test")


@pytest.mark.parametrize(
    ("base", "digits"),
    [
        (1234567890, "123456789002"),  # 1234567890 mod 97 = 2
        (97, "000000009797"),  # remainder 0 → 97
        (0, "000000000097"),
        (9999999999, "999999999948"),  # 9999999999 mod 97 = 48
    ],
)
def test_make_reference(base, digits):
    assert structured.make_reference(base) == digits
    assert structured.parse_reference(digits) == digits


def test_make_reference_refuses_more_than_ten_digits():
    with pytest.raises(ValueError):
        structured.make_reference(10**10)


def test_format_reference():
    assert structured.format_reference("123456789002") == "+++123/4567/89002+++"


@pytest.mark.parametrize(
    "text",
    [
        "+++123/4567/89002+++",
        "***123/4567/89002***",
        "123/4567/89002",
        "123 4567 89002",
        "123456789002",
        "  +++123/4567/89002+++ ",
    ],
)
def test_parse_reference_accepts_the_written_forms(text):
    assert structured.parse_reference(text) == "123456789002"


@pytest.mark.parametrize(
    "text",
    [
        "+++123/4567/89003+++",  # wrong check digits
        "123456789000",  # check 00 is never valid
        "12345678900",  # 11 digits
        "1234567890021",  # 13 digits
        "+++123/4567/89002***",  # mixed wrappers
        "invoice 2026-1",
        "",
        None,
        "١٢٣٤٥٦٧٨٩٠٠٢",  # not ASCII digits
    ],
)
def test_parse_reference_refuses(text):
    assert structured.parse_reference(text) is None


def _issued_invoice(cluster, total=Decimal("121.00")):
    org = organisation(1)
    member = membership(org, cluster)
    contribution = Contribution.objects.create(
        membership=member,
        year=2026,
        amount=Decimal("100.00"),
        status=Contribution.Status.INVOICED,
        invoiced_on=datetime.date(2026, 2, 1),
    )
    invoice = Invoice.objects.create(
        cluster=cluster,
        organisation=org,
        year=2026,
        sequence=1,
        number="EUKA-2026-00001",
        issued_on=datetime.date(2026, 2, 1),
        due_on=datetime.date(2026, 3, 3),
        structured_reference=structured.make_reference(1),
        vat_regime=VatRegime.STANDARD,
        net_total=Decimal("100.00"),
        vat_total=Decimal("21.00"),
        total=total,
        status=Invoice.Status.ISSUED,
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        contribution=contribution,
        description="Lidgeld 2026",
        net_amount=Decimal("100.00"),
        vat_category="S",
        vat_rate=Decimal("21"),
    )
    return invoice, contribution


def test_record_payment_marks_invoice_and_contributions_paid_once(cluster_a):
    invoice, contribution = _issued_invoice(cluster_a)
    day = datetime.date(2026, 2, 20)
    first = record_payment(
        invoice, value_date=day, amount=Decimal("121.00"), by=ACTOR, source="coda:1:1"
    )
    invoice.refresh_from_db()
    contribution.refresh_from_db()
    assert invoice.status == "paid" and invoice.paid_on == day
    assert contribution.status == "paid" and contribution.paid_on == day
    entries = AuditEntry.objects.count()
    again = record_payment(
        invoice, value_date=day, amount=Decimal("121.00"), by=ACTOR, source="coda:1:1"
    )
    assert again.pk == first.pk and Payment.objects.count() == 1
    assert AuditEntry.objects.count() == entries
    with pytest.raises(PaymentError, match="paid"):
        record_payment(invoice, value_date=day, amount=Decimal("121.00"), by=ACTOR, source="x")


def test_partial_payment_is_recorded_and_leaves_the_invoice_open(cluster_a):
    invoice, contribution = _issued_invoice(cluster_a)
    record_payment(
        invoice,
        value_date=datetime.date(2026, 2, 10),
        amount=Decimal("100"),
        by=ACTOR,
        source="a",
    )
    invoice.refresh_from_db()
    contribution.refresh_from_db()
    assert invoice.status == "issued" and invoice.open_amount == Decimal("21.00")
    assert contribution.status == "invoiced"
    with pytest.raises(PaymentError, match="more than the open amount"):
        record_payment(
            invoice,
            value_date=datetime.date(2026, 2, 11),
            amount=Decimal("22"),
            by=ACTOR,
            source="b",
        )
    record_payment(
        invoice,
        value_date=datetime.date(2026, 2, 12),
        amount=Decimal("21"),
        by=ACTOR,
        source="c",
    )
    invoice.refresh_from_db()
    contribution.refresh_from_db()
    assert invoice.status == "paid" and invoice.paid_on == datetime.date(2026, 2, 12)
    assert contribution.paid_on == datetime.date(2026, 2, 12)


def test_no_payment_on_a_draft_or_of_nothing(cluster_a):
    invoice, _ = _issued_invoice(cluster_a)
    with pytest.raises(PaymentError):
        record_payment(
            invoice, value_date=datetime.date(2026, 2, 1), amount=0, by=ACTOR, source="z"
        )
    with pytest.raises(PaymentError, match="before invoice"):
        record_payment(
            invoice, value_date=datetime.date(2026, 1, 31), amount=121, by=ACTOR, source="w"
        )
    Invoice.objects.filter(pk=invoice.pk).update(status="draft")
    with pytest.raises(PaymentError, match="draft"):
        record_payment(
            invoice, value_date=datetime.date(2026, 2, 1), amount=121, by=ACTOR, source="y"
        )
    assert not Payment.objects.exists()
