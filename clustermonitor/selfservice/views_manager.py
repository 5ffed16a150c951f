"""The cluster manager's side of self-service: invite a member's contact person, decide
whether the cluster's offers and requests may cross clusters, see the cluster's offers,
requests and proposed collaborations, and carry out erasure requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clustermonitor.accounts import access
from clustermonitor.core import audit, confirm
from clustermonitor.members.models import Contact
from clustermonitor.programmes.models import Cluster
from clustermonitor.selfservice import selectors, services
from clustermonitor.selfservice.forms import MatchingForm
from clustermonitor.selfservice.models import ErasureRequest


@login_required
def cluster_page(request, code):
    cluster = access.self_service_cluster(request.user, Cluster.objects, code)
    context = selectors.cluster_page(cluster)
    context["cluster"] = cluster
    context["can_manage"] = request.user.has_perm(access.SELF_SERVICE_MANAGE, cluster)
    context["matching_form"] = MatchingForm(
        initial={"allow_cross_cluster": context["allow_cross_cluster"]}
    )
    return render(request, "selfservice/cluster.html", context)


@login_required
@require_POST
def matching(request, code):
    cluster = access.self_service_cluster(
        request.user, Cluster.objects, code, access.SELF_SERVICE_MANAGE
    )
    form = MatchingForm(request.POST)
    if form.is_valid():
        services.set_matching(
            audit.Actor(request.user, "web"), cluster, form.cleaned_data["allow_cross_cluster"]
        )
        messages.success(request, _("Matching setting saved."))
    return redirect("selfservice:cluster", cluster.code)


@login_required
@require_POST
def invite(request, pk):
    contact = access.contact_to_invite(request.user, Contact.objects, pk)
    cluster = contact.membership.cluster
    try:
        account = services.invite(
            audit.Actor(request.user, "web"), contact, request.build_absolute_uri("/")
        )
    except services.RefusedError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(name)s received a link to %(organisation)s's page (account %(username)s).")
            % {
                "name": contact.name,
                "organisation": account.organisation.name,
                "username": account.user.username,
            },
        )
    return redirect("selfservice:cluster", cluster.code)


@login_required
@require_POST
def erasure_carry_out(request, pk):
    erasure = access.erasure_request_for(request.user, ErasureRequest.objects, pk)
    membership = erasure.organisation.memberships.select_related("cluster").order_by("-start_date")
    codes = [
        m.cluster.code
        for m in membership
        if request.user.has_perm(access.SELF_SERVICE_MANAGE, m.cluster)
    ]
    back = reverse("selfservice:cluster", args=[codes[0]]) if codes else reverse("programmes:home")
    if not confirm.confirmed(request):
        return confirm.ask(
            request,
            title=_("Carry out the erasure request"),
            question=_("Remove the personal data of this contact of %(organisation)s?")
            % {"organisation": erasure.organisation.name},
            details=[
                _(
                    "Their contact-person records and account are removed; the company's fees, "
                    "attendance and collaborations are kept (without their name)."
                ),
                _("This cannot be undone."),
            ],
            button=_("Yes, remove the data"),
            cancel_url=back,
        )
    outcome = services.carry_out_erasure(audit.Actor(request.user, "web"), erasure)
    messages.success(
        request,
        _(
            "Carried out: %(contacts)d contact records removed, %(names)d names removed from "
            "attendance, account closed: %(account)s."
        )
        % {
            "contacts": outcome["contacts"],
            "names": outcome["attendance_names"],
            "account": _("yes") if outcome["account"] else _("no"),
        },
    )
    return redirect(back)
