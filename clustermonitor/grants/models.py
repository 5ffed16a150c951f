"""Calls' conditions for online applications and the frozen versions of applications
(issue 19). The call itself (`programmes.Call`) and the application (`programmes.Application`,
with its status, applicant's account and the times of submission and decision) are the
programme's records; this app adds what the online cycle needs around them."""

from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CallSetup(models.Model):
    """How a call receives applications: its opening and closing moment (stored in UTC,
    shown and entered in Belgian time), the form, and whether it is on the portal."""

    call = models.OneToOneField(
        "programmes.Call", verbose_name=_("call"), on_delete=models.CASCADE, related_name="setup"
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    questionnaire = models.ForeignKey(
        "surveys.Questionnaire",
        verbose_name=_("application form"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published = models.BooleanField(_("on the public portal"), default=False)
    conditions = models.TextField(_("conditions (Dutch)"), blank=True)
    conditions_en = models.TextField(_("conditions (English)"), blank=True)

    class Meta:
        verbose_name = _("call set-up")
        verbose_name_plural = _("call set-ups")

    def __str__(self):
        return str(self.call)

    def is_open(self, moment) -> bool:
        """Receiving applications at `moment`: opens_at ≤ moment < closes_at."""
        return self.opens_at <= moment < self.closes_at


class VersionQuerySet(models.QuerySet):
    """A submitted version is never changed, not even in bulk: `update()` is refused
    (the model's save() refuses the single change)."""

    def update(self, **kwargs):
        raise ValueError("An application version is immutable once submitted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise ValueError("An application version is immutable once submitted.")


class ApplicationVersion(models.Model):
    """A submitted version of an application: immutable once written. `data` has the
    shape of grants.contract; `sha256` is contract.digest of it and the attachments."""

    application = models.ForeignKey(
        "programmes.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveSmallIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data = models.JSONField(_("answers"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    #: The answers name the cluster manager (name, e-mail, phone): the log keeps a
    #: pseudonym of them.
    AUDIT_PERSONAL_FIELDS = ("data",)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="unique_application_version"
            )
        ]
        verbose_name = _("application version")
        verbose_name_plural = _("application versions")

    def __str__(self):
        return f"{self.application} v{self.number}"

    def save(self, *args, **kwargs):
        """Written once: a submitted version is never changed (its hash was shown)."""
        if not self._state.adding:
            raise ValueError("An application version is immutable once submitted.")
        super().save(*args, **kwargs)


class Draft(models.Model):
    """The answers an applicant is working on, keyed by the form's question names (the
    survey engine's shape, surveys/forms_respond.py). Submitting maps them to the
    contract's shape and freezes that in an `ApplicationVersion`; the draft stays, so a
    resubmission before the closing moment starts from the last answers."""

    application = models.OneToOneField(
        "programmes.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="draft",
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("last saved"))

    class Meta:
        verbose_name = _("application draft")
        verbose_name_plural = _("application drafts")

    def __str__(self):
        return f"{self.application} ({_('draft')})"


def attachment_path(instance, filename):
    """Stored under the application's id and the file's own hash: never overwritten, and
    the applicant's file name is kept only in `name`."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"grants/attachments/{instance.application_id}/{instance.sha256}{suffix}"


class Attachment(models.Model):
    """A file an applicant adds to their application (a budget sheet, letters of
    commitment). Checked on upload (size, type by content); its SHA-256 goes into the
    hash of every version submitted while it is attached. Removing it from a draft sets
    `removed_at`: the file stays for the versions that hold it."""

    application = models.ForeignKey(
        "programmes.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        ordering = ["application", "uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name
