"""Eligibility screening, the jury's review and the decisions on applications (issue 19;
docs/user-guide.md, "Screening and the jury").

Per call the programme manager sets the eligibility criteria (automatic ones computed from
the submitted version, manual ones answered yes or no) and the rubric (criteria with
weights, a maximum score and thresholds). A screening records per criterion its outcome
and reasons; the jury's reviewers each declare conflicts of interest for an assignment
before they score; the jury meeting's decision rests on the submitted scores."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clustermonitor.core import i18n


class CheckKind(models.TextChoices):
    COFINANCING = "cofinancing", _("co-financing plan meets the type's share each year")
    SUBSIDY = "subsidy", _("subsidy within the type's caps")
    TERM = "term", _("term within the type's maximum")
    DUPLICATES = "duplicates", _("members already in another running cluster")
    MANAGER = "manager", _("a named cluster manager")
    STEERING = "steering", _("companies in the majority of the steering group")
    MANUAL = "manual", _("manual: answered yes or no")


AUTOMATIC_KINDS = tuple(k for k in CheckKind if k != CheckKind.MANUAL)


class EligibilityCriterion(models.Model):
    """A condition an application of the call must meet to be reviewed."""

    call = models.ForeignKey(
        "programmes.Call",
        verbose_name=_("call"),
        on_delete=models.CASCADE,
        related_name="eligibility_criteria",
    )
    kind = models.CharField(pgettext_lazy("criterion", "kind"), max_length=12, choices=CheckKind)
    text = models.CharField(_("question (Dutch)"), max_length=300, blank=True)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    #: Members in other clusters: the largest share of the members allowed there.
    limit = models.DecimalField(
        _("largest share allowed"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["call", "order", "pk"]
        verbose_name = _("eligibility criterion")
        verbose_name_plural = _("eligibility criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "kind"],
                condition=~models.Q(kind="manual"),
                name="review_unique_automatic_criterion",
                violation_error_message=_("The call has this automatic criterion already."),
            )
        ]

    def __str__(self):
        return self.label

    @property
    def automatic(self) -> bool:
        return self.kind != CheckKind.MANUAL

    @property
    def label(self) -> str:
        if self.kind != CheckKind.MANUAL:
            return str(CheckKind(self.kind).label)
        if i18n.lang() == "en" and self.text_en:
            return self.text_en
        return self.text


class Screening(models.Model):
    """The eligibility screening of an application's submitted version: eligible (to the
    jury) or ineligible, who screened it and when."""

    class Outcome(models.TextChoices):
        ELIGIBLE = "eligible", _("eligible")
        INELIGIBLE = "ineligible", _("ineligible")

    application = models.OneToOneField(
        "programmes.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="screening",
    )
    version = models.ForeignKey(
        "grants.ApplicationVersion",
        verbose_name=_("version screened"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("screened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    screened_at = models.DateTimeField(_("screened at"), default=timezone.now)

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self):
        return f"{self.application_id}: {self.outcome}"


class ScreeningResult(models.Model):
    """One criterion's outcome in a screening, with the reasons."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="results")
    criterion = models.ForeignKey(
        EligibilityCriterion,
        verbose_name=_("criterion"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    passed = models.BooleanField(_("met"))
    reasons = models.TextField(_("reasons"), blank=True, max_length=4000)
    details = models.JSONField(_("details"), default=list, blank=True)

    class Meta:
        ordering = ["screening", "criterion__order", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "criterion"], name="review_unique_screening_result"
            )
        ]
        verbose_name = _("screening result")
        verbose_name_plural = _("screening results")

    def __str__(self):
        return f"{self.criterion_id}: {self.passed}"


