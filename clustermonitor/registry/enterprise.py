"""Belgian enterprise numbers (ondernemingsnummer), validated with python-stdnum.

DESIGN §4: 10 digits, the first 0 or 1, the last two 97 − (first eight mod 97); shown
as 0xxx.xxx.xxx. Accepted as typed in member lists: with dots, spaces or dashes,
with a BE prefix, and the old 9-digit form (a 0 is put in front).
"""

from django.utils.translation import gettext_noop
from stdnum import exceptions as stdnum_errors
from stdnum.be import vat


class InvalidEnterpriseNumber(ValueError):
    """The text is not a valid enterprise number; `reason` says why, for a person."""

    def __init__(self, text: str, reason: str):
        self.text, self.reason = text, reason
        super().__init__(f"{text!r}: {reason}")


def normalise(text: str) -> str:
    """The 10 digits of a valid enterprise number, or InvalidEnterpriseNumber.

    >>> normalise("BE 0200.065.765")
    '0200065765'
    >>> normalise("200065765")  # the old 9-digit form
    '0200065765'
    """
    raw = (text or "").strip()
    if not raw:
        raise InvalidEnterpriseNumber(text, gettext_noop("empty"))
    try:
        return vat.validate(raw)
    except stdnum_errors.InvalidChecksum:
        raise InvalidEnterpriseNumber(text, gettext_noop("bad checksum")) from None
    except stdnum_errors.InvalidLength:
        raise InvalidEnterpriseNumber(text, gettext_noop("wrong number of digits")) from None
    except stdnum_errors.InvalidFormat:
        raise InvalidEnterpriseNumber(text, gettext_noop("not an enterprise number")) from None
    except stdnum_errors.InvalidComponent:
        raise InvalidEnterpriseNumber(text, gettext_noop("must start with 0 or 1")) from None
    except stdnum_errors.ValidationError as exc:
        raise InvalidEnterpriseNumber(text, str(exc) or gettext_noop("invalid")) from None


def is_valid(text: str) -> bool:
    try:
        normalise(text)
    except InvalidEnterpriseNumber:
        return False
    return True


def display(digits: str) -> str:
    """'0200065765' → '0200.065.765' (the KBO's own notation)."""
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}" if digits and len(digits) == 10 else digits
