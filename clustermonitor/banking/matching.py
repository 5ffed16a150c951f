"""Which open invoice a bank line pays: a pure function (no Django), so that every rule
is tested on its own and the services only apply what it decides.

1. A structured communication that is an open invoice of the cluster, and the amount
   equal to that invoice's open amount: matched ("reference").
2. Otherwise (no structured communication): exactly one open invoice of that amount
   whose buyer's enterprise number is in the communication ("enterprise"), or whose
   buyer paid before from the line's account ("iban"): matched.
3. Anything else waits for a person, with the reason: a structured communication that is
   no open invoice of the cluster, an amount that is not the open amount (a partial or a
   larger payment), several invoices that fit, none that fits. Never a guess.

Money going out is never matched.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class OpenInvoice:
    pk: int
    number: str
    structured_reference: str  # 12 digits or ""
    open_amount: Decimal
    enterprise_number: str  # the buyer's, 10 digits or ""
    known_ibans: frozenset[str] = field(default_factory=frozenset)  # the buyer's, from payments


@dataclass(frozen=True)
class Line:
    amount: Decimal
    structured_reference: str = ""  # 12 digits with valid check digits, or ""
    communication: str = ""
    counterparty_iban: str = ""


@dataclass(frozen=True)
class Outcome:
    invoice: int | None  # the invoice's pk when matched
    rule: str  # "reference", "enterprise", "iban"; "" when not matched
    reason: str  # why it waits ("" when matched); a code, worded by the caller
    outgoing: bool = False

    @property
    def matched(self) -> bool:
        return self.invoice is not None


# The reasons a line waits, worded for the page by the services.
UNKNOWN_REFERENCE = "unknown-reference"
AMOUNT_DIFFERS = "amount-differs"
SEVERAL = "several"
NONE_FITS = "none-fits"

#: An enterprise number as people write it: 0403.170.701, 0403 170 701, BE0403170701, or
#: the old nine digits 403170701; not part of a longer number.
_ENTERPRISE = re.compile(r"(?<!\d)([01]?\d{3})[.\s-]?(\d{3})[.\s-]?(\d{3})(?!\d)")


def numbers_in(text: str) -> set[str]:
    """The enterprise numbers written in `text`, as digits: "BE 0403.170.701, 2026"
    gives {"0403170701"}."""
    return {"".join(groups) for groups in _ENTERPRISE.findall(text or "")}


def _names_enterprise(numbers: set[str], enterprise_number: str) -> bool:
    if len(enterprise_number) != 10:
        return False
    short = enterprise_number[1:] if enterprise_number.startswith("0") else None
    return any(n == enterprise_number or (short and n == short) for n in numbers)


def match(line: Line, invoices: list[OpenInvoice]) -> Outcome:
    if line.amount <= 0:
        return Outcome(None, "", "", outgoing=True)
    if line.structured_reference:
        same = [i for i in invoices if i.structured_reference == line.structured_reference]
        if not same:
            return Outcome(None, "", UNKNOWN_REFERENCE)
        invoice = same[0]
        if invoice.open_amount != line.amount:
            return Outcome(None, "", AMOUNT_DIFFERS)
        return Outcome(invoice.pk, "reference", "")
    numbers = numbers_in(line.communication)
    fits: dict[int, str] = {}
    for invoice in invoices:
        if invoice.open_amount != line.amount:
            continue
        if _names_enterprise(numbers, invoice.enterprise_number):
            fits[invoice.pk] = "enterprise"
        elif line.counterparty_iban and line.counterparty_iban in invoice.known_ibans:
            fits[invoice.pk] = "iban"
    if len(fits) == 1:
        ((pk, rule),) = fits.items()
        return Outcome(pk, rule, "")
    return Outcome(None, "", SEVERAL if fits else NONE_FITS)
