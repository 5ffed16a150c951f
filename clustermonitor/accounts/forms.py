from django import forms
from django.utils.translation import gettext_lazy as _

from clustermonitor.accounts.models import CLUSTER_ROLES, Role, RoleAssignment, User


def _clusters():
    """The clusters, ordered by code: the model a role's cluster points at (accounts sits
    below programmes and imports none of it)."""
    return RoleAssignment._meta.get_field("cluster").related_model.objects.order_by("code")


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("name"), max_length=100, help_text=_("What the token is for, e.g. 'notebook'.")
    )


class UserCreateForm(forms.Form):
    """A new account with its first role; the person sets their own password."""

    username = forms.CharField(label=_("username"), max_length=150)
    first_name = forms.CharField(label=_("first name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("e-mail"))
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    cluster = forms.ModelChoiceField(
        label=_("cluster"),
        queryset=None,
        required=False,
        help_text=_("Only for a cluster manager."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = _clusters()

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username

    def clean(self):
        data = super().clean()
        role, cluster = data.get("role"), data.get("cluster")
        if role in CLUSTER_ROLES and not cluster:
            self.add_error("cluster", _("A cluster manager needs a cluster."))
        if role and role not in CLUSTER_ROLES and cluster:
            self.add_error("cluster", _("This role is not tied to one cluster."))
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    cluster = forms.ModelChoiceField(label=_("cluster"), queryset=None, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["cluster"].queryset = _clusters()

    def clean(self):
        data = super().clean()
        role, cluster = data.get("role"), data.get("cluster")
        if role in CLUSTER_ROLES and not cluster:
            self.add_error("cluster", _("A cluster manager needs a cluster."))
        elif role and role not in CLUSTER_ROLES and cluster:
            self.add_error("cluster", _("This role is not tied to one cluster."))
        elif role and self.user.role_assignments.filter(role=role, cluster=cluster).exists():
            raise forms.ValidationError(_("The user has this role already."))
        return data


class CodeForm(forms.Form):
    """A code from the authenticator app (six digits) or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )
