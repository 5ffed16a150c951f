"""Event registration and check-in (issue 18, docs/user-guide.md "Event registration
and check-in"): an activity opens registration on a public page (no account), with a
capacity and a waiting list and a few questions; each registrant gets a personal ticket
(the QR code of their token) and a link to cancel. On the day, checking someone in
writes the activity's participation (activities.Participation): the check-ins are the
attendee list, and the active-member figure reads them the same day.

A registrant's name and e-mail address are personal data: they are digested in the
audit log as pseudonyms (`AUDIT_PERSONAL_FIELDS`), never in clear, and a registration's `str`
names no person.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegistrationSettings(models.Model):
    """Registration for one activity: whether it is open, from and until when, how many
    places, and the text the public page shows above the form."""

    activity = models.OneToOneField(
        "activities.Activity",
        on_delete=models.CASCADE,
        related_name="registration_settings",
    )
    is_open = models.BooleanField(
        _("registration open"),
        default=True,
        help_text=_("Untick to close registration at once (the page says it is closed)."),
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit. Once full, new registrants join the waiting list."),
    )
    waiting_list = models.BooleanField(
        _("waiting list"),
        default=True,
        help_text=_("When the event is full: keep a waiting list, or refuse new registrations."),
    )
    intro = models.TextField(_("text above the form"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("registration settings")
        verbose_name_plural = _("registration settings")

    def __str__(self):
        return f"{self.activity}: registration"

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("Registration must close after it opens.")})

    def state(self, now=None) -> str:
        """ "open", "not_yet" or "closed" at `now` (the places are counted elsewhere)."""
        now = now or timezone.now()
        if not self.is_open:
            return "closed"
        if self.opens_at and now < self.opens_at:
            return "not_yet"
        if self.closes_at and now >= self.closes_at:
            return "closed"
        if self.activity.last_day < timezone.localdate(now):
            return "closed"
        return "open"


class Question(models.Model):
    """A question on the registration form: free text, one of a few choices, or yes/no."""

    class Kind(models.TextChoices):
        TEXT = "text", _("text")
        CHOICE = "choice", _("one of a list")
        YES_NO = "yes_no", _("yes or no")

    settings = models.ForeignKey(
        RegistrationSettings, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    label = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("kind of answer"), max_length=8, choices=Kind.choices)
    choices = models.TextField(
        _("choices"),
        blank=True,
        max_length=2000,
        help_text=_("One choice a line (for a question answered by one of a list)."),
    )
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        ordering = ["settings", "position", "pk"]
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")

    def __str__(self):
        return self.label

    @property
    def key(self) -> str:
        return f"q{self.pk}"

    def choice_list(self) -> list[str]:
        seen: list[str] = []
        for line in self.choices.splitlines():
            line = line.strip()
            if line and line not in seen:
                seen.append(line)
        return seen

    def clean(self):
        if self.kind == self.Kind.CHOICE and len(self.choice_list()) < 2:
            raise ValidationError({"choices": _("Give at least two choices, one a line.")})


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Registration(models.Model):
    """One person registered for an activity: registered (has a place), on the waiting
    list, or cancelled; checked in on the day (with the participation that wrote)."""

    class Status(models.TextChoices):
        REGISTERED = "registered", pgettext_lazy("registration", "registered")
        WAITLISTED = "waitlisted", pgettext_lazy("registration", "on the waiting list")
        CANCELLED = "cancelled", pgettext_lazy("registration", "cancelled")

    class Source(models.TextChoices):
        PUBLIC = "public", _("the public page")
        WALK_IN = "walk_in", _("walk-in at the door")

    #: Personal data and the ticket's secret: in the audit log as their keyed pseudonym
    #: only (core.audit), never in clear.
    AUDIT_PERSONAL_FIELDS = ("name", "email", "token")

    activity = models.ForeignKey(
        "activities.Activity", on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED
    )
    source = models.CharField(
        _("registered through"), max_length=8, choices=Source.choices, default=Source.PUBLIC
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    enterprise_number = models.CharField(_("enterprise number"), max_length=10, blank=True)
    company_name = models.CharField(_("company"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=5, default="nl")
    #: The ticket: the secret of the cancellation link and of the QR code.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    participation = models.ForeignKey(
        "activities.Participation",
        verbose_name=_("participation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    #: A keyed digest of the client's address (never the address): the rate limit.
    client_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["activity", "created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            # A double-clicked registration counts once: one live registration per
            # e-mail address and activity (walk-ins without an address are exempt).
            models.UniqueConstraint(
                fields=["activity", "email"],
                condition=~Q(status="cancelled") & ~Q(email=""),
                name="registrations_one_live_per_email",
            )
        ]
        indexes = [
            models.Index(fields=["activity", "status"], name="registrations_status_idx"),
            models.Index(fields=["client_digest", "created_at"], name="registrations_client_idx"),
            models.Index(fields=["email", "created_at"], name="registrations_email_idx"),
        ]

    def __str__(self):
        # No person's name: this text is the audit log's description of the record.
        return f"{self.activity}: registration {self.pk}"

    @property
    def is_guest(self) -> bool:
        return self.organisation_id is None and not self.enterprise_number
