"""The bank statements' kind of import (core.imports), registered in BankingConfig.ready().

A statement file is not a table to map row by row: it is read whole (CODA or camt.053),
checked (record lengths, trailer totals, balances; the account must be the cluster's),
and applied in one transaction. So, like the KBO extract, its kind is an "extract":
plan(data, filename, cluster) checks the file and writes nothing (StatementError names
the line and the reason); run(data, filename, cluster, actor) imports it. The
`import-statement` command and the cluster's statement upload page both use it."""

from django.utils.translation import gettext_lazy as _

from clustermonitor.banking.forms import StatementUploadForm
from clustermonitor.core.imports import registry
from clustermonitor.core.imports.registry import ImportKind


def _check(data, filename, cluster):
    from clustermonitor.banking import services

    return services.check(data, filename, cluster)


def _run(data, filename, cluster, actor):
    from clustermonitor.banking import services

    return services.import_statements(data, filename, cluster, actor)


STATEMENTS = ImportKind(
    kind="bank-statement",
    store="extract",
    title=_("Bank statement import"),
    labels={},
    permission="banking.change_statements",
    visible="banking.view_statements",
    upload_form=StatementUploadForm,
    plan=_check,
    run=_run,
)


def register_kinds() -> None:
    registry.register(STATEMENTS)
