"""Writes to the programme set-up. Every one is validated and audited."""

from django.db import transaction

from clustermonitor.core import audit


@transaction.atomic
def save_form(actor: audit.Actor, form):
    """Save a validated ModelForm's instance (and its many-to-many fields), audited."""
    instance = form.save(commit=False)
    m2m = {
        f.name: list(form.cleaned_data[f.name])
        for f in instance._meta.many_to_many
        if f.name in form.cleaned_data
    }
    audit.save(actor, instance, m2m=m2m, validate=False)
    return instance


def delete(actor: audit.Actor, instance) -> None:
    audit.delete(actor, instance)
