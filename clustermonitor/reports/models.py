"""A report run: who asked for which report, how far it got, and the files it left."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportRun(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    as_of = models.DateField(_("situation on"))
    cluster_codes = models.JSONField(_("clusters"), default=list, blank=True)
    lang = models.CharField(_("language"), max_length=2, default="nl")
    formats = models.JSONField(_("formats"), default=list)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    files = models.JSONField(_("files"), default=list, blank=True)
    requested_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    #: Written by the worker at the start and at every progress step; a running run
    #: whose heartbeat is older than REPORT_RUN_STALE_AFTER has lost its worker.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    retry_of = models.ForeignKey(
        "self",
        verbose_name=_("retry of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="retries",
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")

    def __str__(self):
        return f"report {self.pk} {self.as_of} ({self.state})"

    @property
    def folder(self):
        return settings.MEDIA_ROOT / "reports" / str(self.pk)

    #: The steps a run records (the chapters, reports/build.py, then the formats), and
    #: what the page says for them.
    STEPS = {
        "summary": _("Summary"),
        "portfolio": _("Portfolio"),
        "reach": _("Reach"),
        "kpis": _("KPIs"),
        "cofinancing": _("Co-financing"),
        "collaborations": _("Collaborations"),
        "intercluster": _("Intercluster projects"),
        "survey": _("Member survey"),
        "maturity": _("Exit and maturity"),
        "methods": _("Methods"),
        "published": _("Published figures"),
    }

    @property
    def step_label(self) -> str:
        """The step in the reader's language; nothing once the run is over."""
        if not self.is_active or not self.step:
            return ""
        return str(self.STEPS.get(self.step, self.step))

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def can_retry(self) -> bool:
        return self.state == self.State.FAILED

    def file_for(self, fmt: str) -> str | None:
        return next((name for name in self.files if name.endswith(f".{fmt}")), None)
