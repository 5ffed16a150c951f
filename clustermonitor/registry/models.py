from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from clustermonitor.accounts import access
from clustermonitor.core import i18n
from clustermonitor.registry import enterprise


class Labelled(models.Model):
    label_nl = models.CharField(_("label (Dutch)"), max_length=300)
    label_fr = models.CharField(_("label (French)"), max_length=300, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def label(self) -> str:
        if i18n.lang() == "en" and self.label_en:
            return self.label_en
        return self.label_nl


class NaceCode(Labelled):
    """NACE-BEL 2008 and 2025 with their labels (Statbel)."""

    version = models.PositiveSmallIntegerField(
        _("version"), choices=[(2008, "2008"), (2025, "2025")]
    )
    code = models.CharField(_("code"), max_length=10, help_text=_("Without dots, as in KBO."))
    code_dot = models.CharField(max_length=12)
    level = models.PositiveSmallIntegerField()
    parent_code_dot = models.CharField(max_length=12, blank=True)
    section = models.CharField(_("section"), max_length=1, blank=True)

    class Meta:
        ordering = ["version", "code"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_nace")]
        verbose_name = _("NACE code")

    def __str__(self):
        return f"{self.code_dot} {self.label_nl}"


class Region(models.Model):
    nis = models.CharField(max_length=5, unique=True)
    name_nl = models.CharField(max_length=100)
    name_fr = models.CharField(max_length=100)

    def __str__(self):
        return self.name_nl


class Province(models.Model):
    nis = models.CharField(max_length=5, unique=True)
    name_nl = models.CharField(max_length=100)
    name_fr = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="provinces")

    def __str__(self):
        return self.name_nl


class Municipality(models.Model):
    """A municipality as of 1 January 2025 (after the Flemish mergers)."""

    nis = models.CharField(max_length=5, unique=True)
    name_nl = models.CharField(max_length=100)
    name_fr = models.CharField(max_length=100)
    province = models.ForeignKey(
        Province, null=True, blank=True, on_delete=models.PROTECT, related_name="municipalities"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities")

    class Meta:
        ordering = ["name_nl"]
        verbose_name_plural = "municipalities"

    def __str__(self):
        return self.name_nl


class Postcode(models.Model):
    """A postcode and the municipality it lies in (three postcodes lie in two)."""

    code = models.CharField(max_length=4, db_index=True)
    locality = models.CharField(max_length=100)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="postcodes"
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    primary = models.BooleanField(
        default=True, help_text="The municipality the postcode is given under first."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "municipality"], name="unique_postcode")
        ]

    def __str__(self):
        return f"{self.code} {self.locality}"


class LegalForm(Labelled):
    code = models.CharField(max_length=3, unique=True)

    def __str__(self):
        return f"{self.code} {self.label_nl}"


class OrganisationQuerySet(models.QuerySet):
    def for_user(self, user):
        return access.organisations_for(user, self)


