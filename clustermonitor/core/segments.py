"""The segments a mailing can go to, each registered by the app that owns its records
(in its AppConfig.ready(), like the import kinds of core.imports.registry): the members
of a cluster and their size classes (members), active and not active members, an
activity's attendees and a working group (activities). An app above them (the prospects'
pipeline) registers its own segment the same way; the mailings app only reads them.

A segment answers, for a cluster and a day, the people it names as `Person` rows (an
e-mail address, a name, a language when known), in a fixed number of queries whatever
their number. A segment with a parameter (a size class, an activity) lists the values
it offers for a cluster; a value not offered is refused (an id in a form body is checked
like one in the URL), so `choices` must only name the cluster's own records."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple


class Person(NamedTuple):
    email: str
    name: str = ""
    language: str = ""  # "nl", "en" or "" when unknown


@dataclass(frozen=True)
class Segment:
    key: str  # its name in a mailing's `segment` (at most 32 characters)
    title: object  # a (lazy) translated title
    #: (cluster, value, day) -> the people of the segment on that day
    people: Callable[[object, str, datetime.date], Iterable[Person]]
    #: (cluster, day) -> [(value, label)] the values a manager may choose; None: no value
    choices: Callable[[object, datetime.date], list[tuple[str, str]]] | None = None
    order: int = 100  # its place in the list

    def options(self, cluster, on: datetime.date) -> list[tuple[str, str]]:
        """(segment[:value], label) for a form's choice list."""
        if self.choices is None:
            return [(self.key, str(self.title))]
        return [
            (f"{self.key}:{value}", f"{self.title}: {label}")
            for value, label in self.choices(cluster, on)
        ]


#: Every registered segment by key (tests may swap one for a while).
SEGMENTS: dict[str, Segment] = {}


def register(segment: Segment) -> Segment:
    """Make `segment` known by its key (called from the owning app's ready())."""
    if len(segment.key) > 32 or ":" in segment.key:
        raise ValueError(f"segment key {segment.key!r}: at most 32 characters, no colon")
    SEGMENTS[segment.key] = segment
    return segment


def ordered() -> list[Segment]:
    return sorted(SEGMENTS.values(), key=lambda s: (s.order, s.key))


def options(cluster, on: datetime.date) -> list[tuple[str, str]]:
    """Every segment's choices for `cluster` on `on`, in order."""
    return [option for segment in ordered() for option in segment.options(cluster, on)]


def split(choice: str) -> tuple[str, str]:
    """ "attendees:12" -> ("attendees", "12"); "members" -> ("members", "")."""
    key, _sep, value = choice.partition(":")
    return key, value


def people(cluster, choice: str, on: datetime.date) -> list[Person]:
    """The people of a stored choice; [] for a segment no longer registered."""
    key, value = split(choice)
    segment = SEGMENTS.get(key)
    if segment is None:
        return []
    return list(segment.people(cluster, value, on))
