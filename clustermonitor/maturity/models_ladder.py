"""The maturity ladder, labels, staff records and aftercare (issue 21).

- **Level** of a programme's ladder (Norway's Arena → NCE → GCE): its criteria set, the
  minimum time at the level and what promotion changes (a higher subsidy ceiling, a
  longer term). A **LevelDecision** places a cluster on a level from a day — a promotion
  or demotion decided on an assessment, with its motivation; the cluster's level on D is
  the latest decision decided and effective by D.
- **Label** (ESCA Bronze / Silver / Gold, a national label) and a cluster's
  **LabelAward**s: awarded on, valid until (warnings before expiry).
- **BenchmarkReference**: published quartiles of an indicator (ESCA's benchmark) the
  agency loads as reference data, to compare beside the programme's own quartiles.
- **StaffMember**, **StaffAssignment** (role and FTE for a period) and **Training**: the
  cluster management team, feeding the management indicators.
- **Aftercare** (the cluster's status after its term) and **FollowUp** (a yearly light
  follow-up: members, fees, activities, reported or counted).

Written only through maturity's services, every write audited (core.audit).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from clustermonitor.core import i18n

money = {"max_digits": 12, "decimal_places": 2, "null": True, "blank": True}


class Level(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="levels"
    )
    order = models.PositiveSmallIntegerField(_("order"), help_text=_("1 is the first step."))
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name (Dutch)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    description = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    criteria_set = models.ForeignKey(
        "maturity.CriteriaSet",
        verbose_name=_("criteria set"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="levels",
        help_text=_("The published version a cluster is assessed against to reach it."),
    )
    min_months = models.PositiveSmallIntegerField(
        _("minimum time at the level (months)"), default=0
    )
    max_annual_subsidy = models.DecimalField(_("subsidy ceiling per year (EUR)"), **money)
    max_years = models.PositiveSmallIntegerField(_("longest term (years)"), null=True, blank=True)

    class Meta:
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_level_code"),
            models.UniqueConstraint(fields=["programme", "order"], name="unique_level_order"),
        ]
        verbose_name = _("level")
        verbose_name_plural = _("levels")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.name_en if i18n.lang() == "en" and self.name_en else self.name


class LevelDecision(models.Model):
    class Kind(models.TextChoices):
        START = "start", _("start on the ladder")
        PROMOTION = "promotion", _("promotion")
        DEMOTION = "demotion", _("demotion")
        CONFIRMATION = "confirmation", _("confirmation")

    cluster = models.ForeignKey(
        "programmes.Cluster", on_delete=models.CASCADE, related_name="level_decisions"
    )
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    assessment = models.ForeignKey(
        "maturity.Assessment",
        verbose_name=_("assessment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="level_decisions",
    )
    decided_on = models.DateField(_("decided on"))
    effective_from = models.DateField(_("effective from"))
    motivation = models.TextField(_("motivation"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cluster", "effective_from", "decided_on", "pk"]
        verbose_name = _("level decision")
        verbose_name_plural = _("level decisions")

    def __str__(self):
        return f"{self.cluster_id}: {self.level} ({self.effective_from:%d/%m/%Y})"


class Label(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="labels"
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    issuer = models.CharField(_("awarded by"), max_length=100, blank=True)
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=1, help_text=_("Bronze 1, Silver 2, Gold 3.")
    )
    criteria_set = models.ForeignKey(
        "maturity.CriteriaSet",
        verbose_name=_("criteria set"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="labels",
    )
    validity_months = models.PositiveSmallIntegerField(_("valid for (months)"), default=24)
    use_after_term = models.TextField(
        _("use of the label after the term"),
        blank=True,
        help_text=_("The rules for using the label once the cluster's funding has ended."),
    )

    class Meta:
        ordering = ["programme", "rank", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_label_code")
        ]
        verbose_name = _("label")
        verbose_name_plural = _("labels")

    def __str__(self):
        return self.name


class LabelAward(models.Model):
    cluster = models.ForeignKey(
        "programmes.Cluster", on_delete=models.CASCADE, related_name="label_awards"
    )
    label = models.ForeignKey(Label, on_delete=models.PROTECT, related_name="awards")
    awarded_on = models.DateField(_("awarded on"))
    valid_until = models.DateField(_("valid until"))
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cluster", "-awarded_on", "pk"]
        verbose_name = _("label award")
        verbose_name_plural = _("label awards")

    def __str__(self):
        return f"{self.cluster_id}: {self.label} ({self.awarded_on:%d/%m/%Y})"


class BenchmarkReference(models.Model):
    """Published quartiles of one indicator (ESCA's benchmark of cluster organisations)."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="benchmark_references"
    )
    indicator = models.CharField(_("indicator"), max_length=50)
    source = models.CharField(_("source"), max_length=200)
    published_on = models.DateField(_("published on"))
    q1 = models.DecimalField(_("first quartile"), max_digits=14, decimal_places=4)
    median = models.DecimalField(_("median"), max_digits=14, decimal_places=4)
    q3 = models.DecimalField(_("third quartile"), max_digits=14, decimal_places=4)
    n = models.PositiveIntegerField(_("cluster organisations"), null=True, blank=True)

    class Meta:
        ordering = ["programme", "indicator", "-published_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "indicator", "source", "published_on"],
                name="unique_benchmark_reference",
            )
        ]
        verbose_name = _("benchmark reference")
        verbose_name_plural = _("benchmark references")

    def __str__(self):
        return f"{self.indicator} ({self.source})"


