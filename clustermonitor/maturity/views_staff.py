"""The cluster management team (a cluster's "Team" tab) and exit and aftercare (its
"Aftercare" tab and the programme's aftercare overview), issue 21.

The team: read by whoever reads the cluster's records (STAFF_VIEW), kept by the cluster's
manager or the programme manager (STAFF_CHANGE). Aftercare: read with the ladder
(LADDER_CLUSTER); the status after the term is the programme manager's (LADDER_MANAGE);
the yearly follow-up is reported or counted by the cluster's manager or the programme
manager (FOLLOW_UP_REPORT)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access
from clustermonitor.core import editing
from clustermonitor.maturity import aftercare as aftercare_rules
from clustermonitor.maturity import staff
from clustermonitor.maturity.forms_staff import (
    AftercareForm,
    AssignmentForm,
    CountForm,
    EndAssignmentForm,
    FollowUpForm,
    StaffMemberForm,
    TrainingForm,
)
from clustermonitor.maturity.models_ladder import (
    Aftercare,
    FollowUp,
    StaffAssignment,
    StaffMember,
    Training,
)
from clustermonitor.maturity.services import MaturityError
from clustermonitor.programmes.models import Cluster


def _form_page(request, form_class, *, save, success_url, title, instance=None, **kwargs):
    """Show the form; on a valid POST save it through the audited service, whose refusal
    (MaturityError) shows as the form's error."""
    if request.method == "POST":
        form = form_class(request.POST, instance=instance, **kwargs)
        if form.is_valid():
            try:
                saved = save(editing.actor(request), form)
            except MaturityError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Saved: %(object)s") % {"object": saved})
                return redirect(success_url)
    else:
        form = form_class(instance=instance, **kwargs)
    return render(
        request,
        "programmes/form.html",
        {"form": form, "title": title, "object": instance, "cancel_url": success_url},
    )


# -- The team ---------------------------------------------------------------------------


def _team_url(cluster) -> str:
    return reverse("programmes:team", args=[cluster.code])


