"""ISO 20022 camt.053, the bank-to-customer statement (versions 001.02 to 001.13).

Read with defusedxml (no entity expansion, no DTD, no external access): the bank's file
is untrusted input. Elements are found by their local name, in any camt.053.001.xx
namespace; the differences between the versions we read:

- an entry's status is `Sts` with text (001.02–001.04) or `Sts/Cd` (001.05 and later);
- a party is `Dbtr/Nm` (001.02–001.07) or `Dbtr/Pty/Nm` (001.08 and later);
- amounts of a transaction are `TxDtls/AmtDtls/TxAmt/Amt` or `TxDtls/Amt`.

A statement (`Stmt`) needs an opening balance (`Bal` of type OPBD, or PRCD) and a
closing one (CLBD); its booked entries (`Ntry` with status BOOK) must bring the one to
the other. Entries of another status (pending, information) are not counted and not
kept. An entry with several transactions (`NtryDtls/TxDtls`) whose own amounts add up
to the entry becomes one movement per transaction (a batch of payments); otherwise the
entry is one movement. The structured communication is `RmtInf/Strd/CdtrRefInf/Ref`
(Belgian type SCOR or BBA), the free one `RmtInf/Ustrd`; the payer of a credit is
`RltdPties/Dbtr` with `DbtrAcct/Id/IBAN`, the payee of a debit `Cdtr`/`CdtrAcct`.
Errors name the element by its path, e.g. `Document/BkToCstmrStmt/Stmt[1]/Ntry[2]/Amt`.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from clustermonitor.banking.parsers.base import (
    Movement,
    ParsedStatement,
    StatementError,
    account_number,
    compact,
    structured_digits,
)

NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d\d)$")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: Element | None, *names: str) -> Element | None:
    for name in names:
        if element is None:
            return None
        found = _children(element, name)
        element = found[0] if found else None
    return element


def _text(element: Element | None, *names: str) -> str:
    found = _child(element, *names) if names else element
    return (found.text or "").strip() if found is not None else ""


class _Reader:
    def __init__(self, filename: str):
        self.filename = filename

    def error(self, where: str, reason: str, **params) -> StatementError:
        """The reason: an English msgid (translated when shown, base.StatementError)."""
        return StatementError(self.filename, where, reason, **params)

    def amount(self, element: Element | None, where: str) -> Decimal:
        if element is None:
            raise self.error(where, "the amount is missing")
        text = (element.text or "").strip()
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise self.error(
                where, "the amount %(text)s is not a number", text=repr(text)
            ) from None
        if not value.is_finite() or value < 0 or value.as_tuple().exponent < -5:
            raise self.error(where, "the amount %(text)s is not a positive amount", text=repr(text))
        return value

    def sign(self, element: Element, where: str) -> int:
        indicator = _text(element, "CdtDbtInd")
        if indicator == "CRDT":
            return 1
        if indicator == "DBIT":
            return -1
        raise self.error(
            f"{where}/CdtDbtInd", "%(indicator)s is not CRDT or DBIT", indicator=repr(indicator)
        )

    def date(self, element: Element | None, where: str, required: bool = True):
        """A `Dt` or `DtTm` child of `element` as a date."""
        if element is None:
            if required:
                raise self.error(where, "the date is missing")
            return None
        text = _text(element, "Dt") or _text(element, "DtTm")[:10]
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise self.error(
                where, "%(text)s is not a date (YYYY-MM-DD)", text=repr(text)
            ) from None


def parse(data: bytes, filename: str) -> list[ParsedStatement]:
    reader = _Reader(filename)
    try:
        root = fromstring(data)
    except DefusedXmlException as exc:
        raise reader.error(
            "Document", "refused XML construct (%(construct)s)", construct=type(exc).__name__
        ) from None
    except ParseError as exc:
        line, column = exc.position
        raise reader.error(
            f"line {line}, column {column}",
            "not well-formed XML (%(error)s)",
            error=str(exc).split(":")[0],
        ) from None
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    if _local(root.tag) != "Document" or not NAMESPACE.match(namespace):
        raise reader.error(
            _local(root.tag),
            "not a camt.053 document (namespace %(namespace)s)",
            namespace=repr(namespace or "none"),
        )
    version = int(NAMESPACE.match(namespace).group(1))
    if version < 2:
        raise reader.error(
            "Document", "camt.053.001.%(version)02d is not read (001.02 or later)", version=version
        )
    body = _child(root, "BkToCstmrStmt")
    if body is None:
        raise reader.error("Document", "BkToCstmrStmt is missing")
    statements = _children(body, "Stmt")
    if not statements:
        raise reader.error("Document/BkToCstmrStmt", "the document has no statement (Stmt)")
    return [
        _statement(reader, element, f"Document/BkToCstmrStmt/Stmt[{n}]")
        for n, element in enumerate(statements, start=1)
    ]


def _balance(reader: _Reader, statement: Element, path: str, codes: tuple[str, ...]):
    balances = _children(statement, "Bal")
    for code in codes:
        for n, bal in enumerate(balances, start=1):
            if _text(bal, "Tp", "CdOrPrtry", "Cd") == code:
                where = f"{path}/Bal[{n}]"
                value = reader.amount(_child(bal, "Amt"), f"{where}/Amt")
                return (
                    value * reader.sign(bal, where),
                    reader.date(_child(bal, "Dt"), f"{where}/Dt"),
                    _child(bal, "Amt").get("Ccy", ""),
                )
    if len(codes) == 1:
        raise reader.error(path, "no balance of type %(code)s", code=codes[0])
    raise reader.error(
        path, "no balance of type %(first)s or %(second)s", first=codes[0], second=codes[1]
    )


def _statement(reader: _Reader, element: Element, path: str) -> ParsedStatement:
    account = _child(element, "Acct")
    if account is None:
        raise reader.error(path, "the account (Acct) is missing")
    iban = _text(account, "Id", "IBAN") or _text(account, "Id", "Othr", "Id")
    if not iban:
        raise reader.error(f"{path}/Acct/Id", "the account has no IBAN")
    opening, opening_date, currency = _balance(reader, element, path, ("OPBD", "PRCD"))
    closing, closing_date, closing_currency = _balance(reader, element, path, ("CLBD",))
    currency = _text(account, "Ccy") or currency or closing_currency
    number = _text(element, "LglSeqNb") or _text(element, "ElctrncSeqNb") or _text(element, "Id")
    if not number:
        raise reader.error(path, "the statement has no number (Id, ElctrncSeqNb, LglSeqNb)")
    movements: list[Movement] = []
    total = Decimal(0)
    for n, entry in enumerate(_children(element, "Ntry"), start=1):
        where = f"{path}/Ntry[{n}]"
        status = _text(entry, "Sts", "Cd") or _text(entry, "Sts")
        if status != "BOOK":
            continue
        amount = reader.amount(_child(entry, "Amt"), f"{where}/Amt") * reader.sign(entry, where)
        total += amount
        movements.extend(_movements(reader, entry, where, amount))
    if opening + total != closing:
        raise reader.error(
            path,
            "balance: opening balance %(opening)s + entries %(entries)s = %(expected)s, "
            "but the closing balance is %(closing)s",
            opening=opening,
            entries=total,
            expected=opening + total,
            closing=closing,
        )
    return ParsedStatement(
        format="camt.053",
        account=account_number(iban),
        currency=currency,
        number=number,
        date=closing_date,
        opening_date=opening_date,
        opening_balance=opening,
        closing_balance=closing,
        movements=tuple(movements),
        where=f"{path}/Acct",
    )


def _party(details: Element | None, role: str) -> tuple[str, str]:
    parties = _child(details, "RltdPties")
    party = _child(parties, role)
    name = _text(party, "Nm") or _text(party, "Pty", "Nm")
    account = _child(parties, f"{role}Acct", "Id")
    iban = _text(account, "IBAN") or _text(account, "Othr", "Id")
    return compact(name), account_number(iban)


def _remittance(details: Element | None) -> tuple[str, str]:
    """(structured reference, free text) of a transaction's RmtInf."""
    info = _child(details, "RmtInf")
    if info is None:
        return "", ""
    texts = [_text(u) for u in _children(info, "Ustrd")]
    structured = ""
    for strd in _children(info, "Strd"):
        ref_info = _child(strd, "CdtrRefInf")
        ref = _text(ref_info, "Ref")
        kind = _text(ref_info, "Tp", "CdOrPrtry", "Cd") or _text(
            ref_info, "Tp", "CdOrPrtry", "Prtry"
        )
        if ref and kind.upper() in ("SCOR", "BBA", ""):
            digits = structured_digits(ref)
            if digits and not structured:
                structured = digits
                continue
        if ref:
            texts.append(ref)
        texts.extend(_text(a) for a in _children(strd, "AddtlRmtInf"))
    return structured, compact(" ".join(t for t in texts if t))


