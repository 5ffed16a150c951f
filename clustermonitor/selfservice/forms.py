"""The self-service forms. Every record a member contact may pick (a membership, a
cluster) is offered from its own organisation's records only, and a posted id outside
them is a form error (accounts.access decides what the organisation's records are)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.core.fields import MAX_ID
from clustermonitor.members.models import Contact
from clustermonitor.selfservice.models import CompetenceProfile, Posting, Visibility

#: At most this many technologies on a profile or a posting; each at most this long.
MAX_TECHNOLOGIES = 20
MAX_TECHNOLOGY_LENGTH = 60


class SafeModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that refuses an id no database column can hold as an invalid
    choice (a form error, never a 500)."""

    def to_python(self, value):
        if value not in self.empty_values:
            text = str(value).strip()
            if not text.isdigit() or int(text) > MAX_ID:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                )
        return super().to_python(value)


class TechnologiesField(forms.CharField):
    """Technologies as free tags, separated by commas: a list of names, each trimmed,
    without doubles (case-insensitive), in the order given."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 1500)
        kwargs.setdefault(
            "help_text",
            _("Separate them with commas, e.g. “drones, computer vision, LiDAR”."),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value) or ""
        names, seen = [], set()
        for part in text.split(","):
            name = re.sub(r"\s+", " ", part).strip()
            if not name:
                continue
            if len(name) > MAX_TECHNOLOGY_LENGTH:
                raise forms.ValidationError(
                    _("“%(name)s…” is longer than %(n)d characters.")
                    % {"name": name[:20], "n": MAX_TECHNOLOGY_LENGTH}
                )
            if name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
        if len(names) > MAX_TECHNOLOGIES:
            raise forms.ValidationError(_("At most %(n)d technologies.") % {"n": MAX_TECHNOLOGIES})
        return names


def _only_choice(form, name: str) -> None:
    """Preselect the one record a choice offers (a member of one cluster)."""
    field_ = form.fields[name]
    choices = list(field_.queryset[:2])
    if len(choices) == 1 and not form.initial.get(name):
        form.initial[name] = choices[0].pk


def _membership_label(membership):
    return f"{membership.cluster.code} – {membership.cluster.name}"


class MemberContactForm(forms.ModelForm):
    """A contact person of the member's own company, for one of its memberships."""

    membership = SafeModelChoiceField(label=_("cluster"), queryset=None)

    class Meta:
        model = Contact
        fields = ["membership", "name", "role", "email", "phone"]

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = memberships
        self.fields["membership"].label_from_instance = _membership_label
        _only_choice(self, "membership")


class CompetenceProfileForm(forms.Form):
    technologies = TechnologiesField(label=_("technologies"))
    offers = forms.CharField(
        label=_("what we offer"), required=False, max_length=3000, widget=forms.Textarea
    )
    seeks = forms.CharField(
        label=_("what we look for"), required=False, max_length=3000, widget=forms.Textarea
    )
    visibility = forms.ChoiceField(
        label=_("visible to"),
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        help_text=_("The cluster's managers always see it."),
    )

    @classmethod
    def for_profile(cls, profile: CompetenceProfile | None, data=None):
        initial = {"visibility": Visibility.PRIVATE}
        if profile is not None:
            initial = {
                "technologies": ", ".join(t.name for t in profile.technologies.order_by("key")),
                "offers": profile.offers,
                "seeks": profile.seeks,
                "visibility": profile.visibility,
            }
        return cls(data, initial=initial)


class PostingForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"), choices=Posting.Kind.choices, widget=forms.RadioSelect
    )
    cluster = SafeModelChoiceField(
        label=_("cluster"), queryset=None, help_text=_("The cluster you post it in.")
    )
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(label=_("description"), max_length=5000, widget=forms.Textarea)
    technologies = TechnologiesField(label=_("technologies"))
    reach = forms.ChoiceField(
        label=_("visible to"),
        choices=Posting.Reach.choices,
        initial=Posting.Reach.CLUSTER,
        widget=forms.RadioSelect,
        help_text=_(
            "“All clusters” reaches other clusters' members only where both clusters allow "
            "cross-cluster matching."
        ),
    )

    def __init__(self, *args, clusters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = clusters
        self.fields["cluster"].label_from_instance = lambda c: f"{c.code} – {c.name}"
        _only_choice(self, "cluster")


class InterestForm(forms.Form):
    cluster = SafeModelChoiceField(
        label=_("through the cluster"),
        queryset=None,
        help_text=_("The cluster in which a collaboration would be proposed."),
    )
    message = forms.CharField(
        label=_("message"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you can bring, or what you would need."),
    )

    def __init__(self, *args, clusters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = clusters
        self.fields["cluster"].label_from_instance = lambda c: f"{c.code} – {c.name}"
        _only_choice(self, "cluster")


class MatchingForm(forms.Form):
    allow_cross_cluster = forms.BooleanField(
        label=_("allow cross-cluster matching"),
        required=False,
        help_text=_(
            "Offers and requests meant for all clusters then reach this cluster's members, "
            "and theirs reach the members of other clusters that allow it too."
        ),
    )
