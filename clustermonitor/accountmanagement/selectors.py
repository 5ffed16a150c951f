"""Reads of issue 6: which attention points wait for whom (docs/maturity.md)."""

import datetime

from django.db.models import BooleanField, ExpressionWrapper, Q

from clustermonitor.accountmanagement.models import AttentionPoint


def open_attention_points(
    user=None,
    cluster=None,
    today: datetime.date | None = None,
    *,
    within_days: int | None = None,
):
    """Open attention points, the earliest follow-up first, annotated with `overdue`
    (follow-up date before `today`).

    `user`: the points they follow up — owned by them, or without an owner on a cluster
    whose account manager they are. `cluster`: only that cluster's. `within_days`: only
    those to follow up on or before `today + within_days` (overdue ones included).
    """
    today = today or datetime.date.today()
    points = AttentionPoint.objects.filter(status=AttentionPoint.Status.OPEN)
    if user is not None:
        points = points.filter(Q(owner=user) | Q(owner__isnull=True, cluster__account_manager=user))
    if cluster is not None:
        points = points.filter(cluster=cluster)
    if within_days is not None:
        points = points.filter(follow_up_on__lte=today + datetime.timedelta(days=within_days))
    return (
        points.select_related("cluster", "owner")
        .annotate(overdue=ExpressionWrapper(Q(follow_up_on__lt=today), output_field=BooleanField()))
        .order_by("follow_up_on", "pk")
    )
