from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from clustermonitor.core import permissions
from clustermonitor.core.audit import AUDITED_MODELS
from clustermonitor.core.models import AuditEntry


@login_required
def audit_log(request):
    permissions.check(request.user, "core.view_audit")
    entries = AuditEntry.objects.select_related("actor", "content_type")
    via = request.GET.get("via", "")
    if via:
        entries = entries.filter(via=via)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    vias = AuditEntry.objects.order_by("via").values_list("via", flat=True).distinct()
    return render(request, "core/audit_log.html", {"page": page, "via": via, "vias": vias})


@login_required
def object_history(request, model, pk):
    permissions.check(request.user, "core.view_audit")
    if model not in AUDITED_MODELS:
        raise Http404
    app_label, model_name = AUDITED_MODELS[model]
    content_type = ContentType.objects.get_by_natural_key(app_label, model_name)
    entries = AuditEntry.objects.filter(content_type=content_type, object_id=str(pk))
    instance = content_type.model_class()._default_manager.filter(pk=pk).first()
    if instance is None and not entries.exists():
        raise Http404
    return render(
        request,
        "core/object_history.html",
        {
            "entries": entries.select_related("actor"),
            "instance": instance,
            "label": str(instance) if instance else entries.first().object_repr,
        },
    )


@require_safe
def healthz(request):
    """Liveness for a load balancer or a monitor: the process answers. Public, no
    database, no template (also the trivial endpoint of bench/web)."""
    return HttpResponse("ok\n", content_type="text/plain")
