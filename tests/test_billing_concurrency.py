"""Invoice numbers under parallel requests on PostgreSQL (issue 18): managers issuing
drafts at the same moment, and a double-clicked "issue", give consecutive numbers with
no gap and no number twice. Each request runs in its own thread with its own database
connection, as gunicorn's would; the rows are committed (the test cleans up after
itself), since the point is the locking between transactions. Skipped on SQLite, which
writes one transaction at a time."""

import datetime
import threading
import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from clustermonitor.accounts.models import User
from clustermonitor.billing import invoicing
from clustermonitor.billing.models import BillingSettings, Invoice, InvoiceCounter, InvoiceLine
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.members.models import Contact, Contribution, Membership
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry.models import Organisation
from tests.billing_helpers import billing_settings
from tests.conftest import verify_session
from tests.factories import enterprise_number

YEAR = 2091  # a year no other test invoices
DRAFTS = 8


def _setup(cluster) -> list[Invoice]:
    billing_settings(cluster)
    for i in range(DRAFTS):
        org = Organisation.objects.create(
            enterprise_number=enterprise_number(880_000 + i), name=f"Parallel {i} NV"
        )
        membership = Membership.objects.create(
            organisation=org, cluster=cluster, start_date=datetime.date(YEAR, 1, 1)
        )
        Contribution.objects.create(membership=membership, year=YEAR, amount=100)
    # The year's counter exists already (the usual case after the first invoice), so the
    # issues race on reading and raising it, not on creating it.
    InvoiceCounter.objects.create(cluster=cluster, year=YEAR, kind="invoice", last=0)
    return invoicing.generate(audit.Actor.system("test"), cluster, YEAR)


def _cleanup(cluster, first_entry: int, sessions: list[str]) -> None:
    invoices = Invoice.objects.filter(cluster=cluster, year=YEAR)
    InvoiceLine.objects.filter(invoice__in=invoices).delete()
    invoices.delete()
    InvoiceCounter.objects.filter(cluster=cluster, year=YEAR).delete()
    BillingSettings.objects.filter(cluster=cluster).delete()
    memberships = Membership.objects.filter(cluster=cluster, start_date=datetime.date(YEAR, 1, 1))
    orgs = list(memberships.values_list("organisation_id", flat=True))
    Contribution.objects.filter(membership__in=memberships).delete()
    Contact.objects.filter(membership__in=memberships).delete()
    memberships.delete()
    Organisation.objects.filter(pk__in=orgs).delete()
    AuditEntry.objects.filter(pk__gt=first_entry).delete()
    Session.objects.filter(session_key__in=sessions).delete()


def _in_own_thread(function):
    """Run `function` in a thread of its own: its own connection, autocommit, outside
    the test's transaction (which this test leaves empty)."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = function()
        except BaseException as exc:
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=300)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@pytest.mark.django_db  # the suite's database; the scenario commits on its own connections
def test_parallel_issues_never_share_or_skip_a_number(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between transactions: run with DATABASE_URL=postgres://…")
    # Widen the window between reading the counter and writing it, so that the requests
    # surely overlap there: without the row lock they would read the same number.
    save = InvoiceCounter.save

    def slow_save(self, *args, **kwargs):
        time.sleep(0.05)
        return save(self, *args, **kwargs)

    monkeypatch.setattr(InvoiceCounter, "save", slow_save)
    _in_own_thread(_scenario)


def _scenario():
    cluster = Cluster.objects.get(code="EUKA")
    user = User.objects.get(username="cluster_manager_a")
    first_entry = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    sessions: list[str] = []
    try:
        drafts = _setup(cluster)
        assert len(drafts) == DRAFTS
        # Every draft once, and the first one clicked twice more.
        targets = [d.pk for d in drafts] + [drafts[0].pk, drafts[0].pk]
        clients = []
        for _ in targets:
            client = Client()
            client.force_login(user)
            verify_session(client, user)
            sessions.append(client.session.session_key)
            clients.append(client)
        barrier = threading.Barrier(len(targets))
        statuses: list = []
        errors: list = []

        def issue(client, pk):
            try:
                barrier.wait()
                response = client.post(
                    reverse("billing:invoice-issue", args=[pk]), {"confirmed": "yes"}
                )
                statuses.append(response.status_code)
            except Exception as exc:
                errors.append(repr(exc))
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=issue, args=(c, pk))
            for c, pk in zip(clients, targets, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors, errors
        assert statuses == [302] * len(targets)
        issued = Invoice.objects.filter(cluster=cluster, year=YEAR).order_by("sequence")
        assert [i.sequence for i in issued] == list(range(1, DRAFTS + 1))
        assert len({i.number for i in issued}) == DRAFTS
        assert all(i.status == "issued" for i in issued)
        counter = InvoiceCounter.objects.get(cluster=cluster, year=YEAR, kind="invoice")
        assert counter.last == DRAFTS
        invoiced = Contribution.objects.filter(
            membership__cluster=cluster, year=YEAR, status="invoiced"
        )
        assert invoiced.count() == DRAFTS
    finally:
        _cleanup(cluster, first_entry, sessions)
