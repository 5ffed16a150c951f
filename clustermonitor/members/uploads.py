"""Step 1 of every import (members, contributions, collaborations, attendees): the
upload form of the kind, the file kept as an ImportBatch. The views of each app call it
after their own access check; it renders the upload page or redirects to the batch."""

import datetime
import hashlib

from django.shortcuts import redirect, render

from clustermonitor.core import tabular
from clustermonitor.members.import_kinds import KINDS
from clustermonitor.members.models import ImportBatch


def upload_step(request, cluster, kind_name: str, initial=None):
    """Step 1 of every import: the file and the options of its kind."""
    kind = KINDS[kind_name]
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
            return redirect("members:import-detail", batch.pk)
    recent = ImportBatch.objects.filter(cluster=cluster, kind=kind.kind)[:10]
    return render(
        request,
        "members/import_upload.html",
        {"cluster": cluster, "form": form, "recent": recent, "kind": kind},
    )
