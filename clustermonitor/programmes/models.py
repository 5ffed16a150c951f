import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from clustermonitor.accounts import access
from clustermonitor.core import i18n
from clustermonitor.core.templatetags.format import format_money
from clustermonitor.programmes import rules_math

code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9_-]*$", _("Use capital letters, digits, '-' or '_' (for example EUKA).")
)
money = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class Bilingual(models.Model):
    """Data labels kept in Dutch (the programme's language) and English."""

    name = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def label(self) -> str:
        if i18n.lang() == "en" and self.name_en:
            return self.name_en
        return self.name


class Programme(Bilingual):
    """A cluster policy run by one agency, e.g. VLAIO's Flemish cluster policy."""

    slug = models.SlugField(_("short name"), unique=True)
    agency = models.CharField(_("agency"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.name


class KPI(Bilingual):
    """A programme KPI as data: code, name, definition and unit (DESIGN §4)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="kpis")
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])
    definition = models.TextField(_("definition (Dutch)"))
    definition_en = models.TextField(_("definition (English)"), blank=True)
    unit = models.CharField(_("unit"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["programme", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_kpi_code")
        ]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def definition_label(self) -> str:
        if i18n.lang() == "en" and self.definition_en:
            return self.definition_en
        return self.definition


class ClusterType(Bilingual):
    """A kind of cluster with its rules (SPC: EUR 500,000 a year for 10 years; IBN:
    EUR 150,000 for 3; members co-finance 50 %)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cluster_types")
    code = models.CharField(_("code"), max_length=20, validators=[code_validator])
    max_annual_subsidy = models.DecimalField(_("maximum annual subsidy (EUR)"), **money)
    max_years = models.PositiveSmallIntegerField(
        _("maximum duration (years)"), validators=[MinValueValidator(1)]
    )
    cofinancing_share = models.DecimalField(
        _("co-financing share by members"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Share of the total budget the members pay, e.g. 0.50 for 50 %."),
    )
    kpis = models.ManyToManyField(KPI, verbose_name=_("KPIs"), blank=True, related_name="+")

    class Meta:
        ordering = ["programme", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="unique_cluster_type")
        ]
        verbose_name = _("cluster type")
        verbose_name_plural = _("cluster types")

    def __str__(self):
        return self.code

    def clean(self):
        if self.cofinancing_share is not None and self.cofinancing_share >= 1:
            raise ValidationError(
                {"cofinancing_share": _("The members' share must be below 1 (100 %).")}
            )

    @property
    def max_total_subsidy(self) -> Decimal:
        return self.max_annual_subsidy * self.max_years


class Call(models.Model):
    """A call for proposals (oproep) for one cluster type."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="calls")
    cluster_type = models.ForeignKey(
        ClusterType, verbose_name=_("cluster type"), on_delete=models.PROTECT, related_name="calls"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    period = models.CharField(_("period"), max_length=40, blank=True, help_text="2015-2016")
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    budget = models.DecimalField(_("budget (EUR)"), null=True, blank=True, **money)

    class Meta:
        ordering = ["programme", "cluster_type", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "cluster_type", "number"], name="unique_call_number"
            )
        ]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self):
        return self.name or f"{self.cluster_type.code} {_('call')} {self.number}"

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("A call cannot close before it opens.")})
        if (
            self.cluster_type_id
            and self.programme_id
            and (self.cluster_type.programme_id != self.programme_id)
        ):
            raise ValidationError({"cluster_type": _("This cluster type is of another programme.")})


class Application(models.Model):
    """A proposal submitted to a call, and the decision on it."""

    class Status(models.TextChoices):
        # The grant cycle (issue 19): an applicant's draft is not yet an application of
        # the call; it counts from its submission on (`submitted_at`, known on D).
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        INELIGIBLE = "ineligible", _("ineligible")
        IN_REVIEW = "in_review", _("in review")
        FUNDED = "funded", _("funded")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    #: Statuses of an application the call has received (every status but a draft).
    RECEIVED = (
        Status.SUBMITTED,
        Status.INELIGIBLE,
        Status.IN_REVIEW,
        Status.FUNDED,
        Status.REJECTED,
        Status.WITHDRAWN,
    )

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="applications")
    applicant = models.CharField(_("applicant"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    requested_amount = models.DecimalField(
        _("requested amount (EUR)"), null=True, blank=True, **money
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    funded_amount = models.DecimalField(_("funded amount (EUR)"), null=True, blank=True, **money)
    #: The account of the applicant who fills it in online (issue 19); empty for the
    #: applications of the calls before the platform.
    applicant_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant's account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    #: When the call received it (the first submission) and when the decision on it was
    #: taken: what is known on a date D counts only what was submitted / decided by D.
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    #: When the applicant withdrew it: before that moment it was still submitted.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    cluster = models.OneToOneField(
        "Cluster",
        verbose_name=_("cluster"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="application",
    )

    class Meta:
        ordering = ["call", "applicant"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self):
        return f"{self.applicant}: {self.title}"

    @property
    def online(self) -> bool:
        """Filled in on the platform (issue 19): its status flows only through the
        applicant's submission (grants), the screening and the jury's decision (review),
        never through the programme's application form. Followed by relation name
        (grants' `versions`): programmes sits below grants."""
        if self.pk is None:
            return False
        return self.applicant_account_id is not None or self.versions.exists()

    def clean(self):
        if self.status != self.Status.FUNDED and (self.funded_amount or self.cluster_id):
            raise ValidationError(
                {"status": _("Only a funded application has a funded amount or a cluster.")}
            )
        if self.status == self.Status.FUNDED and self.funded_amount is None:
            raise ValidationError({"funded_amount": _("A funded application needs its amount.")})


class Embedding(models.TextChoices):
    ZELFSTANDIG = "zelfstandig", _("independent (zelfstandig)")
    GEVESTIGD = "gevestigd", _("hosted (gevestigd)")


class FuturePath(models.TextChoices):
    INDEPENDENT = "independent", _("continues independently")
    INTEGRATED = "integrated", _("integrated into another organisation")
    ADHOC = "adhoc", _("ad-hoc financing")
    STOPPED = "stopped", _("stopped")
    UNCLEAR = "unclear", _("unclear")
    AIMS_SPC = "aims_spc", _("aims to become a spearhead cluster")


class ClusterQuerySet(models.QuerySet):
    def for_user(self, user):
        """Clusters whose records `user` may read (accounts/access.py decides)."""
        return access.clusters_with_records(user, self)


class Cluster(models.Model):
    """A funded cluster organisation's agreement: an SPC or an IBN."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="clusters")
    code = models.CharField(_("code"), max_length=20, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    cluster_type = models.ForeignKey(
        ClusterType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="clusters"
    )
    call = models.ForeignKey(
        Call,
        verbose_name=_("call"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clusters",
    )
    executing_organisation = models.CharField(
        _("executing organisation"), max_length=200, blank=True
    )
    embedding = models.CharField(
        _("embedding"), max_length=12, choices=Embedding.choices, blank=True
    )
    origin = models.CharField(_("origin"), max_length=300, blank=True)
    domain = models.CharField(_("domain"), max_length=200, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    subsidy = models.DecimalField(
        _("subsidy (EUR)"),
        null=True,
        blank=True,
        help_text=_("Total subsidy over the agreement; empty when not known."),
        **money,
    )
    future_path = models.CharField(
        _("future path"), max_length=12, choices=FuturePath.choices, blank=True
    )
    future_organisation = models.CharField(
        _("integrated into"),
        max_length=200,
        blank=True,
        help_text=_("The organisation that takes the cluster in, for an integration."),
    )
    future_note = models.CharField(_("future (as reported)"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accounts",
    )

    objects = ClusterQuerySet.as_manager()

    class Meta:
        ordering = ["cluster_type__code", "code"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self):
        return f"{self.code} – {self.name}"

    @property
    def domain_label(self) -> str:
        return self.domain or "; ".join(self.keywords)

    @property
    def duration_months(self) -> int | None:
        if self.start_date and self.end_date:
            return rules_math.agreement_months(self.start_date, self.end_date)
        return None

    def is_running(self, on: datetime.date) -> bool:
        return self.start_date <= on <= self.end_date

    def clean(self):
        errors = {}
        if (
            self.call_id
            and self.cluster_type_id
            and self.call.cluster_type_id != self.cluster_type_id
        ):
            errors["call"] = _("This call is for another cluster type.")
        if self.future_path == FuturePath.INTEGRATED and not self.future_organisation:
            errors["future_organisation"] = _("Say which organisation integrates the cluster.")
        if self.start_date and self.end_date and self.cluster_type_id:
            errors.update(self._rule_errors())
        if errors:
            raise ValidationError(errors)

    def _rule_errors(self) -> dict:
        ctype = self.cluster_type
        if self.end_date < self.start_date:
            return {"end_date": _("The end date is before the start date.")}
        errors = {}
        months = rules_math.agreement_months(self.start_date, self.end_date)
        over = months - ctype.max_years * 12
        if over > 0:
            errors["end_date"] = _(
                "The agreement runs %(months)d months; the %(type)s maximum is %(years)d years "
                "(%(max)d months), %(over)d months too long."
            ) % {
                "months": months,
                "type": ctype.code,
                "years": ctype.max_years,
                "max": ctype.max_years * 12,
                "over": over,
            }
        elif self.subsidy is not None:
            ceiling = rules_math.max_subsidy(
                ctype.max_annual_subsidy, self.start_date, self.end_date
            )
            if self.subsidy > ceiling:
                errors["subsidy"] = _(
                    "%(amount)s is above the %(type)s maximum of %(ceiling)s "
                    "(%(annual)s a year for %(months)d months) by %(excess)s."
                ) % {
                    "amount": format_money(self.subsidy),
                    "type": ctype.code,
                    "ceiling": format_money(ceiling),
                    "annual": format_money(ctype.max_annual_subsidy),
                    "months": months,
                    "excess": format_money(self.subsidy - ceiling),
                }
        return errors


class Target(models.Model):
    """A cluster's target (streefwaarde) for one KPI, due by a date (3 years after start)."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="targets")
    kpi = models.ForeignKey(KPI, verbose_name=_("KPI"), on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("due date"))
    baseline = models.DecimalField(
        _("baseline"),
        max_digits=12,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    value = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["cluster", "kpi__order", "due_date"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "kpi", "due_date"], name="unique_target")
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return f"{self.cluster.code} {self.kpi.code} {self.value:g} ({self.due_date:%Y-%m-%d})"

    def clean(self):
        if self.cluster_id and self.kpi_id and self.kpi.programme_id != self.cluster.programme_id:
            raise ValidationError({"kpi": _("This KPI belongs to another programme.")})
        if self.cluster_id and self.due_date and self.due_date < self.cluster.start_date:
            raise ValidationError({"due_date": _("A target cannot fall due before the start.")})

    @staticmethod
    def default_due_date(cluster: Cluster) -> datetime.date:
        """Three years after the start (the programme's KPI horizon)."""
        return rules_math.add_years(cluster.start_date, 3) - datetime.timedelta(days=1)


class ReportedFigure(models.Model):
    """A figure as someone reported it (a progress report, the 2020 evaluation), with
    its source and date. Kept apart from values computed from records, never mixed."""

    class Metric(models.TextChoices):
        KPI1 = "KPI1", _("unique active companies (KPI 1)")
        KPI2 = "KPI2", _("new active companies (KPI 2)")
        KPI3 = "KPI3", _("collaborations with at least 3 companies (KPI 3)")
        INTERCLUSTER = "intercluster_projects", _("intercluster projects")
        SUBMITTED = "applications_submitted", _("applications submitted")
        FUNDED = "applications_funded", _("applications funded")
        FUNDED_AMOUNT = "funded_amount", _("amount funded (EUR)")

    class Basis(models.TextChoices):
        REPORTED = "reported", _("reported")
        REPORTED_1Y = "reported_1y", _("reported after 1 year of operation")
        REPORTED_2Y = "reported_2y", _("reported after 2 years of operation")

    metric = models.CharField(_("figure"), max_length=30, choices=Metric.choices)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.CASCADE, related_name="reported_figures"
    )
    call = models.ForeignKey(
        Call, null=True, blank=True, on_delete=models.CASCADE, related_name="reported_figures"
    )
    basis = models.CharField(_("basis"), max_length=12, choices=Basis.choices)
    period_end = models.DateField(_("up to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200)
    source_date = models.DateField(_("source date"))

    class Meta:
        ordering = ["metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "cluster", "call", "source"],
                name="unique_reported_figure",
            ),
            models.CheckConstraint(
                condition=models.Q(cluster__isnull=False) | models.Q(call__isnull=False),
                name="reported_figure_has_subject",
            ),
        ]
        verbose_name = _("reported figure")
        verbose_name_plural = _("reported figures")

    def __str__(self):
        subject = self.cluster.code if self.cluster_id else str(self.call)
        return f"{subject} {self.metric} = {self.value:g} ({self.source})"


class PublishedFigure(models.Model):
    """A programme-wide aggregate as someone published it (the 2020 evaluation's
    intercluster totals, ...), kept beside the value the records give, never mixed."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="published_figures"
    )
    key = models.CharField(_("figure"), max_length=80)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=200)
    source_date = models.DateField(_("source date"))

    class Meta:
        ordering = ["programme", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "key", "source"], name="unique_published_figure"
            )
        ]
        verbose_name = _("published figure")
        verbose_name_plural = _("published figures")

    def __str__(self):
        return f"{self.key} = {self.value:g} ({self.source})"
