"""The same bank statement imported twice at the same moment, and the same mailing sent
twice at the same moment, on PostgreSQL (issue 18, the pattern of
tests/test_billing_concurrency.py): each request or task in a thread of its own with its
own database connection, as gunicorn's threads and the task workers have; the rows are
committed (the test cleans up after itself), since the point is the locking between
transactions. The statement is written once (its lines and payments once); each of the
mailing's recipients gets it once. Skipped on SQLite, which writes one transaction at a
time."""

import datetime
import threading
import time
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from clustermonitor.accounts.models import User
from clustermonitor.banking import files
from clustermonitor.banking import services as banking
from clustermonitor.banking.models import BankAccount, Statement, StatementLine
from clustermonitor.billing import structured
from clustermonitor.billing.models import Invoice, InvoiceLine, Payment, VatRegime
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.mailings import services as mailings
from clustermonitor.mailings.models import Delivery, Mailing
from clustermonitor.members.models import Contact, Contribution, Membership
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry.models import Organisation
from tests.conftest import verify_session
from tests.factories import enterprise_number

CLICKS = 6
YEAR = 2092  # a year no other test invoices
IBAN = "BE71096123456769"
DAY = datetime.date(2092, 3, 3)
FIRST = 890_000  # enterprise numbers of this module's companies


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


