"""Progress reports: the periods of a cluster, writing and submitting a report (the
cluster manager), reviewing it (the account manager), and the programme's overview."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access
from clustermonitor.core import confirm, editing
from clustermonitor.core.templatetags.format import format_number
from clustermonitor.monitoring import services, snapshot
from clustermonitor.monitoring.forms import AttachmentForm, CommentForm, PeriodForm, ReportForm
from clustermonitor.monitoring.models import (
    SECTIONS,
    Attachment,
    ProgressReport,
    ReportingPeriod,
    State,
)
from clustermonitor.programmes.models import Cluster

VIEW = "monitoring.view_reports"
EDIT = "monitoring.edit_report"
REVIEW = "monitoring.review_report"


@login_required
def report_list(request, code):
    cluster = access.reports_cluster(request.user, Cluster.objects, code)
    periods = cluster.reporting_periods.select_related("report").order_by("number")
    return render(
        request,
        "monitoring/report_list.html",
        {
            "cluster": cluster,
            "periods": periods,
            "today": datetime.date.today(),
            "can_set_up": request.user.has_perm("programmes.manage_programme"),
        },
    )


@login_required
@require_POST
def periods_create(request, code):
    cluster = access.reports_cluster(request.user, Cluster.objects, code)
    access.require_programme_manager(request.user)
    if not confirm.confirmed(request):
        n = services.create_periods(None, cluster, dry_run=True)
        if n:
            return confirm.ask(
                request,
                title=_("Create the yearly periods"),
                question=ngettext(
                    "Create %(n)s reporting period for %(cluster)s, with its progress report?",
                    "Create %(n)s reporting periods for %(cluster)s, each with its progress "
                    "report?",
                    n,
                )
                % {"n": format_number(n), "cluster": cluster.code},
                details=[
                    _("One per year of operation from %(start)s to %(end)s.")
                    % {
                        "start": cluster.start_date.strftime("%d/%m/%Y"),
                        "end": cluster.end_date.strftime("%d/%m/%Y"),
                    }
                ],
                button=_("Yes, create them"),
                cancel_url=reverse("monitoring:report-list", args=[cluster.code]),
                danger=False,
            )
    written = services.create_periods(editing.actor(request), cluster)
    messages.success(
        request,
        ngettext("%(n)d reporting period created.", "%(n)d reporting periods created.", written)
        % {"n": written},
    )
    return redirect("monitoring:report-list", cluster.code)


@login_required
@require_http_methods(["GET", "POST"])
def period_create(request, code):
    """An irregular period, added by the programme manager."""
    cluster = access.reports_cluster(request.user, Cluster.objects, code)
    access.require_programme_manager(request.user)

    def save(actor, form):
        period = form.save(commit=False)
        period.cluster = cluster
        return services.add_period(actor, period)

    return editing.edit(
        request,
        PeriodForm,
        save=save,
        success_url=reverse("monitoring:report-list", args=[cluster.code]),
        title=_("New reporting period for %(cluster)s") % {"cluster": cluster.code},
        initial={"number": cluster.reporting_periods.count() + 1},
    )


def _previous(report: ProgressReport):
    """Last year's approved version, to read beside this one."""
    previous = (
        ProgressReport.objects.filter(
            period__cluster=report.period.cluster,
            period__number__lt=report.period.number,
            versions__approved_at__isnull=False,
        )
        .order_by("-period__number")
        .first()
    )
    if previous is None:
        return None
    return previous.versions.filter(approved_at__isnull=False).order_by("-number").first()


def _returned(report: ProgressReport):
    """The step that sent the report back (its comment leads the page), while returned."""
    if report.state != State.RETURNED:
        return None
    return (
        report.transitions.filter(to_state=State.RETURNED)
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )


