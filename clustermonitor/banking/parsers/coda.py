"""CODA 2.x, the Belgian banks' coded statement of account (Febelfin, "Standard CODA
2.6"): lines of exactly 128 characters, one record each.

  0     header (creation date, bank, version "2" in position 128)
  1     old balance (account and currency, sign, amount, date, statement number)
  2.1   movement: sequence and detail number, sign, amount, value date, transaction
        code, communication (structured: "1" + type "101" + 12 digits), entry date
  2.2   communication continued, BIC of the counterparty
  2.3   counterparty account (IBAN) and name, communication continued
  3.x   information records (read for their order, not kept)
  4     free communication (not kept)
  8     new balance
  9     trailer: the number of records 1, 2.x, 3.x and 8, the total of debits and of
        credits of the movements with detail number 0000

Positions below are 0-based slices of the line (the standard counts from 1). A file may
hold several statements (0 … 9, 0 … 9). Amounts have 12 digits and 3 decimals; a sign
"0" is a credit, "1" a debit. A movement whose detail number is not 0000 details a
globalised one (types 5 to 9): it is not counted twice in the totals and the balance,
and is not a separate line (the global movement is the line; its details are in its
communication only when the bank put them there).
"""

import datetime
from decimal import Decimal

from clustermonitor.banking.parsers.base import (
    Movement,
    ParsedStatement,
    Phrase,
    StatementError,
    account_number,
    compact,
)

LINE_LENGTH = 128
RECORD_TYPES = {"0", "1", "21", "22", "23", "31", "32", "33", "4", "8", "9"}


def _decode(data: bytes) -> str:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _kind(line: str) -> str:
    first = line[:1]
    return line[:2] if first in ("2", "3") else first


class _Reader:
    def __init__(self, filename: str):
        self.filename = filename
        self.number = 0

    def error(self, reason: str, **params):
        """The reason: an English msgid (translated when shown, base.StatementError)."""
        return StatementError(self.filename, f"line {self.number}", reason, **params)

    def date(self, text: str, what: str) -> datetime.date:
        if not text.isdigit() or len(text) != 6:
            raise self.error(
                "%(what)s %(text)s is not a date (DDMMYY)",
                what=Phrase(what),
                text=repr(text.strip()),
            )
        day, month, year = int(text[:2]), int(text[2:4]), int(text[4:])
        try:
            return datetime.date(2000 + year, month, day)
        except ValueError:
            raise self.error(
                "%(what)s %(text)s is not a date (DDMMYY)", what=Phrase(what), text=repr(text)
            ) from None

    def amount(self, sign: str, digits: str, what: str) -> Decimal:
        if sign not in ("0", "1"):
            raise self.error(
                "the sign of %(what)s is %(sign)s, not 0 (credit) or 1 (debit)",
                what=Phrase(what),
                sign=repr(sign),
            )
        if not digits.isdigit():
            raise self.error(
                "%(what)s %(digits)s is not 15 digits", what=Phrase(what), digits=repr(digits)
            )
        value = Decimal(int(digits)) / 1000
        return -value if sign == "1" else value


def _account(line: str) -> tuple[str, str]:
    """Account and currency of a record 1 (structure in position 2) or 8."""
    structure = line[1]
    if structure == "0":  # Belgian account number (BBAN)
        return line[5:17].strip(), line[18:21].strip()
    if structure == "2":  # Belgian IBAN
        return account_number(line[5:21]), line[39:42].strip()
    return account_number(line[5:39]), line[39:42].strip()  # foreign BBAN or IBAN


class _Open:
    """The statement being read, from its record 0 to its record 9."""

    def __init__(self):
        self.header = None
        self.balance_line = None
        self.account = ""
        self.currency = ""
        self.number = ""
        self.opening_date = None
        self.opening = Decimal(0)
        self.closing = None
        self.closing_date = None
        self.closing_line = 0
        self.movements: list[dict] = []
        self.counted = 0  # records 1, 2.x, 3.x and 8, for the trailer
        self.debits = Decimal(0)
        self.credits = Decimal(0)


