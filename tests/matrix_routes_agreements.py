"""The permission matrix (tests/matrix_routes.py): agreements, amendments, tranches and
payments (issue 19, part C). The programme manager records them; account managers and
evaluators read every agreement and the programme's schedule; cluster A's manager reads
A's agreement and schedule only (403 on its steps, 404 on the programme's list); the
reviewer, the applicant and the member contact see none (404)."""

import datetime

from django.urls import reverse

from tests.conftest import CLUSTER_A
from tests.matrix_rows import CLUSTER_A_RECORDS, CLUSTER_A_SETUP, PROGRAMME_READERS, PROGRAMME_SETUP


def agreement():
    """Cluster A's agreement (recorded afterwards, from its record), with a condition."""
    from clustermonitor.agreements import services
    from clustermonitor.agreements.models import Agreement
    from clustermonitor.core import audit
    from clustermonitor.programmes.models import Cluster

    found = Agreement.objects.filter(cluster__code=CLUSTER_A).first()
    if found is not None:
        return found
    cluster = Cluster.objects.get(code=CLUSTER_A)
    return services.create_for_cluster(
        audit.Actor.system("matrix"),
        cluster,
        signed_on=cluster.start_date,
        conditions=[("Businessplan", cluster.start_date + datetime.timedelta(days=540))],
    )


def funded_application():
    from clustermonitor.programmes.models import Application, Call

    return Application.objects.get_or_create(
        call=Call.objects.get(number=2),
        applicant="Matrix Kring vzw",
        defaults={"title": "Matrix", "status": "funded", "funded_amount": 300000},
    )[0]


ROUTES = {
    "agreements:list": (lambda: reverse("agreements:list"), PROGRAMME_READERS),
    "agreements:detail": (
        lambda: agreement() and reverse("agreements:detail", args=[CLUSTER_A]),
        CLUSTER_A_RECORDS,
    ),
    "agreements:for-cluster": (
        lambda: reverse("agreements:for-cluster", args=[CLUSTER_A]),
        CLUSTER_A_SETUP,
    ),
    "agreements:amend": (
        lambda: agreement() and reverse("agreements:amend", args=[CLUSTER_A]),
        CLUSTER_A_SETUP,
    ),
    "agreements:condition-add": (
        lambda: agreement() and reverse("agreements:condition-add", args=[CLUSTER_A]),
        CLUSTER_A_SETUP,
    ),
    "agreements:condition-met": (
        lambda: reverse("agreements:condition-met", args=[agreement().conditions.get().pk]),
        CLUSTER_A_SETUP,
    ),
    "agreements:payment-add": (
        lambda: reverse("agreements:payment-add", args=[agreement().tranches.get(number=1).pk]),
        CLUSTER_A_SETUP,
    ),
    "agreements:from-application": (
        lambda: reverse("agreements:from-application", args=[funded_application().pk]),
        PROGRAMME_SETUP,
    ),
}
