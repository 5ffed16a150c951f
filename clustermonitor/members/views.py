from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access
from clustermonitor.core import confirm, editing
from clustermonitor.core.exporters import xlsx_response
from clustermonitor.core.imports import wizard
from clustermonitor.core.pagecache import kept_page
from clustermonitor.core.paging import page_of, sorted_by
from clustermonitor.core.templatetags.format import format_number
from clustermonitor.members import exports, import_kinds, importing, selectors, services
from clustermonitor.members.forms import (
    ContactForm,
    MembershipForm,
    NewMemberForm,
)
from clustermonitor.members.kept import reads_members
from clustermonitor.members.models import Contact, Membership
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry import enterprise, quality
from clustermonitor.registry import selectors as registry_selectors
from clustermonitor.registry.models import Organisation

STATES = ("active", "ended", "all")


# -- Member list ---------------------------------------------------------------------


#: ?sort= of the member list and its download → the ordering (ties by name, then pk).
SORTS = {
    "name": ("organisation__name", "start_date", "pk"),
    "-name": ("-organisation__name", "-start_date", "-pk"),
    "number": ("organisation__enterprise_number", "organisation__name", "pk"),
    "-number": ("-organisation__enterprise_number", "organisation__name", "pk"),
    "start": ("start_date", "organisation__name", "pk"),
    "-start": ("-start_date", "organisation__name", "pk"),
}


def _list_params(request):
    state = request.GET.get("state", "active")
    return {"state": state if state in STATES else "active", "query": request.GET.get("q", "")}


def _member_rows(request, cluster):
    """The filtered, sorted memberships of the list and its download, and the sort key."""
    sort, ordering = sorted_by(request, SORTS, "name")
    return selectors.member_rows(cluster, **_list_params(request)).order_by(*ordering), sort


@login_required
@kept_page(reads_members)
def member_list(request, code):
    cluster = access.get_cluster_members_for_user(request.user, Cluster.objects, code)
    params = _list_params(request)
    rows, sort = _member_rows(request, cluster)
    page = page_of(request, rows)
    context = {
        "cluster": cluster,
        "rows": selectors.with_contact_counts(page.object_list),
        "page": page,
        "sort": sort,
        "params": params,
        "states": [("active", _("current")), ("ended", _("ended")), ("all", _("all"))],
        "can_change": request.user.has_perm("members.change_members", cluster),
        "can_see_contacts": request.user.has_perm("members.view_contacts", cluster),
        "query": request.GET.urlencode(),
    }
    template = "members/_member_table.html" if request.htmx else "members/member_list.html"
    return render(request, template, context)


@login_required
def member_list_xlsx(request, code):
    cluster = access.get_cluster_members_for_user(request.user, Cluster.objects, code)
    rows, _sort = _member_rows(request, cluster)  # every row, in the list's order
    sheet = exports.member_list_sheet(rows)
    return xlsx_response(f"members-{cluster.code}.xlsx", [sheet])


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request, code):
    """Add a member by hand: find it in the registry or the KBO lookup, or type it in."""
    cluster = access.get_cluster_members_for_user(
        request.user, Cluster.objects, code, "members.change_members"
    )
    if request.method == "POST":
        form = NewMemberForm(request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "start_date"}
            try:
                membership = services.add_member(
                    editing.actor(request), cluster, data, form.cleaned_data["start_date"]
                )
            except ValidationError as exc:
                form.add_error(None, services.describe(exc))
            else:
                messages.success(
                    request, _("%(name)s is now a member.") % {"name": membership.organisation.name}
                )
                return redirect("members:membership-detail", membership.pk)
    else:
        prefill = {k: v for k, v in request.GET.items() if k in NewMemberForm.base_fields}
        form = NewMemberForm(initial=prefill)
    return render(request, "members/member_add.html", {"cluster": cluster, "form": form})


@login_required
def member_lookup(request, code):
    """Candidates for a new member, from our registry and from the KBO lookup (htmx)."""
    cluster = access.get_cluster_members_for_user(
        request.user, Cluster.objects, code, "members.change_members"
    )
    query = request.GET.get("q", "").strip()
    kbo_hits = []
    if len(query) >= 2:
        from clustermonitor.registry import kbo

        kbo_hits = kbo.search_lookup(query, limit=10)
    return render(
        request,
        "members/_lookup.html",
        {
            "cluster": cluster,
            "query": query,
            "registry": registry_selectors.registry_matches(
                query, Organisation.objects.for_user(request.user)
            ),
            "kbo": kbo_hits,
        },
    )


# -- One membership and its contacts -------------------------------------------------


