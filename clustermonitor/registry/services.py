"""Writes to the registry's organisations and their firm figures, all audited."""

from clustermonitor.core import audit
from clustermonitor.registry.models import Organisation


def save_organisation(actor: audit.Actor, form) -> Organisation:
    organisation = form.save(commit=False)
    audit.save(actor, organisation, validate=False)
    return organisation


def save_figures(actor: audit.Actor, form):
    figures = form.save(commit=False)
    audit.save(actor, figures, validate=False)
    return figures
