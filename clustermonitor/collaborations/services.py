"""Writes to collaborations, all audited and each in one transaction."""

import datetime

from django.db import transaction

from clustermonitor.collaborations import lifecycle
from clustermonitor.collaborations.models import (
    STARTED_STAGES,
    Collaboration,
    Link,
    Party,
    Stage,
    StageChange,
)
from clustermonitor.core import audit


def _last_change(collaboration: Collaboration) -> StageChange | None:
    if collaboration.pk is None:
        return None
    return collaboration.stage_changes.order_by("-date", "-pk").first()


@transaction.atomic
def change_stage(
    actor: audit.Actor,
    collaboration: Collaboration,
    stage: str,
    *,
    on: datetime.date | None,
    reason: str = "",
    note: str = "",
) -> StageChange:
    """Move `collaboration` to `stage` on `on`, keeping the step in its history.

    Marking it started fills its start date with `on` when it has none; completing it
    fills its end date. Raises lifecycle.TransitionError when the step is refused.
    """
    last = _last_change(collaboration)
    lifecycle.check_transition(
        last.stage if last else None,
        stage,
        on=on,
        last_date=last.date if last else None,
        reason=reason,
        note=note,
        start_date=collaboration.start_date,
        end_date=collaboration.end_date,
    )
    collaboration.stage = stage
    collaboration.stop_reason = reason if stage == Stage.STOPPED else ""
    if stage in STARTED_STAGES and not collaboration.start_date:
        collaboration.start_date = on
    if stage == Stage.COMPLETED and not collaboration.end_date:
        collaboration.end_date = on
    audit.save(actor, collaboration, note=f"stage: {stage}")
    change = StageChange(
        collaboration=collaboration,
        stage=stage,
        date=on,
        reason=reason if stage == Stage.STOPPED else "",
        note=note.strip(),
        recorded_by=actor.user if getattr(actor.user, "pk", None) else None,
    )
    audit.save(actor, change)
    return change


@transaction.atomic
def create(
    actor: audit.Actor,
    collaboration: Collaboration,
    clusters,
    *,
    stage: str = Stage.IDEA,
    on: datetime.date | None = None,
    reason: str = "",
    note: str = "",
) -> Collaboration:
    """Save a new collaboration with its first stage (dated `on`, today by default)."""
    on = on or datetime.date.today()
    lifecycle.check_transition(None, stage, on=on, reason=reason, note=note)
    collaboration.stage = Stage.IDEA
    collaboration.stop_reason = ""
    audit.save(actor, collaboration, m2m={"clusters": list(clusters)}, validate=False)
    collaboration.full_clean()
    change_stage(actor, collaboration, stage, on=on, reason=reason, note=note)
    return collaboration


def save_form(actor: audit.Actor, form) -> Collaboration:
    """The edit form (typology, dates, money, clusters); the stage changes elsewhere."""
    collaboration = form.save(commit=False)
    audit.save(actor, collaboration, m2m={"clusters": list(form.cleaned_data["clusters"])})
    return collaboration


@transaction.atomic
def set_party(actor: audit.Actor, collaboration: Collaboration, organisation, role: str) -> Party:
    party = collaboration.parties.filter(organisation=organisation).first() or Party(
        collaboration=collaboration, organisation=organisation
    )
    party.role = role
    audit.save(actor, party)
    return party


def remove_party(actor: audit.Actor, party: Party) -> None:
    audit.delete(actor, party)


def add_link(actor: audit.Actor, collaboration: Collaboration, title: str, url: str) -> Link:
    link = Link(collaboration=collaboration, title=title, url=url)
    audit.save(actor, link)
    return link


def remove_link(actor: audit.Actor, link: Link) -> None:
    audit.delete(actor, link)
