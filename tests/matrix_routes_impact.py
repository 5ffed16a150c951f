"""The permission matrix (tests/matrix_routes.py): the economic-impact estimate and the
annual accounts (issue 20). Agency staff and evaluators read the programme's estimate;
a cluster's estimate also its own manager (the other cluster's manager gets 404); the
member contact, the reviewer and the applicant read none of it."""

from django.urls import reverse

from tests.conftest import CLUSTER_A
from tests.matrix_rows import CLUSTER_A_RECORDS, PROGRAMME_READERS, row

ROUTES = {
    "impact:programme": (lambda: reverse("impact:programme"), PROGRAMME_READERS),
    "impact:cluster": (lambda: reverse("impact:cluster", args=[CLUSTER_A]), CLUSTER_A_RECORDS),
    "api:programme_impact": (
        lambda: reverse("api:programme_impact", args=["fte"]),
        row(401, 200, 200, 200, 404, 404, 404),
    ),
    "api:cluster_impact": (
        lambda: reverse("api:cluster_impact", args=[CLUSTER_A, "fte"]),
        row(401, 200, 200, 200, 200, 404, 404),
    ),
}
