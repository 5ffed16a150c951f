"""Account management (issue 6): what the agency's people keep about the clusters they
follow — attention points with a follow-up date, the steering-group meetings they
attended, and the learning-network sessions the clusters came to.

Imported by programmes/models.py, so these are models of the `programmes` app.
Only services_account.py writes them (docs/maturity.md).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AttentionPoint(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")

    cluster = models.ForeignKey(
        "programmes.Cluster", on_delete=models.CASCADE, related_name="attention_points"
    )
    title = models.CharField(_("attention point"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    follow_up_on = models.DateField(_("follow up on"))
    status = models.CharField(
        _("status"), max_length=4, choices=Status.choices, default=Status.OPEN, editable=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("followed up by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attention_points",
        help_text=_("Empty: the cluster's account manager."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)

    class Meta:
        db_table = "programmes_attentionpoint"
        ordering = ["follow_up_on", "pk"]
        verbose_name = _("attention point")
        verbose_name_plural = _("attention points")

    def __str__(self):
        return f"{self.cluster.code}: {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class SteeringGroupMeeting(models.Model):
    """A meeting of the cluster's steering group, and who of the agency attended."""

    cluster = models.ForeignKey(
        "programmes.Cluster", on_delete=models.CASCADE, related_name="steering_meetings"
    )
    date = models.DateField(_("date"))
    attended_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attended by (agency)"),
        blank=True,
        related_name="+",
        db_table="programmes_steeringgroupmeeting_attended_by",
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        db_table = "programmes_steeringgroupmeeting"
        ordering = ["cluster", "-date", "-pk"]
        verbose_name = _("steering-group meeting")
        verbose_name_plural = _("steering-group meetings")

    def __str__(self):
        return _("Steering group of %(cluster)s on %(date)s") % {
            "cluster": self.cluster.code,
            "date": self.date.strftime("%d/%m/%Y"),
        }


class LearningSession(models.Model):
    """A session of the agency's learning network (lerend netwerk) and the clusters that
    attended it."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="learning_sessions"
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    attendees = models.ManyToManyField(
        "programmes.Cluster",
        verbose_name=_("clusters that attended"),
        blank=True,
        related_name="learning_sessions",
        db_table="programmes_learningsession_attendees",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        db_table = "programmes_learningsession"
        ordering = ["programme", "-date", "title"]
        verbose_name = _("learning-network session")
        verbose_name_plural = _("learning-network sessions")

    def __str__(self):
        return f"{self.title} ({self.date:%d/%m/%Y})"
