from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from clustermonitor.core.audit import AUDITED_MODELS
from clustermonitor.core.models import AuditEntry


def _check_audit_reader(user) -> None:
    """The audit pages are the programme manager's (the rule is accounts.access's
    `core.view_audit`); anyone else gets 404, as access.check answers without an object."""
    if not user.has_perm("core.view_audit"):
        raise Http404


@login_required
def audit_log(request):
    _check_audit_reader(request.user)
    entries = AuditEntry.objects.select_related("actor", "content_type")
    via = request.GET.get("via", "")
    if via:
        entries = entries.filter(via=via)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    vias = AuditEntry.objects.order_by("via").values_list("via", flat=True).distinct()
    return render(request, "core/audit_log.html", {"page": page, "via": via, "vias": vias})


@login_required
def object_history(request, model, pk):
    _check_audit_reader(request.user)
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
