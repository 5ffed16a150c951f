"""Collaboration initiatives: what the clusters' members set up together, from the
first idea to a completed project, including what never got off the ground.

A collaboration with two or more clusters is an intercluster project. The typology
(nature, value chain, purpose, funding instrument) is entered; bilateral or
multilateral, knowledge institution involved and intercluster are derived from the
parties and clusters, never entered (docs/collaborations.md).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from clustermonitor.accounts import access
from clustermonitor.programmes.models import money


class Nature(models.TextChoices):
    PROJECT = "project", _("project-based")
    OPERATIONAL = "operational", _("operational (doing business together)")


class ValueChain(models.TextChoices):
    WITHIN = "within", _("within the partners' own value chain")
    OUTSIDE = "outside", _("outside the partners' own value chain")


class Purpose(models.TextChoices):
    RESEARCH = "research", _("research and development")
    TESTING = "testing", _("testing and validation (pilot, demo, living lab)")
    MARKET = "market", _("market access and internationalisation")
    COMPETENCE = "competence", _("competence development and training")
    STANDARDS = "standards", _("shared standards or procedures")
    ROADMAP = "roadmap", _("roadmap or strategy")
    OTHER = "other", _("other")


class Instrument(models.TextChoices):
    VIS = "vis", _("VIS feasibility study")
    COOCK = "coock", _("COOCK")
    ICON = "icon", _("ICON")
    INTERCLUSTER = "intercluster", _("intercluster call")
    EFRO = "efro", _("EFRO (ERDF)")
    PROEFTUIN = "proeftuin", _("Proeftuin")
    ESF_SCOPE = "esf_scope", _("ESF SCOPE")
    EU = "eu", _("EU programme")
    OWN = "own", _("own funds")
    OTHER = "other", _("other")


class Stage(models.TextChoices):
    IDEA = "idea", _("idea")
    EXPLORING = "exploring", _("exploring")
    DEFINED = "defined", _("defined")
    SUBMITTED = "submitted", _("submitted")
    STARTED = "started", _("started")
    COMPLETED = "completed", _("completed")
    STOPPED = "stopped", _("stopped")


#: The forward order of the lifecycle; `stopped` ends it from any stage.
STAGE_ORDER = [
    Stage.IDEA,
    Stage.EXPLORING,
    Stage.DEFINED,
    Stage.SUBMITTED,
    Stage.STARTED,
    Stage.COMPLETED,
]
#: Stages at which a collaboration has started (DESIGN §4, KPI 3: "started or later").
STARTED_STAGES = {Stage.STARTED, Stage.COMPLETED}


class StopReason(models.TextChoices):
    EXPECTATIONS = "expectations", _("diverging expectations or interests")
    FINANCE = "finance", _("lack of finance")
    COMMITMENT = "commitment", _("lack of commitment or of a leading partner")
    OTHER = "other", _("other")


class Decision(models.TextChoices):
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class InterclusterCall(models.Model):
    """A call of the agency for intercluster projects (2017, 2018, ...), with the
    figures the agency published for it kept apart from what the records give."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="intercluster_calls"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    matchmaking_by_agency = models.BooleanField(
        _("matchmaking by the agency"),
        default=False,
        help_text=_("The agency actively matched potential partners before the deadline."),
    )
    reported_applications = models.PositiveIntegerField(
        _("applications with an IBN (reported)"), null=True, blank=True
    )
    reported_approved = models.PositiveIntegerField(_("approved (reported)"), null=True, blank=True)
    source = models.CharField(_("source of the reported figures"), max_length=200, blank=True)

    class Meta:
        ordering = ["programme", "year"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="unique_intercluster_call")
        ]
        verbose_name = _("intercluster call")
        verbose_name_plural = _("intercluster calls")

    def __str__(self):
        return self.name or _("Intercluster call %(year)s") % {"year": self.year}


