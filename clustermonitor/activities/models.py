import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from clustermonitor.accounts import access


class ActivityQuerySet(models.QuerySet):
    def for_user(self, user):
        return access.activities_for(user, self)


class Activity(models.Model):
    """An event, workshop, working group, ... organised by one or more clusters (a joint
    activity counts for each of them)."""

    class Kind(models.TextChoices):
        EVENT = "event", _("event")
        WORKSHOP = "workshop", _("workshop")
        WORKING_GROUP = "working_group", _("working group")
        TRAINING = "training", _("training")
        MISSION = "mission", _("mission or trade fair")
        MATCHMAKING = "matchmaking", _("matchmaking")
        STEERING_GROUP = "steering_group", _("steering group")
        OTHER = "other", _("other")

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    date = models.DateField(_("date"))
    end_date = models.DateField(
        _("until"), null=True, blank=True, help_text=_("For an activity of several days.")
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    clusters = models.ManyToManyField(
        "programmes.Cluster", verbose_name=_("organised by"), related_name="activities"
    )
    public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_(
            "Shown in the public calendar and on the profile of each organising cluster "
            "whose profile is published (title, kind, dates, location and description; "
            "never who takes part)."
        ),
    )

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self):
        return f"{self.title} ({self.date:%d/%m/%Y})"

    def clean(self):
        if self.end_date and self.end_date < self.date:
            raise ValidationError({"end_date": _("An activity cannot end before it starts.")})

    @property
    def last_day(self) -> datetime.date:
        return self.end_date or self.date


class Participation(models.Model):
    """Who took part: an organisation (and, where known, its contact person). A row that
    could not be matched to an organisation keeps the name as typed and waits for review;
    a participant whose organisation is no member of an organising cluster is a guest,
    kept but not counted as member activity."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
    )
    contact = models.ForeignKey(
        "members.Contact",
        verbose_name=_("contact person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    name = models.CharField(_("name as given"), max_length=300, blank=True)
    organisation_name = models.CharField(_("organisation as given"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode as given"), max_length=10, blank=True)
    is_guest = models.BooleanField(_("guest"), default=False)
    needs_review = models.BooleanField(_("to review"), default=False)

    #: The name as given is a person's: the audit log keeps its pseudonym only.
    AUDIT_PERSONAL_FIELDS = ("name",)

    class Meta:
        ordering = ["activity", "organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "organisation", "name"], name="unique_participant"
            )
        ]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")

    def __str__(self):
        who = self.organisation.name if self.organisation_id else self.organisation_name
        return f"{self.activity}: {who or self.name}"

    def audit_repr(self) -> str:
        """How the audit log names a participation: never by the person's name."""
        who = self.organisation.name if self.organisation_id else self.organisation_name
        return f"{self.activity}: {who or f'#{self.pk}'}"

    def clean(self):
        if not self.organisation_id and not self.needs_review and not self.is_guest:
            raise ValidationError(
                _("A participant without an organisation is a guest or waits for review.")
            )
