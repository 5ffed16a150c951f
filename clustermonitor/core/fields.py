"""Form fields for ids that arrive in a request's body, and for amounts in euro."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: The largest id a BigAutoField holds; SQLite raises OverflowError on larger ones.
MAX_ID = 2**63 - 1


class RecordsField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses an id which is no whole number the
    database can hold as an invalid value (a form error), where Django's own runs the
    query and fails with a 500 on SQLite (“Python int too large to convert to SQLite
    INTEGER”). Every multiple choice of records in clustermonitor uses it
    (tests/test_form_field_matrix.py checks)."""

    def _check_values(self, value):
        if (self.to_field_name or "pk") == "pk":
            for pk in value:
                text = str(pk).strip()
                if not text.isdigit() or int(text) > MAX_ID:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)


#: Characters that may stand between the digits of an amount without meaning anything:
#: spaces (also the no-break ones a spreadsheet copies) and the euro sign or code.
_MONEY_NOISE = re.compile(r"[\s\u00a0\u202f]|€|EUR", re.IGNORECASE)
_DIGITS = re.compile(r"[0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}(?:[.][0-9]{3})+")  # 1.500.000
_GROUPED_EN = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")  # 1,500,000 (only with a decimal point)


class AmbiguousAmount(ValueError):
    """An amount that can be read two ways (“1.500”: 1500 or 1,5)."""


def parse_amount(text: str) -> Decimal:
    """Read an amount typed the Belgian way or the plain way, and only when it can be
    read one way only:

    - ``1.500.000,50`` (dots between thousands, a comma before the cents),
    - ``1500000,50`` and ``1500000.50`` (one separator: the decimal one; but see below),
    - ``1.500.000`` (two or more dots: thousands) and ``1,500,000.50`` (commas between
      thousands before a decimal point),
    - with ``€``, ``EUR`` and spaces anywhere (``€ 1.500.000``, ``1 500 000``).

    One separator followed by exactly three digits (``1.500``, ``1,500``) is ambiguous —
    1500 one way, 1.5 the other — and raises :class:`AmbiguousAmount`; anything else that is
    no amount raises ValueError."""
    cleaned = _MONEY_NOISE.sub("", str(text))
    sign = ""
    if cleaned[:1] in "+-" and cleaned:
        sign, cleaned = ("-" if cleaned[0] == "-" else ""), cleaned[1:]
    if not cleaned or not set(cleaned) <= set("0123456789.,"):
        raise ValueError(text)
    dots, commas = cleaned.count("."), cleaned.count(",")
    if dots and commas:
        whole, _sep, cents = cleaned.rpartition(
            "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        )
        grouped = _GROUPED if _sep == "," else _GROUPED_EN
        if not grouped.fullmatch(whole) or not _DIGITS.fullmatch(cents):
            raise ValueError(text)
        number = whole.replace(".", "").replace(",", "") + "." + cents
    elif commas > 1:
        raise ValueError(text)
    elif dots > 1:
        if not _GROUPED.fullmatch(cleaned):
            raise ValueError(text)
        number = cleaned.replace(".", "")
    elif commas or dots:  # one separator: the decimal one, unless it is ambiguous
        whole, _sep, cents = cleaned.partition("," if commas else ".")
        if not _DIGITS.fullmatch(whole) or not _DIGITS.fullmatch(cents):
            raise ValueError(text)
        if len(cents) == 3:
            raise AmbiguousAmount(text)
        number = f"{whole}.{cents}"
    else:
        number = cleaned
    return Decimal(sign + number)


class MoneyField(forms.DecimalField):
    """An amount in euro typed the Belgian way (``1.500.000,50``) or the plain way
    (``1500000.50``); see :func:`parse_amount`. Every money field of the web forms uses it
    (tests/test_money_field.py checks), so that ``1.500.000`` is never read as 1.5."""

    default_error_messages = {
        "invalid": _(
            "Type an amount in euro such as 1.500.000,50 or 1500000,50: dots between the "
            "thousands, a comma before the cents."
        ),
        "ambiguous": _(
            "“%(value)s” can be read two ways. Type 1500 or 1.500,00 for one thousand five "
            "hundred, 1,5 for one and a half."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        kwargs.pop("localize", None)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int):
            return super().to_python(value)
        try:
            return parse_amount(str(value).strip())
        except AmbiguousAmount:
            raise ValidationError(
                self.error_messages["ambiguous"], code="ambiguous", params={"value": value}
            ) from None
        except (ValueError, InvalidOperation):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
