"""The permission matrix (tests/matrix_routes.py): the maturity ladder and labels (issue
21). Agency staff and evaluators read the programme's ladder and label register; a
cluster's ladder, labels and readiness also its own manager (the other cluster's manager
gets 404); only the programme manager defines levels and labels and records decisions and
awards (403 for the other readers of the same pages)."""

from django.urls import reverse

from tests.conftest import CLUSTER_A
from tests.matrix_rows import (
    CLUSTER_A_RECORDS,
    CLUSTER_A_SETUP,
    PROGRAMME_READERS,
    PROGRAMME_SETUP,
)


def _programme():
    from clustermonitor.programmes.models import Cluster

    return Cluster.objects.get(code=CLUSTER_A).programme


def _level():
    from clustermonitor.maturity.models import Level

    return Level.objects.get_or_create(
        programme=_programme(), code="matrix", defaults={"order": 99, "name": "Matrix"}
    )[0]


def _label():
    from clustermonitor.maturity.models import Label

    return Label.objects.get_or_create(
        programme=_programme(), code="matrix", defaults={"name": "Matrix label"}
    )[0]


ROUTES = {
    "programmes:ladder": (lambda: reverse("programmes:ladder"), PROGRAMME_READERS),
    "programmes:level-create": (lambda: reverse("programmes:level-create"), PROGRAMME_SETUP),
    "programmes:level-edit": (
        lambda: reverse("programmes:level-edit", args=[_level().pk]),
        PROGRAMME_SETUP,
    ),
    "programmes:labels": (lambda: reverse("programmes:labels"), PROGRAMME_READERS),
    "programmes:label-create": (lambda: reverse("programmes:label-create"), PROGRAMME_SETUP),
    "programmes:label-edit": (
        lambda: reverse("programmes:label-edit", args=[_label().pk]),
        PROGRAMME_SETUP,
    ),
    "programmes:ladder-cluster": (
        lambda: reverse("programmes:ladder-cluster", args=[CLUSTER_A]),
        CLUSTER_A_RECORDS,
    ),
    "programmes:level-decision": (
        lambda: reverse("programmes:level-decision", args=[CLUSTER_A]),
        CLUSTER_A_SETUP,
    ),
    "programmes:label-award-add": (
        lambda: reverse("programmes:label-award-add", args=[CLUSTER_A]),
        CLUSTER_A_SETUP,
    ),
    "programmes:ladder-readiness": (
        lambda: reverse("programmes:ladder-readiness", args=[CLUSTER_A]),
        CLUSTER_A_RECORDS,
    ),
}
