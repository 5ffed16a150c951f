"""A cluster's mailings: the list, the editor, the preview with a test send, sending in
the background with its progress, and the consents and suppression list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access
from clustermonitor.core import segments
from clustermonitor.core.editing import actor
from clustermonitor.mailings import render as mail_render
from clustermonitor.mailings import services
from clustermonitor.mailings.forms import ConsentForm, MailingForm, SuppressionForm, TestSendForm
from clustermonitor.mailings.models import Consent, Mailing, Suppression
from clustermonitor.programmes.models import Cluster


def _segment_label(cluster, choice: str) -> str:
    return dict(segments.options(cluster, timezone.localdate())).get(choice, choice)


@login_required
def mailing_list(request, code):
    cluster = access.mailings_cluster(request.user, Cluster.objects, code)
    page = Paginator(Mailing.objects.filter(cluster=cluster).order_by("-created_at", "-pk"), 50)
    return render(
        request,
        "mailings/mailing_list.html",
        {
            "cluster": cluster,
            "page": page.get_page(request.GET.get("page")),
            "can_send": request.user.has_perm(access.MAILINGS_SEND, cluster),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def mailing_new(request, code):
    cluster = access.mailings_cluster(request.user, Cluster.objects, code, access.MAILINGS_SEND)
    return _edit(request, cluster, Mailing(cluster=cluster))


@login_required
@require_http_methods(["GET", "POST"])
def mailing_edit(request, code, pk):
    mailing = access.mailing_for(request.user, Mailing.objects, code, pk, access.MAILINGS_SEND)
    if mailing.status != Mailing.Status.DRAFT:
        messages.error(request, _("A mailing that was sent cannot be changed."))
        return redirect("mailings:mailing-detail", code, mailing.pk)
    return _edit(request, mailing.cluster, mailing)


def _edit(request, cluster, mailing):
    form_kwargs = {"cluster": cluster, "on": timezone.localdate(), "instance": mailing}
    if request.method == "POST":
        form = MailingForm(request.POST, **form_kwargs)
        if form.is_valid():
            saved = services.save_draft(actor(request), form.save(commit=False))
            messages.success(request, _("Draft saved."))
            return redirect("mailings:mailing-detail", cluster.code, saved.pk)
    else:
        form = MailingForm(**form_kwargs)
    return render(
        request,
        "mailings/mailing_form.html",
        {"cluster": cluster, "form": form, "mailing": mailing},
    )


@login_required
def mailing_detail(request, code, pk):
    mailing = access.mailing_for(request.user, Mailing.objects, code, pk)
    draft = mailing.status == Mailing.Status.DRAFT
    context = {
        "cluster": mailing.cluster,
        "mailing": mailing,
        "segment": _segment_label(mailing.cluster, mailing.segment),
        "can_send": request.user.has_perm(access.MAILINGS_SEND, mailing.cluster),
        "html_nl": mail_render.html(mailing.body_nl),
        "html_en": mail_render.html(mailing.body_en) if mailing.body_en else "",
        "test_form": TestSendForm(),
        "own_address": request.user.email,
    }
    if draft:
        context["expected"] = services.counts(services.plan(mailing, timezone.localdate()))
    return render(request, "mailings/mailing_detail.html", context)


@login_required
def mailing_progress(request, code, pk):
    """The counts while it is being sent (polled by htmx every two seconds)."""
    mailing = access.mailing_for(request.user, Mailing.objects, code, pk)
    return render(request, "mailings/_progress.html", {"mailing": mailing})


@login_required
@require_POST
def mailing_test_send(request, code, pk):
    mailing = access.mailing_for(request.user, Mailing.objects, code, pk, access.MAILINGS_SEND)
    form = TestSendForm(request.POST)
    if not request.user.email:
        messages.error(request, _("Your profile has no e-mail address to send the test to."))
    elif form.is_valid():
        services.test_send(
            actor(request), mailing, request.user.email, form.cleaned_data["language"]
        )
        messages.success(request, _("Test sent to %(address)s.") % {"address": request.user.email})
    return redirect("mailings:mailing-detail", code, mailing.pk)


@login_required
@require_POST
def mailing_send(request, code, pk):
    mailing = access.mailing_for(request.user, Mailing.objects, code, pk, access.MAILINGS_SEND)
    if services.queue(actor(request), mailing):
        messages.success(request, _("The mailing is being sent."))
    else:
        messages.info(request, _("This mailing was already sent."))
    return redirect("mailings:mailing-detail", code, mailing.pk)


@login_required
@require_http_methods(["GET", "POST"])
def consent_list(request, code):
    """The cluster's consents and suppression list; its manager records a consent or
    suppresses an address by hand."""
    cluster = access.mailings_cluster(request.user, Cluster.objects, code)
    can_send = request.user.has_perm(access.MAILINGS_SEND, cluster)
    form = ConsentForm(initial={"given_on": timezone.localdate()})
    if request.method == "POST":
        access.mailings_cluster(request.user, Cluster.objects, code, access.MAILINGS_SEND)
        form = ConsentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            services.record_consent(
                actor(request),
                cluster,
                data["email"],
                basis=data["basis"],
                given_on=data["given_on"],
                source=data["source"],
                language=data["language"],
            )
            messages.success(request, _("Consent recorded."))
            return redirect("mailings:consent-list", code)
    consents = Paginator(
        Consent.objects.filter(cluster=cluster).order_by("email", "purpose"), 100
    ).get_page(request.GET.get("page"))
    suppressed = Suppression.objects.filter(cluster=cluster).order_by("email")[:500]
    return render(
        request,
        "mailings/consent_list.html",
        {
            "cluster": cluster,
            "consents": consents,
            "suppressed": suppressed,
            "form": form,
            "suppression_form": SuppressionForm(),
            "can_send": can_send,
        },
    )


@login_required
@require_POST
def suppression_add(request, code):
    cluster = access.mailings_cluster(request.user, Cluster.objects, code, access.MAILINGS_SEND)
    form = SuppressionForm(request.POST)
    if form.is_valid():
        services.suppress(
            actor(request),
            cluster,
            form.cleaned_data["email"],
            Suppression.Reason.MANUAL,
            form.cleaned_data["note"],
        )
        messages.success(request, _("The address is on the suppression list."))
    else:
        messages.error(request, _("Enter a valid e-mail address."))
    return redirect(reverse("mailings:consent-list", args=[code]) + "#suppressed")
