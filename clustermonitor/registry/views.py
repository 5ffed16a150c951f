import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clustermonitor.accounts import access
from clustermonitor.core import editing
from clustermonitor.core.paging import page_of
from clustermonitor.registry import quality, selectors, services
from clustermonitor.registry.forms import FirmFiguresForm, KboImportForm, OrganisationForm
from clustermonitor.registry.models import FirmFigures, KboImport, Organisation


@login_required
def organisation_list(request):
    if not (request.user.has_perm("registry.view_registry") or request.user.managed_cluster_ids):
        raise Http404
    query = request.GET.get("q", "")
    rows = selectors.organisations(Organisation.objects.for_user(request.user), query)
    page = page_of(request, rows)
    return render(
        request,
        "registry/organisation_list.html",
        {
            "rows": selectors.with_membership_counts(page.object_list),
            "page": page,
            "total": page.paginator.count,
            "query": query,
        },
    )


@login_required
def organisation_detail(request, pk):
    organisation = access.get_organisation_for_user(request.user, Organisation.objects, pk)
    memberships = access.memberships_for(
        request.user, organisation.memberships.all()
    ).select_related("cluster")
    return render(
        request,
        "registry/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "figures": organisation.figures.all(),
            "can_change": access.can_change_organisation(request.user, organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk):
    organisation = access.changeable_organisation(request.user, Organisation.objects, pk)
    return editing.edit(
        request,
        OrganisationForm,
        instance=organisation,
        save=services.save_organisation,
        success_url=reverse("registry:organisation-detail", args=[organisation.pk]),
        title=_("Edit %(name)s") % {"name": organisation.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def figures_create(request, pk):
    organisation = access.changeable_organisation(request.user, Organisation.objects, pk)
    return editing.edit(
        request,
        FirmFiguresForm,
        form_kwargs={"organisation": organisation},
        save=services.save_figures,
        success_url=reverse("registry:organisation-detail", args=[organisation.pk]),
        title=_("Figures of %(name)s") % {"name": organisation.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def figures_edit(request, pk):
    figures = get_object_or_404(FirmFigures.objects.select_related("organisation"), pk=pk)
    organisation = access.changeable_organisation(
        request.user, Organisation.objects, figures.organisation_id
    )
    return editing.edit(
        request,
        FirmFiguresForm,
        instance=figures,
        form_kwargs={"organisation": organisation},
        save=services.save_figures,
        success_url=reverse("registry:organisation-detail", args=[organisation.pk]),
        title=_("Figures of %(name)s") % {"name": organisation.name},
    )


# -- Data quality --------------------------------------------------------------------


@login_required
def quality_programme(request):
    access.check(request.user, "registry.view_registry")
    # The organisations that were ever a member (the registry sits below the member base:
    # it reaches memberships through their relation, not their app).
    organisations = Organisation.objects.filter(
        pk__in=Organisation.objects.filter(memberships__isnull=False).values("pk")
    )
    return render(
        request, "registry/quality.html", {"checks": quality.checks(organisations), "cluster": None}
    )


# -- KBO enrichment ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def kbo_imports(request):
    access.check(request.user, "registry.run_kbo_import", visible="registry.view_registry")
    form = KboImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from clustermonitor.registry import kbo
        from clustermonitor.registry.tasks import kbo_import_task

        path = _source_path(form)
        upload = form.cleaned_data.get("upload")
        try:
            info = kbo.inspect_source(path, upload.name if upload else None)
        except kbo.KboFormatError as exc:
            if upload:  # a refused upload is not kept
                path.unlink(missing_ok=True)
            form.add_error(None, str(exc))
        else:
            allow_partial = form.cleaned_data.get("confirm_partial", False)
            problem = kbo.partial_full_problem(info, kbo.numbered_organisations())
            if problem and not allow_partial:
                if upload:
                    path.unlink(missing_ok=True)
                form.add_error("confirm_partial", problem)
                return render(
                    request,
                    "registry/kbo_imports.html",
                    {
                        "form": form,
                        "runs": KboImport.objects.all()[:20],
                        "kbo_dir": settings.KBO_DIR,
                    },
                )
            run = KboImport.objects.create(
                # The name it was uploaded with (the server keeps it under a temporary one).
                source=upload.name[:500] if upload else path.name,
                kind=info["kind"],
                extract_date=info.get("extract_date"),
                extract_number=info.get("extract_number") or "",
                started_by=request.user,
            )
            kbo_import_task.enqueue(run.pk, str(path), request.user.pk, allow_partial)
            return redirect("registry:kbo-import-detail", run.pk)
    return render(
        request,
        "registry/kbo_imports.html",
        {"form": form, "runs": KboImport.objects.all()[:20], "kbo_dir": settings.KBO_DIR},
    )


def _source_path(form) -> Path:
    if form.cleaned_data.get("extract"):
        path = (settings.KBO_DIR / form.cleaned_data["extract"]).resolve()
        if settings.KBO_DIR.resolve() not in path.parents:
            raise Http404
        return path
    upload = form.cleaned_data["upload"]
    folder = settings.VAR_DIR / "kbo" / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".zip", delete=False) as handle:
        shutil.copyfileobj(upload, handle)
    return Path(handle.name)


@login_required
def kbo_import_detail(request, pk):
    access.check(request.user, "registry.run_kbo_import", visible="registry.view_registry")
    run = get_object_or_404(KboImport, pk=pk)
    template = "registry/_kbo_progress.html" if request.htmx else "registry/kbo_import_detail.html"
    return render(request, template, {"run": run})
