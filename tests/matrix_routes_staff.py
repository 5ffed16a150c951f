"""The permission matrix (tests/matrix_routes.py): the cluster management team and exit
and aftercare (issue 21). Whoever reads cluster A's records sees its team and its
aftercare page; A's manager and the programme manager keep the team and report the
yearly follow-up (the account manager and the evaluator get 403, the other cluster's
manager 404); only the programme manager records the status after the term. The
overview of aftercare is for programme readers."""

import datetime

from django.urls import reverse

from tests.conftest import CLUSTER_A
from tests.matrix_rows import (
    CLUSTER_A_RECORDS,
    CLUSTER_A_SETUP,
    MEMBERS_A_CHANGE,
    POST_ONLY,
    PROGRAMME_READERS,
)


def _person():
    from clustermonitor.maturity.models_ladder import StaffMember
    from clustermonitor.programmes.models import Cluster

    cluster = Cluster.objects.get(code=CLUSTER_A)
    return StaffMember.objects.get_or_create(cluster=cluster, name="Matrix Persoon")[0]


def _assignment():
    from clustermonitor.maturity.models_ladder import StaffAssignment

    return StaffAssignment.objects.get_or_create(
        staff=_person(),
        role="manager",
        defaults={"start_date": datetime.date(2020, 1, 1), "fte": 1},
    )[0]


def _a(name):
    return lambda: reverse(name, args=[CLUSTER_A])


def _p(name):
    return lambda: reverse(name, args=[_person().pk])


ROUTES = {
    "programmes:team": (_a("programmes:team"), CLUSTER_A_RECORDS),
    "programmes:staff-create": (_a("programmes:staff-create"), MEMBERS_A_CHANGE),
    "programmes:staff-edit": (_p("programmes:staff-edit"), MEMBERS_A_CHANGE),
    "programmes:staff-remove": (_p("programmes:staff-remove"), POST_ONLY),
    "programmes:assignment-create": (_p("programmes:assignment-create"), MEMBERS_A_CHANGE),
    "programmes:assignment-edit": (
        lambda: reverse("programmes:assignment-edit", args=[_assignment().pk]),
        MEMBERS_A_CHANGE,
    ),
    "programmes:assignment-end": (
        lambda: reverse("programmes:assignment-end", args=[_assignment().pk]),
        MEMBERS_A_CHANGE,
    ),
    "programmes:training-create": (_p("programmes:training-create"), MEMBERS_A_CHANGE),
    "programmes:aftercare-list": (lambda: reverse("programmes:aftercare-list"), PROGRAMME_READERS),
    "programmes:aftercare": (_a("programmes:aftercare"), CLUSTER_A_RECORDS),
    "programmes:aftercare-edit": (_a("programmes:aftercare-edit"), CLUSTER_A_SETUP),
    "programmes:follow-up-edit": (_a("programmes:follow-up-edit"), MEMBERS_A_CHANGE),
    "programmes:follow-up-count": (_a("programmes:follow-up-count"), POST_ONLY),
}