class CollaborationQuerySet(models.QuerySet):
    def for_user(self, user):
        return access.collaborations_for(user, self)


class Collaboration(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="collaborations"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    clusters = models.ManyToManyField(
        "programmes.Cluster", verbose_name=_("clusters"), related_name="collaborations"
    )
    nature = models.CharField(_("nature"), max_length=12, choices=Nature.choices, blank=True)
    value_chain = models.CharField(
        _("value chain"), max_length=8, choices=ValueChain.choices, blank=True
    )
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices, blank=True)
    instrument = models.CharField(
        _("funding instrument"), max_length=12, choices=Instrument.choices, blank=True
    )
    intercluster_call = models.ForeignKey(
        InterclusterCall,
        verbose_name=_("intercluster call"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="collaborations",
    )
    decision = models.CharField(
        _("funding decision"),
        max_length=8,
        choices=Decision.choices,
        blank=True,
        help_text=_("Empty while pending or not known."),
    )
    budget = models.DecimalField(_("budget (EUR)"), null=True, blank=True, **money)
    grant = models.DecimalField(_("grant (EUR)"), null=True, blank=True, **money)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    stage = models.CharField(
        _("stage"), max_length=10, choices=Stage.choices, default=Stage.IDEA, editable=False
    )
    stop_reason = models.CharField(
        _("reason for stopping"), max_length=12, choices=StopReason.choices, blank=True
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the record comes from when it was not entered here."),
    )

    objects = CollaborationQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("collaboration")
        verbose_name_plural = _("collaborations")

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("A collaboration cannot end before it starts.")
        if self.stage in STARTED_STAGES and not self.start_date:
            errors["start_date"] = _("A collaboration that has started needs its start date.")
        if self.stage == Stage.STOPPED and not self.stop_reason:
            errors["stop_reason"] = _("Say why the collaboration stopped.")
        if self.stage != Stage.STOPPED and self.stop_reason:
            errors["stop_reason"] = _("Only a stopped collaboration has a reason for stopping.")
        if self.grant is not None and self.budget is not None and self.grant > self.budget:
            errors["grant"] = _("The grant cannot exceed the budget.")
        if self.intercluster_call_id and self.instrument != Instrument.INTERCLUSTER:
            errors["intercluster_call"] = _(
                "Only a collaboration with the funding instrument “intercluster call” can "
                "name a call."
            )
        if errors:
            raise ValidationError(errors)


class Party(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("lead")
        PARTNER = "partner", _("partner")
        KNOWLEDGE = "knowledge", _("knowledge partner")
        SUBCONTRACTOR = "subcontractor", _("subcontractor")
        END_USER = "end_user", _("end user")
        OTHER = "other", _("other")

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="parties"
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="parties",
    )
    role = models.CharField(_("role"), max_length=14, choices=Role.choices, default=Role.PARTNER)

    class Meta:
        ordering = ["collaboration", "role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["collaboration", "organisation"], name="unique_party")
        ]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"


class StageChange(models.Model):
    """One step in a collaboration's life, kept for good: the history shows the
    exploration work that never became a project."""

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="stage_changes"
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    date = models.DateField(_("date"))
    reason = models.CharField(
        _("reason for stopping"), max_length=12, choices=StopReason.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["collaboration", "date", "pk"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self):
        return f"{self.collaboration}: {self.get_stage_display()} ({self.date:%d/%m/%Y})"

    def clean(self):
        if self.date and self.date > datetime.date.today():
            raise ValidationError({"date": _("A stage change cannot lie in the future.")})


class Link(models.Model):
    """A document or web page about the collaboration (kept where the cluster keeps
    its documents; we store the address)."""

    collaboration = models.ForeignKey(Collaboration, on_delete=models.CASCADE, related_name="links")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("address"), max_length=500)

    class Meta:
        ordering = ["collaboration", "title"]
        verbose_name = _("document or link")
        verbose_name_plural = _("documents and links")

    def __str__(self):
        return self.title
