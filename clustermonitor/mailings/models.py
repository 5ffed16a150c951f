"""Mailings (newsletters) of a cluster, the deliveries of each, and the records that
decide who may be mailed: consent (or another lawful basis) per address and purpose,
the suppression list, and bounces.

Consent is kept per normalised e-mail address, cluster and purpose, not per Contact
row: a person is reached at an address, the same address can stand in several contact
rows (and in a prospect or a registration that is no contact), and the proof of a
consent or of its withdrawal must outlive the contact row (a contact deleted, a
membership ended). `contact` keeps where it came from while that row exists."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clustermonitor.core import audit


def normalise(email: str) -> str:
    """The address as compared: trimmed, lower case (the local part is case-insensitive
    in practice at every mail provider)."""
    return (email or "").strip().lower()


def digest(email: str) -> str:
    """What the audit log keeps instead of an address: its keyed pseudonym
    (core.audit.pseudonym, the one every app's personal fields get), so "download my
    data" finds a person's mailing entries by the same pseudonym as their others."""
    return audit.pseudonym(normalise(email))


LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]


class Mailing(models.Model):
    """A newsletter of one cluster, in Dutch and English, to one segment."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    cluster = models.ForeignKey(
        "programmes.Cluster",
        verbose_name=_("cluster"),
        on_delete=models.PROTECT,
        related_name="mailings",
    )
    segment = models.CharField(_("recipients"), max_length=340)
    subject_nl = models.CharField(_("subject (Dutch)"), max_length=200)
    body_nl = models.TextField(_("text (Dutch)"), max_length=20000)
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    body_en = models.TextField(_("text (English)"), max_length=20000, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    test_sent_at = models.DateTimeField(_("test sent"), null=True, blank=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    n_recipients = models.PositiveIntegerField(_("recipients"), default=0)
    n_sent = models.PositiveIntegerField(_("sent"), default=0)
    n_failed = models.PositiveIntegerField(_("failed"), default=0)
    n_suppressed = models.PositiveIntegerField(_("suppressed"), default=0)
    n_no_consent = models.PositiveIntegerField(_("without consent"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")

    def __str__(self):
        return f"{self.cluster.code}: {self.subject_nl}"

    @property
    def running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.SENDING)

    def version(self, language: str) -> tuple[str, str, str]:
        """(language, subject, body) for a reader of `language`: English when asked for
        and written, else Dutch."""
        if language == "en" and self.subject_en.strip() and self.body_en.strip():
            return "en", self.subject_en, self.body_en
        return "nl", self.subject_nl, self.body_nl


class Delivery(models.Model):
    """One recipient of a mailing: sent, failed, suppressed or without consent."""

    #: Personal: the audit log keeps their pseudonym only (core.audit).
    AUDIT_PERSONAL_FIELDS = ("email",)

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SUPPRESSED = "suppressed", _("suppressed")
        NO_CONSENT = "no_consent", _("without consent")

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    email = models.EmailField(_("e-mail"))
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="nl")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    error = models.CharField(_("error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["mailing", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mailing", "email"], name="mailings_delivery_once")
        ]
        indexes = [models.Index(fields=["mailing", "status"], name="mailings_delivery_status")]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self):
        return f"{self.mailing_id}: {digest(self.email)}"


class Consent(models.Model):
    """The lawful basis on which an address may receive a cluster's mail for a purpose
    (GDPR art. 6 and 7): which basis, since when, from where; and its withdrawal."""

    #: Personal: the audit log keeps their pseudonym only (core.audit).
    AUDIT_PERSONAL_FIELDS = ("email",)

    class Purpose(models.TextChoices):
        NEWSLETTER = "newsletter", _("newsletter")

    class Basis(models.TextChoices):
        CONSENT = "consent", _("consent (GDPR art. 6.1.a)")
        CONTRACT = "contract", _("membership (GDPR art. 6.1.b)")
        LEGITIMATE_INTEREST = "legitimate_interest", _("legitimate interest (GDPR art. 6.1.f)")

    cluster = models.ForeignKey(
        "programmes.Cluster", verbose_name=_("cluster"), on_delete=models.PROTECT, related_name="+"
    )
    email = models.EmailField(_("e-mail"))
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.NEWSLETTER
    )
    basis = models.CharField(_("lawful basis"), max_length=20, choices=Basis.choices)
    given_on = models.DateField(_("date"))
    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_("Where and how it was given: a form, an event's registration, a letter."),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=LANGUAGES, blank=True, default=""
    )
    contact = models.ForeignKey(
        "members.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_source = models.CharField(_("withdrawn through"), max_length=200, blank=True)

    class Meta:
        ordering = ["cluster", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "email", "purpose"], name="mailings_consent_once"
            )
        ]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self):
        return f"{self.cluster_id}: {digest(self.email)} ({self.purpose})"


class Suppression(models.Model):
    """An address no mailing goes to: of one cluster (unsubscribed) or of every cluster
    (`cluster` empty: a hard bounce, a complaint)."""

    #: Personal: the audit log keeps their pseudonym only (core.audit).
    AUDIT_PERSONAL_FIELDS = ("email",)

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")
        HARD_BOUNCE = "hard_bounce", _("hard bounce")
        COMPLAINT = "complaint", _("complaint")
        MANUAL = "manual", _("added by hand")

    cluster = models.ForeignKey(
        "programmes.Cluster",
        verbose_name=_("cluster"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    email = models.EmailField(_("e-mail"))
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    since = models.DateTimeField(_("since"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-since", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "email"],
                condition=Q(cluster__isnull=False),
                name="mailings_suppression_cluster",
            ),
            models.UniqueConstraint(
                fields=["email"], condition=Q(cluster__isnull=True), name="mailings_suppression_all"
            ),
        ]
        verbose_name = _("suppression")
        verbose_name_plural = _("suppression list")

    def __str__(self):
        return f"{self.cluster_id or '*'}: {digest(self.email)} ({self.reason})"


class Bounce(models.Model):
    """A delivery status notification received for an address (RFC 3464)."""

    #: Personal: the audit log keeps their pseudonym only (core.audit).
    AUDIT_PERSONAL_FIELDS = ("email", "diagnostic")

    class Kind(models.TextChoices):
        HARD = "hard", _("hard (permanent)")
        SOFT = "soft", _("soft (temporary)")

    email = models.EmailField(_("e-mail"))
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    status = models.CharField(_("status code"), max_length=16, blank=True)
    diagnostic = models.CharField(_("diagnostic"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    #: The same notification read twice is one bounce (re-reading a mailbox changes nothing).
    fingerprint = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-received_at", "pk"]
        verbose_name = _("bounce")
        verbose_name_plural = _("bounces")

    def __str__(self):
        return f"{digest(self.email)} ({self.kind})"
