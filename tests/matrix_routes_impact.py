"""The permission matrix (tests/matrix_routes.py): the economic-impact estimate and the
annual accounts (issue 20). Agency staff and evaluators read the programme's estimate;
a cluster's estimate also its own manager (the other cluster's manager gets 404); the
member contact, the reviewer and the applicant read none of it. Programme readers see
the accounts imports and the coverage; only the programme manager uploads (a POST,
tests/test_impact_accounts.py: 403 for the other readers)."""

from django.urls import reverse

from tests.conftest import CLUSTER_A
from tests.matrix_rows import CLUSTER_A_RECORDS, PROGRAMME_READERS, row


def _accounts_import():
    from clustermonitor.impact.models import AccountsImport

    return AccountsImport.objects.get_or_create(source="matrix.csv", defaults={"state": "done"})[0]


ROUTES = {
    "impact:effects": (lambda: reverse("impact:effects"), PROGRAMME_READERS),
    "impact:cluster-effects": (
        lambda: reverse("impact:cluster-effects", args=[CLUSTER_A]),
        CLUSTER_A_RECORDS,
    ),
    "impact:accounts-imports": (lambda: reverse("impact:accounts-imports"), PROGRAMME_READERS),
    "impact:accounts-import-detail": (
        lambda: reverse("impact:accounts-import-detail", args=[_accounts_import().pk]),
        PROGRAMME_READERS,
    ),
    "api:programme_impact": (
        lambda: reverse("api:programme_impact", args=["fte"]),
        row(401, 200, 200, 200, 404, 404, 404),
    ),
    "api:cluster_impact": (
        lambda: reverse("api:cluster_impact", args=[CLUSTER_A, "fte"]),
        row(401, 200, 200, 200, 200, 404, 404),
    ),
}
