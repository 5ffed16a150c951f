"""The screening and jury's items in the inbox (monitoring.inbox, registered in
ReviewConfig.ready()): a reviewer's assignments still to declare or to score; for the
programme manager, per call, the applications submitted online still to screen and the
assignments blocked by a conflict of interest (someone else to assign)."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clustermonitor.accounts import access
from clustermonitor.monitoring.inbox import Item
from clustermonitor.programmes.models import Application
from clustermonitor.review.models import Assignment, Declaration


def items(user, clusters, today: datetime.date) -> list[Item]:
    found = []
    if access.is_reviewer(user):
        found += _reviewer(user)
    if access.is_programme_manager(user):
        found += _manager()
    return found


def _reviewer(user) -> list[Item]:
    counts = access.assignments_of(user, Assignment.objects).aggregate(
        declare=Count("pk", filter=Q(declaration=Declaration.PENDING)),
        score=Count("pk", filter=Q(declaration=Declaration.NONE, submitted_at__isnull=True)),
    )
    if not counts["declare"] and not counts["score"]:
        return []
    return [
        Item(
            "assignment",
            "medium",
            _("Jury: applications to declare or score"),
            _("%(declare)d to declare, %(score)d to score") % counts,
            reverse("review:my-assignments"),
        )
    ]


def _manager() -> list[Item]:
    rows = (
        Application.objects.filter(versions__isnull=False)
        .values("call_id")
        .annotate(
            screen=Count("pk", filter=Q(status=Application.Status.SUBMITTED), distinct=True),
        )
        .filter(screen__gt=0)
        .order_by("call_id")
    )
    found = [
        Item(
            "screening",
            "medium",
            _("Screening: applications to screen"),
            ngettext(
                "%(n)d submitted application to screen",
                "%(n)d submitted applications to screen",
                row["screen"],
            )
            % {"n": row["screen"]},
            reverse("review:call", args=[row["call_id"]]),
        )
        for row in rows
    ]
    blocked = (
        Assignment.objects.filter(
            active=True,
            declaration=Declaration.CONFLICT,
            application__status=Application.Status.IN_REVIEW,
        )
        .values("application__call_id")
        .annotate(n=Count("pk"))
        .order_by("application__call_id")
    )
    found += [
        Item(
            "conflict",
            "high",
            _("Jury: conflicts of interest"),
            ngettext(
                "%(n)d assignment blocked by a conflict of interest: assign someone else",
                "%(n)d assignments blocked by a conflict of interest: assign someone else",
                row["n"],
            )
            % {"n": row["n"]},
            reverse("review:jury", args=[row["application__call_id"]]),
        )
        for row in blocked
    ]
    return found
