"""The member survey (issue 7): questionnaires from XLSForm, waves, personal invitations,
responses from the web questionnaire or imported from LimeSurvey and KoboToolbox.

The questionnaire's `definition` is our own normalised form of the XLSForm (see
`surveys/xlsform.py` for its schema); every response stores its answers keyed by
question name, and the respondent's profile (cluster, call, embedding, size class) as it
was when the invitation was made, so that later registry changes do not move old
results. Identity (the invitation: organisation, e-mail) and answers are separate rows.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Questionnaire(models.Model):
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="questionnaires"
    )
    title = models.CharField(_("title"), max_length=200)
    version = models.CharField(_("version"), max_length=40, blank=True)
    xlsform = models.FileField(_("XLSForm"), upload_to="surveys/forms/")
    sha256 = models.CharField(max_length=64, editable=False)
    definition = models.JSONField(default=dict, editable=False)
    is_default = models.BooleanField(_("default questionnaire"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "title", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "title", "version"], name="unique_questionnaire_version"
            )
        ]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self):
        return f"{self.title} {self.version}".strip()

    @property
    def questions(self) -> list[dict]:
        return self.definition.get("questions", [])

    def question(self, name: str) -> dict | None:
        return next((q for q in self.questions if q["name"] == name), None)


#: The form_id of the cluster-manager questionnaire (scripts/build_manager_survey_xlsform.py).
MANAGER_FORM_ID = "cluster_manager_survey"


def is_manager_questionnaire(questionnaire) -> bool:
    return (questionnaire.definition or {}).get("form_id") == MANAGER_FORM_ID


def member_waves(waves):
    """`waves` without the manager waves: what the member survey's figures read."""
    manager = Wave.objects.filter(questionnaire__definition__form_id=MANAGER_FORM_ID)
    return waves.exclude(pk__in=manager.values("pk"))


class Wave(models.Model):
    """One fielding of a questionnaire among the members of some clusters."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="waves")
    name = models.CharField(_("name"), max_length=200)
    clusters = models.ManyToManyField(
        "programmes.Cluster", verbose_name=_("clusters"), related_name="survey_waves"
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by "Close now": closed from that moment, also on the day it opened.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "name"]
        verbose_name = _("wave")
        verbose_name_plural = _("waves")

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("A wave cannot close before it opens.")})

    @property
    def is_manager_wave(self) -> bool:
        """A wave of the cluster-manager questionnaire (docs/maturity.md): its
        invitations go to the clusters' managers and its results to the agency only."""
        return is_manager_questionnaire(self.questionnaire)

    def is_open(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on and not self.closed_early(day)

    def is_closed(self, day) -> bool:
        """Past its last day, or closed with "Close now" on or before `day`."""
        return self.closes_on < day or self.closed_early(day)

    def closed_early(self, day) -> bool:
        from django.utils import timezone

        return self.closed_at is not None and timezone.localdate(self.closed_at) <= day


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """One member company of one cluster, invited to one wave. The personal link's token
    is never stored: only its SHA-256 (`surveys/tokens.py` derives the token again for a
    reminder)."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    membership = models.ForeignKey(
        "members.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Empty for a manager wave's invitation (a cluster's manager, not a member company).
    organisation = models.ForeignKey(
        "registry.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_invitations",
    )
    cluster = models.ForeignKey(
        "programmes.Cluster", on_delete=models.PROTECT, related_name="survey_invitations"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    nonce = models.CharField(max_length=32, editable=False)
    #: The respondent's profile at invitation: cluster code, call, embedding, size class
    #: (small < 50 / medium_large ≥ 50 / unknown), employees.
    profile = models.JSONField(default=dict, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["wave", "cluster__code", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "organisation", "cluster"], name="unique_invitation"
            )
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.wave}: {self.organisation or self.email} ({self.cluster.code})"


class Response(models.Model):
    """The answers of one respondent. From the web (one per invitation) or imported
    (LimeSurvey, KoboToolbox), then matched to an invitation where possible."""

    class Source(models.TextChoices):
        WEB = "web", _("web questionnaire")
        LIMESURVEY = "limesurvey", _("LimeSurvey import")
        KOBO = "kobo", _("KoboToolbox import")

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    external_id = models.CharField(_("id in the source"), max_length=100, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    profile = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(_("started"))
    last_saved_at = models.DateTimeField(_("last saved"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("time taken (s)"), null=True, blank=True)

    class Meta:
        ordering = ["wave", "started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "source", "external_id"],
                condition=~models.Q(external_id=""),
                name="unique_imported_response",
            )
        ]
        verbose_name = _("response")
        verbose_name_plural = _("responses")

    def __str__(self):
        return f"{self.wave} #{self.pk}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class ReminderRun(models.Model):
    """Each batch of invitations or reminders sent, logged (DESIGN §9.8)."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("invitation")
        REMINDER = "reminder", _("reminder")

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="mailings")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    clusters = models.JSONField(default=list)  # codes, empty = all of the wave
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["wave", "-sent_at"]
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")

    def __str__(self):
        return f"{self.wave}: {self.kind} × {self.count}"
