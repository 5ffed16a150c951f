"""The permission matrix (tests/matrix_routes.py): the companies' annual accounts (issue
20). Programme readers see the imports and the coverage; only the programme manager
uploads (a POST, tests/test_impact_accounts.py: 403 for the other readers)."""

from django.urls import reverse

from tests.matrix_rows import PROGRAMME_READERS


def _accounts_import():
    from clustermonitor.impact.models import AccountsImport

    return AccountsImport.objects.get_or_create(source="matrix.csv", defaults={"state": "done"})[0]


ROUTES = {
    "impact:accounts-imports": (lambda: reverse("impact:accounts-imports"), PROGRAMME_READERS),
    "impact:accounts-import-detail": (
        lambda: reverse("impact:accounts-import-detail", args=[_accounts_import().pk]),
        PROGRAMME_READERS,
    ),
}
