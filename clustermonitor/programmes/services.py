"""Writes to the programme set-up. Every one is validated and audited."""

from clustermonitor.core import audit


def delete(actor: audit.Actor, instance) -> None:
    audit.delete(actor, instance)
