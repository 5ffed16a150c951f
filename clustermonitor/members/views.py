from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access
from clustermonitor.core import editing
from clustermonitor.core.exporters import Sheet, xlsx_response
from clustermonitor.core.pagecache import kept_page, reads_members
from clustermonitor.core.paging import page_of, sorted_by
from clustermonitor.core.tabular import TableError
from clustermonitor.core.templatetags.format import format_date
from clustermonitor.members import exports, importing, selectors, services
from clustermonitor.members.forms import (
    ContactForm,
    EndMembershipsForm,
    MappingForm,
    MembershipForm,
    NewMemberForm,
)
from clustermonitor.members.import_kinds import KINDS
from clustermonitor.members.models import Contact, ImportBatch, ImportMapping, Membership
from clustermonitor.members.uploads import upload_step
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry import enterprise
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
            "registry": selectors.registry_matches(
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
    return upload_step(request, cluster, "members")


@login_required
@require_http_methods(["GET", "POST"])
def contribution_import_upload(request, code):
    cluster = access.get_cluster_members_for_user(
        request.user, Cluster.objects, code, "members.change_members"
    )
    return upload_step(request, cluster, "contributions")


def _batch_for(request, pk) -> ImportBatch:
    batch = get_object_or_404(ImportBatch.objects.select_related("cluster"), pk=pk)
    access.check(
        request.user, "members.change_members", batch.cluster, visible="members.view_members"
    )
    return batch


def _table(batch):
    try:
        return batch.table()
    except TableError:  # a file kept from before the limits, over one of them now
        raise Http404 from None


def _remembered(batch) -> dict:
    stored = ImportMapping.objects.filter(cluster=batch.cluster, kind=batch.kind).first()
    return stored.mapping if stored else {}


# The members' own parts of the shared import page (templates/imports/import_detail.html).
IMPORT_PARTS = {
    "mapping": "members/_import_mapping.html",
    "dry_run": "members/_import_dry_run.html",
    "committed": "members/_import_committed.html",
}


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request, pk):
    """Preview and mapping; after the dry run its report; after the commit its result."""
    batch = _batch_for(request, pk)
    kind = KINDS[batch.kind]
    table = _table(batch)
    mapping = batch.mapping or kind.suggest(table, _remembered(batch))
    form = MappingForm(
        request.POST or None,
        headers=table.headers,
        initial_mapping=mapping,
        labels=kind.labels,
        required_any=kind.required_any,
    )
    committed = batch.state == ImportBatch.State.COMMITTED
    if request.method == "POST" and not committed and form.is_valid():
        batch.mapping = form.mapping
        batch.state = ImportBatch.State.CHECKED
        batch.save(update_fields=["mapping", "state"])
        ImportMapping.objects.update_or_create(
            cluster=batch.cluster, kind=batch.kind, defaults={"mapping": form.mapping}
        )
        return redirect("members:import-detail", batch.pk)
    result = None
    if batch.state == ImportBatch.State.CHECKED:
        result = kind.plan(table, batch, request.user)
    return render(
        request,
        "imports/import_detail.html",
        {
            "name": batch.original_name,
            "source": kind.title,
            "owner": batch.cluster.name,
            "state_label": batch.get_state_display(),
            "scope": _("full member list") if batch.full_list else "",
            "done_url": kind.done_url(batch),
            "commit_url": reverse("members:import-commit", args=[batch.pk]),
            "parts": IMPORT_PARTS,
            "table_class": "data",
            "batch": batch,
            "kind": kind,
            "cluster": batch.cluster,
            "table": table,
            "preview": table.rows[:10],
            "show_preview": True,
            "form": form,
            "result": result,
            "can_commit": result is not None,
            "committed": committed,
            "committed_note": format_date(batch.committed_at),
            "report": batch.report,
            "end_form": _end_form(batch) if committed else None,
        },
    )


class _AlreadyImported(Exception):
    pass


