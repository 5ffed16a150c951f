"""The records both parsers return, and the one error they raise."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal


class StatementError(ValueError):
    """A statement file that is not read: which file, where in it, and why."""

    def __init__(self, filename: str, where: str, reason: str):
        self.filename = filename
        self.where = where
        self.reason = reason
        super().__init__(f"{filename}, {where}: {reason}")


@dataclass(frozen=True)
class Movement:
    """One movement on the account. `amount` is signed: positive when money came in
    (a credit), negative when it went out (a debit)."""

    reference: str  # the movement's number in the statement ("0003", or the entry's ref)
    amount: Decimal
    value_date: datetime.date
    booking_date: datetime.date | None
    counterparty_name: str = ""
    counterparty_account: str = ""  # IBAN (spaces removed, upper case) or as given
    communication: str = ""  # the free text, spaces collapsed
    structured_reference: str = ""  # the 12 digits of a Belgian structured communication
    bank_reference: str = ""
    where: str = ""  # "line 4" or the element path, for messages


@dataclass(frozen=True)
class ParsedStatement:
    format: str  # "coda" or "camt.053"
    account: str  # IBAN (spaces removed) or the account number as given
    currency: str
    number: str  # the bank's sequence number of the statement
    date: datetime.date  # the date of the new (closing) balance
    opening_date: datetime.date
    opening_balance: Decimal
    closing_balance: Decimal
    movements: tuple[Movement, ...] = field(default_factory=tuple)
    where: str = ""  # where the account is named ("line 2", "…/Stmt[1]/Acct")

    @property
    def credits(self) -> Decimal:
        return sum((m.amount for m in self.movements if m.amount > 0), Decimal(0))

    @property
    def debits(self) -> Decimal:
        return sum((-m.amount for m in self.movements if m.amount < 0), Decimal(0))


def compact(text: str) -> str:
    """Spaces collapsed, ends stripped."""
    return " ".join(text.split())


def account_number(text: str) -> str:
    """An account as given, without spaces, upper case (an IBAN's form)."""
    return "".join(text.split()).upper()


def structured_digits(text: str) -> str:
    """The 12 digits of a Belgian structured communication written as
    +++123/4567/89002+++, ***…***, or the digits alone; "" when it is not one (the
    mod-97 check digits are checked by the matching, not here)."""
    digits = "".join(ch for ch in text if ch.isdigit())
    rest = "".join(ch for ch in text if not ch.isdigit() and ch not in "+*/ -")
    if len(digits) == 12 and not rest:
        return digits
    return ""
