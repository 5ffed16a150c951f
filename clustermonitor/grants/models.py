"""Calls' conditions for online applications and the frozen versions of applications
(issue 19). The call itself (`programmes.Call`) and the application (`programmes.Application`,
with its status, applicant's account and the times of submission and decision) are the
programme's records; this app adds what the online cycle needs around them."""

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
