"""The kinds of import, each registered by the app that owns its records (in its
AppConfig.ready()): members and contributions (members), attendees (activities),
collaborations (collaborations), survey responses (surveys), the KBO extract (registry).

A kind declares its fields and their labels, how to read a row (suggest a mapping, plan
every row: new, updated, unchanged or rejected with file row and column), how to commit
(one transaction; the same file again changes nothing), who may use it (a permission on
the owner, and the one to see the owner at all) and its title. Core imports no app
(core.permissions.check applies a kind's permissions by the rules of accounts.access):
the apps hand their kinds in.

Kinds whose uploads are ImportBatch records (store="batch") run through the wizard of
core.imports (upload → preview → mapping → dry run → commit → rejected rows). The
survey responses keep their uploads per wave (store="wave", their own steps on the one
import page); the KBO extract is a zip run as a task or from the CLI (store="extract")."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms


@dataclass(frozen=True)
class ImportKind:
    kind: str  # its name, ImportBatch.kind and ImportMapping.kind
    title: str
    labels: dict  # field → label: the fields a column can be mapped to
    permission: str  # who may use it: this permission on the owner (the cluster)
    visible: str | None = None  # without this one on the owner: 404, not 403
    store: str = "batch"  # "batch" (the wizard), "wave" (survey responses), "extract" (KBO)
    upload_form: type[forms.Form] | None = None
    suggest: Callable | None = None  # (table, remembered mapping) -> mapping
    plan: Callable | None = None  # (table, batch, user) -> plan: .rows, .counts, .rejected
    commit: Callable | None = None  # (table, batch, actor) -> plan, in one transaction
    done_url: Callable | None = None  # (batch) -> where the user goes afterwards
    required_any: tuple[str, ...] = ()  # at least one of these fields must be mapped
    scope: Callable | None = None  # (batch) -> the words after the row count
    parts: dict = field(default_factory=dict)  # the kind's own templates on the page
    extra_context: Callable | None = None  # (batch, committed) -> more for its parts
    run: Callable | None = None  # an "extract": how it is applied (plan only checks it)

    def options(self, cleaned_data: dict) -> dict:
        """What the upload form asked beyond the file, kept on the batch."""
        return {
            k: v
            for k, v in cleaned_data.items()
            if k not in ("file", "reference_date", "full_list")
        }


#: Every registered kind by name (tests may swap one for a while).
KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> ImportKind:
    """Make `kind` known by its name (called from the owning app's ready())."""
    known = KINDS.get(kind.kind)
    if known is not None and known.title != kind.title:
        raise ValueError(f"two import kinds are called {kind.kind!r}")
    KINDS[kind.kind] = kind
    return kind


def get(name: str) -> ImportKind:
    """The kind called `name`; KeyError when no app registered it."""
    return KINDS[name]


def kinds() -> dict[str, ImportKind]:
    """Every registered kind by name, in the order the apps registered them."""
    return dict(KINDS)
