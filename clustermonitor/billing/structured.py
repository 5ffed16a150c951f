"""The Belgian structured communication (gestructureerde mededeling, OGM/VCS).

Twelve digits: a ten-digit base and two check digits, the base modulo 97 (97 when the
remainder is 0). Written as +++123/4567/89012+++ (banks also print ***…***).
"""

import re

_SEPARATORS = re.compile(r"[\s/.\-]")
_WRAPPED = re.compile(r"^(?:\+\+\+(?P<plus>[^+]*)\+\+\+|\*\*\*(?P<star>[^*]*)\*\*\*)$")


def check_digits(base: int) -> int:
    remainder = base % 97
    return remainder or 97


def make_reference(base: int) -> str:
    """The 12 digits of the structured communication with this ten-digit base.

    >>> make_reference(1234567890)
    '123456789002'
    """
    if not 0 <= base < 10**10:
        raise ValueError(f"A structured communication's base has at most 10 digits: {base}")
    return f"{base:010d}{check_digits(base):02d}"


def is_valid(digits: str) -> bool:
    return (
        len(digits) == 12
        and digits.isascii()
        and digits.isdigit()
        and int(digits[10:]) == check_digits(int(digits[:10]))
    )


def format_reference(digits: str) -> str:
    """'123456789002' → '+++123/4567/89002+++'."""
    if len(digits) != 12 or not digits.isdigit():
        raise ValueError(f"A structured communication has 12 digits: {digits!r}")
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


def parse_reference(text: str) -> str | None:
    """The 12 digits of the structured communication in `text` (+++…+++, ***…*** or the
    bare digits with spaces, slashes, dots or dashes), or None when it is not one or its
    check digits are wrong."""
    raw = (text or "").strip()
    match = _WRAPPED.match(raw)
    if match:
        raw = match.group("plus") if match.group("plus") is not None else match.group("star")
    digits = _SEPARATORS.sub("", raw)
    return digits if is_valid(digits) else None
