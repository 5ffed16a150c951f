"""The matching rules (clustermonitor.banking.matching, pure): a line is matched only
when one open invoice fits for certain; anything ambiguous or partial waits."""

from decimal import Decimal

import pytest

from clustermonitor.banking import matching
from clustermonitor.banking.matching import Line, OpenInvoice, match

pytestmark = pytest.mark.any_database

ACME = OpenInvoice(
    pk=1,
    number="EUKA-2026-00001",
    structured_reference="000000000101",
    open_amount=Decimal("605.00"),
    enterprise_number="0403170701",
    known_ibans=frozenset({"BE68539007547034"}),
)
BETA = OpenInvoice(
    pk=2,
    number="EUKA-2026-00002",
    structured_reference="000000000202",
    open_amount=Decimal("250.00"),
    enterprise_number="0202239951",
)
GAMMA = OpenInvoice(
    pk=3,
    number="EUKA-2026-00003",
    structured_reference="000000000303",
    open_amount=Decimal("250.00"),
    enterprise_number="0417497106",
)
INVOICES = [ACME, BETA, GAMMA]


def test_structured_reference_and_amount():
    outcome = match(Line(Decimal("605.00"), structured_reference="000000000101"), INVOICES)
    assert (outcome.invoice, outcome.rule, outcome.reason) == (1, "reference", "")


def test_structured_reference_with_another_amount_waits():
    """A partial (or larger) payment with the right reference: never matched by itself."""
    for amount in ("600.00", "700.00"):
        outcome = match(Line(Decimal(amount), structured_reference="000000000101"), INVOICES)
        assert outcome.invoice is None and outcome.reason == matching.AMOUNT_DIFFERS


def test_unknown_structured_reference_waits_without_trying_other_rules():
    """A reference that is no open invoice (paid already, another creditor's): it does not
    fall back on the amount, even though the enterprise number is there."""
    line = Line(
        Decimal("605.00"),
        structured_reference="000000000404",
        communication="0403.170.701",
        counterparty_iban="BE68539007547034",
    )
    outcome = match(line, INVOICES)
    assert outcome.invoice is None and outcome.reason == matching.UNKNOWN_REFERENCE


@pytest.mark.parametrize(
    "communication",
    ["lidgeld 0202.239.951", "BE0202239951 lidmaatschap", "ond.nr. 202239951", "0202 239 951"],
)
def test_amount_and_enterprise_number_in_the_communication(communication):
    outcome = match(Line(Decimal("250.00"), communication=communication), INVOICES)
    assert (outcome.invoice, outcome.rule) == (2, "enterprise")


def test_enterprise_number_with_another_amount_waits():
    outcome = match(Line(Decimal("240.00"), communication="0202.239.951"), INVOICES)
    assert outcome.invoice is None and outcome.reason == matching.NONE_FITS


def test_amount_and_known_iban():
    line = Line(Decimal("605.00"), communication="fee", counterparty_iban="BE68539007547034")
    outcome = match(line, INVOICES)
    assert (outcome.invoice, outcome.rule) == (1, "iban")


def test_amount_alone_is_never_enough():
    """Two invoices of 250 and nothing naming the payer: it waits (no guess), and so it
    does with a single invoice of that amount."""
    outcome = match(Line(Decimal("250.00"), communication="lidgeld 2026"), INVOICES)
    assert outcome.invoice is None and outcome.reason == matching.NONE_FITS
    outcome = match(Line(Decimal("605.00"), communication="lidgeld 2026"), INVOICES)
    assert outcome.invoice is None


def test_two_invoices_that_fit_make_it_ambiguous():
    """One payer with two open invoices of the same amount: which one is paid is not
    known, so it waits."""
    twin = OpenInvoice(
        pk=4,
        number="EUKA-2026-00004",
        structured_reference="000000000505",
        open_amount=Decimal("250.00"),
        enterprise_number="0202239951",
    )
    outcome = match(Line(Decimal("250.00"), communication="0202239951"), [*INVOICES, twin])
    assert outcome.invoice is None and outcome.reason == matching.SEVERAL


def test_two_enterprise_numbers_in_one_communication_are_ambiguous():
    line = Line(Decimal("250.00"), communication="0202.239.951 en 0417.497.106")
    assert match(line, INVOICES).reason == matching.SEVERAL


def test_a_longer_number_containing_the_enterprise_number_is_not_it():
    line = Line(Decimal("250.00"), communication="ref 990202239951")
    assert match(line, INVOICES).invoice is None


def test_outgoing_money_is_never_matched():
    outcome = match(Line(Decimal("-605.00"), structured_reference="000000000101"), INVOICES)
    assert outcome.outgoing and outcome.invoice is None


def test_no_open_invoices():
    outcome = match(Line(Decimal("605.00"), structured_reference="000000000101"), [])
    assert outcome.reason == matching.UNKNOWN_REFERENCE


def test_numbers_in():
    assert matching.numbers_in("lidgeld 2026 BE 0403.170.701 / 2026") == {"0403170701"}
    assert matching.numbers_in("403170701 en 0417-497-106") == {"403170701", "0417497106"}
    assert matching.numbers_in("+++000/0000/00101+++ 12345678901") == set()