@login_required
def team(request, code):
    cluster = access.staff_cluster(request.user, Cluster.objects, code)
    today = timezone.localdate()
    now = staff.team_on([cluster], today)[cluster.pk]
    return render(
        request,
        "maturity/team.html",
        {
            "cluster": cluster,
            "people": staff.team_page(cluster),
            "now": now,
            "today": today,
            "roles": dict(StaffAssignment.Role.choices),
            "can_change": request.user.has_perm(access.STAFF_CHANGE, cluster),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_create(request, code):
    cluster = access.staff_cluster(request.user, Cluster.objects, code, access.STAFF_CHANGE)

    def save(actor, form):
        member = form.save(commit=False)
        member.cluster = cluster
        return staff.save_staff_member(actor, member)

    return _form_page(
        request,
        StaffMemberForm,
        save=save,
        success_url=_team_url(cluster),
        title=_("A person of the team of %(cluster)s") % {"cluster": cluster.code},
    )


def _member(request, pk, perm=access.STAFF_CHANGE) -> StaffMember:
    return access.staff_record_for(request.user, StaffMember.objects, pk, "cluster", perm)


@login_required
@require_http_methods(["GET", "POST"])
def staff_edit(request, pk):
    member = _member(request, pk)
    return _form_page(
        request,
        StaffMemberForm,
        instance=member,
        save=lambda actor, form: staff.save_staff_member(actor, form.save(commit=False)),
        success_url=_team_url(member.cluster),
        title=_("Edit %(name)s") % {"name": member.name},
    )


@login_required
@require_POST
def staff_remove(request, pk):
    member = _member(request, pk)
    cluster = member.cluster
    staff.remove_staff_member(editing.actor(request), member)
    messages.success(request, _("Removed from the team."))
    return redirect(_team_url(cluster))


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request, pk):
    member = _member(request, pk)

    def save(actor, form):
        assignment = form.save(commit=False)
        assignment.staff = member
        return staff.save_assignment(actor, assignment)

    return _form_page(
        request,
        AssignmentForm,
        instance=StaffAssignment(staff=member),
        save=save,
        success_url=_team_url(member.cluster),
        title=_("A role for %(name)s") % {"name": member.name},
    )


def _assignment(request, pk) -> StaffAssignment:
    return access.staff_record_for(
        request.user, StaffAssignment.objects, pk, "staff__cluster", access.STAFF_CHANGE
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request, pk):
    assignment = _assignment(request, pk)
    return _form_page(
        request,
        AssignmentForm,
        instance=assignment,
        save=lambda actor, form: staff.save_assignment(actor, form.save(commit=False)),
        success_url=_team_url(assignment.staff.cluster),
        title=_("Edit the role of %(name)s") % {"name": assignment.staff.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_end(request, pk):
    assignment = _assignment(request, pk)
    return _form_page(
        request,
        EndAssignmentForm,
        instance=assignment,
        save=lambda actor, form: staff.save_assignment(actor, form.save(commit=False)),
        success_url=_team_url(assignment.staff.cluster),
        title=_("End the role of %(name)s") % {"name": assignment.staff.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_create(request, pk):
    member = _member(request, pk)

    def save(actor, form):
        training = form.save(commit=False)
        training.staff = member
        return staff.add_training(actor, training)

    return _form_page(
        request,
        TrainingForm,
        instance=Training(staff=member),
        save=save,
        success_url=_team_url(member.cluster),
        title=_("A training of %(name)s") % {"name": member.name},
    )


# -- Exit and aftercare -----------------------------------------------------------------


def _aftercare_url(cluster) -> str:
    return reverse("programmes:aftercare", args=[cluster.code])


@login_required
def aftercare(request, code):
    cluster = access.aftercare_cluster(request.user, Cluster.objects, code)
    today = timezone.localdate()
    record = Aftercare.objects.select_related("into").filter(cluster=cluster).first()
    follow_ups = list(FollowUp.objects.filter(cluster=cluster).order_by("-year"))
    have = {f.year for f in follow_ups}
    can_report = request.user.has_perm(access.FOLLOW_UP_REPORT, cluster)
    ended = aftercare_rules.term_ended(cluster, today)
    return render(
        request,
        "maturity/aftercare.html",
        {
            "cluster": cluster,
            "ended": ended,
            "record": record,
            "follow_ups": follow_ups,
            "missing": [
                y for y in aftercare_rules.follow_up_years(cluster, today) if y not in have
            ],
            "awards": aftercare_rules.labels_of(cluster),
            "can_record": ended and request.user.has_perm(access.LADDER_MANAGE, cluster),
            "can_report": ended and can_report,
            "count_form": CountForm(cluster=cluster, today=today) if can_report else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def aftercare_edit(request, code):
    cluster = access.aftercare_cluster(request.user, Cluster.objects, code, access.LADDER_MANAGE)
    today = timezone.localdate()
    record = Aftercare.objects.filter(cluster=cluster).first()
    return _form_page(
        request,
        AftercareForm,
        instance=record,
        cluster=cluster,
        save=lambda actor, form: aftercare_rules.save_aftercare(
            actor, form.save(commit=False), today
        ),
        success_url=_aftercare_url(cluster),
        title=_("Status of %(cluster)s after the term") % {"cluster": cluster.code},
    )


def _year(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_edit(request, code):
    cluster = access.aftercare_cluster(request.user, Cluster.objects, code, access.FOLLOW_UP_REPORT)
    today = timezone.localdate()
    year = _year(request.POST.get("year") if request.method == "POST" else None)
    existing = FollowUp.objects.filter(cluster=cluster, year=year).first() if year else None
    return _form_page(
        request,
        FollowUpForm,
        instance=existing,
        cluster=cluster,
        today=today,
        save=lambda actor, form: aftercare_rules.report_follow_up(
            actor, form.save(commit=False), today
        ),
        success_url=_aftercare_url(cluster),
        title=_("Yearly follow-up of %(cluster)s") % {"cluster": cluster.code},
    )


@login_required
@require_POST
def follow_up_count(request, code):
    cluster = access.aftercare_cluster(request.user, Cluster.objects, code, access.FOLLOW_UP_REPORT)
    today = timezone.localdate()
    form = CountForm(request.POST, cluster=cluster, today=today)
    if not form.is_valid():
        messages.error(request, _("Choose a year after the term."))
    else:
        try:
            aftercare_rules.count_from_records(
                editing.actor(request), cluster, form.cleaned_data["year"], today
            )
        except MaturityError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Counted from the records."))
    return redirect(_aftercare_url(cluster))


@login_required
def aftercare_list(request):
    access.require_ladder_reader(request.user)
    today = timezone.localdate()
    return render(
        request,
        "maturity/aftercare_list.html",
        {"rows": aftercare_rules.overview(Cluster.objects.all(), today), "today": today},
    )
