"""A cluster's public profile (issue 17): the working copy its manager edits, and the
immutable publications the public pages show (docs/portal.md).

The working copy goes draft → submitted → published; the programme manager publishes it
(a new `ProfilePublication`: the JSON of only the published fields) or returns it to
draft with a comment. The public pages read the cluster's current publication and never
the working copy.
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clustermonitor.core import i18n


def logo_path(instance, filename):
    """The form names an upload after its content's digest (forms.ProfileForm): a new
    logo never overwrites the one a publication still shows."""
    name = PurePosixPath(filename)
    return f"portal/logos/{instance.cluster.code}/{name.stem[:40]}{name.suffix.lower()}"


#: The texts of a profile, each in Dutch and English (the English field ends in _en).
TEXT_FIELDS = ("description", "offer", "working_groups")
#: The other fields a publication holds.
LINK_FIELDS = ("website", "eccp_url", "logo")
#: The contact person's fields; each is published only when its flag (`<field>_public`)
#: is on.
CONTACT_FIELDS = ("contact_name", "contact_role", "contact_email", "contact_phone")


class ClusterProfile(models.Model):
    """The working copy of a cluster's public profile."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        PUBLISHED = "published", _("published")

    cluster = models.OneToOneField(
        "programmes.Cluster", on_delete=models.CASCADE, related_name="profile"
    )
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.DRAFT)
    description = models.TextField(_("description (Dutch)"), blank=True, max_length=4000)
    description_en = models.TextField(_("description (English)"), blank=True, max_length=4000)
    offer = models.TextField(_("what the cluster offers (Dutch)"), blank=True, max_length=4000)
    offer_en = models.TextField(_("what the cluster offers (English)"), blank=True, max_length=4000)
    working_groups = models.TextField(_("working groups (Dutch)"), blank=True, max_length=2000)
    working_groups_en = models.TextField(_("working groups (English)"), blank=True, max_length=2000)
    website = models.URLField(_("website"), blank=True)
    eccp_url = models.URLField(
        _("ECCP profile"),
        blank=True,
        help_text=_("The cluster's page on the European Cluster Collaboration Platform."),
    )
    logo = models.FileField(_("logo"), upload_to=logo_path, blank=True, max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_name_public = models.BooleanField(_("publish the contact person's name"), default=False)
    contact_role = models.CharField(_("contact person's role"), max_length=200, blank=True)
    contact_role_public = models.BooleanField(_("publish the role"), default=False)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_email_public = models.BooleanField(_("publish the e-mail address"), default=False)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_phone_public = models.BooleanField(_("publish the phone number"), default=False)
    return_comment = models.TextField(_("comment of the programme manager"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    publication = models.ForeignKey(
        "ProfilePublication",
        verbose_name=_("publication"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("cluster profile")
        verbose_name_plural = _("cluster profiles")

    def __str__(self):
        return f"{self.cluster.code}: {self.get_state_display()}"

    def public_data(self) -> dict:
        """What publishing this working copy would show: the texts, links and logo, and
        of the contact person only the fields whose flag is on."""
        data = {}
        for name in TEXT_FIELDS:
            data[name] = getattr(self, name)
            data[f"{name}_en"] = getattr(self, f"{name}_en")
        data["website"] = self.website
        data["eccp_url"] = self.eccp_url
        data["logo"] = self.logo.name or ""
        for name in CONTACT_FIELDS:
            if getattr(self, f"{name}_public") and getattr(self, name):
                data[name] = getattr(self, name)
        return data


class ProfilePublication(models.Model):
    """One publication of a cluster's profile: never changed once written. The public
    pages show the cluster's latest (`ClusterProfile.publication`)."""

    cluster = models.ForeignKey(
        "programmes.Cluster", on_delete=models.CASCADE, related_name="profile_publications"
    )
    data = models.JSONField(_("published fields"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["cluster", "-published_at", "-pk"]
        verbose_name = _("profile publication")
        verbose_name_plural = _("profile publications")

    def __str__(self):
        return f"{self.cluster.code} {self.published_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A publication is never changed; publish a new one.")
        super().save(*args, **kwargs)


class JoinRequest(models.Model):
    """A company's request to join a cluster, asked on the public portal (docs/portal.md,
    "Ask to join"). It waits for the e-mail address to be confirmed (double opt-in:
    unconfirmed), then lands in the cluster's inbox (open) until its manager accepts it
    (a membership starts) or declines it with a message."""

    class State(models.TextChoices):
        UNCONFIRMED = "unconfirmed", pgettext_lazy("join request", "e-mail not confirmed")
        OPEN = "open", pgettext_lazy("join request", "to answer")
        ACCEPTED = "accepted", pgettext_lazy("join request", "accepted")
        DECLINED = "declined", pgettext_lazy("join request", "declined")

    class Source(models.TextChoices):
        PROFILE = "profile", _("the cluster's public profile")
        FINDER = "finder", _("the finder")

    class Found(models.TextChoices):
        REGISTRY = "registry", _("the registry")
        KBO = "kbo", _("the KBO lookup")
        NOWHERE = "", _("neither the registry nor the KBO lookup")

    cluster = models.ForeignKey(
        "programmes.Cluster", on_delete=models.CASCADE, related_name="join_requests"
    )
    state = models.CharField(
        _("status"), max_length=12, choices=State.choices, default=State.UNCONFIRMED
    )
    source = models.CharField(
        _("asked on"), max_length=10, choices=Source.choices, default=Source.PROFILE
    )
    enterprise_number = models.CharField(_("enterprise number"), max_length=10)
    company_name = models.CharField(_("company name"), max_length=300)
    contact_name = models.CharField(_("contact person"), max_length=200)
    email = models.EmailField(_("e-mail"))
    message = models.TextField(_("message"), blank=True, max_length=2000)
    consent_text = models.TextField(_("consent given"))
    language = models.CharField(_("language"), max_length=5, default="nl")
    #: A keyed digest of the client's address (never the address itself): the rate limit.
    client_digest = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    # The company as looked up when the e-mail address was confirmed.
    found_in = models.CharField(
        _("company found in"), max_length=10, choices=Found.choices, blank=True
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    company = models.JSONField(_("company in the KBO lookup"), default=dict, blank=True)
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_message = models.TextField(_("message to the company"), blank=True, max_length=2000)
    membership = models.ForeignKey(
        "members.Membership",
        verbose_name=_("membership"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        indexes = [
            models.Index(fields=["email", "created_at"], name="portal_join_email_idx"),
            models.Index(fields=["client_digest", "created_at"], name="portal_join_client_idx"),
            models.Index(fields=["cluster", "state"], name="portal_join_cluster_idx"),
        ]

    #: Personal data: the audit log keeps their pseudonym only (core.audit.pseudonym).
    AUDIT_PERSONAL_FIELDS = ("contact_name", "email")

    def __str__(self):
        return f"{self.cluster.code}: {self.company_name} ({self.get_state_display()})"

    @property
    def enterprise_number_display(self) -> str:
        from clustermonitor.registry.enterprise import display

        return display(self.enterprise_number)


class ProgrammePage(models.Model):
    """The programme's public front page (`/portal/`, and `/` for a visitor): what the
    programme manager writes in the product, in Dutch and English. Until it is first
    saved the front page shows the defaults (services.programme_page)."""

    programme = models.OneToOneField(
        "programmes.Programme", on_delete=models.CASCADE, related_name="public_page"
    )
    introduction = models.TextField(_("introduction (Dutch)"), max_length=4000)
    introduction_en = models.TextField(_("introduction (English)"), blank=True, max_length=4000)
    how_to_apply = models.TextField(_("how to apply (Dutch)"), max_length=4000)
    how_to_apply_en = models.TextField(_("how to apply (English)"), blank=True, max_length=4000)
    contact_name = models.CharField(_("the agency's contact"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_address = models.TextField(_("address"), blank=True, max_length=500)

    class Meta:
        verbose_name = _("programme page")
        verbose_name_plural = _("programme pages")

    def __str__(self):
        return str(self.programme)

    def text(self, name: str) -> str:
        """A text in the reader's language (English falls back to Dutch)."""
        if i18n.lang() == "en" and getattr(self, f"{name}_en"):
            return getattr(self, f"{name}_en")
        return getattr(self, name)
