"""The impact app's kind of import (core.imports): annual accounts, registered in
ImpactConfig.ready().

Like the KBO extract it is an "extract": a CSV of millions of lines or a zip of JSON
documents, programme-wide, with nothing to map per column. plan(path, name) reads and
checks the whole source and writes nothing (AccountsFormatError listing every problem
with file, row and field); run(record, path, actor=…, lookup_dir=…) writes it in one
transaction (impact.accounts_import.run_import: safe to re-run). The
`import-accounts` command runs it through this kind; the page /impact/accounts/ runs
small uploads at once and queues large ones (impact.tasks.accounts_import_task)."""

from django.utils.translation import gettext_lazy as _

from clustermonitor.accounts.access import IMPACT_IMPORT, IMPACT_PROGRAMME
from clustermonitor.core.imports import registry
from clustermonitor.core.imports.registry import ImportKind
from clustermonitor.impact.forms import AccountsUploadForm


def _plan(path, name=None):
    from clustermonitor.impact import accounts_import

    return accounts_import.read_source(path, name)


def _run(record, path, **options):
    from clustermonitor.impact import accounts_import

    return accounts_import.run_import(record, path, **options)


ACCOUNTS = ImportKind(
    kind="annual-accounts",
    store="extract",
    title=_("Annual accounts"),
    labels={},  # the CSV's own columns (accounts_import.CSV_REQUIRED, CSV_OPTIONAL)
    permission=IMPACT_IMPORT,
    visible=IMPACT_PROGRAMME,
    upload_form=AccountsUploadForm,
    plan=_plan,
    run=_run,
)


def register_kinds() -> None:
    registry.register(ACCOUNTS)
