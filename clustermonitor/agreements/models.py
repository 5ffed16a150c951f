"""Agreements between the agency and a funded cluster, their amendments, and the
subsidy's tranches and payments (issue 19, part C).

History is never rewritten. An agreement keeps the terms it was signed with (start, end,
subsidy, yearly budget lines); every later change is an `Amendment` with its decision,
decision date and effective date, numbered in order. The agreement as it stood on a day
D is the signed terms with the amendments decided by D applied in their order
(`agreements.selectors.agreement_as_of`): an amendment decided after D changes nothing
as of D.

The cluster's own record (`programmes.Cluster.end_date` and `.subsidy`) holds the
current value, written through the audit log by the same step that records the
agreement or the amendment: the pages, the portfolio and the report go on reading the
cluster, and the audit-log rule of core.known sets those fields back for a date before
the change. The agreement and its amendments are the history and the decisions behind it.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

money = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class Agreement(models.Model):
    """The agreement (overeenkomst) of one cluster, as signed."""

    class Source(models.TextChoices):
        APPLICATION = "application", _("from a funded application")
        HISTORY = "history", _("recorded afterwards (before the platform)")

    cluster = models.OneToOneField(
        "programmes.Cluster",
        verbose_name=_("cluster"),
        on_delete=models.PROTECT,
        related_name="agreement",
    )
    application = models.OneToOneField(
        "programmes.Application",
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement",
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    reference = models.CharField(_("reference"), max_length=60, unique=True)
    signed_on = models.DateField(
        _("decided on"), help_text=_("The day the agreement was decided and signed.")
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    subsidy = models.DecimalField(_("subsidy (EUR)"), **money)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["cluster__code"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self):
        return self.reference

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date is before the start date.")})


class Amendment(models.Model):
    """A change to an agreement (wijziging), decided on a day and effective from a day.
    Only the fields it names change; the rest stays as it was."""

    class Kind(models.TextChoices):
        EXTENSION = "extension", _("extension")
        PHASE_OUT = "phase_out", _("phase-out")
        BUDGET_SHIFT = "budget_shift", _("budget shift between years")
        SUBSIDY_INCREASE = "subsidy_increase", _("higher subsidy (more co-financing)")
        OTHER = "other", _("other change")

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="amendments"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    decided_on = models.DateField(_("decided on"))
    effective_on = models.DateField(_("effective from"))
    decision = models.TextField(_("decision and motivation"))
    new_end_date = models.DateField(_("new end date"), null=True, blank=True)
    new_subsidy = models.DecimalField(_("new subsidy (EUR)"), null=True, blank=True, **money)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="unique_amendment_number")
        ]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self):
        return f"{self.agreement} #{self.number} ({self.get_kind_display()})"


class BudgetLine(models.Model):
    """One year of operation of the budget: the subsidy and the members' co-financing.
    The signed lines have no amendment; an amendment's lines replace those of the same
    years from its decision on."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="lines"
    )
    amendment = models.ForeignKey(
        Amendment,
        verbose_name=_("amendment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="lines",
    )
    year = models.PositiveSmallIntegerField(_("year of operation"))
    subsidy = models.DecimalField(_("subsidy (EUR)"), **money)
    cofinancing = models.DecimalField(_("co-financing (EUR)"), default=Decimal(0), **money)

    class Meta:
        ordering = ["agreement", "amendment", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "amendment", "year"],
                name="unique_budget_line",
            )
        ]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self):
        return f"{self.agreement} {_('year')} {self.year}"


class Condition(models.Model):
    """A condition of the agreement with its due date ("a business plan for integration
    into the SPC by month 18"), met on a day with its evidence."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="conditions"
    )
    description = models.CharField(_("condition"), max_length=300)
    due_date = models.DateField(_("due date"))
    met_on = models.DateField(_("met on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["agreement", "due_date", "pk"]
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")

    def __str__(self):
        return self.description


class Tranche(models.Model):
    """A part of the subsidy paid when its condition holds: the advance from the start,
    an intermediate payment once a year's progress report is approved, the balance once
    the final report is approved."""

    class Kind(models.TextChoices):
        ADVANCE = "advance", _("advance")
        INTERMEDIATE = "intermediate", _("intermediate payment")
        BALANCE = "balance", _("balance")

    class Trigger(models.TextChoices):
        DATE = "date", _("from a date")
        REPORT = "report", _("a year's progress report approved")
        FINAL_REPORT = "final_report", _("the final report approved")

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="tranches"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("amount (EUR)"), **money)
    trigger = models.CharField(_("payable when"), max_length=12, choices=Trigger.choices)
    payable_from = models.DateField(_("payable from"), null=True, blank=True)
    report_year = models.PositiveSmallIntegerField(_("report of year"), null=True, blank=True)
    condition = models.ForeignKey(
        Condition,
        verbose_name=_("also requires"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tranches",
    )
    added_by = models.ForeignKey(
        Amendment,
        verbose_name=_("added by amendment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="added_tranches",
        help_text=_("Empty for the tranches of the agreement as signed."),
    )

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="unique_tranche_number")
        ]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")

    def __str__(self):
        return f"{self.agreement} {_('tranche')} {self.number} ({self.get_kind_display()})"


class TrancheChange(models.Model):
    """An amendment's change of a tranche's amount: the amount before and after. The
    tranche's ``amount`` is the current one; as of a day before the amendment's decision
    the tranche had ``amount_before`` (core.known_agreements.tranche_amount)."""

    tranche = models.ForeignKey(
        Tranche, verbose_name=_("tranche"), on_delete=models.PROTECT, related_name="changes"
    )
    amendment = models.ForeignKey(
        Amendment,
        verbose_name=_("amendment"),
        on_delete=models.PROTECT,
        related_name="tranche_changes",
    )
    amount_before = models.DecimalField(_("amount before (EUR)"), **money)
    amount = models.DecimalField(_("new amount (EUR)"), **money)

    class Meta:
        ordering = ["tranche", "amendment__number", "pk"]
        verbose_name = _("tranche change")
        verbose_name_plural = _("tranche changes")

    def __str__(self):
        return f"{self.tranche}: {self.amount_before} → {self.amount}"


class Payment(models.Model):
    """A payment made on a tranche (date, the bookkeeping's reference, amount). Never
    more than what the tranche leaves open."""

    tranche = models.ForeignKey(
        Tranche, verbose_name=_("tranche"), on_delete=models.PROTECT, related_name="payments"
    )
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=80)
    amount = models.DecimalField(
        _("amount (EUR)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["tranche", "paid_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="unique_payment_reference")
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return f"{self.reference} ({self.paid_on:%d/%m/%Y})"