class Organisation(models.Model):
    """A company, knowledge institution or other body, held once for all clusters.

    Keyed by the Belgian enterprise number where there is one; foreign organisations
    and persons without a number are allowed and flagged as such."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("company")
        KNOWLEDGE = "knowledge", _("knowledge institution")
        GOVERNMENT = "government", _("government")
        FEDERATION = "federation", _("federation")
        CLUSTER = "cluster", _("cluster organisation")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        CEASED = "ceased", _("ceased")
        UNKNOWN = "unknown", _("unknown")

    class NoNumber(models.TextChoices):
        FOREIGN = "foreign", _("foreign organisation")
        PERSON = "person", _("natural person")
        OTHER = "other", _("other reason")

    enterprise_number = models.CharField(
        _("enterprise number"), max_length=10, unique=True, null=True, blank=True
    )
    no_number_reason = models.CharField(
        _("why no enterprise number"), max_length=10, choices=NoNumber.choices, blank=True
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.COMPANY)
    name = models.CharField(_("name"), max_length=300)
    legal_form = models.ForeignKey(
        LegalForm, verbose_name=_("legal form"), null=True, blank=True, on_delete=models.PROTECT
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.UNKNOWN
    )
    nace_2008 = models.ForeignKey(
        NaceCode,
        verbose_name=_("main activity (NACE 2008)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    nace_2025 = models.ForeignKey(
        NaceCode,
        verbose_name=_("main activity (NACE 2025)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    street = models.CharField(_("street"), max_length=200, blank=True)
    house_number = models.CharField(_("number"), max_length=20, blank=True)
    box = models.CharField(_("box"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    country = models.CharField(_("country"), max_length=2, default="BE")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    kbo_seen_at = models.DateField(
        _("last found in KBO"),
        null=True,
        blank=True,
        help_text=_("Date of the KBO extract in which the number was last found."),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["postcode"])]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    @property
    def enterprise_number_display(self) -> str:
        return enterprise.display(self.enterprise_number or "")

    @property
    def is_foreign(self) -> bool:
        return self.country != "BE" or self.no_number_reason == self.NoNumber.FOREIGN

    def clean(self):
        errors = {}
        if self.enterprise_number:
            try:
                self.enterprise_number = enterprise.normalise(self.enterprise_number)
            except enterprise.InvalidEnterpriseNumber as exc:
                errors["enterprise_number"] = _("%(number)s: %(reason)s") % {
                    "number": exc.text,
                    "reason": exc.reason,
                }
            if self.no_number_reason:
                errors["no_number_reason"] = _("An organisation with a number needs no reason.")
        elif not self.no_number_reason:
            errors["enterprise_number"] = _(
                "Give the enterprise number, or say why there is none (foreign, person, other)."
            )
        if self.country == "BE" and self.no_number_reason == self.NoNumber.FOREIGN:
            errors["country"] = _("A foreign organisation needs its country.")
        if errors:
            raise ValidationError(errors)
        self.locate()

    def locate(self) -> None:
        """Set the municipality and coordinates from a Belgian postcode, unless the
        municipality already is one of that postcode's (1040, 1050 and 1804 lie in two)."""
        if self.country != "BE" or not self.postcode:
            return
        postcodes = list(Postcode.objects.filter(code=self.postcode).order_by("-primary", "pk"))
        if not postcodes:
            return
        chosen = next((p for p in postcodes if p.municipality_id == self.municipality_id), None)
        chosen = chosen or postcodes[0]
        moved = chosen.municipality_id != self.municipality_id
        self.municipality_id = chosen.municipality_id
        if moved or self.latitude is None:
            self.latitude, self.longitude = chosen.latitude, chosen.longitude


class FirmFigures(models.Model):
    """One year's figures of an organisation: headcount and financials, with the source."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="figures")
    year = models.PositiveSmallIntegerField(_("year"))
    employees = models.DecimalField(
        _("employees (FTE)"),
        max_digits=10,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    turnover = models.DecimalField(
        _("turnover (EUR)"), max_digits=16, decimal_places=0, null=True, blank=True
    )
    balance_total = models.DecimalField(
        _("balance-sheet total (EUR)"), max_digits=16, decimal_places=0, null=True, blank=True
    )
    value_added = models.DecimalField(
        _("value added (EUR)"), max_digits=16, decimal_places=0, null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=100)

    class Meta:
        ordering = ["organisation", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="unique_figures_year")
        ]
        verbose_name = _("firm figures")
        verbose_name_plural = _("firm figures")

    def __str__(self):
        return f"{self.organisation} {self.year}"


class KboImport(models.Model):
    """One run of the KBO open-data enrichment: what was read, what it found."""

    class Kind(models.TextChoices):
        FULL = "full", _("full extract")
        UPDATE = "update", _("monthly update")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    source = models.CharField(_("source"), max_length=500)
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices)
    extract_date = models.DateField(_("extract date"), null=True, blank=True)
    extract_number = models.CharField(_("extract number"), max_length=20, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    not_found = models.PositiveIntegerField(_("not found"), default=0)
    ceased = models.PositiveIntegerField(_("ceased"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("KBO import")

    def __str__(self):
        return f"KBO {self.kind} {self.extract_date or ''} ({self.state})"

    #: The steps a run records (in English, kbo.py), and what the page says for them.
    STEPS = {
        "checking the files": _("checking the files"),
        "extracting the zip": _("extracting the zip"),
        "updating organisations": _("updating organisations"),
    }

    @property
    def step_label(self) -> str:
        """The step in the reader's language; nothing once the run is over (its state
        says it)."""
        if self.state in (self.State.DONE, self.State.FAILED) or not self.step:
            return ""
        if self.step.startswith("reading "):
            return _("reading %(file)s") % {"file": self.step.removeprefix("reading ")}
        return str(self.STEPS.get(self.step, self.step))
