"""Payments on one tranche at the same moment on PostgreSQL (issue 19): the tranche's
row is locked while what it leaves open is read, so two payments that each fit but
together exceed it cannot both pass. Each payment runs in its own thread with its own
database connection; the rows are committed (the test cleans up after itself).
Skipped on SQLite, which writes one transaction at a time."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections

from clustermonitor.agreements import services
from clustermonitor.agreements.models import Agreement, BudgetLine, Condition, Payment, Tranche
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.programmes.models import Cluster
from tests.test_billing_concurrency import _in_own_thread

PARALLEL = 4


@pytest.mark.django_db  # the suite's database; the scenario commits on its own connections
def test_parallel_payments_never_take_a_tranche_above_its_amount(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between transactions: run with DATABASE_URL=postgres://…")
    # Widen the window between reading what is open and writing the payment.
    save = Payment.save

    def slow_save(self, *args, **kwargs):
        time.sleep(0.05)
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Payment, "save", slow_save)
    _in_own_thread(_scenario)


def _scenario():
    actor = audit.Actor.system("tests")
    cluster = Cluster.objects.get(code="BIM")
    first_entry = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        agreement = services.create_for_cluster(
            actor, cluster, signed_on=cluster.start_date, periods=False
        )
        advance = agreement.tranches.get(number=1)
        part = (advance.amount * Decimal("0.6")).quantize(Decimal("0.01"))
        barrier = threading.Barrier(PARALLEL)
        passed, refused, errors = [], [], []

        def pay(n):
            try:
                barrier.wait()
                services.record_payment(
                    actor,
                    advance,
                    paid_on=cluster.start_date,
                    reference=f"PAR-{n}",
                    amount=part,
                    today=datetime.date(2030, 1, 1),
                )
                passed.append(n)
            except services.AgreementError:
                refused.append(n)
            except Exception as exc:
                errors.append(repr(exc))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=pay, args=(n,)) for n in range(PARALLEL)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors, errors
        assert len(passed) == 1 and len(refused) == PARALLEL - 1
        assert Payment.objects.filter(tranche=advance).count() == 1
    finally:
        agreements = Agreement.objects.filter(cluster=cluster)
        Payment.objects.filter(tranche__agreement__in=agreements).delete()
        Tranche.objects.filter(agreement__in=agreements).delete()
        BudgetLine.objects.filter(agreement__in=agreements).delete()
        Condition.objects.filter(agreement__in=agreements).delete()
        agreements.delete()
        AuditEntry.objects.filter(pk__gt=first_entry).delete()