def parse(data: bytes, filename: str) -> list[ParsedStatement]:
    reader = _Reader(filename)
    lines = _decode(data).split("\n")
    while lines and not lines[-1].strip("\r"):
        lines.pop()
    if not lines:
        raise StatementError(filename, "line 1", "the file is empty")
    statements: list[ParsedStatement] = []
    current: _Open | None = None
    previous = None
    for index, raw in enumerate(lines, start=1):
        reader.number = index
        line = raw.rstrip("\r")
        if len(line) != LINE_LENGTH:
            raise reader.error(
                "a record has %(length)d characters, this line has %(found)d",
                length=LINE_LENGTH,
                found=len(line),
            )
        kind = _kind(line)
        if kind not in RECORD_TYPES:
            raise reader.error("unknown record type %(type)s", type=repr(line[:2].strip()))
        if kind == "0":
            if current is not None:
                raise reader.error("a new header (record 0) before the trailer (record 9)")
            current = _Open()
            current.header = index
            if line[127] != "2":
                raise reader.error(
                    "CODA version %(version)s: only version 2 is read", version=repr(line[127])
                )
            if line[1:5] != "0000" or line[14:16] != "05":
                raise reader.error("not a CODA header (record 0 starts 00000, application 05)")
            reader.date(line[5:11], "the creation date")
        elif current is None:
            raise reader.error("record %(record)s before the header (record 0)", record=kind)
        elif kind == "1":
            if previous != "0":
                raise reader.error("the old balance (record 1) must follow the header")
            _old_balance(reader, current, line)
        elif kind in ("21", "22", "23", "31", "32", "33"):
            if current.balance_line is None or current.closing is not None:
                raise reader.error(
                    "record %(record)s outside the movements", record=f"{kind[0]}.{kind[1]}"
                )
            current.counted += 1
            _movement(reader, current, kind, line, previous)
        elif kind == "4":
            if current.balance_line is None:
                raise reader.error("record 4 before the old balance")
        elif kind == "8":
            if current.balance_line is None or current.closing is not None:
                raise reader.error("the new balance (record 8) is out of place")
            current.counted += 1
            current.closing = reader.amount(line[41], line[42:57], "the new balance")
            current.closing_date = reader.date(line[57:63], "the new balance date")
            current.closing_line = index
        elif kind == "9":
            if current.closing is None:
                raise reader.error("the trailer (record 9) comes before the new balance")
            statements.append(_close(reader, current, line))
            current = None
        previous = kind
    if current is not None:
        raise reader.error("the file ends without a trailer (record 9)")
    return statements


def _old_balance(reader: _Reader, current: _Open, line: str) -> None:
    if line[1] not in "0123":
        raise reader.error(
            "account structure %(structure)s is not 0, 1, 2 or 3", structure=repr(line[1])
        )
    current.counted += 1
    current.balance_line = reader.number
    current.account, current.currency = _account(line)
    if not current.currency:
        raise reader.error("the old balance has no currency")
    current.opening = reader.amount(line[42], line[43:58], "the old balance")
    current.opening_date = reader.date(line[58:64], "the old balance date")
    current.number = line[2:5].strip()


