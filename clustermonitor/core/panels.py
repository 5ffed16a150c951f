"""What a member company's home page ("Mijn organisatie", the self-service app) shows, and
what "download my data" gathers: registries filled by the apps that own the records.

The self-service app sits above members, activities and collaborations; the apps that
invoice fees or register people for events may sit below or beside it. So the registries
live here, at the bottom: an app hands its panel (or its personal-data source) over in its
`AppConfig.ready()` and the self-service pages show whatever was registered, in `order`.

An eraser (`register_eraser`) removes what its app keeps about a person when the cluster
carries out their erasure request: `erase(actor, user, email)` answers how many records it
changed (and keeps what the law requires: the app knows what that is).

A panel's `rows(organisation, user)` answers the records of that one organisation (the
caller has decided that the user acts for it); `template` renders them (it gets `rows`,
`organisation` and `panel`). A personal-data source's `gather(user)` answers JSON-ready
data about that one signed-in person.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    key: str
    title: str  # a lazy translation
    template: str
    rows: Callable  # (organisation, user) -> list
    order: int = 100


@dataclass(frozen=True)
class PersonalData:
    key: str
    gather: Callable  # (user) -> JSON-ready data
    order: int = 100


@dataclass(frozen=True)
class Eraser:
    key: str
    erase: Callable  # (actor, user, email) -> int: records changed
    order: int = 100


_PANELS: dict[str, Panel] = {}
_PERSONAL_DATA: dict[str, PersonalData] = {}
_ERASERS: dict[str, Eraser] = {}


def register(panel: Panel) -> None:
    """Add (or replace, by key) a panel of the member's home page."""
    _PANELS[panel.key] = panel


def panels() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda p: (p.order, p.key))


def register_personal_data(source: PersonalData) -> None:
    """Add (or replace, by key) a source of what is kept about a signed-in person."""
    _PERSONAL_DATA[source.key] = source


def personal_data_sources() -> list[PersonalData]:
    return sorted(_PERSONAL_DATA.values(), key=lambda s: (s.order, s.key))


def register_eraser(eraser: Eraser) -> None:
    """Add (or replace, by key) what an erasure request removes in an app."""
    _ERASERS[eraser.key] = eraser


def erasers() -> list[Eraser]:
    return sorted(_ERASERS.values(), key=lambda e: (e.order, e.key))
