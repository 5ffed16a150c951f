"""Writing small, valid CODA 2 and camt.053 files, position by position after the Febelfin
"Standard CODA 2.6" and the camt.053.001.08 schema: the tests' fixtures and the demo's
statement are written with these (pure, no Django). A bank writes the real ones; these
write only what the parsers read (every other position stays blank or zero)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Payment:
    amount: Decimal  # positive: in (credit); negative: out (debit)
    value_date: datetime.date
    structured: str = ""  # 12 digits
    communication: str = ""
    name: str = ""
    iban: str = ""


def _place(line: list[str], start: int, text: str) -> None:
    """Write `text` at the 1-based position `start` (as the standard counts)."""
    for offset, char in enumerate(text):
        line[start - 1 + offset] = char


def _record(*fields: tuple[int, str]) -> str:
    line = [" "] * 128
    for start, text in fields:
        _place(line, start, text)
    return "".join(line)


def _ddmmyy(day: datetime.date) -> str:
    return day.strftime("%d%m%y")


def _amount(value: Decimal) -> tuple[str, str]:
    sign = "1" if value < 0 else "0"
    return sign, f"{int(abs(value) * 1000):015d}"


def coda(
    *,
    iban: str,
    holder: str,
    number: int,
    old_balance: Decimal,
    old_date: datetime.date,
    new_date: datetime.date,
    payments: list[Payment],
    created: datetime.date | None = None,
) -> str:
    """One CODA 2 statement (records 0, 1, 2.1/2.2/2.3 per payment, 8, 9), lines of 128
    characters ending in CRLF, as banks deliver them."""
    created = created or new_date
    lines = [
        _record(
            (1, "00000"),
            (6, _ddmmyy(created)),
            (12, "300"),
            (15, "05"),
            (35, holder[:26]),
            (61, "GKCCBEBB"),
            (128, "2"),
        )
    ]
    sign, digits = _amount(old_balance)
    lines.append(
        _record(
            (1, "12"),
            (3, f"{number:03d}"),
            (6, iban.replace(" ", "")[:16]),
            (40, "EUR"),
            (43, sign + digits),
            (59, _ddmmyy(old_date)),
            (65, holder[:26]),
            (91, "Zichtrekening"),
            (126, f"{number:03d}"),
        )
    )
    debits = credits = Decimal(0)
    for n, payment in enumerate(payments, start=1):
        sign, digits = _amount(payment.amount)
        if payment.amount < 0:
            debits -= payment.amount
        else:
            credits += payment.amount
        if payment.structured:
            communication = (62, "1101" + payment.structured)
        else:
            communication = (62, "0" + payment.communication[:53])
        lines.append(
            _record(
                (1, "21"),
                (3, f"{n:04d}"),
                (7, "0000"),
                (11, f"BANKREF{number:03d}{n:04d}".ljust(21)),
                (32, sign + digits),
                (48, _ddmmyy(payment.value_date)),
                (54, "00150000"),
                communication,
                (116, _ddmmyy(new_date)),
                (122, f"{number:03d}"),
                (125, "0"),
                (126, "1"),
                (128, "0"),
            )
        )
        rest = "" if payment.structured else payment.communication[53:106]
        lines.append(
            _record(
                (1, "22"),
                (3, f"{n:04d}"),
                (7, "0000"),
                (11, rest),
                (99, "GEBABEBB"),
                (126, "1"),
                (128, "0"),
            )
        )
        lines.append(
            _record(
                (1, "23"),
                (3, f"{n:04d}"),
                (7, "0000"),
                (11, payment.iban.replace(" ", "").ljust(34) + "EUR"),
                (48, payment.name[:35]),
                (126, "0"),
                (128, "0"),
            )
        )
    new_balance = old_balance + credits - debits
    sign, digits = _amount(new_balance)
    lines.append(
        _record(
            (1, "8"),
            (2, f"{number:03d}"),
            (5, iban.replace(" ", "")[:16]),
            (39, "EUR"),
            (42, sign + digits),
            (58, _ddmmyy(new_date)),
            (128, "0"),
        )
    )
    records = 1 + 3 * len(payments) + 1
    lines.append(
        _record(
            (1, "9"),
            (17, f"{records:06d}"),
            (23, _amount(debits)[1]),
            (38, _amount(credits)[1]),
            (128, "2"),
        )
    )
    return "".join(line + "\r\n" for line in lines)


def camt053(
    *,
    iban: str,
    number: str,
    old_balance: Decimal,
    old_date: datetime.date,
    new_date: datetime.date,
    payments: list[Payment],
    version: str = "08",
) -> str:
    """One camt.053 statement with one entry (and one transaction) per payment."""
    new_balance = old_balance + sum((p.amount for p in payments), Decimal(0))
    legacy = int(version) < 5  # Sts as text and Dbtr/Nm before 001.05 / 001.08

    def indicator(value: Decimal) -> str:
        return "DBIT" if value < 0 else "CRDT"

    def balance(code: str, value: Decimal, day: datetime.date) -> str:
        return (
            f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
            f'<Amt Ccy="EUR">{abs(value):.2f}</Amt><CdtDbtInd>{indicator(value)}</CdtDbtInd>'
            f"<Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>"
        )

    entries = []
    for n, payment in enumerate(payments, start=1):
        role = "Dbtr" if payment.amount > 0 else "Cdtr"
        if int(version) >= 8:
            party = f"<{role}><Pty><Nm>{escape(payment.name)}</Nm></Pty></{role}>"
        else:
            party = f"<{role}><Nm>{escape(payment.name)}</Nm></{role}>"
        account = (
            f"<{role}Acct><Id><IBAN>{payment.iban.replace(' ', '')}</IBAN></Id></{role}Acct>"
            if payment.iban
            else ""
        )
        if payment.structured:
            remittance = (
                "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>"
                "<Issr>BBA</Issr></Tp>"
                f"<Ref>{payment.structured}</Ref></CdtrRefInf></Strd></RmtInf>"
            )
        else:
            remittance = f"<RmtInf><Ustrd>{escape(payment.communication)}</Ustrd></RmtInf>"
        status = "<Sts>BOOK</Sts>" if legacy else "<Sts><Cd>BOOK</Cd></Sts>"
        entries.append(
            f"<Ntry><NtryRef>{n}</NtryRef>"
            f'<Amt Ccy="EUR">{abs(payment.amount):.2f}</Amt>'
            f"<CdtDbtInd>{indicator(payment.amount)}</CdtDbtInd>{status}"
            f"<BookgDt><Dt>{new_date.isoformat()}</Dt></BookgDt>"
            f"<ValDt><Dt>{payment.value_date.isoformat()}</Dt></ValDt>"
            f"<AcctSvcrRef>REF{number}-{n}</AcctSvcrRef>"
            "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd>"
            "</Fmly></Domn></BkTxCd>"
            f"<NtryDtls><TxDtls><RltdPties>{party}{account}</RltdPties>{remittance}"
            "</TxDtls></NtryDtls></Ntry>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}">'
        "<BkToCstmrStmt><GrpHdr><MsgId>MSG-"
        f"{number}</MsgId><CreDtTm>{new_date.isoformat()}T08:00:00</CreDtTm></GrpHdr>"
        f"<Stmt><Id>STMT-{number}</Id><ElctrncSeqNb>{number}</ElctrncSeqNb>"
        f"<CreDtTm>{new_date.isoformat()}T08:00:00</CreDtTm>"
        f"<Acct><Id><IBAN>{iban.replace(' ', '')}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        + balance("OPBD", old_balance, old_date)
        + balance("CLBD", new_balance, new_date)
        + "".join(entries)
        + "</Stmt></BkToCstmrStmt></Document>\n"
    )
