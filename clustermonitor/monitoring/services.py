"""The progress-report workflow: every state change goes through here (DESIGN §9.2).

No form or API writes a report's state. Each step checks its rule, records from, to,
who, when and the comment, writes the audit log and notifies the next person.
"""

import datetime
import hashlib
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from clustermonitor.accounts.models import Role, User
from clustermonitor.core import audit
from clustermonitor.monitoring import snapshot
from clustermonitor.monitoring.models import (
    SECTIONS,
    Attachment,
    KPIValue,
    ProgressReport,
    ReportingPeriod,
    ReportVersion,
    State,
    Transition,
)
from clustermonitor.programmes.models import ReportedFigure
from clustermonitor.programmes.rules_math import add_years

#: A report is due this many days after its period ends, unless set otherwise.
DUE_AFTER_DAYS = 60


class WorkflowError(ValueError):
    """A refused step; the message says why."""


# Periods -----------------------------------------------------------------------------


@transaction.atomic
def create_periods(
    actor: audit.Actor | None,
    cluster,
    due_after_days: int = DUE_AFTER_DAYS,
    *,
    dry_run: bool = False,
) -> int:
    """One period per year of operation from the agreement's start to its end, each with
    its report, created up front. Existing periods are left as they are. With `dry_run`
    nothing is written: the count is how many periods would be made."""
    written, number, start = 0, 1, cluster.start_date
    while start <= cluster.end_date:
        end = min(add_years(start, 1) - datetime.timedelta(days=1), cluster.end_date)
        period = ReportingPeriod.objects.filter(cluster=cluster, number=number).first()
        if period is None and dry_run:
            written += 1
        elif period is None:
            period = ReportingPeriod(
                cluster=cluster,
                number=number,
                start_date=start,
                end_date=end,
                due_date=end + datetime.timedelta(days=due_after_days),
            )
            audit.save(actor, period, note="reporting periods")
            written += 1
        if period is not None and not dry_run and not hasattr(period, "report"):
            audit.save(actor, ProgressReport(period=period))
        number, start = number + 1, end + datetime.timedelta(days=1)
    return written


@transaction.atomic
def add_period(actor: audit.Actor, period: ReportingPeriod) -> ReportingPeriod:
    """An irregular period (a short last year, an interim report), with its report."""
    audit.save(actor, period, note="reporting period")
    audit.save(actor, ProgressReport(period=period))
    return period


# Drafting ----------------------------------------------------------------------------


def _log(actor, report, from_state, to_state, comment="", version=None) -> Transition:
    transition = Transition(
        report=report,
        from_state=from_state,
        to_state=to_state,
        by=actor.user if getattr(actor.user, "pk", None) else None,
        comment=comment,
        version=version,
    )
    audit.save(actor, transition)
    return transition


