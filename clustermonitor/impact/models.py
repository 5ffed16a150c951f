"""The companies' annual accounts, one record per filing at the National Bank's Central
Balance Sheet Office (CBSO, "Balanscentrale").

A filing keeps the rubrics of the Belgian scheme that the estimate uses, each as the
filing has it: a micro or abbreviated scheme does not report turnover (rubric 70), and a
rubric the filing lacks stays empty, never zero and never imputed. A filing is known from
its deposit date (``filed_on``, the "known on D" rule, core/known.py): a corrected
filing of the same year replaces the earlier one from its own deposit date, and a figure
as of D reads the latest filing deposited by D."""

from django.db import models
from django.utils.translation import gettext_lazy as _

amount = {"max_digits": 18, "decimal_places": 2, "null": True, "blank": True}


class AnnualAccounts(models.Model):
    class Scheme(models.TextChoices):
        FULL = "full", _("full scheme")
        ABBREVIATED = "abbreviated", _("abbreviated scheme")
        MICRO = "micro", _("micro scheme")
        OTHER = "other", _("other scheme")

    class Source(models.TextChoices):
        CBSO_JSON = "cbso-json", _("CBSO JSON document")
        CSV = "csv", _("CSV extract")
        DEMO = "demo", _("demo data")

    #: The Belgian scheme's rubric code → the field that keeps it.
    RUBRICS = {
        "9087": "fte",
        "70": "turnover",
        "9900": "gross_margin",
        "20/58": "total_assets",
        "9901": "operating_profit",
    }

    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.CASCADE, related_name="annual_accounts"
    )
    period_start = models.DateField(_("financial year from"), null=True, blank=True)
    period_end = models.DateField(_("financial year end"))
    filed_on = models.DateField(
        _("deposited on"), help_text=_("Known from this day (the deposit date).")
    )
    reference = models.CharField(_("deposit reference"), max_length=40, blank=True)
    scheme = models.CharField(_("scheme"), max_length=12, choices=Scheme.choices, blank=True)
    fte = models.DecimalField(_("average FTE (9087)"), **amount)
    turnover = models.DecimalField(_("turnover (70)"), **amount)
    gross_margin = models.DecimalField(_("gross margin (9900)"), **amount)
    total_assets = models.DecimalField(_("total assets (20/58)"), **amount)
    operating_profit = models.DecimalField(_("operating profit or loss (9901)"), **amount)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "period_end", "filed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period_end", "filed_on"], name="unique_accounts_filing"
            )
        ]
        indexes = [models.Index(fields=["filed_on"], name="impact_accounts_filed_on")]
        verbose_name = _("annual accounts")
        verbose_name_plural = _("annual accounts")

    def __str__(self):
        return f"{self.organisation_id} {self.period_end:%Y-%m-%d} ({self.filed_on:%Y-%m-%d})"


class AccountsImport(models.Model):
    """One import of annual accounts (impact.accounts_import): the file read, what it
    changed, or every problem found (then nothing was written)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    source = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), default=0)
    format = models.CharField(_("format"), max_length=12, blank=True)  # Source values
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    filings = models.PositiveIntegerField(_("filings read"), default=0)
    new = models.PositiveIntegerField(_("new"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    organisations_added = models.PositiveIntegerField(_("organisations added"), default=0)
    ignored = models.PositiveIntegerField(
        _("values ignored"), default=0, help_text=_("Rubrics the estimate does not use.")
    )
    error_count = models.PositiveIntegerField(_("problems"), default=0)
    errors = models.JSONField(_("problems found"), default=list, blank=True)
    started_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    via = models.CharField(max_length=10, default="web")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("annual accounts import")
        verbose_name_plural = _("annual accounts imports")

    def __str__(self):
        return f"{self.source} ({self.state})"
