"""The permission matrix (tests/matrix_routes.py): a cluster's bank statements. Cluster
A's accounts, statements and their payers are seen by A's managers and the programme
manager; the rest of the agency, evaluators and other clusters' managers get 404."""

import datetime
from decimal import Decimal

from django.urls import reverse

from tests.conftest import CLUSTER_A
from tests.matrix_rows import LOGIN, POST_ONLY, row

BANK_A = row(LOGIN, 200, 404, 404, 200, 404, 404)

IBAN = "BE71096123456769"


def statement_line():
    """A statement of cluster A with one line that waits (built once, found again)."""
    from clustermonitor.banking import files, services
    from clustermonitor.banking.models import BankAccount, StatementLine
    from clustermonitor.core import audit
    from clustermonitor.programmes.models import Cluster

    found = StatementLine.objects.filter(statement__account__iban=IBAN).first()
    if found is not None:
        return found
    cluster = Cluster.objects.get(code=CLUSTER_A)
    actor = audit.Actor.system("tests")
    BankAccount.objects.get_or_create(cluster=cluster, iban=IBAN)
    day = datetime.date(2026, 3, 3)
    data = files.coda(
        iban=IBAN,
        holder="Matrix vzw",
        number=1,
        old_balance=Decimal(0),
        old_date=day,
        new_date=day,
        payments=[files.Payment(Decimal("12.00"), day, communication="matrix")],
    ).encode("latin-1")
    services.import_statements(data, "matrix.cod", cluster, actor)
    return StatementLine.objects.get(statement__account__iban=IBAN)


ROUTES = {
    "banking:statements": (lambda: reverse("banking:statements", args=[CLUSTER_A]), BANK_A),
    "banking:account-add": (
        lambda: reverse("banking:account-add", args=[CLUSTER_A]),
        POST_ONLY,
    ),
    "banking:statement-import": (
        lambda: reverse("banking:statement-import", args=[CLUSTER_A]),
        POST_ONLY,
    ),
    "banking:statement-detail": (
        lambda: reverse("banking:statement-detail", args=[statement_line().statement_id]),
        BANK_A,
    ),
    "banking:line-detail": (
        lambda: reverse("banking:line-detail", args=[statement_line().pk]),
        BANK_A,
    ),
    "banking:line-assign": (
        lambda: reverse("banking:line-assign", args=[statement_line().pk]),
        POST_ONLY,
    ),
    "banking:line-ignore": (
        lambda: reverse("banking:line-ignore", args=[statement_line().pk]),
        POST_ONLY,
    ),
}