def _why_no_buttons(user, report: ProgressReport, cluster, *, can_edit, can_review, can_reopen):
    """For a reader of the report who gets no button, the reason in one sentence."""
    if can_edit or can_review or can_reopen or not user.has_perm(VIEW, cluster):
        return ""
    manager = cluster.account_manager
    if report.state == State.SUBMITTED:
        if manager is None:
            return _(
                "Only a programme manager can approve or return this report: %(cluster)s has "
                "no account manager."
            ) % {"cluster": cluster.code}
        return _(
            "Only the account manager of %(cluster)s (%(name)s) or a programme manager can "
            "approve or return this report."
        ) % {"cluster": cluster.code, "name": manager.get_full_name() or manager.username}
    if report.state == State.APPROVED:
        return _(
            "This report is approved and frozen. Only the cluster's account manager or a "
            "programme manager can reopen it for a correction."
        )
    if report.state == State.RETURNED:
        return _(
            "The report was returned to the cluster; it can be reviewed again once the cluster "
            "submits it."
        )
    return _("The cluster is still writing this report; it can be reviewed once it is submitted.")


def _submitted_message(report: ProgressReport) -> str:
    """Who was told of the submission, as it happened (services.recipients)."""
    cluster = report.period.cluster
    told = services.recipients(report, "submitted")
    manager = cluster.account_manager
    if manager is not None and manager.email and told == [manager.email]:
        return _("Report submitted. %(name)s, your account manager, has been told.") % {
            "name": manager.get_full_name() or manager.username
        }
    if told:
        return _(
            "Report submitted. %(cluster)s has no account manager yet: the programme managers "
            "have been told."
        ) % {"cluster": cluster.code}
    return _(
        "Report submitted. Nobody could be told by e-mail: no account manager or programme "
        "manager has an e-mail address."
    )


def _figures_for(report: ProgressReport) -> tuple[dict, bool]:
    """The frozen figures of the latest version, or for a report being written the live
    figures from the records (and whether they are live)."""
    version = report.latest_version
    if report.is_editable or version is None:
        return snapshot.build(report.period), True
    return version.figures, False


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, pk):
    report = access.progress_report_for(request.user, ProgressReport.objects, pk)
    cluster = report.period.cluster
    can_edit = report.is_editable and request.user.has_perm(EDIT, cluster)
    can_review = report.state == State.SUBMITTED and request.user.has_perm(REVIEW, cluster)
    kpis = list(cluster.cluster_type.kpis.order_by("order"))
    figures, live = _figures_for(report)
    computed = {
        code: (Decimal(v) if v is not None else None) for code, v in figures["kpis"].items()
    }
    form = None
    if can_edit:
        form = ReportForm(
            request.POST or None,
            kpis=kpis,
            computed=computed,
            initial=ReportForm.initial_from(report.draft or {}, kpis, computed),
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.save_draft(
                    editing.actor(request), report, form.sections(), form.kpi_values()
                )
            except services.WorkflowError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Draft saved."))
                return redirect("monitoring:report-detail", report.pk)
    elif request.method == "POST":
        access.check(request.user, EDIT, cluster, visible=VIEW)
        messages.error(request, _("This report can no longer be edited."))
        return redirect("monitoring:report-detail", report.pk)
    version = report.latest_version
    can_reopen = report.state == State.APPROVED and request.user.has_perm(REVIEW, cluster)
    return render(
        request,
        "monitoring/report_detail.html",
        {
            "report": report,
            "cluster": cluster,
            "period": report.period,
            "form": form,
            "can_edit": can_edit,
            "can_review": can_review,
            "can_reopen": can_reopen,
            "returned": _returned(report),
            "why_no_buttons": _why_no_buttons(
                request.user,
                report,
                cluster,
                can_edit=can_edit,
                can_review=can_review,
                can_reopen=can_reopen,
            ),
            "figures": figures,
            "live": live,
            "version": version,
            "kpi_values": version.kpi_values.select_related("kpi") if version else [],
            "sections": [
                (label, (version.sections if version else {}).get(key, ""))
                for key, label in SECTIONS
            ],
            "previous": _previous(report),
            "section_labels": SECTIONS,
            "versions": report.versions.select_related("submitted_by", "approved_by"),
            "transitions": report.transitions.select_related("by"),
            "attachments": report.attachments.all(),
            "attachment_form": AttachmentForm() if can_edit else None,
            "comment_form": CommentForm(),
            "missing": services.missing_sections(report) if can_edit else [],
        },
    )


def _step(request, pk, perm, action):
    report = access.progress_report_for(request.user, ProgressReport.objects, pk, perm)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        action(editing.actor(request), report, comment)
    except services.WorkflowError as error:
        messages.error(request, str(error))
    return redirect("monitoring:report-detail", report.pk)


@login_required
@require_POST
def report_submit(request, pk):
    def action(actor, report, _comment):
        services.submit(actor, report)
        messages.success(request, _submitted_message(report))

    return _step(request, pk, EDIT, action)


@login_required
@require_POST
def report_return(request, pk):
    def action(actor, report, comment):
        services.return_report(actor, report, comment)
        messages.success(request, _("Report returned to the cluster with your comments."))

    return _step(request, pk, REVIEW, action)


@login_required
@require_POST
def report_approve(request, pk):
    def action(actor, report, comment):
        services.approve(actor, report, comment)
        messages.success(request, _("Report approved: it is now frozen."))

    return _step(request, pk, REVIEW, action)


@login_required
@require_POST
def report_reopen(request, pk):
    def action(actor, report, comment):
        services.reopen(actor, report, comment)
        messages.success(request, _("Report reopened for a correction."))

    return _step(request, pk, REVIEW, action)


@login_required
@require_POST
def attachment_add(request, pk):
    report = access.progress_report_for(request.user, ProgressReport.objects, pk, EDIT)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(
                editing.actor(request),
                report,
                form.cleaned_data["title"],
                form.cleaned_data["file"],
            )
        except services.WorkflowError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Attachment added."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("monitoring:report-detail", report.pk)


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("report"), pk=pk)
    access.progress_report_for(request.user, ProgressReport.objects, attachment.report_id, EDIT)
    if not confirm.confirmed(request):
        return confirm.ask_removal(
            request,
            attachment,
            cancel_url=reverse("monitoring:report-detail", args=[attachment.report_id]),
        )
    try:
        services.remove_attachment(editing.actor(request), attachment)
    except services.WorkflowError as error:
        messages.error(request, str(error))
    return redirect("monitoring:report-detail", attachment.report_id)


