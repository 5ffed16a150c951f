"""Belgian formatting of numbers, money, percentages and dates (babel, nl_BE / en_BE)."""

import datetime
import math
from decimal import Decimal

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django import template
from django.utils import translation

register = template.Library()

EMPTY = "–"


def _missing(value) -> bool:
    """None, '' and NaN (pandas' missing number) all show as a dash."""
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def current_locale() -> str:
    return "en_BE" if (translation.get_language() or "nl").startswith("en") else "nl_BE"


def format_number(value, decimals: int = 0) -> str:
    if _missing(value):
        return EMPTY
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return babel_numbers.format_decimal(
        Decimal(str(value)), format=pattern, locale=current_locale()
    )


def format_money(value) -> str:
    if _missing(value):
        return EMPTY
    return babel_numbers.format_currency(
        Decimal(str(value)), "EUR", format="¤ #,##0", locale=current_locale(), currency_digits=False
    )


def format_percent(value, decimals: int = 0) -> str:
    if _missing(value):
        return EMPTY
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + " %"
    return babel_numbers.format_percent(value, format=pattern, locale=current_locale())


def format_date(value, fmt: str = "short") -> str:
    if _missing(value):
        return EMPTY
    if isinstance(value, datetime.datetime):
        return babel_dates.format_datetime(value, "dd/MM/yyyy HH:mm", locale=current_locale())
    pattern = "dd/MM/yyyy" if fmt == "short" else "d MMMM yyyy"
    return babel_dates.format_date(value, pattern, locale=current_locale())


register.filter("number", format_number)
register.filter("money", format_money)
register.filter("percent", format_percent)
register.filter("bdate", format_date)
