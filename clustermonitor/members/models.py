import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clustermonitor.accounts import access


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user):
        return access.memberships_for(user, self)

    def active_on(self, day: datetime.date):
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )

    def active_in_year(self, year: int):
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        return self.filter(start_date__lte=last).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=first)
        )


class Membership(models.Model):
    """An organisation's membership of one cluster, from a date until a date."""

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    cluster = models.ForeignKey(
        "programmes.Cluster",
        verbose_name=_("cluster"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    start_date = models.DateField(_("member from"))
    end_date = models.DateField(_("member until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["cluster", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cluster", "start_date"], name="unique_membership_start"
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.organisation} – {self.cluster.code}"

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("A membership cannot end before it starts.")})
        if self.organisation_id and self.cluster_id and self.start_date:
            overlapping = Membership.objects.filter(
                organisation_id=self.organisation_id, cluster_id=self.cluster_id
            ).exclude(pk=self.pk)
            end = self.end_date or datetime.date.max
            overlapping = overlapping.filter(start_date__lte=end).filter(
                Q(end_date__isnull=True) | Q(end_date__gte=self.start_date)
            )
            if overlapping.exists():
                raise ValidationError(
                    _("This organisation is already a member of the cluster in that period.")
                )

    def is_active(self, on: datetime.date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class Contact(models.Model):
    """A contact person for one membership."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    #: Personal data: the audit log keeps their pseudonym only (core.audit.pseudonym).
    AUDIT_PERSONAL_FIELDS = ("name", "email", "phone")

    class Meta:
        ordering = ["membership", "name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self):
        return self.name

    def audit_repr(self) -> str:
        """How the audit log names a contact: never by the person's name."""
        return f"contact #{self.pk} ({self.membership_id and self.membership})"


class FeeSchedule(models.Model):
    """A cluster's fees for one year: an amount per size class, or one amount for all."""

    cluster = models.ForeignKey(
        "programmes.Cluster", on_delete=models.CASCADE, related_name="fee_schedules"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["cluster", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "year"], name="unique_fee_schedule")
        ]
        verbose_name = _("fee schedule")

    def __str__(self):
        return f"{self.cluster.code} {self.year}"


class FeeTier(models.Model):
    """One fee of a schedule; `size_class` empty means: every member not otherwise tiered."""

    SIZE_CLASSES = [
        ("", _("everyone else")),
        ("micro", _("micro (< 10)")),
        ("small", _("small (10–49)")),
        ("medium", _("medium (50–249)")),
        ("large", _("large (≥ 250)")),
        ("unknown", _("size unknown")),
    ]
    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="tiers")
    size_class = models.CharField(_("size class"), max_length=8, choices=SIZE_CLASSES, blank=True)
    amount = models.DecimalField(
        _("amount (EUR)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )

    class Meta:
        ordering = ["schedule", "size_class"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "size_class"], name="unique_fee_tier")
        ]

    def __str__(self):
        return f"{self.schedule} {self.size_class or '*'}: {self.amount}"


class Contribution(models.Model):
    """A member's fee for one year: expected, invoiced, paid or waived. The payer may be
    another organisation than the member (a group paying for its subsidiary)."""

    class Status(models.TextChoices):
        EXPECTED = "expected", _("expected")
        INVOICED = "invoiced", _("invoiced")
        PAID = "paid", _("paid")
        WAIVED = "waived", _("waived")

    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="contributions"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(
        _("amount (EUR)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.EXPECTED
    )
    invoiced_on = models.DateField(_("invoiced on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payer = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("paid by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
        help_text=_("Only when another organisation pays, e.g. the group for its subsidiary."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["membership", "year"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "year"], name="unique_contribution_year")
        ]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self):
        return f"{self.membership} {self.year}: {self.amount}"

    def clean(self):
        errors = {}
        if self.membership_id and self.year:
            m = self.membership
            if self.year < m.start_date.year or (m.end_date and self.year > m.end_date.year):
                errors["year"] = _("%(year)d is outside the membership (%(start)s – %(end)s).") % {
                    "year": self.year,
                    "start": m.start_date.isoformat(),
                    "end": m.end_date.isoformat() if m.end_date else "…",
                }
        if self.status == self.Status.PAID and not self.paid_on:
            errors["paid_on"] = _("A paid contribution needs its payment date.")
        if self.status != self.Status.PAID and self.paid_on:
            errors["status"] = _("A contribution with a payment date is paid.")
        if self.status == self.Status.WAIVED and self.amount:
            errors["amount"] = _("A waived contribution has amount 0.")
        elif self.status != self.Status.WAIVED and self.amount is not None and self.amount <= 0:
            errors["amount"] = _("The amount must be above 0 (or the contribution waived).")
        if self.invoiced_on and self.paid_on and self.paid_on < self.invoiced_on:
            errors["paid_on"] = _("Paid before it was invoiced?")
        if self.membership_id and self.payer_id == self.membership.organisation_id:
            self.payer = None  # the member itself: stored as "no other payer"
        if errors:
            raise ValidationError(errors)

    @property
    def paying_organisation_id(self) -> int:
        return self.payer_id or self.membership.organisation_id