def _tx_amount(reader: _Reader, details: Element, where: str) -> Decimal | None:
    element = _child(details, "AmtDtls", "TxAmt", "Amt")
    if element is None:
        element = _child(details, "Amt")
    if element is None:
        return None
    return reader.amount(element, f"{where}/Amt")


def _movements(reader: _Reader, entry: Element, where: str, amount: Decimal) -> list[Movement]:
    value_date = reader.date(_child(entry, "ValDt"), f"{where}/ValDt", required=False)
    booking_date = reader.date(_child(entry, "BookgDt"), f"{where}/BookgDt", required=False)
    if value_date is None:
        value_date = booking_date
    if value_date is None:
        raise reader.error(f"{where}/ValDt", "the entry has neither a value nor a booking date")
    reference = _text(entry, "NtryRef") or _text(entry, "AcctSvcrRef")
    role = "Dbtr" if amount > 0 else "Cdtr"
    transactions = [
        (f"{where}/NtryDtls[{d}]/TxDtls[{t}]", tx)
        for d, entry_details in enumerate(_children(entry, "NtryDtls"), start=1)
        for t, tx in enumerate(_children(entry_details, "TxDtls"), start=1)
    ]
    sign = 1 if amount > 0 else -1
    if len(transactions) > 1:
        amounts = [_tx_amount(reader, tx, path) for path, tx in transactions]
        if None not in amounts and sum(amounts) == abs(amount):
            result = []
            for n, ((path, tx), tx_amount) in enumerate(
                zip(transactions, amounts, strict=True), start=1
            ):
                structured, text = _remittance(tx)
                name, iban = _party(tx, role)
                result.append(
                    Movement(
                        reference=f"{reference}/{n}" if reference else str(n),
                        amount=tx_amount * sign,
                        value_date=value_date,
                        booking_date=booking_date,
                        counterparty_name=name,
                        counterparty_account=iban,
                        communication=text,
                        structured_reference=structured,
                        bank_reference=_text(tx, "Refs", "AcctSvcrRef"),
                        where=path,
                    )
                )
            return result
    structured, text, name, iban = "", "", "", ""
    if len(transactions) == 1:
        tx = transactions[0][1]
        structured, text = _remittance(tx)
        name, iban = _party(tx, role)
    elif transactions:  # several transactions that do not add up: one line, no reference
        text = compact(" ".join(_remittance(tx)[1] for _, tx in transactions))
    extra = _text(entry, "AddtlNtryInf")
    return [
        Movement(
            reference=reference,
            amount=amount,
            value_date=value_date,
            booking_date=booking_date,
            counterparty_name=name,
            counterparty_account=iban,
            communication=text or compact(extra),
            structured_reference=structured,
            bank_reference=_text(entry, "AcctSvcrRef"),
            where=where,
        )
    ]
