"""The CODA and camt.053 parsers (clustermonitor.banking.parsers, pure): the fixtures in
tests/fixtures/banking/ are small statements written position by position after the
Febelfin "Standard CODA 2.6" and the camt.053 schema (clustermonitor.banking.files);
every refusal names the file, the line or element, and the reason."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from clustermonitor.banking import files
from clustermonitor.banking.parsers import StatementError, camt, coda, parse
from tests.source_tree import parsed

pytestmark = [pytest.mark.any_database, pytest.mark.usefixtures("english")]

FIXTURES = Path(__file__).parent / "fixtures" / "banking"
CODA = (FIXTURES / "statement.cod").read_bytes()
CAMT_08 = (FIXTURES / "statement.053.08.xml").read_bytes()
CAMT_02 = (FIXTURES / "statement.053.02.xml").read_bytes()


def lines_of(data: bytes) -> list[str]:
    return data.decode("latin-1").split("\r\n")[:-1]


def join(lines: list[str]) -> bytes:
    return "".join(line + "\r\n" for line in lines).encode("latin-1")


def replace_at(line: str, start: int, text: str) -> str:
    """`text` at the 1-based position `start` of a record."""
    return line[: start - 1] + text + line[start - 1 + len(text) :]


def refused(data: bytes, name="statement.cod") -> StatementError:
    with pytest.raises(StatementError) as caught:
        parse(data, name)
    return caught.value


# -- CODA ---------------------------------------------------------------------------------


def test_coda_statement_is_read():
    (statement,) = parse(CODA, "statement.cod")
    assert statement.format == "coda"
    assert statement.account == "BE71096123456769"
    assert statement.currency == "EUR"
    assert statement.number == "2026/012"
    assert statement.date == datetime.date(2026, 3, 3)
    assert statement.opening_balance == Decimal("1000")
    assert statement.closing_balance == Decimal("1842.50")
    first, second, third = statement.movements
    assert first.amount == Decimal("605")
    assert first.value_date == datetime.date(2026, 3, 2)
    assert first.structured_reference == "090933755493"
    assert first.counterparty_account == "BE68539007547034"
    assert first.counterparty_name == "Acme NV"
    assert first.where == "line 3"
    assert second.structured_reference == ""
    assert second.communication == "Lidgeld 2026 BE 0403.170.701"
    assert third.amount == Decimal("-12.50")
    assert statement.credits == Decimal("855") and statement.debits == Decimal("12.5")


def test_coda_with_lf_only_and_trailing_blank_lines_is_read():
    data = CODA.replace(b"\r\n", b"\n") + b"\n\n"
    assert parse(data, "statement.cod")[0].closing_balance == Decimal("1842.50")


def test_coda_wrong_record_length_names_the_line():
    lines = lines_of(CODA)
    lines[3] = lines[3][:-1]
    error = refused(join(lines))
    assert error.where == "line 4"
    assert "128 characters" in error.reason and "127" in error.reason
    assert str(error).startswith("statement.cod, line 4: ")


def test_coda_unknown_record_type():
    lines = lines_of(CODA)
    lines[4] = replace_at(lines[4], 1, "5")
    error = refused(join(lines))
    assert (error.where, error.reason) == ("line 5", "unknown record type '53'")


def test_coda_record_2_4_is_unknown():
    lines = lines_of(CODA)
    lines[4] = replace_at(lines[4], 2, "4")
    assert refused(join(lines)).reason == "unknown record type '24'"


def test_coda_trailer_count_checksum():
    lines = lines_of(CODA)
    lines[-1] = replace_at(lines[-1], 17, "000099")
    error = refused(join(lines))
    assert error.where == f"line {len(lines)}"
    assert error.reason.startswith("checksum: the trailer counts 99 records")


def test_coda_trailer_credit_total_checksum():
    lines = lines_of(CODA)
    lines[-1] = replace_at(lines[-1], 38, f"{855001:015d}")
    error = refused(join(lines))
    assert "checksum: the trailer's credit total is 855.001" in error.reason


def test_coda_trailer_debit_total_checksum():
    lines = lines_of(CODA)
    lines[-1] = replace_at(lines[-1], 23, f"{0:015d}")
    assert "debit total" in refused(join(lines)).reason


def test_coda_balance_mismatch_names_the_new_balance_line():
    lines = lines_of(CODA)
    number = next(n for n, line in enumerate(lines) if line.startswith("8"))
    lines[number] = replace_at(lines[number], 43, f"{1842510:015d}")
    error = refused(join(lines))
    assert error.where == f"line {number + 1}"
    assert error.reason == (
        "balance: old balance 1000 + movements 842.5 = 1842.5, but the new balance is 1842.51"
    )


def test_coda_movement_amount_changed_fails_a_check():
    """A movement's amount altered (and nothing else): the trailer's total catches it."""
    lines = lines_of(CODA)
    lines[2] = replace_at(lines[2], 33, f"{605010:015d}")
    assert refused(join(lines)).reason.startswith("checksum:")


def test_coda_bad_value_date():
    lines = lines_of(CODA)
    lines[2] = replace_at(lines[2], 48, "310226")
    error = refused(join(lines))
    assert (error.where, error.reason) == (
        "line 3",
        "the value date '310226' is not a date (DDMMYY)",
    )


def test_coda_bad_sign():
    lines = lines_of(CODA)
    lines[1] = replace_at(lines[1], 43, "7")
    assert "not 0 (credit) or 1 (debit)" in refused(join(lines)).reason


def test_coda_version_1_is_refused():
    lines = lines_of(CODA)
    lines[0] = replace_at(lines[0], 128, "1")
    error = refused(join(lines))
    assert (error.where, error.reason) == ("line 1", "CODA version '1': only version 2 is read")


def test_coda_missing_trailer():
    error = refused(join(lines_of(CODA)[:-1]))
    assert error.reason == "the file ends without a trailer (record 9)"


def test_coda_continuation_of_another_movement_is_refused():
    lines = lines_of(CODA)
    lines[3] = replace_at(lines[3], 3, "0002")  # a 2.2 for movement 0002 after 0001's 2.1
    error = refused(join(lines))
    assert error.where == "line 4" and "does not continue movement 0002" in error.reason


def test_coda_globalisation_details_are_not_counted_twice():
    """A global movement (type 1) followed by its detail (detail number 0001): the
    trailer and the balance count the global one only, and only it is a line."""
    lines = lines_of(CODA)
    detail = replace_at(lines[2], 7, "0001")
    detail = replace_at(detail, 54, "5")
    continuation = replace_at(lines[3], 7, "0001")
    lines[4:4] = [detail, continuation]
    count = int(lines[-1][16:22]) + 2
    lines[-1] = replace_at(lines[-1], 17, f"{count:06d}")
    (statement,) = parse(join(lines), "statement.cod")
    assert len(statement.movements) == 3
    assert statement.closing_balance == Decimal("1842.50")


def test_coda_two_statements_in_one_file():
    second = files.coda(
        iban="BE71096123456769",
        holder="Test cluster vzw",
        number=13,
        old_balance=Decimal("1842.50"),
        old_date=datetime.date(2026, 3, 3),
        new_date=datetime.date(2026, 3, 4),
        payments=[files.Payment(Decimal("10"), datetime.date(2026, 3, 4), communication="x")],
    )
    statements = parse(CODA + second.encode("latin-1"), "two.cod")
    assert [s.number for s in statements] == ["2026/012", "2026/013"]


def test_coda_module_refuses_empty_file():
    with pytest.raises(StatementError, match="the file is empty"):
        coda.parse(b"", "empty.cod")


def test_neither_format():
    error = refused(b"name;amount\nAcme;605\n", "list.csv")
    assert error.reason == "this is neither a CODA nor a camt.053 file"


# -- camt.053 -----------------------------------------------------------------------------


@pytest.mark.parametrize("data", [CAMT_08, CAMT_02], ids=["001.08", "001.02"])
def test_camt_statement_is_read(data):
    (statement,) = parse(data, "statement.xml")
    assert statement.format == "camt.053"
    assert statement.account == "BE71096123456769"
    assert statement.number == "12"
    assert statement.opening_balance == Decimal("1000.00")
    assert statement.closing_balance == Decimal("1842.50")
    first, second, third = statement.movements
    assert first.structured_reference == "090933755493"
    assert first.counterparty_name == "Acme NV"
    assert first.counterparty_account == "BE68539007547034"
    assert first.value_date == datetime.date(2026, 3, 2)
    assert first.where == "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]"
    assert second.communication == "Lidgeld 2026 BE 0403.170.701"
    assert third.amount == Decimal("-12.50") and third.counterparty_name == "Bank"


def test_camt_version_13_namespace_is_read():
    data = CAMT_08.replace(b"camt.053.001.08", b"camt.053.001.13")
    assert parse(data, "s.xml")[0].closing_balance == Decimal("1842.50")


def test_camt_balance_mismatch_names_the_statement():
    data = CAMT_08.replace(b'<Amt Ccy="EUR">1842.50</Amt>', b'<Amt Ccy="EUR">1842.51</Amt>')
    error = refused(data, "s.xml")
    assert error.where == "Document/BkToCstmrStmt/Stmt[1]"
    assert error.reason == (
        "balance: opening balance 1000.00 + entries 842.50 = 1842.50, "
        "but the closing balance is 1842.51"
    )


def test_camt_bad_amount_names_the_element():
    data = CAMT_08.replace(b'<Amt Ccy="EUR">605.00</Amt>', b'<Amt Ccy="EUR">6O5.00</Amt>')
    error = refused(data, "s.xml")
    assert error.where == "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt"
    assert error.reason == "the amount '6O5.00' is not a number"


def test_camt_bad_value_date():
    data = CAMT_08.replace(b"<ValDt><Dt>2026-03-02</Dt>", b"<ValDt><Dt>2026-02-30</Dt>", 1)
    error = refused(data, "s.xml")
    assert error.where == "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/ValDt"
    assert "is not a date" in error.reason


def test_camt_missing_closing_balance():
    data = CAMT_08.replace(b"<Cd>CLBD</Cd>", b"<Cd>ITBD</Cd>")
    assert refused(data, "s.xml").reason == "no balance of type CLBD"


def test_camt_wrong_indicator():
    data = CAMT_08.replace(
        b"<CdtDbtInd>CRDT</CdtDbtInd><Sts>", b"<CdtDbtInd>PLUS</CdtDbtInd><Sts>", 1
    )
    error = refused(data, "s.xml")
    assert error.where == "Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/CdtDbtInd"


def test_camt_pending_entries_are_not_counted():
    data = CAMT_08.replace(b"<Sts><Cd>BOOK</Cd></Sts>", b"<Sts><Cd>PDNG</Cd></Sts>", 1)
    # the closing balance still counts the first entry: now it does not add up
    assert refused(data, "s.xml").reason.startswith("balance:")


def test_camt_not_well_formed():
    error = refused(CAMT_08[:-30], "s.xml")
    assert error.where.startswith("line 2, column") and "not well-formed" in error.reason


def test_camt_entities_are_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">&b;</Document>'
    )
    assert "refused XML construct" in refused(bomb, "bomb.xml").reason


def test_camt_other_message_is_refused():
    data = CAMT_08.replace(b"camt.053.001.08", b"camt.054.001.08")
    assert "not a camt.053 document" in refused(data, "s.xml").reason


BATCH = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-02T08:00:00</CreDtTm></GrpHdr>
  <Stmt>
   <Id>S7</Id><LglSeqNb>7</LglSeqNb>
   <Acct><Id><IBAN>BE71096123456769</IBAN></Id><Ccy>EUR</Ccy></Acct>
   <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0</Amt>
    <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>
   <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">150.00</Amt>
    <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-02</Dt></Dt></Bal>
   <Ntry>
    <Amt Ccy="EUR">150.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
    <BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><DtTm>2026-03-02T10:00:00</DtTm></ValDt>
    <NtryDtls>
     <TxDtls>
      <AmtDtls><TxAmt><Amt Ccy="EUR">100.00</Amt></TxAmt></AmtDtls>
      <RltdPties><Dbtr><Pty><Nm>Acme NV</Nm></Pty></Dbtr></RltdPties>
      <RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Prtry>BBA</Prtry></CdOrPrtry></Tp>
       <Ref>+++000/0000/00101+++</Ref></CdtrRefInf></Strd></RmtInf>
     </TxDtls>
     <TxDtls>
      <Amt Ccy="EUR">50.00</Amt>
      <RmtInf><Strd><CdtrRefInf><Ref>000000000202</Ref></CdtrRefInf></Strd></RmtInf>
     </TxDtls>
    </NtryDtls>
   </Ntry>
  </Stmt>
 </BkToCstmrStmt>
</Document>
"""