def _movement(reader: _Reader, current: _Open, kind: str, line: str, previous) -> None:
    sequence, detail = line[2:6], line[6:10]
    if kind == "21":
        amount = reader.amount(line[31], line[32:47], "the amount")
        value_date = reader.date(line[47:53], "the value date")
        entry_date = reader.date(line[115:121], "the entry date")
        structured = ""
        if line[61] == "1":
            if line[62:65] in ("101", "102"):
                digits = line[65:77]
                if not digits.isdigit():
                    raise reader.error(
                        "structured communication %(digits)s is not 12 digits",
                        digits=repr(digits),
                    )
                structured = digits
                text = ""
            else:
                text = line[65:115]
        elif line[61] == "0":
            text = line[62:115]
        else:
            raise reader.error("communication type %(type)s is not 0 or 1", type=repr(line[61]))
        if detail == "0000":
            if amount < 0:
                current.debits -= amount
            else:
                current.credits += amount
        current.movements.append(
            {
                "sequence": sequence,
                "detail": detail,
                "amount": amount,
                "value_date": value_date,
                "entry_date": entry_date,
                "structured": structured,
                "text": [text],
                "bank_reference": line[10:31].strip(),
                "name": "",
                "account": "",
                "line": reader.number,
            }
        )
        return
    if kind in ("22", "23"):
        wanted = {"22": ("21",), "23": ("21", "22")}[kind]
        last = current.movements[-1] if current.movements else None
        if previous not in wanted or last is None or last["sequence"] != sequence:
            raise reader.error(
                "record %(record)s does not continue movement %(sequence)s (record 2.1 first)",
                record=f"2.{kind[1]}",
                sequence=sequence,
            )
        if kind == "22":
            last["text"].append(line[10:63])
        else:
            counterpart = line[10:47]
            if counterpart[12] == " ":  # a Belgian account number, then its currency
                last["account"] = counterpart[:12].strip()
            else:  # an IBAN (34 positions), then its currency
                last["account"] = account_number(counterpart[:34])
            last["name"] = compact(line[47:82])
            last["text"].append(line[82:125])
        return
    # 3.1, 3.2, 3.3: information about a movement; read for their order only
    if kind == "31" and not current.movements:
        raise reader.error("an information record (3.1) before any movement")
    if kind in ("32", "33") and previous not in ("31", "32"):
        raise reader.error("record %(record)s without its record 3.1", record=f"3.{kind[1]}")


def _close(reader: _Reader, current: _Open, line: str) -> ParsedStatement:
    counted = line[16:22]
    if not counted.isdigit():
        raise reader.error(
            "the number of records %(counted)s is not 6 digits", counted=repr(counted)
        )
    if int(counted) != current.counted:
        raise reader.error(
            "checksum: the trailer counts %(trailer)d records 1, 2, 3 and 8, "
            "the statement has %(counted)d",
            trailer=int(counted),
            counted=current.counted,
        )
    debits = reader.amount("0", line[22:37], "the debit total")
    credits = reader.amount("0", line[37:52], "the credit total")
    if debits != current.debits:
        raise reader.error(
            "checksum: the trailer's debit total is %(total)s, the movements add up to %(sum)s",
            total=debits,
            sum=current.debits,
        )
    if credits != current.credits:
        raise reader.error(
            "checksum: the trailer's credit total is %(total)s, the movements add up to %(sum)s",
            total=credits,
            sum=current.credits,
        )
    expected = current.opening + current.credits - current.debits
    if expected != current.closing:
        raise StatementError(
            reader.filename,
            f"line {current.closing_line}",
            "balance: old balance %(old)s + movements %(movements)s = %(expected)s, "
            "but the new balance is %(new)s",
            old=current.opening,
            movements=current.credits - current.debits,
            expected=expected,
            new=current.closing,
        )
    movements = tuple(
        Movement(
            reference=m["sequence"],
            amount=m["amount"],
            value_date=m["value_date"],
            booking_date=m["entry_date"],
            counterparty_name=m["name"],
            counterparty_account=m["account"],
            communication=compact("".join(m["text"])),
            structured_reference=m["structured"],
            bank_reference=m["bank_reference"],
            where=f"line {m['line']}",
        )
        for m in current.movements
        if m["detail"] == "0000"
    )
    year = current.closing_date.year
    return ParsedStatement(
        format="coda",
        account=current.account,
        currency=current.currency,
        number=f"{year}/{current.number}",
        date=current.closing_date,
        opening_date=current.opening_date,
        opening_balance=current.opening,
        closing_balance=current.closing,
        movements=movements,
        where=f"line {current.balance_line}",
    )
