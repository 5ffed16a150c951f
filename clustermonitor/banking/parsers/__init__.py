"""Bank statement files read into plain records, without Django: CODA 2.x (the Belgian
banks' fixed-width format, `coda.py`) and ISO 20022 camt.053 (`camt.py`).

`parse(data, filename)` tells the two apart and returns the statements in the file, or
raises `StatementError` naming the file, the line (CODA) or the element path (camt) and
the reason (in the reader's language when Django is set up: base.StatementError). A
parser either returns every statement of the file, checked (record lengths,
record order, the trailer's count and totals, old balance + movements = new balance), or
raises: the caller writes nothing when it raises.

Why our own parsers: on PyPI, `pycoda` (ACSONE) is GPL-3.0-or-later, last released in
2022, reads lines without checking their length, the trailer's totals or the balance,
and raises untyped errors without the line number; `pycamt` (MIT) returns strings without
checking the balance or naming the element that is wrong, and the other camt packages
are young single-author releases. What we need most — refuse a wrong file with the line
and the reason — is what none of them does, so both formats are read here, from the
Febelfin "Standard CODA 2.6" description and the camt.053 schema (001.02 to 001.13),
with defusedxml for the XML (no entities, no DTD, no network).
"""

from clustermonitor.banking.parsers.base import (
    Movement,
    ParsedStatement,
    Phrase,
    StatementError,
)


def parse(data: bytes, filename: str) -> list[ParsedStatement]:
    """Every statement in a CODA or camt.053 file (raises StatementError)."""
    from clustermonitor.banking.parsers import camt, coda

    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        return camt.parse(data, filename)
    if head == b"0":
        return coda.parse(data, filename)
    raise StatementError(filename, "line 1", "this is neither a CODA nor a camt.053 file")


__all__ = ["Movement", "ParsedStatement", "Phrase", "StatementError", "parse"]
