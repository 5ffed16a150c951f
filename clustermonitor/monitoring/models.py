"""Progress reports (DESIGN §9, lessons from Hypha and Akvo RSR).

Reporting periods are rows created up front (cluster × year of operation: start, end,
due date). A report moves through a real state machine that only `services` writes:
draft → submitted → returned → submitted → approved; an approved report is reopened
only by the agency, for a correction that becomes a new version with its reason.
Each submission is an immutable version holding the narrative, the KPI values (the
computed value, the value the cluster reports and the reason when they differ) and a
snapshot of the records' figures at the period's end.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportingPeriod(models.Model):
    cluster = models.ForeignKey(
        "programmes.Cluster", on_delete=models.CASCADE, related_name="reporting_periods"
    )
    number = models.PositiveSmallIntegerField(_("year of operation"))
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    due_date = models.DateField(_("due"))

    class Meta:
        ordering = ["cluster", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "number"], name="unique_reporting_period")
        ]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")

    def __str__(self):
        return _("%(cluster)s, year %(n)d (%(start)s – %(end)s)") % {
            "cluster": self.cluster.code,
            "n": self.number,
            "start": self.start_date.strftime("%d/%m/%Y"),
            "end": self.end_date.strftime("%d/%m/%Y"),
        }

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("A period cannot end before it starts.")})
        if self.end_date and self.due_date and self.due_date < self.end_date:
            raise ValidationError({"due_date": _("A report cannot be due before its period ends.")})


class State(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned with comments")
    APPROVED = "approved", _("approved")


#: The narrative sections of a progress report; all are required on submission.
SECTIONS = [
    ("achievements", _("Achievements of the year")),
    ("internationalisation", _("Internationalisation")),
    ("competences", _("Competence development")),
    ("sustainability", _("Sustainability and exit plan")),
]


class ProgressReport(models.Model):
    period = models.OneToOneField(ReportingPeriod, on_delete=models.CASCADE, related_name="report")
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.DRAFT, editable=False
    )
    #: The draft being written: {"sections": {key: text}, "kpis": {code: {"reported": str,
    #: "reason": str}}}. Frozen into a version on submission.
    draft = models.JSONField(default=dict, blank=True, editable=False)
    correction_reason = models.CharField(
        _("reason for the correction"), max_length=500, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period__cluster", "period__number"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self):
        return _("Progress report %(period)s") % {"period": self.period}

    @property
    def cluster(self):
        return self.period.cluster

    @property
    def latest_version(self):
        return self.versions.order_by("-number").first()

    @property
    def is_editable(self) -> bool:
        return self.state in (State.DRAFT, State.RETURNED)


class ReportVersion(models.Model):
    """One submission, never changed afterwards (its approval is recorded on it)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    sections = models.JSONField(_("narrative"), default=dict)
    figures = models.JSONField(_("figures from the records"), default=dict)
    reason = models.CharField(_("reason for the correction"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="unique_report_version")
        ]
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")

    def __str__(self):
        return f"{self.report} v{self.number}"


class KPIValue(models.Model):
    """A KPI in a submitted version: what the records give, what the cluster reports,
    and why they differ (DESIGN §9.4). Decimals only."""

    version = models.ForeignKey(ReportVersion, on_delete=models.CASCADE, related_name="kpi_values")
    kpi = models.ForeignKey("programmes.KPI", on_delete=models.PROTECT, related_name="+")
    computed = models.DecimalField(
        _("computed"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    computed_at = models.DateTimeField(_("computed at"))
    computed_until = models.DateField(_("records up to"))
    reported = models.DecimalField(_("reported"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("reason for the difference"), max_length=500, blank=True)

    class Meta:
        ordering = ["version", "kpi__order"]
        constraints = [models.UniqueConstraint(fields=["version", "kpi"], name="unique_kpi_value")]
        verbose_name = _("KPI value")
        verbose_name_plural = _("KPI values")

    def __str__(self):
        return f"{self.version} {self.kpi.code} = {self.reported:g}"


class Transition(models.Model):
    """From, to, who, when and the comment, for every step of a report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=10, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)
    version = models.ForeignKey(
        ReportVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["report", "at", "pk"]
        verbose_name = _("report step")
        verbose_name_plural = _("report steps")

    def __str__(self):
        return f"{self.report}: {self.from_state or '–'} → {self.to_state}"


def attachment_path(instance, filename):
    return (
        f"reports/{instance.report.period.cluster.code}/{instance.report.period.number}/{filename}"
    )


class Attachment(models.Model):
    """A file added to a report (steering-group minutes, ...). Files added while the
    report is editable belong to the next version; submitted ones stay."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="attachments")
    version = models.ForeignKey(
        ReportVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path)
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.title
