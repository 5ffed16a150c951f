"""Bank statements (issue 18): a cluster's bank accounts, the statements imported from
CODA or camt.053 files, and their lines, each matched to an invoice, waiting for a
decision, or set aside."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum import iban as iban_number


def validate_iban(value: str) -> None:
    if not iban_number.is_valid(value or ""):
        raise ValidationError(_("%(value)s is not a valid IBAN."), params={"value": value})


class BankAccount(models.Model):
    """An account of the cluster organisation, into which members pay their fees."""

    cluster = models.ForeignKey(
        "programmes.Cluster",
        verbose_name=_("cluster"),
        on_delete=models.PROTECT,
        related_name="bank_accounts",
    )
    iban = models.CharField(_("IBAN"), max_length=34, unique=True, validators=[validate_iban])
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["cluster", "iban"]
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")

    def __str__(self):
        return iban_number.format(self.iban)

    @property
    def iban_display(self) -> str:
        return iban_number.format(self.iban)


class Statement(models.Model):
    """One statement of an account, as the bank numbered it. Imported once: the same
    number again (or the same file) changes nothing."""

    account = models.ForeignKey(
        BankAccount,
        verbose_name=_("bank account"),
        on_delete=models.PROTECT,
        related_name="statements",
    )
    number = models.CharField(_("number"), max_length=35)
    format = models.CharField(_("format"), max_length=10)
    date = models.DateField(_("date"))
    opening_date = models.DateField(_("opening balance date"))
    opening_balance = models.DecimalField(_("opening balance"), max_digits=15, decimal_places=2)
    closing_balance = models.DecimalField(_("closing balance"), max_digits=15, decimal_places=2)
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)  # of the statement's content (services.digest)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["account", "-date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "number"], name="unique_statement_number")
        ]
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")

    def __str__(self):
        return f"{self.account} {self.number}"


class StatementLine(models.Model):
    """A movement of a statement. Money in is matched to an open invoice of the cluster
    or waits for a person's decision; money out is shown, never matched."""

    class Status(models.TextChoices):
        MATCHED = "matched", _("matched")
        UNMATCHED = "unmatched", _("waits for a decision")
        DECIDED = "decided", _("assigned by hand")
        IGNORED = "ignored", _("not a fee payment")
        OUTGOING = "outgoing", _("outgoing")

    class Rule(models.TextChoices):
        NONE = "", _("none")
        REFERENCE = "reference", _("structured communication and amount")
        ENTERPRISE = "enterprise", _("amount and enterprise number in the communication")
        IBAN = "iban", _("amount and the payer's known account")
        HAND = "hand", _("chosen by hand")

    statement = models.ForeignKey(
        Statement, verbose_name=_("bank statement"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveIntegerField(_("line"))
    reference = models.CharField(_("reference"), max_length=70, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=15, decimal_places=2)
    value_date = models.DateField(_("value date"))
    booking_date = models.DateField(_("booking date"), null=True, blank=True)
    counterparty_name = models.CharField(_("counterparty"), max_length=140, blank=True)
    counterparty_iban = models.CharField(_("counterparty account"), max_length=34, blank=True)
    communication = models.CharField(_("communication"), max_length=500, blank=True)
    structured_reference = models.CharField(
        _("structured communication"), max_length=12, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UNMATCHED
    )
    rule = models.CharField(_("matched on"), max_length=12, choices=Rule.choices, blank=True)
    reason = models.CharField(_("why it waits"), max_length=300, blank=True)
    invoice = models.ForeignKey(
        "billing.Invoice",
        verbose_name=_("invoice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statement_lines",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["statement", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "position"], name="unique_statement_line_position"
            )
        ]
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")

    def __str__(self):
        return f"{self.statement} #{self.position}"

    @property
    def structured_display(self) -> str:
        s = self.structured_reference
        return f"+++{s[:3]}/{s[3:7]}/{s[7:]}+++" if len(s) == 12 else ""

    @property
    def iban_display(self) -> str:
        if iban_number.is_valid(self.counterparty_iban):
            return iban_number.format(self.counterparty_iban)
        return self.counterparty_iban
