"""The Generate-report page: the form, the runs with their progress, the files.

For programme readers (reports.generate_report: agency and evaluators); everyone else
gets 404, an anonymous visitor the login page. The HTML report is shown in the browser
under its own strict Content-Security-Policy (its CSS is inline, it has no script)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access
from clustermonitor.programmes.models import Cluster
from clustermonitor.reports import services
from clustermonitor.reports.build import ReportError
from clustermonitor.reports.forms import ReportForm
from clustermonitor.reports.models import ReportRun
from clustermonitor.reports.render import FORMATS

PERM = "reports.generate_report"
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: The report page inlines its CSS and SVG and runs no script.
REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@login_required
@require_http_methods(["GET", "POST"])
def run_list(request):
    access.check(request.user, PERM)
    services.fail_stale_runs()
    clusters = Cluster.objects.order_by("code").only("code", "name")
    form = ReportForm(request.POST or None, clusters=clusters)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.request_run(
                request.user,
                as_of=data["as_of"],
                codes=data["clusters"],
                lang=data["lang"],
                formats=data["formats"],
            )
        except ReportError as error:
            form.add_error(None, str(error))
        else:
            return redirect("reports:run-detail", run.pk)
    runs = ReportRun.objects.select_related("requested_by")[:50]
    return render(request, "reports/run_list.html", {"form": form, "runs": runs})


@login_required
def run_detail(request, pk):
    access.check(request.user, PERM)
    services.fail_stale_runs()
    run = get_object_or_404(ReportRun.objects.select_related("requested_by"), pk=pk)
    if request.htmx and run.state == ReportRun.State.DONE and run.files:
        # The page was waiting for it (it polls only while the run is active): open the
        # report where the user is — the HTML one, or the first file as a download.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = _opened(run)
        return response
    template = "reports/_run_progress.html" if request.htmx else "reports/run_detail.html"
    return render(request, template, {"run": run})


def _opened(run: ReportRun) -> str:
    names = list(run.files)
    html = [n for n in names if n.endswith(".html")]
    if html:
        return reverse("reports:run-file", args=[run.pk, "html"])
    extension = names[0].rsplit(".", 1)[-1]
    return reverse("reports:run-file", args=[run.pk, extension]) + "?download=1"


@login_required
@require_POST
def run_retry(request, pk):
    """Run a failed report again with the same request (a new run; the failed one stays)."""
    access.check(request.user, PERM)
    run = get_object_or_404(ReportRun, pk=pk)
    try:
        new = services.retry_run(request.user, run)
    except ReportError as error:
        messages.error(request, str(error))
        return redirect("reports:run-detail", run.pk)
    return redirect("reports:run-detail", new.pk)


@login_required
def run_file(request, pk, fmt):
    access.check(request.user, PERM)
    run = get_object_or_404(ReportRun, pk=pk)
    if fmt not in FORMATS:
        raise Http404
    path = services.open_file(run, fmt)
    if path is None:
        raise Http404
    if fmt == "html" and request.GET.get("download") != "1":
        response = HttpResponse(path.read_bytes(), content_type=CONTENT_TYPES[fmt])
        response["Content-Security-Policy"] = REPORT_CSP
        return response
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=path.name, content_type=CONTENT_TYPES[fmt]
    )
