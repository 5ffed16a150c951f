"""List pages in pages (issue 13: a member list of any size renders in constant time).

One page of PER_PAGE rows is rendered; the count is one query, the rows one more, so
the query count does not grow with the list. The page links keep every other parameter
of the address (filters, sort order) through Django's ``{% querystring %}`` tag in
templates/core/_pager.html. Downloads (.xlsx) are never paged: they hold every row."""

import datetime

from django.core.paginator import Page, Paginator

PER_PAGE = 100


def page_of(request, rows, per_page: int = PER_PAGE) -> Page:
    """The page asked for with ``?page=`` (the first for a missing or bad number, the
    last for one past the end)."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def sorted_by(request, choices: dict[str, tuple[str, ...]], default: str) -> tuple[str, tuple]:
    """The ``?sort=`` key asked for (default when unknown) and its ordering."""
    key = request.GET.get("sort", default)
    if key not in choices:
        key = default
    return key, choices[key]


def date_param(request, name: str = "on") -> datetime.date:
    """The date a figure page is asked for (``?on=YYYY-MM-DD``); today when it is missing
    or not a date."""
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return datetime.date.today()