class StaffMember(models.Model):
    cluster = models.ForeignKey(
        "programmes.Cluster", on_delete=models.CASCADE, related_name="staff"
    )
    name = models.CharField(_("name"), max_length=200)
    qualifications = models.TextField(_("qualifications"), blank=True)

    #: The personal fields the audit log keeps as a keyed pseudonym (core.audit).
    AUDIT_PERSONAL_FIELDS = ("name",)

    class Meta:
        ordering = ["cluster", "name", "pk"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self):
        return self.name

    def audit_repr(self) -> str:
        """How the audit log names the person: not by their name (core.audit)."""
        return f"staff member {self.pk} of cluster {self.cluster_id}"


class StaffAssignment(models.Model):
    class Role(models.TextChoices):
        MANAGER = "manager", _("cluster manager")
        PROJECT = "project", _("project or innovation manager")
        COMMUNITY = "community", _("community and communication")
        INTERNATIONAL = "international", _("international relations")
        ADMIN = "admin", _("administration and finance")
        OTHER = "other", _("other")

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role"), max_length=14, choices=Role.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    fte = models.DecimalField(
        _("FTE"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(2)],
    )

    class Meta:
        ordering = ["staff", "start_date", "pk"]
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")

    def __str__(self):
        return f"{self.staff} {self.role} {self.fte}"

    def audit_repr(self) -> str:
        return f"{self.role} {self.fte} of staff member {self.staff_id}"


class Training(models.Model):
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="trainings")
    title = models.CharField(_("training"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    completed_on = models.DateField(_("completed on"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["staff", "-completed_on", "pk"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")

    def __str__(self):
        return self.title


class Aftercare(models.Model):
    class Status(models.TextChoices):
        OWN_FUNDS = "own_funds", _("continued on own funds")
        INTEGRATED_SPC = "integrated_spc", _("integrated into a spearhead cluster")
        MERGED = "merged", _("merged with another cluster")
        STOPPED = "stopped", _("stopped")

    cluster = models.OneToOneField(
        "programmes.Cluster", on_delete=models.CASCADE, related_name="aftercare"
    )
    status = models.CharField(_("status after the term"), max_length=16, choices=Status.choices)
    since = models.DateField(_("since"))
    into = models.ForeignKey(
        "programmes.Cluster",
        verbose_name=_("into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("aftercare")
        verbose_name_plural = _("aftercare")

    def __str__(self):
        return f"{self.cluster_id}: {self.status}"


class FollowUp(models.Model):
    class Source(models.TextChoices):
        REPORTED = "reported", _("reported by the cluster")
        COUNTED = "counted", _("counted from the records")

    cluster = models.ForeignKey(
        "programmes.Cluster", on_delete=models.CASCADE, related_name="follow_ups"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    members = models.PositiveIntegerField(_("members"), null=True, blank=True)
    fees = models.DecimalField(_("members' fees (EUR)"), **money)
    activities = models.PositiveIntegerField(_("activities"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    reported_on = models.DateField(_("reported on"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["cluster", "year"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "year"], name="unique_follow_up_year")
        ]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self):
        return f"{self.cluster_id} {self.year}"