def _all_at_once(jobs) -> tuple[list, list]:
    """Start every job at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(jobs))
    results, errors, lock = [], [], threading.Lock()

    def run(job):
        try:
            barrier.wait()
            value = job()
            with lock:
                results.append(value)
        except Exception as exc:  # a 500: the test client re-raises it
            with lock:
                errors.append(repr(exc)[:300])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def _clients(user, n: int, sessions: list[str]) -> list[Client]:
    clients = []
    for _ in range(n):
        client = Client()
        client.force_login(user)
        verify_session(client, user)
        sessions.append(client.session.session_key)
        clients.append(client)
    return clients


def _companies(cluster, n: int, with_contact: bool) -> list[Membership]:
    memberships = []
    for i in range(n):
        org = Organisation.objects.create(
            enterprise_number=enterprise_number(FIRST + i), name=f"Parallel CRM {i} NV"
        )
        membership = Membership.objects.create(
            organisation=org, cluster=cluster, start_date=datetime.date(2017, 1, 1)
        )
        if with_contact:
            Contact.objects.create(
                membership=membership, name=f"Persoon {i}", email=f"parallel{i}@crm{i}.example"
            )
        memberships.append(membership)
    return memberships


def _cleanup_companies(first_entry: int, sessions: list[str]) -> None:
    orgs = Organisation.objects.filter(name__startswith="Parallel CRM ")
    memberships = Membership.objects.filter(organisation__in=orgs)
    Contact.objects.filter(membership__in=memberships).delete()
    Contribution.objects.filter(membership__in=memberships).delete()
    memberships.delete()
    orgs.delete()
    AuditEntry.objects.filter(pk__gt=first_entry).delete()
    Session.objects.filter(session_key__in=sessions).delete()


def _last_entry() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks between transactions: run with DATABASE_URL=postgres://…")


# -- The same bank statement, twice at once -------------------------------------------------


def _invoices(cluster, memberships) -> list[Invoice]:
    invoices = []
    for i, membership in enumerate(memberships, start=1):
        contribution = Contribution.objects.create(
            membership=membership, year=YEAR, amount=Decimal("121.00"), status="invoiced"
        )
        invoice = Invoice.objects.create(
            cluster=cluster,
            organisation=membership.organisation,
            year=YEAR,
            sequence=i,
            number=f"{cluster.code}-{YEAR}-{i:05d}",
            issued_on=datetime.date(YEAR, 2, 1),
            due_on=DAY,
            structured_reference=structured.make_reference(YEAR * 100 + i),
            vat_regime=VatRegime.NOT_LIABLE,
            net_total=Decimal("121.00"),
            vat_total=Decimal(0),
            total=Decimal("121.00"),
            status=Invoice.Status.ISSUED,
        )
        InvoiceLine.objects.create(
            invoice=invoice,
            contribution=contribution,
            description=f"Lidgeld {YEAR}",
            net_amount=Decimal("121.00"),
            vat_category="O",
            vat_rate=Decimal(0),
        )
        invoices.append(invoice)
    return invoices


@pytest.mark.django_db  # the suite's database; the scenario commits on its own connections
def test_the_same_statement_imported_twice_at_once_is_written_once(monkeypatch):
    _postgresql_only()
    # Widen the window between reading "imported before?" and writing the statement, so
    # that the imports surely overlap there: without the account's row lock both would
    # find nothing and write it (or one would fail on the unique number).
    matched = banking.match_statement

    def slow_match(statement, actor):
        time.sleep(0.1)
        return matched(statement, actor)

    monkeypatch.setattr(banking, "match_statement", slow_match)
    _in_own_thread(_statement_scenario)


def _statement_scenario():
    cluster = Cluster.objects.get(code="EUKA")
    user = User.objects.get(username="cluster_manager_a")
    first_entry, sessions = _last_entry(), []
    account = None
    try:
        account = banking.save_account(
            audit.Actor.system("test"), BankAccount(cluster=cluster, iban=IBAN, name="Parallel")
        )
        invoices = _invoices(cluster, _companies(cluster, 3, with_contact=False))
        payments = [
            files.Payment(
                amount=invoice.total,
                value_date=DAY - datetime.timedelta(days=1),
                structured=invoice.structured_reference,
            )
            for invoice in invoices
        ] + [files.Payment(Decimal("40.00"), DAY, communication="subsidie")]
        data = files.coda(
            iban=IBAN,
            holder="Cluster vzw",
            number=77,
            old_balance=Decimal("1000.00"),
            old_date=DAY - datetime.timedelta(days=1),
            new_date=DAY,
            payments=payments,
        ).encode("latin-1")
        url = reverse("banking:statement-import", args=[cluster.code])
        clients = _clients(user, CLICKS, sessions)
        from django.core.files.uploadedfile import SimpleUploadedFile

        def upload(client):
            def post():
                return client.post(url, {"file": SimpleUploadedFile("twice.cod", data)})

            return post

        responses, errors = _all_at_once([upload(c) for c in clients])
        assert not errors, errors
        assert [r.status_code for r in responses] == [302] * CLICKS
        statements = Statement.objects.filter(account=account)
        assert statements.count() == 1
        lines = StatementLine.objects.filter(statement__account=account)
        assert lines.count() == len(payments)
        assert Counter(lines.values_list("status", flat=True)) == {"matched": 3, "unmatched": 1}
        paid = Payment.objects.filter(invoice__in=invoices)
        assert paid.count() == 3
        assert sorted(Counter(paid.values_list("invoice_id", flat=True)).values()) == [1, 1, 1]
        assert all(
            i.status == "paid" for i in Invoice.objects.filter(pk__in=[i.pk for i in invoices])
        )
        # One import written to the log, the others "imported before, unchanged".
        created = AuditEntry.objects.filter(
            pk__gt=first_entry, action="create", content_type__model="statement"
        )
        assert created.count() == 1
    finally:
        invoices = Invoice.objects.filter(cluster=cluster, year=YEAR)
        Payment.objects.filter(invoice__in=invoices).delete()
        StatementLine.objects.filter(statement__account__iban=IBAN).delete()
        Statement.objects.filter(account__iban=IBAN).delete()
        BankAccount.objects.filter(iban=IBAN).delete()
        InvoiceLine.objects.filter(invoice__in=invoices).delete()
        invoices.delete()
        _cleanup_companies(first_entry, sessions)


# -- The same mailing, twice at once --------------------------------------------------------


@pytest.mark.django_db
def test_the_same_mailing_sent_twice_at_once_reaches_each_recipient_once(monkeypatch):
    _postgresql_only()
    # Widen the window between reading the mailing's status and writing its deliveries:
    # without the row lock every send would find it queued and write and send them all.
    planned = mailings.plan

    def slow_plan(mailing, on):
        time.sleep(0.1)
        return planned(mailing, on)

    monkeypatch.setattr(mailings, "plan", slow_plan)
    mail.outbox = []
    _in_own_thread(_mailing_scenario)


def _mailing_scenario():
    cluster = Cluster.objects.get(code="EUKA")
    user = User.objects.get(username="cluster_manager_a")
    first_entry, sessions = _last_entry(), []
    created = []
    try:
        _companies(cluster, 5, with_contact=True)
        clicked, tasked = (
            Mailing.objects.create(
                cluster=cluster,
                segment="members",
                subject_nl=f"Parallel {kind}",
                subject_en=f"Parallel {kind}",
                body_nl="Hallo.",
            )
            for kind in ("click", "task")
        )
        created += [clicked.pk, tasked.pk]

        # "Send" clicked several times at once (each click queues, the task runs).
        url = reverse("mailings:mailing-send", args=[cluster.code, clicked.pk])
        clients = _clients(user, CLICKS, sessions)
        responses, errors = _all_at_once([lambda c=c: c.post(url) for c in clients])
        assert not errors, errors
        assert [r.status_code for r in responses] == [302] * CLICKS

        # A mailing's send task enqueued twice, run by several workers at once.
        Mailing.objects.filter(pk=tasked.pk).update(status=Mailing.Status.QUEUED)
        _results, errors = _all_at_once([lambda: mailings.send(tasked.pk)] * CLICKS)
        assert not errors, errors

        for mailing in (clicked, tasked):
            mailing.refresh_from_db()
            assert mailing.status == Mailing.Status.SENT
            deliveries = Delivery.objects.filter(mailing=mailing)
            addresses = list(deliveries.values_list("email", flat=True))
            assert len(addresses) == len(set(addresses)) == mailing.n_recipients
            sent = set(deliveries.filter(status="sent").values_list("email", flat=True))
            assert {f"parallel{i}@crm{i}.example" for i in range(5)} <= sent
            assert mailing.n_sent == len(sent)
            received = Counter(
                to
                for message in mail.outbox
                if message.subject == mailing.subject_nl
                for to in message.to
            )
            assert set(received) == sent
            assert set(received.values()) == {1}, received
    finally:
        Delivery.objects.filter(mailing_id__in=created).delete()
        Mailing.objects.filter(pk__in=created).delete()
        _cleanup_companies(first_entry, sessions)
