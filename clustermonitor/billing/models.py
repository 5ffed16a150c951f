"""Invoices for members' fees (issue 18): a cluster's billing settings, its invoices and
credit notes (numbered per cluster, year and kind without gaps), their lines (one per
contribution), payments and reminders."""

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from clustermonitor.billing import structured

digits_12 = RegexValidator(r"^\d{12}$", _("Twelve digits."))


class VatRegime(models.TextChoices):
    STANDARD = "standard", _("VAT 21 %")
    EXEMPT = "exempt", _("exempt from VAT")
    NOT_LIABLE = "not_liable", _("not liable to VAT")


#: The UBL VAT category of each regime (UNCL5305) and its rate.
VAT_CATEGORY = {
    VatRegime.STANDARD: ("S", Decimal("21")),
    VatRegime.EXEMPT: ("E", Decimal("0")),
    VatRegime.NOT_LIABLE: ("O", Decimal("0")),
}


class BillingSettings(models.Model):
    """A cluster's own legal details and VAT regime, as printed on its invoices."""

    cluster = models.OneToOneField(
        "programmes.Cluster",
        verbose_name=_("cluster"),
        on_delete=models.PROTECT,
        related_name="billing_settings",
    )
    legal_name = models.CharField(_("legal name"), max_length=200)
    enterprise_number = models.CharField(_("enterprise number"), max_length=10)
    vat_regime = models.CharField(
        _("VAT regime"), max_length=12, choices=VatRegime.choices, default=VatRegime.STANDARD
    )
    vat_number = models.CharField(
        _("VAT number"),
        max_length=14,
        blank=True,
        help_text=_("BE followed by the enterprise number; empty when not liable to VAT."),
    )
    exemption_note = models.CharField(
        _("legal exemption note"),
        max_length=300,
        blank=True,
        help_text=_("Printed on exempt invoices, e.g. the article of the VAT code."),
    )
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11)
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, default="BE")
    email = models.EmailField(_("billing e-mail"), blank=True)
    payment_term_days = models.PositiveSmallIntegerField(
        _("payment term (days)"), default=30, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("billing settings")
        verbose_name_plural = _("billing settings")

    def __str__(self):
        return f"{self.cluster.code}: {self.legal_name}"

    @property
    def peppol_id(self) -> str:
        """The Peppol participant id: scheme 0208 (Belgian enterprise number)."""
        return f"0208:{self.enterprise_number}"


class InvoiceCounter(models.Model):
    """The last number given per cluster, year and kind; locked (select_for_update) while
    an invoice is issued, so numbers follow one another without gaps."""

    cluster = models.ForeignKey(
        "programmes.Cluster", on_delete=models.PROTECT, related_name="invoice_counters"
    )
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year", "kind"], name="unique_invoice_counter"
            )
        ]

    def __str__(self):
        return f"{self.cluster_id} {self.year} {self.kind}: {self.last}"


class Invoice(models.Model):
    """An invoice (or credit note) of a cluster to an organisation. A draft has no number;
    issuing gives it the next number of its cluster, year and kind and locks it."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("invoice")
        CREDIT_NOTE = "credit_note", _("credit note")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ISSUED = "issued", _("issued")
        PAID = "paid", _("paid")
        CREDITED = "credited", _("credited")
        CANCELLED = "cancelled", _("cancelled")

    cluster = models.ForeignKey(
        "programmes.Cluster",
        verbose_name=_("cluster"),
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("buyer"),
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    credited_invoice = models.ForeignKey(
        "self",
        verbose_name=_("credited invoice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    number = models.CharField(_("number"), max_length=40, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    structured_reference = models.CharField(
        _("structured communication"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[digits_12],
    )
    vat_regime = models.CharField(_("VAT regime"), max_length=12, choices=VatRegime.choices)
    net_total = models.DecimalField(
        _("total excl. VAT"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    vat_total = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2, default=Decimal(0))
    total = models.DecimalField(
        _("total incl. VAT"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    #: The failed rules of the last validation of its UBL document (rule, flag, message);
    #: empty when it passed. A document with a fatal finding is never sent.
    findings = models.JSONField(_("validation findings"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cluster", "-year", "kind", "sequence", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "number"],
                condition=~models.Q(number=""),
                name="unique_invoice_number",
            ),
            models.UniqueConstraint(
                fields=["cluster", "year", "kind", "sequence"],
                condition=models.Q(sequence__isnull=False),
                name="unique_invoice_sequence",
            ),
        ]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self):
        return self.number or f"draft {self.pk}"

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE

    @property
    def reference_display(self) -> str:
        return (
            structured.format_reference(self.structured_reference)
            if self.structured_reference
            else ""
        )

    @property
    def paid_amount(self) -> Decimal:
        return sum((p.amount for p in self.payments.all()), Decimal(0))

    @property
    def open_amount(self) -> Decimal:
        if self.status != self.Status.ISSUED or self.is_credit_note:
            return Decimal(0)
        return self.total - self.paid_amount


class InvoiceLine(models.Model):
    """One contribution on an invoice (or reversed on a credit note)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    contribution = models.ForeignKey(
        "members.Contribution",
        verbose_name=_("contribution"),
        on_delete=models.PROTECT,
        related_name="invoice_lines",
    )
    description = models.CharField(_("description"), max_length=300)
    net_amount = models.DecimalField(_("amount excl. VAT"), max_digits=12, decimal_places=2)
    vat_category = models.CharField(_("VAT category"), max_length=2)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["invoice", "pk"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")

    def __str__(self):
        return f"{self.invoice}: {self.description}"


class Payment(models.Model):
    """A payment received for an invoice; `source` names where it was learnt (a bank
    statement line, a manual entry) and makes recording it again a no-op."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    value_date = models.DateField(_("value date"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        ordering = ["invoice", "value_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "source"], name="unique_payment_source")
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return f"{self.invoice} {self.value_date}: {self.amount}"


class Reminder(models.Model):
    """A reminder sent for an overdue invoice: each level once."""

    class Level(models.IntegerChoices):
        FIRST = 1, _("first reminder")
        SECOND = 2, _("second reminder")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="reminders")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    sent_on = models.DateField(_("sent on"))

    class Meta:
        ordering = ["invoice", "level"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "level"], name="unique_reminder_level")
        ]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self):
        return f"{self.invoice} {self.get_level_display()}"
