"""Exit plans and criteria sets (issue 6): where a cluster goes when the funding ends,
and how ready it is for the next step, judged against criteria kept as versioned data.

Imported by programmes/models.py, so these are models of the `programmes` app.
Only services_maturity.py writes them (docs/maturity.md).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from clustermonitor.core import i18n

#: The cluster type an exit plan may merge into.
SPC_CODE = "SPC"


class ExitPath(models.TextChoices):
    INDEPENDENT = "independent", _("continues independently")
    INTEGRATED = "integrated", _("integrates into another organisation")
    MERGES_SPC = "merges_spc", _("merges into a spearhead cluster (SPC)")
    ADHOC = "adhoc", _("ad-hoc financing")
    STOPS = "stops", _("stops")


class ExitPlan(models.Model):
    """A cluster's one current exit plan. Earlier states stay in the audit log: filing,
    acceptance, returns and every edit each write an entry with before and after."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        FILED = "filed", _("filed")
        ACCEPTED = "accepted", _("accepted")

    cluster = models.OneToOneField(
        "programmes.Cluster", on_delete=models.CASCADE, related_name="exit_plan"
    )
    path = models.CharField(_("path after the funding"), max_length=12, choices=ExitPath.choices)
    organisation = models.CharField(
        _("integrates into"),
        max_length=200,
        blank=True,
        help_text=_("The organisation that takes the cluster in, for an integration."),
    )
    spc = models.ForeignKey(
        "programmes.Cluster",
        verbose_name=_("spearhead cluster"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incoming_exit_plans",
        help_text=_("The spearhead cluster it merges into."),
    )
    business_model = models.TextField(
        _("business model after the funding"),
        blank=True,
        help_text=_("Who pays for what once the subsidy ends: fees, services, projects."),
    )
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    filed_on = models.DateField(_("filed on"), null=True, blank=True, editable=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )

    class Meta:
        db_table = "programmes_exitplan"
        ordering = ["cluster"]
        verbose_name = _("exit plan")
        verbose_name_plural = _("exit plans")

    def __str__(self):
        return _("Exit plan of %(cluster)s") % {"cluster": self.cluster.code}

    @property
    def is_filed(self) -> bool:
        return self.status in (self.Status.FILED, self.Status.ACCEPTED)

    def clean(self):
        errors = {}
        if self.path == ExitPath.INTEGRATED and not self.organisation.strip():
            errors["organisation"] = _("Say which organisation integrates the cluster.")
        if self.path != ExitPath.INTEGRATED and self.organisation:
            errors["organisation"] = _("Only an integration names an organisation.")
        if self.path == ExitPath.MERGES_SPC and not self.spc_id:
            errors["spc"] = _("Say which spearhead cluster it merges into.")
        if self.path != ExitPath.MERGES_SPC and self.spc_id:
            errors["spc"] = _("Only a merger names a spearhead cluster.")
        if self.spc_id:
            if self.spc.cluster_type.code != SPC_CODE:
                errors["spc"] = _("%(cluster)s is no spearhead cluster.") % {
                    "cluster": self.spc.code
                }
            elif self.spc_id == self.cluster_id:
                errors["spc"] = _("A cluster cannot merge into itself.")
            elif self.cluster_id and self.spc.programme_id != self.cluster.programme_id:
                errors["spc"] = _("This spearhead cluster is of another programme.")
        if errors:
            raise ValidationError(errors)


# -- Criteria sets ------------------------------------------------------------------------


class CriteriaSet(models.Model):
    """One version of a named set of criteria. A published version never changes: the
    programme manager makes a new version (a draft copy) and publishes that; assessments
    keep pointing at the version they were made with."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="criteria_sets"
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    published_on = models.DateField(_("published on"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        editable=False,
        related_name="next_versions",
    )

    class Meta:
        db_table = "programmes_criteriaset"
        ordering = ["programme", "name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name", "version"], name="unique_criteria_set_version"
            ),
            models.UniqueConstraint(
                fields=["programme", "name"],
                condition=models.Q(status="draft"),
                name="one_draft_per_criteria_set",
            ),
        ]
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")

    def __str__(self):
        return _("%(name)s, version %(version)d") % {"name": self.label, "version": self.version}

    @property
    def label(self) -> str:
        """The name in the reader's language (Dutch when there is no English)."""
        return self.name_en if i18n.lang() == "en" and self.name_en else self.name

    @property
    def description_label(self) -> str:
        if i18n.lang() == "en" and self.description_en:
            return self.description_en
        return self.description

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class CriterionKind(models.TextChoices):
    COMPUTED = "computed", _("computed from the records")
    EVIDENCE = "evidence", _("answered with evidence")


class Operator(models.TextChoices):
    GE = ">=", "≥"
    LE = "<=", "≤"
    EQ = "=", "="


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("criterion"), max_length=300)
    text_en = models.CharField(_("criterion (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CriterionKind.choices)
    metric = models.CharField(
        _("metric"),
        max_length=40,
        blank=True,
        help_text=_("For a computed criterion: the code of a metric of the registry."),
    )
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices, blank=True)
    threshold = models.DecimalField(
        _("threshold"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    guidance = models.CharField(
        _("evidence asked"),
        max_length=300,
        blank=True,
        help_text=_("For an evidence criterion: what the cluster should show."),
    )
    guidance_en = models.CharField(_("evidence asked (English)"), max_length=300, blank=True)

    class Meta:
        db_table = "programmes_criterion"
        ordering = ["criteria_set", "order", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self):
        return self.text_label

    @property
    def text_label(self) -> str:
        """The criterion in the reader's language (Dutch when there is no English)."""
        return self.text_en if i18n.lang() == "en" and self.text_en else self.text

    @property
    def guidance_label(self) -> str:
        return self.guidance_en if i18n.lang() == "en" and self.guidance_en else self.guidance

    @property
    def is_computed(self) -> bool:
        return self.kind == CriterionKind.COMPUTED

    def clean(self):
        from clustermonitor.maturity.criteria import unknown_metric_message

        errors = {}
        if self.criteria_set_id and self.criteria_set.is_published:
            raise ValidationError(
                _("%(set)s is published and never changes: make a new version.")
                % {"set": self.criteria_set}
            )
        if self.kind == CriterionKind.COMPUTED:
            if not self.metric:
                errors["metric"] = _("A computed criterion names a metric.")
            elif message := unknown_metric_message(self.metric):
                errors["metric"] = message
            if not self.operator:
                errors["operator"] = _("A computed criterion needs an operator.")
            if self.threshold is None:
                errors["threshold"] = _("A computed criterion needs a threshold.")
        elif self.kind == CriterionKind.EVIDENCE and (
            self.metric or self.operator or self.threshold is not None
        ):
            errors["metric"] = _(
                "An evidence criterion has no metric, operator or threshold: "
                "say in the text what is asked."
            )
        if errors:
            raise ValidationError(errors)


class Assessment(models.Model):
    """A cluster judged against one published version of a set on a date. Computed values
    are frozen in its answers; evidence is answered and checked afterwards."""

    cluster = models.ForeignKey(
        "programmes.Cluster", on_delete=models.CASCADE, related_name="assessments"
    )
    criteria_set = models.ForeignKey(
        CriteriaSet,
        verbose_name=_("criteria set"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    assessed_on = models.DateField(_("assessed on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "programmes_assessment"
        ordering = ["cluster", "-assessed_on", "-pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self):
        return _("%(cluster)s against %(set)s on %(date)s") % {
            "cluster": self.cluster.code,
            "set": self.criteria_set,
            "date": self.assessed_on.strftime("%d/%m/%Y"),
        }

    def clean(self):
        if self.criteria_set_id and not self.criteria_set.is_published:
            raise ValidationError(_("Only a published version of a criteria set is assessed."))
        if (
            self.criteria_set_id
            and self.cluster_id
            and self.criteria_set.programme_id != self.cluster.programme_id
        ):
            raise ValidationError(_("This criteria set is of another programme."))


class Answer(models.Model):
    """One criterion of an assessment: the frozen value of a computed criterion, or the
    cluster's evidence and the agency's check of it."""

    class Status(models.TextChoices):
        COMPUTED = "computed", _("computed")
        PENDING = "pending", _("waiting for a check")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="answers")
    value = models.DecimalField(
        _("value at the assessment"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    evidence = models.TextField(_("evidence"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, editable=False
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True, editable=False)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )
    checked_on = models.DateField(_("checked on"), null=True, blank=True, editable=False)
    check_note = models.CharField(_("comment"), max_length=500, blank=True, editable=False)

    class Meta:
        db_table = "programmes_answer"
        ordering = ["assessment", "criterion__order", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="unique_answer")
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self):
        return f"{self.assessment.cluster.code}: {self.criterion.text[:80]}"

    def clean(self):
        if (
            self.assessment_id
            and self.criterion_id
            and self.criterion.criteria_set_id != self.assessment.criteria_set_id
        ):
            raise ValidationError(_("This criterion belongs to another version of the set."))

    @property
    def outcome(self) -> str:
        from clustermonitor.maturity import criteria

        if self.criterion.is_computed:
            return criteria.compare(self.value, self.criterion.operator, self.criterion.threshold)
        return {self.Status.ACCEPTED: criteria.PASS, self.Status.REJECTED: criteria.FAIL}.get(
            self.status, criteria.UNKNOWN
        )


# The ladder, labels, staff records and aftercare (issue 21).
from clustermonitor.maturity.models_ladder import (  # noqa: E402, F401
    Aftercare,
    BenchmarkReference,
    FollowUp,
    Label,
    LabelAward,
    Level,
    LevelDecision,
    StaffAssignment,
    StaffMember,
    Training,
)