@login_required
def membership_detail(request, pk):
    membership = access.membership_for(request.user, Membership.objects, pk)
    cluster = membership.cluster
    can_see_contacts = request.user.has_perm("members.view_contacts", cluster)
    return render(
        request,
        "members/membership_detail.html",
        {
            "membership": membership,
            "organisation": membership.organisation,
            "cluster": cluster,
            "contacts": membership.contacts.all() if can_see_contacts else None,
            "can_change": request.user.has_perm("members.change_members", cluster),
            "other_memberships": membership.organisation.memberships.exclude(pk=membership.pk)
            .filter(
                cluster__in=access.memberships_for(request.user, Membership.objects.all()).values(
                    "cluster"
                )
            )
            .select_related("cluster"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_edit(request, pk):
    membership = access.membership_for(
        request.user, Membership.objects, pk, "members.change_members"
    )
    return editing.edit(
        request,
        MembershipForm,
        instance=membership,
        save=services.save_membership,
        success_url=reverse("members:membership-detail", args=[membership.pk]),
        title=_("Membership of %(name)s") % {"name": membership.organisation.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request, pk):
    membership = access.membership_for(request.user, Membership.objects, pk)
    access.check_contacts(request.user, membership)
    return editing.edit(
        request,
        ContactForm,
        form_kwargs={"membership": membership},
        save=services.save_contact,
        success_url=reverse("members:membership-detail", args=[membership.pk]),
        title=_("New contact person for %(name)s") % {"name": membership.organisation.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk):
    contact = access.contact_for(request.user, Contact.objects, pk)
    return editing.edit(
        request,
        ContactForm,
        instance=contact,
        form_kwargs={"membership": contact.membership},
        save=services.save_contact,
        success_url=reverse("members:membership-detail", args=[contact.membership_id]),
        title=_("Edit contact person"),
    )


@login_required
@require_POST
def contact_delete(request, pk):
    contact = access.contact_for(request.user, Contact.objects, pk)
    if not confirm.confirmed(request):
        return confirm.ask_removal(
            request,
            contact,
            cancel_url=reverse("members:membership-detail", args=[contact.membership_id]),
        )
    services.delete_contact(editing.actor(request), contact)
    messages.success(request, _("Contact person deleted."))
    return redirect("members:membership-detail", contact.membership_id)


# -- Import wizard -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, code):
    cluster = access.get_cluster_members_for_user(
        request.user, Cluster.objects, code, "members.change_members"
    )
    return wizard.upload_step(request, cluster, "members")


@login_required
@require_http_methods(["GET", "POST"])
def contribution_import_upload(request, code):
    cluster = access.get_cluster_members_for_user(
        request.user, Cluster.objects, code, "members.change_members"
    )
    return wizard.upload_step(request, cluster, "contributions")


@login_required
@require_POST
def import_end_missing(request, pk):
    batch = wizard.batch_for(request, pk)
    form = import_kinds.end_form(batch, request.POST)
    if form is None:
        raise Http404
    if form.is_valid() and not confirm.confirmed(request):
        chosen = list(form.cleaned_data["memberships"])
        n = len(chosen)
        return confirm.ask(
            request,
            title=_("Confirm end dates"),
            question=ngettext(
                "End %(n)s membership on %(date)s?",
                "End %(n)s memberships on %(date)s?",
                n,
            )
            % {
                "n": format_number(n),
                "date": form.cleaned_data["end_date"].strftime("%d/%m/%Y"),
            },
            details=[
                ", ".join(m.organisation.name for m in chosen[:20]) + (" …" if n > 20 else ""),
                _("An ended membership no longer counts from that day on."),
            ],
            button=_("Yes, end them"),
            cancel_url=reverse("imports:import-detail", args=[batch.pk]),
            keep=["memberships", "end_date"],
        )
    if form.is_valid():
        count = importing.end_memberships(
            editing.actor(request), form.cleaned_data["memberships"], form.cleaned_data["end_date"]
        )
        messages.success(request, _("%(count)d memberships ended.") % {"count": count})
    else:
        messages.error(request, _("Choose the memberships and an end date."))
    return redirect("imports:import-detail", batch.pk)


def validate_number(text: str) -> str | None:
    """For templates and the API: the number shown the KBO way, or None if invalid."""
    try:
        return enterprise.display(enterprise.normalise(text))
    except enterprise.InvalidEnterpriseNumber:
        return None


@login_required
def quality_cluster(request, code):
    """The data-quality checks of the registry (registry/quality.py) on a cluster's
    running members."""
    cluster = access.get_cluster_members_for_user(request.user, Cluster.objects, code)
    organisations = Organisation.objects.filter(
        pk__in=cluster.memberships.filter(end_date__isnull=True).values("organisation")
    )
    return render(
        request,
        "registry/quality.html",
        {"checks": quality.checks(organisations), "cluster": cluster},
    )
