"""Belgian formatting of numbers, money, percentages and dates (babel, nl_BE / en_BE)."""

import datetime
import math
from decimal import Decimal

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django import template
from django.utils import timezone

from clustermonitor.core import i18n

register = template.Library()

EMPTY = "–"


def _missing(value) -> bool:
    """None, '' and NaN (pandas' missing number) all show as a dash."""
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def current_locale() -> str:
    return "en_BE" if i18n.lang() == "en" else "nl_BE"


def format_number(value, decimals: int = 0) -> str:
    if _missing(value):
        return EMPTY
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return babel_numbers.format_decimal(
        Decimal(str(value)), format=pattern, locale=current_locale()
    )


def format_small(value, decimals: int = 3) -> str:
    """A small number (a p-value, a deviation) readably: "0,042", or "< 0,001" below the
    last decimal shown, never "4.7e-09"."""
    if _missing(value):
        return EMPTY
    floor = Decimal(1).scaleb(-decimals)
    if 0 < abs(value) < floor:
        return "< " + format_number(floor, decimals)
    return format_number(value, decimals)


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
        # Belgian time (settings.TIME_ZONE, Europe/Brussels): the database gives UTC.
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return babel_dates.format_datetime(value, "dd/MM/yyyy HH:mm", locale=current_locale())
    pattern = "dd/MM/yyyy" if fmt == "short" else "d MMMM yyyy"
    return babel_dates.format_date(value, pattern, locale=current_locale())


def format_value(value):
    """A stored value as a person reads it: a date-time kept as ISO text (the audit log's
    before and after) in Belgian time, anything else as it is."""
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        if timezone.is_aware(moment):
            return format_date(moment)
    return value


register.filter("number", format_number)
register.filter("money", format_money)
register.filter("percent", format_percent)
register.filter("bdate", format_date)
register.filter("bvalue", format_value)
