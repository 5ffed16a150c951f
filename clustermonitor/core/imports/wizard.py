"""The steps of the import wizard for every kind kept as an ImportBatch (see registry):
the upload (called by each app's own upload view after its access check), the batch
with its access check, the mapping remembered per cluster, the dry run, the commit in
one locked transaction, and the rejected rows as they were, with a reason column."""

import datetime
import hashlib

from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from clustermonitor.core import permissions, tabular
from clustermonitor.core.exporters import Sheet
from clustermonitor.core.imports import registry
from clustermonitor.core.imports.models import ImportBatch, ImportMapping
from clustermonitor.core.tabular import TableError


def upload_step(request, cluster, kind_name: str, initial=None):
    """Step 1 of every import: the file and the options of its kind, kept as a batch."""
    kind = registry.get(kind_name)
    form = kind.upload_form(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        read = tabular.read_upload(form)
        if read is not None:
            data, table = read
            upload = form.cleaned_data["file"]
            batch = ImportBatch.objects.create(
                cluster=cluster,
                kind=kind.kind,
                file=upload,
                original_name=upload.name,
                sha256=hashlib.sha256(data).hexdigest(),
                full_list=bool(form.cleaned_data.get("full_list")),
                reference_date=form.cleaned_data.get("reference_date") or datetime.date.today(),
                options=kind.options(form.cleaned_data),
                uploaded_by=request.user,
            )
            batch.keep_table(table)
            return redirect("imports:import-detail", batch.pk)
    recent = ImportBatch.objects.filter(cluster=cluster, kind=kind.kind)[:10]
    return render(
        request,
        "imports/import_upload.html",
        {"cluster": cluster, "form": form, "recent": recent, "kind": kind},
    )


def kind_of(batch: ImportBatch) -> registry.ImportKind:
    try:
        kind = registry.get(batch.kind)
    except KeyError:  # a kind no app registers (any more)
        raise Http404 from None
    if kind.store != "batch":  # its uploads are not batches: not the wizard's
        raise Http404
    return kind


def batch_for(request, pk) -> ImportBatch:
    """The batch, when the user may use its kind on its cluster (404, or 403 when they
    may see the cluster but not import)."""
    batch = get_object_or_404(ImportBatch.objects.select_related("cluster"), pk=pk)
    kind = kind_of(batch)
    permissions.check(request.user, kind.permission, batch.cluster, visible=kind.visible)
    return batch


def table_of(batch):
    try:
        return batch.table()
    except TableError:  # a file kept from before the limits, over one of them now
        raise Http404 from None


def remembered(batch) -> dict:
    """The mapping this cluster used last time for this kind."""
    stored = ImportMapping.objects.filter(cluster=batch.cluster, kind=batch.kind).first()
    return stored.mapping if stored else {}


def save_mapping(batch, mapping: dict) -> None:
    """The mapping checked (dry run next), and remembered for the cluster's next file."""
    batch.mapping = mapping
    batch.state = ImportBatch.State.CHECKED
    batch.save(update_fields=["mapping", "state"])
    ImportMapping.objects.update_or_create(
        cluster=batch.cluster, kind=batch.kind, defaults={"mapping": mapping}
    )


class AlreadyImported(Exception):
    pass


@transaction.atomic
def commit_batch(pk, actor):
    """Apply a checked batch, in one transaction that first locks the batch: of two
    simultaneous commits of one batch the second waits, then finds it imported."""
    batch = ImportBatch.objects.select_for_update().select_related("cluster").get(pk=pk)
    if batch.state == ImportBatch.State.COMMITTED:
        raise AlreadyImported
    result = kind_of(batch).commit(table_of(batch), batch, actor)
    batch.state = ImportBatch.State.COMMITTED
    batch.committed_at = timezone.now()
    batch.report = {
        "counts": result.counts,
        "rejected": [{"row": o.number, "reason": o.reason} for o in result.rejected],
        "missing": [m.pk for m in getattr(result, "missing", [])],
    }
    batch.save(update_fields=["state", "committed_at", "report"])
    return result


def committed_message(counts: dict) -> str:
    return (
        _(
            "Imported: %(new)d new, %(updated)d updated, %(unchanged)d "
            "unchanged, %(rejected)d rejected."
        )
        % counts
    )


def rejected_sheet(table, wanted: dict) -> Sheet:
    """The rejected rows as they were, with a reason column, to fix and import again;
    `wanted` is row number → reason."""
    rows = [[*cells, wanted[number]] for number, cells in table.rows if number in wanted]
    return Sheet(_("Rejected"), [*table.headers, _("reason")], rows)


def rejected_filename(name: str) -> str:
    return f"{name.rsplit('.', 1)[0]}-rejected.xlsx"