@login_required
def attachment_download(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("report"), pk=pk)
    access.progress_report_for(request.user, ProgressReport.objects, attachment.report_id)
    name = attachment.file.name.rsplit("/", 1)[-1]
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=name)


@login_required
def version_detail(request, pk, number):
    report = access.progress_report_for(request.user, ProgressReport.objects, pk)
    version = get_object_or_404(report.versions, number=number)
    return render(
        request,
        "monitoring/version_detail.html",
        {
            "report": report,
            "cluster": report.period.cluster,
            "version": version,
            "kpi_values": version.kpi_values.select_related("kpi"),
            "sections": [(label, version.sections.get(key, "")) for key, label in SECTIONS],
            "attachments": version.attachments.all(),
        },
    )


@login_required
def reports_overview(request):
    """Every report of the programme with its state; overdue ones first."""
    access.check(request.user, "monitoring.view_dashboard")
    today = datetime.date.today()
    state = request.GET.get("state", "")
    periods = ReportingPeriod.objects.select_related(
        "cluster", "cluster__account_manager", "report"
    ).order_by("due_date", "cluster__code")
    if request.GET.get("mine") == "1":
        periods = periods.filter(cluster__account_manager=request.user)
    rows = []
    for period in periods:
        report = getattr(period, "report", None)
        current = report.state if report else State.DRAFT
        if state and current != state:
            continue
        overdue = period.due_date < today and current in (State.DRAFT, State.RETURNED)
        rows.append({"period": period, "report": report, "state": current, "overdue": overdue})
    rows.sort(key=lambda r: (not r["overdue"], r["period"].due_date, r["period"].cluster.code))
    return render(
        request,
        "monitoring/reports_overview.html",
        {"rows": rows, "states": State.choices, "state": state, "today": today},
    )
