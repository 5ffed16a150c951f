"""The records both parsers return, and the one error they raise."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal


class Phrase(str):
    """English text a message names (a field: "the value date"), translated with it."""


def _gettext(text: str) -> str:
    """`text` in the reader's language (Django's active one) when Django is set up — the
    web page, the command —, else as written: the parsers run without Django too."""
    try:
        from django.conf import settings

        if not settings.configured:
            return text
        from django.utils.translation import gettext
    except ImportError:  # pragma: no cover - Django is a dependency
        return text
    return gettext(text)


def _english(text: str) -> str:
    return text


_LINE = re.compile(r"^line (\d+)(?:, column (\d+))?$")


def render_where(where: str, translate=_gettext) -> str:
    """ "line 4" (CODA) or "line 2, column 7" (XML) in the reader's language; an XML
    element's path (`Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/Amt`) as it is: its names are
    the standard's."""
    found = _LINE.match(where or "")
    if not found:
        return where
    if found.group(2):
        return translate("line %(line)s, column %(column)s") % {
            "line": found.group(1),
            "column": found.group(2),
        }
    return translate("line %(line)s") % {"line": found.group(1)}


class StatementError(ValueError):
    """A statement file that is not read: which file, where in it, and why.

    `reason` is an English message (the msgid) with `%(name)s` placeholders filled from
    `params`; a `Phrase` among them is translated too. The reason and the message are
    shown in the reader's language (`str(error)`, `error.reason`), the file, the line or
    element and the field kept; `english` is the message as written, for logs."""

    def __init__(self, filename: str, where: str, reason: str, **params):
        self.filename = filename
        self.where = where
        self.template = reason
        self.params = params
        super().__init__(self.message(_english))

    def _reason(self, translate) -> str:
        text = translate(self.template)
        if not self.params:
            return text
        values = {
            name: translate(value) if isinstance(value, Phrase) else value
            for name, value in self.params.items()
        }
        return text % values

    @property
    def reason(self) -> str:
        return self._reason(_gettext)

    @property
    def english(self) -> str:
        return self.message(_english)

    def message(self, translate=_gettext) -> str:
        where = render_where(self.where, translate)
        return f"{self.filename}, {where}: {self._reason(translate)}"

    def __str__(self) -> str:
        return self.message()


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
