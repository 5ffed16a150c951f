"""Member self-service: a member company's contact signs in and keeps its own records;
offers and requests among the members of a cluster (and across clusters where both
allow it) that end, when a match is accepted, in a collaboration at stage "idea"."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberAccount(models.Model):
    """A member contact's account acts for one organisation: the one whose contact the
    cluster invited. Every self-service page is narrowed to it (accounts.access)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member_account"
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="member_accounts",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    cluster = models.ForeignKey(
        "programmes.Cluster",
        verbose_name=_("invited by the cluster"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("member account")
        verbose_name_plural = _("member accounts")

    def __str__(self):
        return f"{self.user} – {self.organisation}"


class Technology(models.Model):
    """A technology a member names (free tags that grow one shared vocabulary: the form
    suggests those already named, and a new one joins the list)."""

    name = models.CharField(_("technology"), max_length=60)
    key = models.CharField(max_length=60, unique=True, editable=False)

    class Meta:
        ordering = ["key"]
        verbose_name = _("technology")
        verbose_name_plural = _("technologies")

    def __str__(self):
        return self.name


class Visibility(models.TextChoices):
    PRIVATE = "private", _("only my organisation and the cluster")
    MEMBERS = "members", _("fellow members of my clusters")


class CompetenceProfile(models.Model):
    """What a member company can do and looks for; shown to the fellow members of its
    clusters only when it says so."""

    organisation = models.OneToOneField(
        "registry.Organisation", on_delete=models.CASCADE, related_name="competence_profile"
    )
    technologies = models.ManyToManyField(
        Technology, verbose_name=_("technologies"), blank=True, related_name="profiles"
    )
    offers = models.TextField(_("what we offer"), blank=True, max_length=3000)
    seeks = models.TextField(_("what we look for"), blank=True, max_length=3000)
    visibility = models.CharField(
        _("visible to"), max_length=8, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("competence profile")
        verbose_name_plural = _("competence profiles")

    def __str__(self):
        return f"{self.organisation}"


class ClusterMatching(models.Model):
    """A cluster's setting: its members' offers and requests may reach members of other
    clusters that allow it too (edited by the cluster's manager)."""

    cluster = models.OneToOneField(
        "programmes.Cluster", on_delete=models.CASCADE, related_name="matching"
    )
    allow_cross_cluster = models.BooleanField(
        _("allow cross-cluster matching"),
        default=False,
        help_text=_(
            "Offers and requests of this cluster's members that are meant for all clusters "
            "reach the members of other clusters that allow it too, and the other way round."
        ),
    )

    class Meta:
        verbose_name = _("matching setting")

    def __str__(self):
        return f"{self.cluster.code}: {self.allow_cross_cluster}"


class Posting(models.Model):
    """An offer or a request of a member company, posted in one of its clusters."""

    class Kind(models.TextChoices):
        OFFER = "offer", _("offer")
        REQUEST = "request", _("request")

    class Reach(models.TextChoices):
        CLUSTER = "cluster", _("the members of this cluster")
        ALL = "all", _("all clusters that allow it")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        MATCHED = "matched", _("matched")
        CLOSED = "closed", _("closed")

    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="postings",
    )
    cluster = models.ForeignKey(
        "programmes.Cluster",
        verbose_name=_("cluster"),
        on_delete=models.CASCADE,
        related_name="postings",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    technologies = models.ManyToManyField(
        Technology, verbose_name=_("technologies"), blank=True, related_name="postings"
    )
    reach = models.CharField(
        _("visible to"), max_length=8, choices=Reach.choices, default=Reach.CLUSTER
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("offer or request")
        verbose_name_plural = _("offers and requests")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"


class Interest(models.Model):
    """A member company answers an offer or request; the poster accepts one."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("not chosen")

    posting = models.ForeignKey(Posting, on_delete=models.CASCADE, related_name="interests")
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="interests",
    )
    cluster = models.ForeignKey(
        "programmes.Cluster",
        verbose_name=_("through the cluster"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    message = models.TextField(_("message"), max_length=3000)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    collaboration = models.ForeignKey(
        "collaborations.Collaboration",
        verbose_name=_("collaboration"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["posting", "organisation"], name="one_interest_per_organisation"
            )
        ]
        verbose_name = _("interest")
        verbose_name_plural = _("interests")

    def __str__(self):
        return f"{self.organisation} → {self.posting}"


class ErasureRequest(models.Model):
    """A signed-in person asks that the personal data kept about them be removed; the
    cluster's manager (or the agency) carries it out. The person is named by pseudonym
    only (core.audit.pseudonym of their e-mail address)."""

    class Status(models.TextChoices):
        OPEN = "open", _("to handle")
        DONE = "done", _("carried out")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="erasure_requests",
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="erasure_requests",
    )
    subject = models.CharField(_("person (pseudonym)"), max_length=40, editable=False)
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    outcome = models.JSONField(_("what was removed"), default=dict, blank=True)

    class Meta:
        ordering = ["status", "-requested_at", "-pk"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")

    def __str__(self):
        return f"erasure request #{self.pk} ({self.organisation})"
