"""The profile form (the cluster manager's), the programme manager's return comment and
programme page, and the public pages' filters."""

import hashlib
import warnings

from django import forms
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from clustermonitor.portal.models import ClusterProfile, ProgrammePage, logo_path

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
    running = forms.BooleanField(label=_("only running clusters"), required=False)

    def __init__(self, *args, types=(), provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", _("all types")), *types]
        self.fields["province"].choices = [("", _("all provinces")), *provinces]


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
