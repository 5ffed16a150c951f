"""The permission matrix (tests/matrix_routes.py): live benchmarking (issue 21). Agency
staff and evaluators read the programme's benchmark; a cluster's benchmark also its own
manager (the other cluster's manager gets 404); only the programme manager loads the
reference quartiles (the other programme readers 403); the member contact, the reviewer
and the applicant read none of it."""

from django.urls import reverse

from tests.conftest import CLUSTER_A
from tests.matrix_rows import CLUSTER_A_RECORDS, PROGRAMME_READERS, PROGRAMME_SETUP

ROUTES = {
    "programmes:benchmark": (lambda: reverse("programmes:benchmark"), PROGRAMME_READERS),
    "programmes:cluster-benchmark": (
        lambda: reverse("programmes:cluster-benchmark", args=[CLUSTER_A]),
        CLUSTER_A_RECORDS,
    ),
    "programmes:benchmark-references": (
        lambda: reverse("programmes:benchmark-references"),
        PROGRAMME_SETUP,
    ),
}