def _parse_decimal(text) -> Decimal:
    try:
        value = Decimal(str(text).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise WorkflowError(_("%(value)s is not a number.") % {"value": text}) from None
    if not value.is_finite():
        raise WorkflowError(_("%(value)s is not a number.") % {"value": text})
    return value


@transaction.atomic
def save_draft(actor: audit.Actor, report: ProgressReport, sections: dict, kpis: dict) -> bool:
    """Keep what the cluster wrote. `kpis`: code → {"reported": text, "reason": text}.
    Refused once the report is submitted or approved."""
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if not report.is_editable:
        raise WorkflowError(
            _("This report is %(state)s: it can no longer be edited.")
            % {"state": report.get_state_display()}
        )
    cleaned_kpis = {}
    for code, value in kpis.items():
        reported = (value.get("reported") or "").strip()
        if reported:
            _parse_decimal(reported)
        cleaned_kpis[code] = {"reported": reported, "reason": (value.get("reason") or "").strip()}
    keys = {key for key, _label in SECTIONS}
    report.draft = {
        "sections": {k: (v or "").strip() for k, v in sections.items() if k in keys},
        "kpis": cleaned_kpis,
    }
    return audit.save(actor, report, note="draft")


@transaction.atomic
def add_attachment(actor: audit.Actor, report: ProgressReport, title: str, upload) -> Attachment:
    if not report.is_editable:
        raise WorkflowError(_("Attachments are added while the report is being written."))
    data = upload.read()
    upload.seek(0)
    attachment = Attachment(
        report=report,
        title=title,
        file=upload,
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor.user if getattr(actor.user, "pk", None) else None,
    )
    audit.save(actor, attachment)
    return attachment


@transaction.atomic
def remove_attachment(actor: audit.Actor, attachment: Attachment) -> None:
    if attachment.version_id is not None or not attachment.report.is_editable:
        raise WorkflowError(_("A submitted attachment stays with its version."))
    attachment.file.delete(save=False)
    audit.delete(actor, attachment)


# The workflow ------------------------------------------------------------------------


def missing_sections(report: ProgressReport) -> list[str]:
    texts = (report.draft or {}).get("sections", {})
    return [str(label) for key, label in SECTIONS if not (texts.get(key) or "").strip()]


@transaction.atomic
def submit(actor: audit.Actor, report: ProgressReport, *, tell: bool = True) -> ReportVersion:
    """Freeze the draft, the KPI values and the records' figures into a new version.
    `tell=False`: e-mail nobody (the demo's loader, which plays steps of the past)."""
    report = (
        ProgressReport.objects.select_for_update()
        .select_related("period__cluster__cluster_type")
        .get(pk=report.pk)
    )
    if not report.is_editable:
        raise WorkflowError(
            _("Only a draft or a returned report can be submitted; this one is %(state)s.")
            % {"state": report.get_state_display()}
        )
    missing = missing_sections(report)
    if missing:
        raise WorkflowError(
            _("Fill in every section before submitting; empty: %(sections)s.")
            % {"sections": ", ".join(missing)}
        )
    figures = snapshot.build(report.period)
    until = datetime.date.fromisoformat(figures["until"])
    reported = (report.draft or {}).get("kpis", {})
    kpis = {k.code: k for k in report.cluster.cluster_type.kpis.all()}
    values = []
    for code, kpi in sorted(kpis.items(), key=lambda kv: kv[1].order):
        computed = figures["kpis"].get(code)
        computed = Decimal(computed) if computed is not None else None
        entry = reported.get(code) or {}
        text = (entry.get("reported") or "").strip()
        if not text and computed is None:
            raise WorkflowError(
                _("Report a value for %(kpi)s: the records do not give it.") % {"kpi": kpi.code}
            )
        value = _parse_decimal(text) if text else computed
        reason = (entry.get("reason") or "").strip()
        if computed is not None and value != computed and not reason:
            raise WorkflowError(
                _(
                    "%(kpi)s: you report %(reported)s where the records give %(computed)s. "
                    "Say why they differ."
                )
                % {"kpi": kpi.code, "reported": f"{value:g}", "computed": f"{computed:g}"}
            )
        values.append((kpi, computed, value, reason))
    previous = report.latest_version
    version = ReportVersion(
        report=report,
        number=(previous.number + 1) if previous else 1,
        sections=(report.draft or {}).get("sections", {}),
        figures=figures,
        reason=report.correction_reason,
        submitted_by=actor.user if getattr(actor.user, "pk", None) else None,
        submitted_at=timezone.now(),
    )
    audit.save(actor, version)
    for kpi, computed, value, reason in values:
        audit.save(
            actor,
            KPIValue(
                version=version,
                kpi=kpi,
                computed=computed,
                computed_at=version.submitted_at,
                computed_until=until,
                reported=value,
                reason=reason,
            ),
        )
    for attachment in report.attachments.filter(version__isnull=True):
        attachment.version = version
        audit.save(actor, attachment)
    from_state = report.state
    report.state = State.SUBMITTED
    report.correction_reason = ""
    audit.save(actor, report, note="submitted")
    _log(actor, report, from_state, State.SUBMITTED, version=version)
    if tell:
        notify(report, "submitted")
    return version


def _reviewable(actor: audit.Actor, report: ProgressReport) -> ReportVersion:
    if report.state != State.SUBMITTED:
        raise WorkflowError(
            _("Only a submitted report can be reviewed; this one is %(state)s.")
            % {"state": report.get_state_display()}
        )
    version = report.latest_version
    if version and actor.user is not None and version.submitted_by_id == actor.user.pk:
        raise WorkflowError(_("You submitted this report: someone else reviews it."))
    return version


@transaction.atomic
def return_report(
    actor: audit.Actor, report: ProgressReport, comment: str, *, tell: bool = True
) -> Transition:
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    version = _reviewable(actor, report)
    if not comment.strip():
        raise WorkflowError(_("Say what needs to change when returning a report."))
    report.state = State.RETURNED
    audit.save(actor, report, note="returned")
    transition = _log(actor, report, State.SUBMITTED, State.RETURNED, comment.strip(), version)
    if tell:
        notify(report, "returned", comment=comment.strip())
    return transition


@transaction.atomic
def approve(actor: audit.Actor, report: ProgressReport, comment: str = "") -> ReportVersion:
    """Approve the submitted version: it is frozen, and its KPI values become the
    cluster's reported figures for the period (beside, never over, the computed ones)."""
    report = (
        ProgressReport.objects.select_for_update()
        .select_related("period__cluster")
        .get(pk=report.pk)
    )
    version = _reviewable(actor, report)
    version.approved_by = actor.user if getattr(actor.user, "pk", None) else None
    version.approved_at = timezone.now()
    audit.save(actor, version, note="approved")
    report.state = State.APPROVED
    audit.save(actor, report, note="approved")
    _log(actor, report, State.SUBMITTED, State.APPROVED, comment.strip(), version)
    _publish_reported(actor, report, version)
    notify(report, "approved", comment=comment.strip())
    return version


def reported_source(report: ProgressReport) -> str:
    period = report.period
    return f"Voortgangsrapport jaar {period.number} ({period.start_date:%Y}-{period.end_date:%Y})"


def _publish_reported(actor, report, version) -> None:
    period = report.period
    metrics = set(ReportedFigure.Metric.values)
    for value in version.kpi_values.select_related("kpi"):
        if value.kpi.code not in metrics:
            continue
        figure = ReportedFigure.objects.filter(
            metric=value.kpi.code, cluster=period.cluster, call=None, source=reported_source(report)
        ).first() or ReportedFigure(
            metric=value.kpi.code, cluster=period.cluster, source=reported_source(report)
        )
        figure.value = value.reported
        figure.basis = ReportedFigure.Basis.REPORTED
        figure.period_end = period.end_date
        figure.source_date = version.approved_at.date()
        audit.save(actor, figure, note=f"approved report v{version.number}")


@transaction.atomic
def reopen(actor: audit.Actor, report: ProgressReport, reason: str) -> Transition:
    """Open an approved report for a correction: the approved version stays as it is; the
    correction becomes the next version, carrying `reason`."""
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.state != State.APPROVED:
        raise WorkflowError(_("Only an approved report is reopened for a correction."))
    if not reason.strip():
        raise WorkflowError(_("Give the reason for the correction."))
    version = report.latest_version
    report.state = State.DRAFT
    report.correction_reason = reason.strip()[:500]
    report.draft = {
        "sections": dict(version.sections),
        "kpis": {
            v.kpi.code: {"reported": f"{v.reported:f}".rstrip("0").rstrip("."), "reason": v.reason}
            for v in version.kpi_values.select_related("kpi")
        },
    }
    audit.save(actor, report, note="reopened")
    transition = _log(actor, report, State.APPROVED, State.DRAFT, reason.strip(), version)
    notify(report, "reopened", comment=reason.strip())
    return transition


# Notifications -----------------------------------------------------------------------


def recipients(report: ProgressReport, event: str) -> list[str]:
    """Who hears of a step: the account manager (or, without one, the programme
    managers) when a report comes in; the cluster's managers when it comes back."""
    cluster = report.period.cluster
    if event == "submitted":
        if cluster.account_manager and cluster.account_manager.email:
            return [cluster.account_manager.email]
        users = User.objects.filter(role_assignments__role=Role.PROGRAMME_MANAGER, is_active=True)
    else:
        users = User.objects.filter(
            role_assignments__role=Role.CLUSTER_MANAGER,
            role_assignments__cluster=cluster,
            is_active=True,
        )
    return sorted({u.email for u in users if u.email})


def notify(report: ProgressReport, event: str, comment: str = "") -> list[str]:
    """E-mail the next person once the step is committed (never for a rolled-back one)."""
    to = recipients(report, event)
    if not to:
        return []
    context = {"report": report, "event": event, "comment": comment, "site": settings.SITE_URL}
    subject = render_to_string("monitoring/report_email_subject.txt", context).strip()
    body = render_to_string("monitoring/report_email.txt", context)
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)
    )
    return to
