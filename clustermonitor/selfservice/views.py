"""A member company's own pages ("Mijn organisatie"), its personal data, and the board of
offers and requests. Every page starts from the account's one organisation
(access.member_account): an id in the URL or the form is looked up among its records."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access
from clustermonitor.core import audit, confirm
from clustermonitor.core.paging import page_of
from clustermonitor.core.panels import panels
from clustermonitor.members.models import Contact
from clustermonitor.programmes.models import Cluster
from clustermonitor.selfservice import selectors, services
from clustermonitor.selfservice.forms import (
    CompetenceProfileForm,
    InterestForm,
    MemberContactForm,
    PostingForm,
)
from clustermonitor.selfservice.models import (
    CompetenceProfile,
    ErasureRequest,
    Interest,
    MemberAccount,
    Posting,
    Technology,
)


def _account(request) -> MemberAccount:
    return access.member_account(request.user, MemberAccount.objects)


def _actor(request):
    return audit.Actor(request.user, "web")


@login_required
def home(request):
    account = _account(request)
    organisation = account.organisation
    shown = []
    for panel in panels():
        shown.append({"panel": panel, "rows": panel.rows(organisation, request.user)})
    profile = (
        CompetenceProfile.objects.filter(organisation=organisation)
        .prefetch_related("technologies")
        .first()
    )
    return render(
        request,
        "selfservice/home.html",
        {"organisation": organisation, "panels": shown, "profile": profile},
    )


def _own_memberships(organisation):
    return selectors.memberships(organisation).filter(end_date__isnull=True)


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request):
    organisation = _account(request).organisation
    form = MemberContactForm(request.POST or None, memberships=_own_memberships(organisation))
    if request.method == "POST" and form.is_valid():
        services.save_contact(_actor(request), form.save(commit=False))
        messages.success(request, _("Contact person added."))
        return redirect("selfservice:home")
    return render(request, "selfservice/contact_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk):
    organisation = _account(request).organisation
    contact = access.own_contact(organisation, Contact.objects, pk)
    form = MemberContactForm(
        request.POST or None, instance=contact, memberships=_own_memberships(organisation)
    )
    if request.method == "POST" and form.is_valid():
        services.save_contact(_actor(request), form.save(commit=False))
        messages.success(request, _("Contact person saved."))
        return redirect("selfservice:home")
    return render(request, "selfservice/contact_form.html", {"form": form, "contact": contact})


@login_required
@require_POST
def contact_delete(request, pk):
    organisation = _account(request).organisation
    contact = access.own_contact(organisation, Contact.objects, pk)
    if not confirm.confirmed(request):
        return confirm.ask(
            request,
            title=_("Remove the contact person"),
            question=_("Remove %(name)s as a contact person of your organisation?")
            % {"name": contact.name},
            details=[_("The cluster no longer writes to this person about the membership.")],
            button=_("Yes, remove"),
            cancel_url=reverse("selfservice:home"),
        )
    services.delete_contact(_actor(request), contact)
    messages.success(request, _("Contact person removed."))
    return redirect("selfservice:home")


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    organisation = _account(request).organisation
    profile = CompetenceProfile.objects.filter(organisation=organisation).first()
    form = CompetenceProfileForm.for_profile(profile, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.save_profile(
            _actor(request),
            organisation,
            technology_names=data["technologies"],
            offers=data["offers"],
            seeks=data["seeks"],
            visibility=data["visibility"],
        )
        messages.success(request, _("Competence profile saved."))
        return redirect("selfservice:home")
    return render(
        request,
        "selfservice/profile_form.html",
        {"form": form, "known": Technology.objects.order_by("key")[:300]},
    )


@login_required
def directory(request):
    organisation = _account(request).organisation
    profiles = selectors.fellow_profiles(organisation, timezone.localdate())
    return render(
        request,
        "selfservice/directory.html",
        {"organisation": organisation, "page": page_of(request, profiles)},
    )


# -- Personal data -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def personal_data(request):
    account = _account(request)
    if request.method == "POST":
        if not confirm.confirmed(request):
            return confirm.ask(
                request,
                title=_("Remove my data"),
                question=_("Ask the cluster to remove the personal data kept about you?"),
                details=[
                    _("Your account is closed when the request is carried out."),
                    _("What the law requires is kept, as this page explains."),
                ],
                button=_("Yes, ask for removal"),
                cancel_url=reverse("selfservice:personal-data"),
            )
        services.ask_erasure(_actor(request), account)
        messages.success(
            request, _("Your request has been filed; the cluster's manager carries it out.")
        )
        return redirect("selfservice:personal-data")
    requests = ErasureRequest.objects.filter(user=request.user).order_by("-requested_at")
    return render(
        request,
        "selfservice/personal_data.html",
        {"organisation": account.organisation, "requests": requests},
    )


@login_required
def personal_data_download(request):
    _account(request)
    data = selectors.personal_data(request.user)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


# -- Offers and requests -----------------------------------------------------------------


@login_required
def board(request):
    organisation = _account(request).organisation
    kind = request.GET.get("kind", "")
    kind = kind if kind in Posting.Kind.values else ""
    technology = request.GET.get("technology", "")[:60]
    postings = selectors.board(organisation, timezone.localdate(), kind=kind, technology=technology)
    return render(
        request,
        "selfservice/board.html",
        {
            "organisation": organisation,
            "page": page_of(request, postings),
            "kind": kind,
            "kinds": Posting.Kind.choices,
            "technology": technology,
        },
    )


def _posting_clusters(organisation):
    today = timezone.localdate()
    return Cluster.objects.filter(pk__in=selectors.own_clusters(organisation, today)).order_by(
        "code"
    )


@login_required
@require_http_methods(["GET", "POST"])
def posting_create(request):
    organisation = _account(request).organisation
    form = PostingForm(request.POST or None, clusters=_posting_clusters(organisation))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        posting = services.post(
            _actor(request),
            organisation,
            data["cluster"],
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            technology_names=data["technologies"],
            reach=data["reach"],
        )
        messages.success(request, _("Posted on the board."))
        return redirect("selfservice:posting-detail", posting.pk)
    return render(request, "selfservice/posting_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def posting_detail(request, pk):
    organisation = _account(request).organisation
    today = timezone.localdate()
    posting = selectors.posting_for_member(organisation, pk, today)
    own = posting.organisation_id == organisation.pk
    answered = Interest.objects.filter(posting=posting, organisation=organisation).first()
    form = None
    if not own and answered is None and posting.status == Posting.Status.OPEN:
        form = InterestForm(
            request.POST or None,
            clusters=selectors.interest_clusters(organisation, posting, today),
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.express_interest(
                    _actor(request),
                    posting,
                    organisation,
                    form.cleaned_data["cluster"],
                    form.cleaned_data["message"],
                )
            except services.RefusedError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Your interest has been sent."))
            return redirect("selfservice:posting-detail", posting.pk)
    elif request.method == "POST":
        messages.error(request, _("This offer or request cannot be answered."))
        return redirect("selfservice:posting-detail", posting.pk)
    interests = (
        posting.interests.select_related("organisation", "cluster", "collaboration") if own else []
    )
    return render(
        request,
        "selfservice/posting_detail.html",
        {
            "posting": posting,
            "own": own,
            "answered": answered,
            "form": form,
            "interests": interests,
            "technologies": posting.technologies.order_by("key"),
        },
    )


@login_required
@require_POST
def posting_close(request, pk):
    organisation = _account(request).organisation
    posting = selectors.posting_for_member(organisation, pk, timezone.localdate())
    if posting.organisation_id != organisation.pk:
        raise PermissionDenied
    services.close(_actor(request), posting)
    messages.success(request, _("Closed: it is no longer on the board."))
    return redirect("selfservice:posting-detail", posting.pk)


@login_required
@require_POST
def interest_accept(request, pk):
    """The poster accepts an answer: only an answer to one of its own organisation's
    offers or requests (404 for any other, whatever the id)."""
    organisation = _account(request).organisation
    interest = (
        Interest.objects.select_related("posting")
        .filter(pk=pk, posting__organisation=organisation)
        .first()
    )
    if interest is None:
        raise Http404
    try:
        collaboration = services.accept(_actor(request), interest)
    except services.RefusedError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Accepted: the collaboration “%(title)s” is proposed to the cluster as an idea.")
            % {"title": collaboration.title},
        )
    return redirect("selfservice:posting-detail", interest.posting_id)
