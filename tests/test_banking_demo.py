"""The demo's bank statement (clustermonitor.demodata.banking): a file for the cluster
manager to import; writing it changes no record but the cluster's bank account."""

import datetime

import pytest

from clustermonitor.banking import services
from clustermonitor.banking.models import BankAccount, StatementLine
from clustermonitor.banking.parsers import parse
from clustermonitor.billing.models import Invoice, Payment
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.demodata import banking as bank_demo
from tests.test_banking import invoice_for

pytestmark = pytest.mark.usefixtures("english")

TODAY = datetime.date(2026, 12, 7)


def test_the_demo_statement_pays_two_invoices_and_leaves_one_to_decide(cluster_a, tmp_path):
    first, second, third = (invoice_for(cluster_a, i, total="500.00") for i in (1, 2, 3))
    path = tmp_path / "statement.cod"
    summary = bank_demo.load("EUKA", today=TODAY, path=path)
    assert summary == {"statement file": str(path), "statement lines": 4}
    assert not Payment.objects.exists()  # written, not imported
    entries = AuditEntry.objects.count()
    assert bank_demo.load("EUKA", today=TODAY, path=path) == summary  # again: the same
    assert AuditEntry.objects.count() == entries
    assert BankAccount.objects.get().cluster == cluster_a
    (statement,) = parse(path.read_bytes(), path.name)
    assert statement.date == TODAY - datetime.timedelta(days=1)
    result = services.import_statements(
        path.read_bytes(), path.name, cluster_a, audit.Actor.system("test")
    )
    assert result.counts["matched"] == 2 and result.counts["unmatched"] == 1
    assert result.counts["outgoing"] == 1
    statuses = dict(Invoice.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "paid", second.pk: "paid", third.pk: "issued"}
    rules = list(StatementLine.objects.order_by("position").values_list("rule", flat=True))
    assert rules == ["reference", "enterprise", "", ""]


def test_without_invoices_the_open_fees_wait(cluster_a, tmp_path):
    from clustermonitor.members.models import Contribution
    from tests.factories import membership, organisation

    Contribution.objects.create(
        membership=membership(organisation(300), cluster_a), year=2026, amount=750
    )
    path = tmp_path / "statement.cod"
    assert bank_demo.load("EUKA", today=TODAY, path=path)["statement lines"] == 2
    result = services.import_statements(
        path.read_bytes(), path.name, cluster_a, audit.Actor.system("test")
    )
    assert result.counts["unmatched"] == 1 and result.counts["outgoing"] == 1


def test_no_such_cluster_no_statement(db, tmp_path):
    assert bank_demo.load("NOPE", today=TODAY, path=tmp_path / "s.cod") == {}
    assert not (tmp_path / "s.cod").exists()
