"""The owning clusters of a joint record (an activity, a collaboration) chosen on a form:
checked through accounts.access.owners_refusal like a cluster in the URL."""

from django import forms

from clustermonitor.accounts import access


class OwnerClustersMixin:
    """For a ModelForm with a `clusters` field. The view passes `user` and, creating, the
    `home` cluster of its URL; each form names its record in the three messages."""

    #: True: the home cluster is always one of the owners (added when not ticked).
    home_included = False
    #: The refusals, naming the record: no cluster at all; removing `%(cluster)s`, which
    #: the user does not manage; leaving the user's own `%(cluster)s` out.
    empty_message: str
    strip_message: str
    own_message: str

    def init_owners(self, user, home=None):
        self.user, self.home = user, home

    def clean_clusters(self):
        chosen = set(self.cleaned_data["clusters"])
        if self.home_included and self.home is not None:
            chosen.add(self.home)
        before = list(self.instance.clusters.all()) if self.instance.pk else []
        refusal = access.owners_refusal(self.user, before, chosen, home=self.home)
        if refusal is None:
            return sorted(chosen, key=lambda c: c.code)
        reason, cluster = refusal
        if reason == "empty":
            raise forms.ValidationError(self.empty_message)
        message = self.strip_message if reason == "strip" else self.own_message
        raise forms.ValidationError(message % {"cluster": cluster.code if cluster else "—"})
