"""Contributions and fee schedules of a cluster (issue 4)."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access
from clustermonitor.core import confirm, editing
from clustermonitor.core.paging import page_of
from clustermonitor.core.templatetags.format import format_number
from clustermonitor.members import contributions as service
from clustermonitor.members.forms import BulkPayForm, ContributionForm, FeeScheduleForm
from clustermonitor.members.models import Contribution, FeeSchedule, Membership
from clustermonitor.programmes.models import Cluster


def _year(request) -> int:
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and 1990 <= int(text) <= 2100 else datetime.date.today().year


def _list_params(request) -> dict:
    status = request.GET.get("status", "")
    return {
        "query": request.GET.get("q", "").strip(),
        "status": status if status in service.STATUS_FILTERS else "",
    }


@login_required
def contribution_list(request, code):
    cluster = access.get_cluster_members_for_user(request.user, Cluster.objects, code)
    year = _year(request)
    params = _list_params(request)
    page = page_of(request, service.year_memberships(cluster, year, **params))
    can_change = request.user.has_perm("members.change_members", cluster)
    return render(
        request,
        "members/contribution_list.html",
        {
            "cluster": cluster,
            "year": year,
            "rows": service.rows_of(page.object_list, year),
            "page": page,
            "params": params,
            "statuses": [
                ("", _("all")),
                *Contribution.Status.choices,
                ("none", _("no contribution")),
            ],
            "totals": service.totals(cluster, year),
            "years": range(cluster.start_date.year, max(cluster.end_date.year, year) + 1),
            "schedule": FeeSchedule.objects.filter(cluster=cluster, year=year)
            .prefetch_related("tiers")
            .first(),
            "can_change": can_change,
            "today": datetime.date.today(),
        },
    )


@login_required
@require_POST
def contributions_pay_bulk(request, code):
    """Mark the selected contributions paid: a first POST shows how many and how much and
    asks to confirm; the confirmed POST marks them, each audited."""
    cluster = access.get_cluster_members_for_user(
        request.user, Cluster.objects, code, "members.change_members"
    )
    year = _year(request)
    back = reverse("members:contribution-list", args=[code]) + f"?year={year}"
    form = BulkPayForm(request.POST, contributions=service.payable(cluster))
    if form.is_valid() and form.cleaned_data["confirmed"]:
        n = service.mark_all_paid(
            editing.actor(request), form.cleaned_data["contributions"], form.cleaned_data["paid_on"]
        )
        messages.success(
            request,
            ngettext("%(n)d contribution marked paid.", "%(n)d contributions marked paid.", n)
            % {"n": n},
        )
        return redirect(back)
    chosen = list(form.cleaned_data["contributions"]) if form.is_valid() else []
    return render(
        request,
        "members/contributions_pay_bulk.html",
        {
            "cluster": cluster,
            "year": year,
            "form": form,
            "chosen": chosen,
            "total": sum((c.amount for c in chosen), Decimal(0)),
            "back": back,
        },
    )


@login_required
@require_POST
def contributions_generate(request, code):
    cluster = access.get_cluster_members_for_user(
        request.user, Cluster.objects, code, "members.change_members"
    )
    year = _year(request)
    if not confirm.confirmed(request):
        plan = service.generate_expected(None, cluster, year, dry_run=True)
        if plan["created"]:
            return confirm.ask(
                request,
                title=_("Create expected contributions"),
                question=ngettext(
                    "Create %(n)s expected contribution for %(year)s?",
                    "Create %(n)s expected contributions for %(year)s?",
                    plan["created"],
                )
                % {"n": format_number(plan["created"]), "year": year},
                details=[
                    ngettext(
                        "%(n)s member has one already; it is kept.",
                        "%(n)s members have one already; they are kept.",
                        plan["existing"],
                    )
                    % {"n": format_number(plan["existing"])},
                    plan["skipped"]
                    and ngettext(
                        "%(n)s member has no matching fee and gets none.",
                        "%(n)s members have no matching fee and get none.",
                        plan["skipped"],
                    )
                    % {"n": format_number(plan["skipped"])},
                ],
                button=_("Yes, create them"),
                cancel_url=reverse("members:contribution-list", args=[code]) + f"?year={year}",
                danger=False,
            )
    result = service.generate_expected(editing.actor(request), cluster, year)
    if result["no_schedule"]:
        messages.error(request, _("Set the fees for %(year)d first.") % {"year": year})
    else:
        messages.success(
            request,
            _(
                "%(created)d expected contributions created; %(existing)d members had one "
                "already; %(skipped)d without a matching fee."
            )
            % result,
        )
    return redirect(reverse("members:contribution-list", args=[code]) + f"?year={year}")


@login_required
@require_http_methods(["GET", "POST"])
def fee_schedule(request, code, year):
    cluster = access.get_cluster_members_for_user(
        request.user, Cluster.objects, code, "members.change_members"
    )
    schedule = FeeSchedule.objects.filter(cluster=cluster, year=year).first()
    initial = {}
    if schedule:
        initial["note"] = schedule.note
        for tier in schedule.tiers.all():
            initial[f"tier_{tier.size_class or 'default'}"] = tier.amount
    form = FeeScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        service.save_schedule(
            editing.actor(request), cluster, year, form.amounts(), form.cleaned_data["note"]
        )
        messages.success(request, _("Fees for %(year)d saved.") % {"year": year})
        return redirect(reverse("members:contribution-list", args=[code]) + f"?year={year}")
    return render(
        request, "members/fee_schedule.html", {"cluster": cluster, "year": year, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def contribution_create(request, pk):
    membership = access.membership_for_change(request.user, Membership.objects, pk)
    return editing.edit(
        request,
        ContributionForm,
        form_kwargs={"membership": membership, "user": request.user},
        save=service.save_contribution,
        initial={"year": _year(request)},
        success_url=lambda c: (
            reverse("members:contribution-list", args=[membership.cluster.code]) + f"?year={c.year}"
        ),
        title=_("Contribution of %(name)s") % {"name": membership.organisation.name},
        cancel_url=reverse("members:contribution-list", args=[membership.cluster.code]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def contribution_edit(request, pk):
    contribution = access.contribution_for_change(request.user, Contribution.objects, pk)
    code = contribution.membership.cluster.code
    return editing.edit(
        request,
        ContributionForm,
        instance=contribution,
        form_kwargs={"membership": contribution.membership, "user": request.user},
        save=service.save_contribution,
        success_url=reverse("members:contribution-list", args=[code])
        + f"?year={contribution.year}",
        title=_("Contribution of %(name)s") % {"name": contribution.membership.organisation.name},
    )


@login_required
@require_POST
def contribution_pay(request, pk):
    """Mark one contribution paid, as a bank statement comes in (htmx: just the row)."""
    contribution = access.contribution_for_change(request.user, Contribution.objects, pk)
    try:
        paid_on = datetime.date.fromisoformat(request.POST.get("paid_on", ""))
    except ValueError:
        paid_on = datetime.date.today()
    service.mark_paid(editing.actor(request), contribution, paid_on)
    if request.htmx:
        # The row, and the year's totals swapped out of band: they changed too.
        return render(
            request,
            "members/_contribution_paid.html",
            {
                "m": contribution.membership,
                "c": contribution,
                "can_change": True,
                "today": datetime.date.today(),
                "totals": service.totals(contribution.membership.cluster, contribution.year),
                "oob": True,
            },
        )
    return redirect(
        reverse("members:contribution-list", args=[contribution.membership.cluster.code])
        + f"?year={contribution.year}"
    )
