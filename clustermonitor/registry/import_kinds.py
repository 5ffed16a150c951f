"""The registry's kind of import (core.imports): a KBO open-data extract, registered in
RegistryConfig.ready().

It does not fit the wizard's rows: an extract is a zip of several CSV files (millions of
enterprises) that enriches the organisations we have, with nothing to map or reject
per row. So its kind is an "extract": plan(path, name) checks the file and writes
nothing (KboFormatError when it is not a KBO extract), run(record, path, actor=…,
progress=…, lookup_dir=…) applies it (registry.kbo.run_import: one run per KboImport
record, safe to re-run). The `import-kbo` command runs it through this kind; the KBO
page (registry/views.py) queues registry.tasks.kbo_import_task."""

from django.utils.translation import gettext_lazy as _

from clustermonitor.core.imports import registry
from clustermonitor.core.imports.registry import ImportKind
from clustermonitor.registry.forms import KboImportForm


def _inspect(path, name=None):
    from clustermonitor.registry import kbo

    return kbo.inspect_source(path, name)


def _run(record, path, **options):
    from clustermonitor.registry import kbo

    return kbo.run_import(record, path, **options)


KBO = ImportKind(
    kind="kbo",
    store="extract",
    title=_("KBO import"),
    labels={},  # the extract's own files and columns (registry.kbo.expected_files)
    permission="registry.run_kbo_import",
    visible="registry.view_registry",
    upload_form=KboImportForm,
    plan=_inspect,
    run=_run,
)


def register_kinds() -> None:
    registry.register(KBO)
