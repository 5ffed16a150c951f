"""Links a page of a lower app shows to pages of the apps above it (issue 19): the call's
page (programmes) links to its screening and jury (review), its applications (grants) or
its agreements, without importing them. An app hands over a function in its
`AppConfig.ready()`; the page asks `links(page, user, obj)` (the template tag
`{% page_links "call" call as links %}`), and each function answers the links that user
may follow (it checks their permission: the pages check it again)."""

from collections.abc import Callable

_LINKS: dict[str, dict[str, tuple[int, Callable]]] = {}


def register(page: str, key: str, links: Callable, order: int = 100) -> None:
    """Add (or replace, by key) a source of links on `page`: `links(user, obj)` answers a
    list of {"label", "url"}."""
    _LINKS.setdefault(page, {})[key] = (order, links)


def links(page: str, user, obj) -> list[dict]:
    found = []
    for _order, key in sorted((order, key) for key, (order, _f) in _LINKS.get(page, {}).items()):
        found += _LINKS[page][key][1](user, obj)
    return found
