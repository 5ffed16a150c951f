"""A cluster's prospects (issue 18): companies it recruits, in a pipeline of stages
new → contacted → meeting → joined or lost (with a reason), each move a dated step with
who made it. "Joined" starts the membership (members.services.add_member) and proposes
the company's fee. Join requests confirmed on the public portal land here as prospects
of the source "portal join request" (portal.services_join).

The contact person's name, e-mail and phone are personal data: the audit log keeps a
pseudonym of them (`AUDIT_PERSONAL_FIELDS`, core.audit.pseudonym)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Stage(models.TextChoices):
    NEW = "new", pgettext_lazy("prospect", "new")
    CONTACTED = "contacted", pgettext_lazy("prospect", "contacted")
    MEETING = "meeting", pgettext_lazy("prospect", "meeting")
    JOINED = "joined", pgettext_lazy("prospect", "joined")
    LOST = "lost", pgettext_lazy("prospect", "lost")


#: The stages a prospect is still open in, in pipeline order.
OPEN_STAGES = (Stage.NEW, Stage.CONTACTED, Stage.MEETING)
CLOSED_STAGES = (Stage.JOINED, Stage.LOST)
#: The chance that an open prospect joins, by stage: the weight of the expected new
#: members (docs/user-guide.md, "Prospects").
WEIGHTS = {
    Stage.NEW: Decimal("0.10"),
    Stage.CONTACTED: Decimal("0.25"),
    Stage.MEETING: Decimal("0.50"),
}


class Source(models.TextChoices):
    PORTAL = "portal", _("portal join request")
    EVENT = "event", _("event")
    REFERRAL = "referral", _("referral")
    IMPORT = "import", pgettext_lazy("prospect source", "import")


class LostReason(models.TextChoices):
    NOT_INTERESTED = "not_interested", _("not interested")
    NO_FIT = "no_fit", _("does not fit the cluster")
    TOO_EXPENSIVE = "too_expensive", _("fee too high")
    NO_RESPONSE = "no_response", _("no response")
    OTHER_NETWORK = "other_network", _("chose another network")
    DECLINED = "declined", _("join request declined")
    OTHER = "other", _("other reason")


class Prospect(models.Model):
    """A company a cluster recruits."""

    #: Personal data: a digest in the audit log, never the value (core.audit).
    AUDIT_PERSONAL_FIELDS = ("contact_name", "contact_email", "contact_phone")

    cluster = models.ForeignKey(
        "programmes.Cluster",
        verbose_name=_("cluster"),
        on_delete=models.CASCADE,
        related_name="prospects",
    )
    stage = models.CharField(
        pgettext_lazy("prospect", "stage"),
        max_length=10,
        choices=Stage.choices,
        default=Stage.NEW,
    )
    enterprise_number = models.CharField(_("enterprise number"), max_length=10)
    company_name = models.CharField(_("company name"), max_length=300)
    # The company as looked up by its number: in the registry, else the KBO lookup.
    found_in = models.CharField(_("company found in"), max_length=10, blank=True)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    company = models.JSONField(_("company in the KBO lookup"), default=dict, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    source = models.CharField(
        pgettext_lazy("prospect", "source"),
        max_length=10,
        choices=Source.choices,
        default=Source.REFERRAL,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("prospect", "owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_step_date = models.DateField(_("next step on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    lost_reason = models.CharField(
        _("reason lost"), max_length=16, choices=LostReason.choices, blank=True
    )
    lost_note = models.CharField(_("why, in a few words"), max_length=300, blank=True)
    membership = models.ForeignKey(
        "members.Membership",
        verbose_name=_("membership"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: The portal's join request this prospect came from (portal.JoinRequest's id: the
    #: portal sits above this app and links to it, not the other way round).
    join_request_id = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["cluster", "company_name", "pk"]
        verbose_name = _("prospect")
        verbose_name_plural = _("prospects")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "enterprise_number"],
                condition=models.Q(stage__in=["new", "contacted", "meeting"]),
                name="unique_open_prospect",
                violation_error_message=_("This company is in the cluster's pipeline already."),
            )
        ]
        indexes = [
            models.Index(fields=["cluster", "stage"], name="prospects_cluster_stage_idx"),
            models.Index(fields=["next_step_date"], name="prospects_next_step_idx"),
        ]

    def __str__(self):
        return f"{self.cluster.code}: {self.company_name} ({self.get_stage_display()})"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def owner_name(self) -> str:
        return (self.owner.get_full_name() or self.owner.username) if self.owner else ""

    @property
    def enterprise_number_display(self) -> str:
        from clustermonitor.registry.enterprise import display

        return display(self.enterprise_number)


class ProspectStep(models.Model):
    """One move of a prospect from a stage to another (the first: from nothing to its
    first stage), with who made it and when: the pipeline's history and its dates as of
    D (a step counts from the moment it was recorded)."""

    prospect = models.ForeignKey(Prospect, on_delete=models.CASCADE, related_name="steps")
    from_stage = models.CharField(_("from"), max_length=10, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=10, choices=Stage.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["prospect", "at", "pk"]
        verbose_name = _("prospect step")
        verbose_name_plural = _("prospect steps")
        indexes = [models.Index(fields=["prospect", "at"], name="prospects_step_at_idx")]

    def __str__(self):
        return f"{self.prospect_id}: {self.from_stage or '–'} → {self.to_stage}"

    @property
    def by_name(self) -> str:
        return (self.by.get_full_name() or self.by.username) if self.by else ""
