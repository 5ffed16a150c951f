"""Writes of account management: attention points, steering-group meetings and
learning-network sessions, each audited."""

import datetime

from django.db import transaction

from clustermonitor.accountmanagement.models import (
    AttentionPoint,
    LearningSession,
    SteeringGroupMeeting,
)
from clustermonitor.core import audit


def _user(actor: audit.Actor):
    return actor.user if getattr(actor.user, "pk", None) else None


@transaction.atomic
def save_attention_point(actor: audit.Actor, point: AttentionPoint) -> AttentionPoint:
    if point.pk is None and point.created_by_id is None:
        point.created_by = _user(actor)
    audit.save(actor, point)
    return point


@transaction.atomic
def close_attention_point(
    actor: audit.Actor, point: AttentionPoint, on: datetime.date
) -> AttentionPoint:
    if not point.is_open:
        return point
    point.status, point.closed_on = AttentionPoint.Status.DONE, on
    audit.save(actor, point, note="done")
    return point


@transaction.atomic
def reopen_attention_point(
    actor: audit.Actor, point: AttentionPoint, follow_up_on: datetime.date
) -> AttentionPoint:
    point.status, point.closed_on = AttentionPoint.Status.OPEN, None
    point.follow_up_on = follow_up_on
    audit.save(actor, point, note="reopened")
    return point


@transaction.atomic
def save_steering_meeting(
    actor: audit.Actor, meeting: SteeringGroupMeeting, attended_by
) -> SteeringGroupMeeting:
    audit.save(actor, meeting, m2m={"attended_by": list(attended_by)})
    return meeting


@transaction.atomic
def save_learning_session(
    actor: audit.Actor, session: LearningSession, attendees
) -> LearningSession:
    """Save a session and the clusters that attended it (only clusters of its programme)."""
    attendees = list(attendees)
    strangers = [c.code for c in attendees if c.programme_id != session.programme_id]
    if strangers:
        raise ValueError(f"clusters of another programme: {', '.join(strangers)}")
    audit.save(actor, session, m2m={"attendees": attendees})
    return session


def delete(actor: audit.Actor, instance) -> None:
    audit.delete(actor, instance)