@transaction.atomic
def _commit_batch(request, pk):
    """Apply a checked batch, in one transaction that first locks the batch: of two
    simultaneous commits of one batch the second waits, then finds it imported."""
    batch = ImportBatch.objects.select_for_update().select_related("cluster").get(pk=pk)
    if batch.state == ImportBatch.State.COMMITTED:
        raise _AlreadyImported
    result = KINDS[batch.kind].commit(_table(batch), batch, editing.actor(request))
    batch.state = ImportBatch.State.COMMITTED
    batch.committed_at = timezone.now()
    batch.report = {
        "counts": result.counts,
        "rejected": [{"row": o.number, "reason": o.reason} for o in result.rejected],
        "missing": [m.pk for m in getattr(result, "missing", [])],
    }
    batch.save(update_fields=["state", "committed_at", "report"])
    return result


#: A commit that lost a race (another import inserted the same organisation between
#: its plan and its insert) is planned and applied again this many times.
COMMIT_ATTEMPTS = 2


@login_required
@require_POST
def import_commit(request, pk):
    batch = _batch_for(request, pk)
    if batch.state != ImportBatch.State.CHECKED:
        messages.error(request, _("Check the file (dry run) before importing it."))
        return redirect("members:import-detail", batch.pk)
    for attempt in range(1, COMMIT_ATTEMPTS + 1):
        try:
            result = _commit_batch(request, batch.pk)
            break
        except _AlreadyImported:
            messages.info(request, _("This file was imported already."))
            return redirect("members:import-detail", batch.pk)
        except IntegrityError:
            if attempt == COMMIT_ATTEMPTS:
                messages.error(
                    request,
                    _(
                        "Another import changed the same records at the same moment, so "
                        "nothing of this file was imported. Check the file again (dry run) "
                        "and import it."
                    ),
                )
                return redirect("members:import-detail", batch.pk)
    messages.success(
        request,
        _(
            "Imported: %(new)d new, %(updated)d updated, %(unchanged)d "
            "unchanged, %(rejected)d rejected."
        )
        % result.counts,
    )
    return redirect("members:import-detail", batch.pk)


@login_required
def import_rejected(request, pk):
    """The rejected rows as they were, with a reason column, to fix and import again."""
    batch = _batch_for(request, pk)
    if not batch.mapping:
        raise Http404
    table = _table(batch)
    if batch.state == ImportBatch.State.COMMITTED:
        wanted = {r["row"]: r["reason"] for r in batch.report.get("rejected", [])}
    else:
        wanted = {
            o.number: o.reason for o in KINDS[batch.kind].plan(table, batch, request.user).rejected
        }
    rows = [[*cells, wanted[number]] for number, cells in table.rows if number in wanted]
    sheet = Sheet(_("Rejected"), [*table.headers, _("reason")], rows)
    stem = batch.original_name.rsplit(".", 1)[0]
    return xlsx_response(f"{stem}-rejected.xlsx", [sheet])


def _end_form(batch, data=None):
    ids = batch.report.get("missing", []) if batch.report else []
    candidates = Membership.objects.filter(
        pk__in=ids, cluster=batch.cluster, end_date__isnull=True
    ).select_related("organisation")
    if not candidates.exists():
        return None
    return EndMembershipsForm(
        data, candidates=candidates, initial={"memberships": list(candidates)}
    )


@login_required
@require_POST
def import_end_missing(request, pk):
    batch = _batch_for(request, pk)
    form = _end_form(batch, request.POST)
    if form is None:
        raise Http404
    if form.is_valid():
        count = importing.end_memberships(
            editing.actor(request), form.cleaned_data["memberships"], form.cleaned_data["end_date"]
        )
        messages.success(request, _("%(count)d memberships ended.") % {"count": count})
    else:
        messages.error(request, _("Choose the memberships and an end date."))
    return redirect("members:import-detail", batch.pk)


def validate_number(text: str) -> str | None:
    """For templates and the API: the number shown the KBO way, or None if invalid."""
    try:
        return enterprise.display(enterprise.normalise(text))
    except enterprise.InvalidEnterpriseNumber:
        return None