def test_camt_batch_entry_with_transactions_becomes_one_line_each():
    (statement,) = camt.parse(BATCH.encode(), "batch.xml")
    assert [m.amount for m in statement.movements] == [Decimal("100.00"), Decimal("50.00")]
    assert [m.structured_reference for m in statement.movements] == [
        "000000000101",
        "000000000202",
    ]
    assert statement.movements[0].counterparty_name == "Acme NV"
    assert statement.movements[0].value_date == datetime.date(2026, 3, 2)
    assert statement.movements[1].where.endswith("Ntry[1]/NtryDtls[1]/TxDtls[2]")


def test_camt_batch_that_does_not_add_up_stays_one_line():
    data = BATCH.replace('<Amt Ccy="EUR">50.00</Amt>', '<Amt Ccy="EUR">40.00</Amt>')
    (statement,) = camt.parse(data.encode(), "batch.xml")
    (movement,) = statement.movements
    assert movement.amount == Decimal("150.00") and movement.structured_reference == ""


# -- In the reader's language ---------------------------------------------------------------


def _parser_msgids() -> set[str]:
    """Every reason the parsers can give (the English msgid), every field a reason names,
    and the place ("line N", "line N, column M"): read from the parsers' code."""
    import ast

    ids = set()
    for path in sorted(Path(coda.__file__).parent.glob("*.py")):
        for node in ast.walk(parsed(path)):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            texts = [
                a.value
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            if name in ("error", "date", "amount", "translate") and texts:
                ids.add(texts[0] if name == "translate" else texts[-1])
            elif name == "StatementError" and len(texts) == 2:
                ids.add(texts[1])
    return ids


def test_every_reason_and_field_has_a_dutch_translation():
    from django.utils import translation

    ids = _parser_msgids()
    assert len(ids) > 50 and "the value date" in ids and "line %(line)s" in ids
    with translation.override("nl"):
        untranslated = sorted(i for i in ids if translation.gettext(i) == i)
    assert not untranslated


def test_a_coda_refusal_in_dutch_keeps_file_line_and_field():
    from django.utils import translation

    lines = lines_of(CODA)
    lines[2] = replace_at(lines[2], 48, "310226")  # the value date of movement 1
    with translation.override("nl"):
        error = refused(join(lines))
        assert (
            str(error) == "statement.cod, regel 3: de valutadatum '310226' is geen datum (DDMMJJ)"
        )
        assert error.reason == "de valutadatum '310226' is geen datum (DDMMJJ)"
    assert error.english == "statement.cod, line 3: the value date '310226' is not a date (DDMMYY)"
    lines = lines_of(CODA)
    lines[3] = lines[3][:-1]
    with translation.override("nl"):
        assert str(refused(join(lines))) == (
            "statement.cod, regel 4: een record heeft 128 tekens, deze regel heeft er 127"
        )


def test_a_camt_refusal_in_dutch_keeps_the_element_path():
    from django.utils import translation

    data = CAMT_08.replace(b'<Amt Ccy="EUR">605.00</Amt>', b'<Amt Ccy="EUR">6O5.00</Amt>')
    with translation.override("nl"):
        error = refused(data, "s.xml")
        assert str(error) == (
            "s.xml, Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt: het bedrag '6O5.00' is geen getal"
        )
        broken = refused(b"<?xml version='1.0'?>\n<Document><a></Document>", "s.xml")
        assert str(broken).startswith("s.xml, regel 2, kolom ")
        assert "geen welgevormde XML" in str(broken)
