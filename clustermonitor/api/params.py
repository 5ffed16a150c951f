"""Bounds of the API's parameters, stated in the OpenAPI schema (minimum/maximum) and
enforced by ninja before a view runs: a value out of range is a 422 with the reason,
never a database overflow or a negative slice (a 500)."""

import datetime
import re
from typing import Annotated

from ninja import Path, Query
from pydantic import BeforeValidator

#: Ids are 64-bit (BigAutoField); SQLite and PostgreSQL both overflow beyond.
MAX_ID = 2**63 - 1
#: Paging: at most 1000 rows per page; offsets past a billion rows are refused.
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000_000
#: Years the programme can have figures for (dates beyond 9999 do not exist).
MIN_YEAR, MAX_YEAR = 1900, 2100


def id_path(description: str = "id"):
    return Path(..., ge=1, le=MAX_ID, description=description)


def year_query():
    return Query(None, ge=MIN_YEAR, le=MAX_YEAR, description=f"a year, {MIN_YEAR}–{MAX_YEAR}")


def limit_query(default: int):
    return Query(default, ge=1, le=MAX_LIMIT, description=f"rows per page, 1–{MAX_LIMIT}")


def offset_query():
    return Query(0, ge=0, le=MAX_OFFSET, description="rows to skip")


def _iso_date(value):
    """YYYY-MM-DD only, as the schema's `format: date` says (pydantic alone would also
    take "0" or "1700000000" as a Unix time)."""
    if isinstance(value, str):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError("a date is written YYYY-MM-DD")
        return datetime.date.fromisoformat(value)
    return value


#: A date parameter in ISO form.
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]


def date_query(description: str):
    return Query(None, description=f"{description} (YYYY-MM-DD)")
