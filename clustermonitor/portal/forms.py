"""The profile form (the cluster manager's), the programme manager's return comment and
programme page, the public pages' filters, the public join form and the cluster
manager's answer to a join request."""

import datetime
import hashlib
import warnings

from django import forms
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from clustermonitor.analysis import finder as ranking
from clustermonitor.members import finder
from clustermonitor.portal.models import ClusterProfile, JoinRequest, ProgrammePage, logo_path
from clustermonitor.registry import enterprise

#: A logo is a small picture: at most this many bytes and pixels a side, in one of these
#: formats (no SVG: a script could hide in it).
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 4000
LOGO_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}


class ProfileForm(forms.ModelForm):
    class Meta:
        model = ClusterProfile
        fields = [
            "description",
            "description_en",
            "offer",
            "offer_en",
            "working_groups",
            "working_groups_en",
            "website",
            "eccp_url",
            "logo",
            "contact_name",
            "contact_name_public",
            "contact_role",
            "contact_role_public",
            "contact_email",
            "contact_email_public",
            "contact_phone",
            "contact_phone_public",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 5})
            for name in (
                "description",
                "description_en",
                "offer",
                "offer_en",
                "working_groups",
                "working_groups_en",
            )
        } | {"logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"})}
        help_texts = {"logo": _("PNG, JPEG or WebP, at most 1 MB.")}

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if not upload or not hasattr(upload, "content_type"):
            return upload  # unchanged or cleared
        if upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(
                _("%(name)s is larger than 1 MB.") % {"name": upload.name[:80]}
            )
        content = upload.read()
        upload.seek(0)
        kind, width, height = None, 0, 0
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image = Image.open(upload)
            with image:
                kind, (width, height) = image.format, image.size
                if kind in LOGO_FORMATS and max(width, height) <= LOGO_MAX_SIDE:
                    image.verify()  # the whole file, not only its header
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            width = height = LOGO_MAX_SIDE + 1  # declares far more pixels than a logo has
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            kind = None
        if max(width, height) > LOGO_MAX_SIDE:
            raise forms.ValidationError(
                _("%(name)s is larger than %(side)s pixels a side.")
                % {"name": upload.name[:80], "side": LOGO_MAX_SIDE}
            )
        if kind not in LOGO_FORMATS:
            raise forms.ValidationError(
                _("%(name)s is not a PNG, JPEG or WebP picture.") % {"name": upload.name[:80]}
            )
        upload.seek(0)
        upload.name = hashlib.sha256(content).hexdigest()[:24] + LOGO_FORMATS[kind]
        stored = logo_path(self.instance, upload.name)
        if self.instance._meta.get_field("logo").storage.exists(stored):
            return stored  # the same picture (named by its digest) is kept once
        return upload


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("comment for the cluster manager"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DirectoryFilter(forms.Form):
    """The directory's filters (all optional; a GET form)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    domain = forms.CharField(label=_("domain keyword"), required=False, max_length=100)
    type = forms.ChoiceField(label=_("type"), required=False)
    province = forms.ChoiceField(label=_("province"), required=False)
    nace = forms.ChoiceField(label=_("NACE section of a member"), required=False)
    near = forms.CharField(
        label=_("has members near my postcode"),
        required=False,
        max_length=20,
        help_text=_("Within %(km)s km") % {"km": ranking.RADIUS_KM},
    )
    running = forms.BooleanField(label=_("only running clusters"), required=False)

    def __init__(self, *args, types=(), provinces=(), sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("all types")), *types]
        self.fields["province"].choices = [("", _("all provinces")), *provinces]
        self.fields["nace"].choices = [("", _("all sections")), *sections]

    def clean_near(self):
        """The postcode's point (None when none is given); a postcode that is not
        Belgian, or has no point, gets the finder's reason."""
        text = self.cleaned_data.get("near", "").strip()
        if not text:
            return None
        try:
            point = finder.search(postcode=text).company.point
        except finder.FinderError as error:
            raise forms.ValidationError(
                [str(message) for _name, message in error.errors]
            ) from error
        if point is None:
            raise forms.ValidationError(_("%(code)s has no known location.") % {"code": text[:20]})
        return point


class JoinForm(forms.Form):
    """Ask to join a cluster (the public portal; docs/portal.md). `website` is the
    honeypot: hidden from people, filled in by robots."""

    enterprise_number = forms.CharField(
        label=_("Enterprise number of your company"),
        max_length=40,
        help_text="0412.345.678",
    )
    company_name = forms.CharField(label=_("Company name"), max_length=300)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_(
            "We send a link to this address: your request reaches the cluster once you confirm it."
        ),
    )
    message = forms.CharField(
        label=_("Message to the cluster"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    consent = forms.BooleanField(
        error_messages={"required": _("Tick the box to agree, or we cannot pass on your request.")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    #: Where the visitor came from (the profile or the finder's results).
    source = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)

    def __init__(self, *args, cluster_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = consent_text(cluster_name)
        for name in ("company_name", "contact_name", "email"):
            self.fields[name].widget.attrs.setdefault("autocomplete", AUTOCOMPLETE[name])

    def clean_enterprise_number(self):
        text = self.cleaned_data["enterprise_number"]
        try:
            return enterprise.normalise(text)
        except enterprise.InvalidEnterpriseNumber as exc:
            raise forms.ValidationError(
                _("%(number)s is not a valid enterprise number: %(reason)s.")
                % {"number": text, "reason": _(exc.reason)}
            ) from None

    def clean_source(self):
        source = self.cleaned_data.get("source")
        return source if source in JoinRequest.Source.values else JoinRequest.Source.PROFILE

    @property
    def is_robot(self) -> bool:
        """The honeypot is filled in: no person sees that field."""
        return bool((self.data.get("website") or "").strip())


AUTOCOMPLETE = {"company_name": "organization", "contact_name": "name", "email": "email"}


def consent_text(cluster_name: str) -> str:
    """The words the visitor ticks (kept with the request, in their language)."""
    return _(
        "I agree that %(cluster)s and the agency that runs the cluster programme use these "
        "details to answer my request, and that the cluster keeps them while it does."
    ) % {"cluster": cluster_name or _("the cluster")}


class AcceptForm(forms.Form):
    """The cluster manager accepts a join request: the membership's first day."""

    start_date = forms.DateField(
        label=_("member from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=datetime.date.today,
    )


class DeclineForm(forms.Form):
    """The cluster manager declines a join request: the message the company gets."""

    message = forms.CharField(
        label=_("Message to the company"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent by e-mail to the person who asked."),
    )


class EventFilter(forms.Form):
    """The public calendar's filters (all optional; a GET form). A month shows that
    month's events, past or to come; otherwise `when` chooses upcoming or past ones."""

    WHEN = (("", _("upcoming")), ("past", _("past")))

    cluster = forms.ChoiceField(label=_("cluster"), required=False)
    kind = forms.ChoiceField(label=_("kind"), required=False)
    month = forms.DateField(
        label=_("month"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("For example 2026-12."),
        error_messages={"invalid": _("Enter a month as year-month, for example 2026-12.")},
    )
    when = forms.ChoiceField(label=_("upcoming or past"), required=False, choices=WHEN)

    def __init__(self, *args, clusters=(), kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [("", _("all clusters")), *clusters]
        self.fields["kind"].choices = [("", _("all kinds")), *kinds]

    def clean_month(self):
        month = self.cleaned_data.get("month")
        if month and not 1900 <= month.year <= 2999:
            raise forms.ValidationError(self.fields["month"].error_messages["invalid"])
        return month


class ProgrammePageForm(forms.ModelForm):
    """The programme manager's texts of the public front page."""

    class Meta:
        model = ProgrammePage
        fields = [
            "introduction",
            "introduction_en",
            "how_to_apply",
            "how_to_apply_en",
            "contact_name",
            "contact_email",
            "contact_phone",
            "contact_address",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 5})
            for name in ("introduction", "introduction_en", "how_to_apply", "how_to_apply_en")
        } | {"contact_address": forms.Textarea(attrs={"rows": 3})}