class Rubric(models.Model):
    """The call's assessment rubric: its thresholds (the criteria are RubricCriterion)."""

    call = models.OneToOneField(
        "programmes.Call", verbose_name=_("call"), on_delete=models.CASCADE, related_name="rubric"
    )
    threshold = models.DecimalField(
        _("threshold (weighted total, %)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(60),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    spread_limit = models.DecimalField(
        _("largest spread between reviewers (points)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(20),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")

    def __str__(self):
        return str(self.call_id)


class RubricCriterion(models.Model):
    call = models.ForeignKey(
        "programmes.Call",
        verbose_name=_("call"),
        on_delete=models.CASCADE,
        related_name="rubric_criteria",
    )
    name = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    guidance = models.TextField(_("guidance for reviewers"), blank=True, max_length=2000)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    max_score = models.PositiveSmallIntegerField(
        _("maximum score"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    threshold = models.DecimalField(
        _("threshold (least mean score)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["call", "order", "pk"]
        verbose_name = _("rubric criterion")
        verbose_name_plural = _("rubric criteria")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if i18n.lang() == "en" and self.name_en:
            return self.name_en
        return self.name


class Declaration(models.TextChoices):
    PENDING = "pending", _("not declared yet")
    NONE = "none", _("no conflict of interest")
    CONFLICT = "conflict", _("conflict of interest")


class Assignment(models.Model):
    """A reviewer assigned to an application. The reviewer declares conflicts of interest
    first; with a conflict the assignment is blocked (no scoring). Scores are saved as a
    draft and then submitted (`submitted_at`), after which they do not change. A removed
    assignment (`active` false) is kept with its history."""

    application = models.ForeignKey(
        "programmes.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    declaration = models.CharField(
        _("conflict of interest"), max_length=10, choices=Declaration, default=Declaration.PENDING
    )
    conflict_note = models.CharField(_("the conflict"), max_length=500, blank=True)
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("scores submitted at"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["application", "assigned_at", "pk"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="review_unique_assignment"
            )
        ]

    def __str__(self):
        return f"{self.application_id} / {self.reviewer_id}"

    @property
    def blocked(self) -> bool:
        return self.declaration == Declaration.CONFLICT

    @property
    def may_score(self) -> bool:
        return self.active and self.declaration == Declaration.NONE and self.submitted_at is None

    @property
    def state(self) -> str:
        """pending, blocked, scoring, submitted or removed (core.badges)."""
        if not self.active:
            return "removed"
        if self.declaration == Declaration.PENDING:
            return "pending"
        if self.declaration == Declaration.CONFLICT:
            return "blocked"
        return "submitted" if self.submitted_at else "scoring"

    @property
    def reviewer_name(self) -> str:
        return self.reviewer.get_full_name() or self.reviewer.username


class Score(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        RubricCriterion,
        verbose_name=_("criterion"),
        on_delete=models.PROTECT,
        related_name="scores",
    )
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=4000)

    class Meta:
        ordering = ["assignment", "criterion__order", "criterion__pk"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="review_unique_score")
        ]

    def __str__(self):
        return f"{self.assignment_id}/{self.criterion_id}: {self.score}"

    def save(self, *args, **kwargs):
        """A submitted reviewer's scores never change (the decision rests on them): not
        through the services, nor through any other save."""
        if Assignment.objects.filter(pk=self.assignment_id, submitted_at__isnull=False).exists():
            raise ValueError("The reviewer's scores are submitted: they do not change.")
        super().save(*args, **kwargs)


class Decision(models.Model):
    """The jury meeting's decision on an application, with its motivation."""

    class Outcome(models.TextChoices):
        FUNDED = "funded", _("funded")
        REJECTED = "rejected", _("rejected")

    application = models.OneToOneField(
        "programmes.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="decision",
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome)
    funded_amount = models.DecimalField(
        _("funded amount (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    motivation = models.TextField(_("motivation"), max_length=6000)
    meeting_date = models.DateField(_("jury meeting"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    letter_sent_at = models.DateTimeField(_("letter sent at"), null=True, blank=True)
    letter_sent_to = models.EmailField(_("letter sent to"), blank=True)

    #: Personal data: a pseudonym in the audit log (core.audit).
    AUDIT_PERSONAL_FIELDS = ("letter_sent_to",)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.application_id}: {self.outcome}"
