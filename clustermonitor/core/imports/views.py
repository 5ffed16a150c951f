"""The import wizard's pages for every kind kept as an ImportBatch: preview and mapping,
dry run, commit, rejected rows. Each app's own upload page calls wizard.upload_step."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.core import editing
from clustermonitor.core.exporters import xlsx_response
from clustermonitor.core.imports import wizard
from clustermonitor.core.imports.forms import MappingForm
from clustermonitor.core.imports.models import ImportBatch
from clustermonitor.core.templatetags.format import format_date

_batch_for = wizard.batch_for

# The wizard's parts of the shared import page (templates/imports/import_detail.html);
# a kind adds its own in kind.parts, included inside these.
IMPORT_PARTS = {
    "mapping": "imports/_import_mapping.html",
    "dry_run": "imports/_import_dry_run.html",
    "committed": "imports/_import_committed.html",
}


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request, pk):
    """Preview and mapping; after the dry run its report; after the commit its result."""
    batch = _batch_for(request, pk)
    kind = wizard.kind_of(batch)
    table = wizard.table_of(batch)
    mapping = batch.mapping or kind.suggest(table, wizard.remembered(batch))
    form = MappingForm(
        request.POST or None,
        headers=table.headers,
        initial_mapping=mapping,
        labels=kind.labels,
        required_any=kind.required_any,
    )
    committed = batch.state == ImportBatch.State.COMMITTED
    if request.method == "POST" and not committed and form.is_valid():
        wizard.save_mapping(batch, form.mapping)
        return redirect("imports:import-detail", batch.pk)
    result = None
    if batch.state == ImportBatch.State.CHECKED:
        result = kind.plan(table, batch, request.user)
    return render(
        request,
        "imports/import_detail.html",
        {
            "name": batch.original_name,
            "source": kind.title,
            "owner": batch.cluster.name,
            "state_label": batch.get_state_display(),
            "scope": kind.scope(batch) if kind.scope else "",
            "done_url": kind.done_url(batch),
            "commit_url": reverse("imports:import-commit", args=[batch.pk]),
            "parts": IMPORT_PARTS,
            "table_class": "data",
            "batch": batch,
            "kind": kind,
            "cluster": batch.cluster,
            "table": table,
            "preview": table.rows[:10],
            "show_preview": True,
            "form": form,
            "result": result,
            "can_commit": result is not None,
            "committed": committed,
            "committed_note": format_date(batch.committed_at),
            "report": batch.report,
            **(kind.extra_context(batch, committed) if kind.extra_context else {}),
        },
    )


#: A commit that lost a race (another import inserted the same organisation between
#: its plan and its insert) is planned and applied again this many times.
COMMIT_ATTEMPTS = 2


@login_required
@require_POST
def import_commit(request, pk):
    batch = _batch_for(request, pk)
    if batch.state != ImportBatch.State.CHECKED:
        messages.error(request, _("Check the file (dry run) before importing it."))
        return redirect("imports:import-detail", batch.pk)
    for attempt in range(1, COMMIT_ATTEMPTS + 1):
        try:
            result = wizard.commit_batch(batch.pk, editing.actor(request))
            break
        except wizard.AlreadyImported:
            messages.info(request, _("This file was imported already."))
            return redirect("imports:import-detail", batch.pk)
        except IntegrityError:
            if attempt == COMMIT_ATTEMPTS:
                messages.error(
                    request,
                    _(
                        "Another import changed the same records at the same moment, so "
                        "nothing of this file was imported. Check the file again (dry run) "
                        "and import it."
                    ),
                )
                return redirect("imports:import-detail", batch.pk)
    messages.success(request, wizard.committed_message(result.counts))
    return redirect("imports:import-detail", batch.pk)


@login_required
def import_rejected(request, pk):
    """The rejected rows as they were, with a reason column, to fix and import again."""
    batch = _batch_for(request, pk)
    if not batch.mapping:
        raise Http404
    table = wizard.table_of(batch)
    if batch.state == ImportBatch.State.COMMITTED:
        wanted = {r["row"]: r["reason"] for r in batch.report.get("rejected", [])}
    else:
        plan = wizard.kind_of(batch).plan(table, batch, request.user)
        wanted = {o.number: o.reason for o in plan.rejected}
    sheet = wizard.rejected_sheet(table, wanted)
    return xlsx_response(wizard.rejected_filename(batch.original_name), [sheet])
