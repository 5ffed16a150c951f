"""Writes to activities and participation, all audited."""

from django.db import transaction

from clustermonitor.activities.models import Activity, Participation
from clustermonitor.core import audit
from clustermonitor.members.models import Membership


def is_member_of_organisers(organisation, activity: Activity) -> bool:
    """A participant counts as member activity when its organisation is a member of one of
    the organising clusters on the day of the activity; otherwise it is a guest."""
    return (
        Membership.objects.active_on(activity.date)
        .filter(organisation=organisation, cluster__in=activity.clusters.all())
        .exists()
    )


@transaction.atomic
def save_activity(actor: audit.Actor, form) -> Activity:
    activity = form.save(commit=False)
    audit.save(
        actor, activity, m2m={"clusters": list(form.cleaned_data["clusters"])}, validate=False
    )
    # The organisers may have changed: who is a guest may have too.
    for participation in activity.participations.filter(organisation__isnull=False):
        guest = not is_member_of_organisers(participation.organisation, activity)
        if participation.is_guest != guest:
            participation.is_guest = guest
            audit.save(actor, participation)
    return activity


@transaction.atomic
def add_participant(
    actor: audit.Actor,
    activity: Activity,
    *,
    organisation=None,
    contact=None,
    name: str = "",
    organisation_name: str = "",
    postcode: str = "",
    note: str = "",
) -> Participation:
    participation = Participation(
        activity=activity,
        organisation=organisation,
        contact=contact,
        name=name,
        organisation_name=organisation_name,
        postcode=postcode,
        is_guest=bool(organisation) and not is_member_of_organisers(organisation, activity),
        needs_review=organisation is None,
    )
    audit.save(actor, participation, note=note)
    return participation


@transaction.atomic
def resolve(
    actor: audit.Actor, participation: Participation, *, organisation=None, guest: bool = False
) -> Participation:
    """Settle a participant waiting for review: link it to an organisation, or keep it as
    a guest without one."""
    participation.needs_review = False
    if organisation is not None:
        participation.organisation = organisation
        participation.is_guest = not is_member_of_organisers(organisation, participation.activity)
    else:
        participation.is_guest = guest
    audit.save(actor, participation, note="reviewed")
    return participation


def remove(actor: audit.Actor, participation: Participation) -> None:
    audit.delete(actor, participation)
