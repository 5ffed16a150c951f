"""The cluster type's rules as plain arithmetic, so forms, services, the loader and
the API refuse the same things with the same message."""

import calendar
import datetime
from decimal import Decimal


def agreement_months(start: datetime.date, end: datetime.date) -> int:
    """Whole months from `start` to the day after `end`, a started month counting as one.

    2016-10-01 → 2019-09-30 is 36 months; 2016-10-15 → 2019-09-30 is 36 as well.
    """
    after = end + datetime.timedelta(days=1)
    months = (after.year - start.year) * 12 + (after.month - start.month)
    if after.day > start.day:
        months += 1  # a started month counts as a month
    return months


def agreement_years(start: datetime.date, end: datetime.date) -> Decimal:
    return Decimal(agreement_months(start, end)) / Decimal(12)


def max_subsidy(max_annual: Decimal, start: datetime.date, end: datetime.date) -> Decimal:
    """The most a cluster may receive: the annual maximum for every year of its agreement
    (prorated per month: EUR 150,000 × 36/12 = EUR 450,000)."""
    return (Decimal(max_annual) * agreement_months(start, end) / Decimal(12)).quantize(Decimal(1))


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same calendar day `months` later (or earlier, for a negative number), or the
    last day of the target month when it is shorter: 31 August − 6 months is 28 (or 29)
    February, 31 March + 6 months is 30 September. No end-of-month snapping otherwise:
    30 September − 6 months is 30 March."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def subsidy_by_year(subsidy: Decimal, start: datetime.date, end: datetime.date) -> dict:
    """The subsidy spread over calendar years by the agreement's months in each year
    (EUR 450,000 over 1/10/2016 – 30/9/2019: 37,500 in 2016, 150,000 in 2017 and 2018,
    112,500 in 2019)."""
    months = agreement_months(start, end)
    out = {}
    for year in range(start.year, end.year + 1):
        first = max(start, datetime.date(year, 1, 1))
        last = min(end, datetime.date(year, 12, 31))
        share = agreement_months(first, last)
        out[year] = (Decimal(subsidy) * share / months).quantize(Decimal("0.01"))
    return out
