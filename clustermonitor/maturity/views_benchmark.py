"""Live benchmarking pages (issue 21): the programme's benchmark for programme readers,
a cluster's for the programme readers and its own manager (anonymised), their .xlsx
downloads, and the upload of the published reference quartiles (programme manager).
Views parse the request, ask accounts.access and render; the figures are
maturity.indicators and analysis.benchmark."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clustermonitor.accounts import access
from clustermonitor.core import audit, paging, tabular
from clustermonitor.core.exporters import xlsx_response
from clustermonitor.maturity import benchmark_pages, exports
from clustermonitor.maturity import benchmark_references as references
from clustermonitor.maturity.forms_benchmark import ReferenceUploadForm
from clustermonitor.maturity.models_ladder import BenchmarkReference
from clustermonitor.maturity.templatetags import benchmark as benchmark_tags
from clustermonitor.programmes.models import Cluster
from clustermonitor.programmes.selectors import current_programme


def _on(request):
    """The day asked for (``?on=``, today by default); None for a day after today: the
    benchmark forecasts nothing (422, as the open figures)."""
    on = paging.date_param(request)
    return None if on > datetime.date.today() else on


def _future(on_text: str) -> HttpResponse:
    return HttpResponse(
        _("%(day)s is after today: the benchmark shows what is known, not forecasts.")
        % {"day": on_text},
        status=422,
        content_type="text/plain; charset=utf-8",
    )


@login_required
def programme_benchmark(request):
    """Every indicator's distribution over the programme's clusters, the published
    reference quartiles beside it, and every cluster's value (agency and evaluators)."""
    access.require_ladder_reader(request.user)
    programme = current_programme(request.GET.get("programme"))
    if programme is None:
        raise Http404
    on = _on(request)
    if on is None:
        return _future(request.GET.get("on", ""))
    found = benchmark_pages.programme_benchmark(programme, on)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"benchmark-{programme.slug}-{on.isoformat()}.xlsx", exports.programme_sheets(found)
        )
    indicators = [r["indicator"] for r in found["rows"]]
    for row in found["clusters"]:
        row["cells"] = benchmark_tags.cells(row["values"], indicators)
    return render(
        request,
        "maturity/benchmark_programme.html",
        {
            "programme": programme,
            "found": found,
            "on": on,
            "can_load": request.user.has_perm(access.LADDER_MANAGE),
        },
    )


@login_required
def cluster_benchmark(request, code):
    """A cluster's values against the programme's quartiles and the reference quartiles;
    its manager never sees another cluster's value, and a distribution over fewer than
    five clusters is suppressed."""
    cluster = access.benchmark_cluster(request.user, Cluster.objects, code)
    on = _on(request)
    if on is None:
        return _future(request.GET.get("on", ""))
    found = benchmark_pages.cluster_benchmark(cluster, on)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"benchmark-{cluster.code.lower()}-{on.isoformat()}.xlsx",
            exports.cluster_sheets(cluster, found),
        )
    return render(
        request,
        "maturity/benchmark_cluster.html",
        {"cluster": cluster, "found": found, "on": on},
    )


@login_required
@require_http_methods(["GET", "POST"])
def reference_upload(request):
    """Load the published reference quartiles from a CSV file (programme manager): all
    rows or none, audited; loading the same file again changes nothing."""
    access.require_benchmark_manager(request.user)
    programme = current_programme(request.GET.get("programme"))
    if programme is None:
        raise Http404
    errors = []
    form = ReferenceUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        read = tabular.read_upload(form)
        if read is not None:
            _data, table = read
            loaded = references.load(audit.Actor(request.user), programme, table)
            errors = loaded.errors
            if not errors:
                messages.success(
                    request,
                    _(
                        "Reference quartiles: %(created)s new, %(changed)s changed, "
                        "%(same)s unchanged."
                    )
                    % {
                        "created": loaded.created,
                        "changed": loaded.changed,
                        "same": loaded.unchanged,
                    },
                )
                return redirect(reverse("programmes:benchmark-references"))
    return render(
        request,
        "maturity/benchmark_references.html",
        {
            "form": form,
            "errors": errors,
            "references": BenchmarkReference.objects.filter(programme=programme).order_by(
                "indicator", "-published_on", "source"
            ),
            "columns": ",".join(references.COLUMNS),
        },
    )
