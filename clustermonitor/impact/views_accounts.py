"""The annual accounts' page (issue 20): the programme manager uploads them; programme
readers see past imports and the coverage. The estimate's pages are elsewhere."""

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from clustermonitor.accounts import access
from clustermonitor.core import audit, memo
from clustermonitor.impact import accounts_import
from clustermonitor.impact.accounts_selectors import coverage
from clustermonitor.impact.forms import AccountsUploadForm
from clustermonitor.impact.models import AccountsImport, AnnualAccounts


def _keep(upload) -> Path:
    """The upload in a file of its own on the server (its name is never used there)."""
    folder = Path(settings.VAR_DIR) / "impact" / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(upload.name).suffix.lower()
    with tempfile.NamedTemporaryFile(dir=folder, suffix=suffix, delete=False) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return Path(handle.name)


@login_required
@require_http_methods(["GET", "POST"])
def accounts_imports(request):
    access.require_impact_reader(request.user)
    may_import = request.user.has_perm(access.IMPACT_IMPORT)
    form = AccountsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        access.check(request.user, access.IMPACT_IMPORT, visible=access.IMPACT_PROGRAMME)
        if form.is_valid():
            upload = form.cleaned_data["upload"]
            path = _keep(upload)
            sha256, size = accounts_import.sha256_of(path)
            run = AccountsImport.objects.create(
                source=Path(upload.name).name[:255],
                sha256=sha256,
                size=size,
                started_by=request.user,
                via="web",
            )
            if size <= settings.ACCOUNTS_SYNC_MAX_BYTES:
                try:
                    accounts_import.run_import(run, path, actor=audit.Actor(request.user, "web"))
                except accounts_import.AccountsFormatError:
                    pass  # recorded on the run and shown on its page
                finally:
                    path.unlink(missing_ok=True)
            else:
                from clustermonitor.impact.tasks import accounts_import_task

                accounts_import_task.enqueue(run.pk, str(path), request.user.pk)
            return redirect("impact:accounts-import-detail", run.pk)
    return render(
        request,
        "impact/accounts_imports.html",
        {
            "form": form if may_import else None,
            "runs": AccountsImport.objects.select_related("started_by")[:20],
            "coverage": memo.memo("impact-coverage", _coverage_version, coverage),
            "sync_mb": settings.ACCOUNTS_SYNC_MAX_BYTES // (1024 * 1024),
            "limit_mb": settings.ACCOUNTS_UPLOAD_MAX_BYTES // (1024 * 1024),
        },
    )


def _coverage_version():
    """The coverage is kept until accounts, organisations or memberships change."""
    from clustermonitor.members.models import Membership
    from clustermonitor.registry.models import Organisation

    return memo.data_version(AnnualAccounts, Organisation, Membership)


@login_required
def accounts_import_detail(request, pk):
    access.require_impact_reader(request.user)
    run = get_object_or_404(AccountsImport, pk=pk)
    return render(request, "impact/accounts_import_detail.html", {"run": run})
