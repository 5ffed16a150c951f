"""Bank statements applied (clustermonitor.banking.services, views, the import-statement
command): payments marked with the value date, re-import changes nothing, a wrong file
writes nothing, lines that wait are decided by the cluster's manager, and only by them."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from clustermonitor.banking import files, services
from clustermonitor.banking.models import BankAccount, Statement, StatementLine
from clustermonitor.banking.parsers import StatementError
from clustermonitor.billing import structured
from clustermonitor.billing.models import Invoice, InvoiceLine, Payment, VatRegime
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.members.models import Contribution
from tests.factories import dotted, membership, organisation

pytestmark = pytest.mark.usefixtures("english")

ACTOR = audit.Actor.system("test")
IBAN = "BE71096123456769"
OTHER_IBAN = "BE43068999999501"
PAYER_IBAN = "BE62510007547061"
DAY = datetime.date(2026, 3, 3)


def invoice_for(cluster, i: int, total="121.00", reference=None) -> Invoice:
    org = organisation(100 + i, name=f"Betaler {i} NV")
    contribution = Contribution.objects.create(
        membership=membership(org, cluster),
        year=2026,
        amount=Decimal(total),
        status=Contribution.Status.INVOICED,
        invoiced_on=datetime.date(2026, 2, 1),
    )
    invoice = Invoice.objects.create(
        cluster=cluster,
        organisation=org,
        year=2026,
        sequence=i,
        number=f"{cluster.code}-2026-{i:05d}",
        issued_on=datetime.date(2026, 2, 1),
        due_on=datetime.date(2026, 3, 3),
        structured_reference=reference or structured.make_reference(cluster.pk * 1000 + i),
        vat_regime=VatRegime.NOT_LIABLE,
        net_total=Decimal(total),
        vat_total=Decimal(0),
        total=Decimal(total),
        status=Invoice.Status.ISSUED,
    )
    InvoiceLine.objects.create(
        invoice=invoice,
        contribution=contribution,
        description="Lidgeld 2026",
        net_amount=Decimal(total),
        vat_category="O",
        vat_rate=Decimal(0),
    )
    return invoice


def coda_file(payments, number=12, iban=IBAN, old=Decimal("1000.00")) -> bytes:
    return files.coda(
        iban=iban,
        holder="Cluster vzw",
        number=number,
        old_balance=old,
        old_date=DAY - datetime.timedelta(days=1),
        new_date=DAY,
        payments=payments,
    ).encode("latin-1")


def pay(invoice, amount=None, **values) -> files.Payment:
    values.setdefault("value_date", datetime.date(2026, 3, 2))
    return files.Payment(
        amount=Decimal(amount or invoice.total),
        structured=values.pop("structured", invoice.structured_reference),
        **values,
    )


@pytest.fixture
def account(cluster_a):
    return services.save_account(ACTOR, BankAccount(cluster=cluster_a, iban=IBAN, name="Zicht"))


def counts():
    return (
        Statement.objects.count(),
        StatementLine.objects.count(),
        Payment.objects.count(),
        AuditEntry.objects.count(),
    )


# -- Import and matching --------------------------------------------------------------------


def test_invoice_paid_through_a_coda_statement_with_the_value_date(account, cluster_a):
    invoice = invoice_for(cluster_a, 1)
    data = coda_file([pay(invoice, name="Betaler 1 NV", iban=PAYER_IBAN)])
    result = services.import_statements(data, "s.cod", cluster_a, ACTOR)
    assert result.counts["matched"] == 1
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice.paid_on == datetime.date(2026, 3, 2)
    contribution = invoice.lines.get().contribution
    assert contribution.status == Contribution.Status.PAID
    assert contribution.paid_on == datetime.date(2026, 3, 2)
    line = StatementLine.objects.get()
    assert (line.status, line.rule, line.invoice) == ("matched", "reference", invoice)
    assert Payment.objects.get().source == f"coda:{IBAN}:2026/012:1"


def test_reimporting_the_same_statement_changes_nothing(account, cluster_a):
    invoice = invoice_for(cluster_a, 1)
    data = coda_file([pay(invoice), files.Payment(Decimal("5"), DAY, communication="?")])
    services.import_statements(data, "s.cod", cluster_a, ACTOR)
    before = counts()
    result = services.import_statements(data, "s.cod", cluster_a, ACTOR)
    assert result.statements == [] and len(result.unchanged) == 1
    # the same statement in another file (other line ends, another name): the same
    again = services.import_statements(data.replace(b"\r\n", b"\n"), "copy.txt", cluster_a, ACTOR)
    assert again.statements == []
    assert counts() == before


def test_same_number_with_other_content_is_refused(account, cluster_a):
    invoice = invoice_for(cluster_a, 1)
    services.import_statements(coda_file([pay(invoice)]), "s.cod", cluster_a, ACTOR)
    before = counts()
    other = coda_file([files.Payment(Decimal("7"), DAY, communication="x")])
    with pytest.raises(StatementError, match="imported before with other content"):
        services.import_statements(other, "t.cod", cluster_a, ACTOR)
    assert counts() == before


def test_a_wrong_file_writes_nothing(account, cluster_a):
    """The first statement of the file is fine, the second's balance is wrong: nothing of
    either is written, and the error names the line."""
    invoice = invoice_for(cluster_a, 1)
    good = coda_file([pay(invoice)])
    bad = bytearray(coda_file([files.Payment(Decimal("3"), DAY, communication="x")], number=13))
    lines = bytes(bad).split(b"\r\n")
    record_8 = next(n for n, line in enumerate(lines) if line.startswith(b"8"))
    lines[record_8] = lines[record_8][:42] + b"%015d" % 999 + lines[record_8][57:]
    before = counts()
    with pytest.raises(StatementError) as caught:
        services.import_statements(good + b"\r\n".join(lines), "two.cod", cluster_a, ACTOR)
    assert caught.value.where == f"line {len(good.splitlines()) + record_8 + 1}"
    assert caught.value.reason.startswith("balance:")
    assert counts() == before
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED


def test_an_account_of_another_cluster_is_refused(account, cluster_a, cluster_b):
    services.save_account(ACTOR, BankAccount(cluster=cluster_b, iban=OTHER_IBAN))
    with pytest.raises(StatementError, match="is not a bank account of EUKA") as caught:
        services.import_statements(coda_file([], iban=OTHER_IBAN), "s.cod", cluster_a, ACTOR)
    assert caught.value.where == "line 2"
    assert not Statement.objects.exists()


def test_enterprise_number_and_known_iban_rules(account, cluster_a):
    first = invoice_for(cluster_a, 1, total="250.00")
    second = invoice_for(cluster_a, 2, total="250.00")
    number = dotted(first.organisation.enterprise_number)
    data = coda_file(
        [pay(first, structured="", communication=f"lidgeld {number}", iban=PAYER_IBAN)]
    )
    services.import_statements(data, "s.cod", cluster_a, ACTOR)
    line = StatementLine.objects.get()
    assert (line.status, line.rule, line.invoice) == ("matched", "enterprise", first)
    # The next year's invoice of the same payer, paid from the same account, without a
    # reference or a number: its account is now known.
    third = invoice_for(cluster_a, 3, total="300.00")
    third.organisation = first.organisation
    third.save()
    data = coda_file(
        [pay(third, structured="", communication="lidgeld", iban=PAYER_IBAN)],
        number=13,
        old=Decimal("1250.00"),
    )
    services.import_statements(data, "t.cod", cluster_a, ACTOR)
    line = StatementLine.objects.get(statement__number="2026/013")
    assert (line.status, line.rule, line.invoice) == ("matched", "iban", third)
    second.refresh_from_db()
    assert second.status == Invoice.Status.ISSUED


def test_ambiguous_and_partial_lines_wait(account, cluster_a):
    first = invoice_for(cluster_a, 1, total="250.00")
    invoice_for(cluster_a, 2, total="250.00")
    data = coda_file(
        [
            pay(first, amount="100.00"),  # partial, with the reference
            files.Payment(Decimal("250.00"), DAY, communication="lidgeld 2026"),  # which?
            files.Payment(Decimal("-20.00"), DAY, communication="kosten"),  # outgoing
        ]
    )
    result = services.import_statements(data, "s.cod", cluster_a, ACTOR)
    assert result.counts == {
        "matched": 0,
        "unmatched": 2,
        "decided": 0,
        "ignored": 0,
        "outgoing": 1,
    }
    partial, unknown, outgoing = StatementLine.objects.order_by("position")
    assert "not the open amount" in partial.reason
    assert unknown.reason == "No open invoice fits this amount and payer."
    assert outgoing.status == "outgoing" and outgoing.reason == ""
    assert not Payment.objects.exists()


def test_the_same_reference_twice_in_a_statement_pays_once(account, cluster_a):
    invoice = invoice_for(cluster_a, 1)
    services.import_statements(coda_file([pay(invoice), pay(invoice)]), "s.cod", cluster_a, ACTOR)
    first, second = StatementLine.objects.order_by("position")
    assert first.status == "matched" and second.status == "unmatched"
    assert Payment.objects.count() == 1


def test_audit_log_keeps_no_payer_details(account, cluster_a):
    invoice = invoice_for(cluster_a, 1)
    data = coda_file(
        [
            pay(invoice, name="Jan Peeters", iban=PAYER_IBAN),
            files.Payment(Decimal("9"), DAY, communication="voor Jan Peeters", name="Jan Peeters"),
        ]
    )
    services.import_statements(data, "s.cod", cluster_a, ACTOR)
    line = StatementLine.objects.get(position=2)
    services.ignore(audit.Actor.system("test"), line)
    dumped = json.dumps(list(AuditEntry.objects.values("before", "after", "note", "object_repr")))
    assert "Peeters" not in dumped and PAYER_IBAN not in dumped
    assert AuditEntry.objects.filter(object_id=str(line.pk), after__status="ignored").exists()


# -- The command ---------------------------------------------------------------------------


def test_import_statement_command(account, cluster_a, tmp_path):
    invoice = invoice_for(cluster_a, 1)
    path = tmp_path / "s.cod"
    path.write_bytes(coda_file([pay(invoice)]))
    out = StringIO()
    call_command("import-statement", str(path), "--cluster", "EUKA", stdout=out)
    assert "matched 1, waiting 0, outgoing 0" in out.getvalue()
    call_command("import-statement", str(path), "--cluster", "EUKA", stdout=out)
    assert "imported before, unchanged" in out.getvalue()
    assert Payment.objects.count() == 1


def test_import_statement_command_names_line_and_reason(account, cluster_a, tmp_path):
    data = coda_file([])
    path = tmp_path / "short.cod"
    path.write_bytes(data.replace(b"\r\n", b"X\r\n", 1))
    with pytest.raises(CommandError) as caught:
        call_command("import-statement", str(path), "--cluster", "EUKA")
    assert "nothing was written" in str(caught.value)
    assert "short.cod, line 1: a record has 128 characters, this line has 129" in str(caught.value)
    assert not Statement.objects.exists()


# -- The pages -------------------------------------------------------------------------------


def upload(client, cluster, data, name="s.cod"):
    return client.post(
        reverse("banking:statement-import", args=[cluster.code]),
        {"file": SimpleUploadedFile(name, data)},
    )


def test_upload_and_decide_by_hand(web, account, cluster_a, cluster_b):
    invoice = invoice_for(cluster_a, 1, total="250.00")
    other_cluster_invoice = invoice_for(cluster_b, 2, total="250.00")
    client = web("cluster_manager_a")
    data = coda_file([files.Payment(Decimal("250.00"), DAY, communication="lidgeld")])
    response = upload(client, cluster_a, data)
    statement = Statement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("banking:statement-detail", args=[statement.pk])
    line = StatementLine.objects.get()
    page = client.get(reverse("banking:statements", args=[cluster_a.code]))
    assert page.status_code == 200 and b"No open invoice fits" in page.content
    detail = client.get(reverse("banking:line-detail", args=[line.pk]))
    assert invoice.number.encode() in detail.content
    assert other_cluster_invoice.number.encode() not in detail.content
    # Another cluster's invoice is not a choice: refused, nothing recorded.
    refused = client.post(
        reverse("banking:line-assign", args=[line.pk]), {"invoice": other_cluster_invoice.pk}
    )
    assert refused.status_code == 302 and not Payment.objects.exists()
    done = client.post(reverse("banking:line-assign", args=[line.pk]), {"invoice": invoice.pk})
    assert done.status_code == 302
    line.refresh_from_db()
    invoice.refresh_from_db()
    assert (line.status, line.invoice, line.rule) == ("decided", invoice, "hand")
    assert line.decided_by.username == "cluster_manager_a"
    assert invoice.status == "paid" and invoice.paid_on == DAY
    # Decided once: a second decision is refused.
    client.post(reverse("banking:line-ignore", args=[line.pk]), {"confirm": "on"})
    line.refresh_from_db()
    assert line.status == "decided"


def test_mark_not_a_fee_payment(web, account, cluster_a):
    services.import_statements(
        coda_file([files.Payment(Decimal("40"), DAY, communication="subsidie")]),
        "s.cod",
        cluster_a,
        ACTOR,
    )
    line = StatementLine.objects.get()
    client = web("cluster_manager_a")
    client.post(reverse("banking:line-ignore", args=[line.pk]), {})  # not confirmed
    line.refresh_from_db()
    assert line.status == "unmatched"
    client.post(reverse("banking:line-ignore", args=[line.pk]), {"confirm": "on"})
    line.refresh_from_db()
    assert line.status == "ignored" and line.decided_by.username == "cluster_manager_a"


def test_upload_of_a_wrong_file_shows_line_and_reason(web, account, cluster_a):
    data = coda_file([]).replace(b"\r\n", b"X\r\n", 1)
    response = upload(web("cluster_manager_a"), cluster_a, data, "bad.cod")
    assert response.status_code == 400
    assert b"bad.cod, line 1: a record has 128 characters" in response.content
    assert not Statement.objects.exists()


def test_a_wrong_file_on_the_dutch_page_says_why_in_dutch(client_for, account, cluster_a):
    data = coda_file([]).replace(b"\r\n", b"X\r\n", 1)
    response = upload(client_for("cluster_manager_a"), cluster_a, data, "bad.cod")
    assert response.status_code == 400
    assert "bad.cod, regel 1: een record heeft 128 tekens, deze regel heeft er 129" in (
        response.content.decode()
    )
    assert not Statement.objects.exists()


def test_add_account_validates_the_iban(web, cluster_a):
    client = web("cluster_manager_a")
    url = reverse("banking:account-add", args=[cluster_a.code])
    response = client.post(url, {"iban": "BE71 0961 2345 6760"})
    assert response.status_code == 400 and b"not a valid IBAN" in response.content
    response = client.post(url, {"iban": "be71 0961 2345 6769", "name": "Zicht"})
    assert response.status_code == 302
    assert BankAccount.objects.get().iban == IBAN


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("cluster_manager_a", 200),
        ("programme_manager", 200),
        ("cluster_manager_b", 404),
        ("account_manager", 404),
        ("evaluator", 404),
        ("member_contact", 404),
    ],
)
def test_who_sees_a_clusters_statements(web, account, cluster_a, who, status):
    services.import_statements(
        coda_file([files.Payment(Decimal("40"), DAY, communication="x")]), "s.cod", cluster_a, ACTOR
    )
    statement, line = Statement.objects.get(), StatementLine.objects.get()
    client = web(who)
    for url in (
        reverse("banking:statements", args=[cluster_a.code]),
        reverse("banking:statement-detail", args=[statement.pk]),
        reverse("banking:line-detail", args=[line.pk]),
    ):
        assert client.get(url).status_code == status, url
    response = client.post(reverse("banking:line-ignore", args=[line.pk]), {"confirm": "on"})
    assert response.status_code == (302 if status == 200 else 404)


def test_the_invoices_of_the_lines_amount_are_offered_first(web, account, cluster_a):
    invoice_for(cluster_a, 1, total="100.00")
    fitting = invoice_for(cluster_a, 2, total="250.00")
    services.import_statements(
        coda_file([files.Payment(Decimal("250.00"), DAY, communication="lidgeld")]),
        "s.cod",
        cluster_a,
        ACTOR,
    )
    line = StatementLine.objects.get()
    page = web("cluster_manager_a").get(reverse("banking:line-detail", args=[line.pk]))
    choices = [value for value, _label in page.context["assign_form"].fields["invoice"].choices]
    assert [str(v) for v in choices[1:]] == [str(fitting.pk), str(fitting.pk - 1)]


def test_a_structured_communication_with_wrong_check_digits_is_no_reference(account, cluster_a):
    invoice = invoice_for(cluster_a, 1)
    wrong = (
        invoice.structured_reference[:10]
        + f"{(int(invoice.structured_reference[10:]) % 97) + 1:02d}"
    )
    services.import_statements(
        coda_file([pay(invoice, structured=wrong)]), "s.cod", cluster_a, ACTOR
    )
    line = StatementLine.objects.get()
    assert line.structured_reference == "" and line.status == "unmatched"
    assert line.communication == f"+++{wrong[:3]}/{wrong[3:7]}/{wrong[7:]}+++"


# -- The inbox ------------------------------------------------------------------------------


def _bank_items(user, today=DAY):
    from clustermonitor.monitoring import inbox

    return [i for i in inbox.items_for(user, today) if i.kind == "bank"]


def test_lines_that_wait_are_in_the_inbox_of_who_decides_them(web, persona, account, cluster_a):
    from clustermonitor.monitoring import inbox

    services.import_statements(
        coda_file(
            [
                files.Payment(Decimal("40"), DAY, communication="subsidie"),
                files.Payment(Decimal("55"), DAY, communication="?"),
                files.Payment(Decimal("-20"), DAY, communication="kosten"),  # outgoing: no
            ]
        ),
        "s.cod",
        cluster_a,
        ACTOR,
    )
    manager = persona("cluster_manager_a")
    [item] = _bank_items(manager)
    assert (item.cluster, item.severity, item.date) == (cluster_a.code, "medium", DAY)
    assert "2 payment lines wait" in item.detail
    assert item.url == reverse("banking:statements", args=[cluster_a.code]) + "#lines-waiting"
    assert [i.kind for i in inbox.for_cluster(manager, cluster_a, DAY)].count("bank") == 1
    assert [i.cluster for i in _bank_items(persona("programme_manager"))] == [cluster_a.code]
    late = DAY + datetime.timedelta(days=inbox.BANK_LINE_URGENT_DAYS + 1)
    assert _bank_items(manager, late)[0].severity == "high"
    # Who may not decide them does not see them.
    for other in ("cluster_manager_b", "account_manager", "member_contact"):
        assert not _bank_items(persona(other)), other
    page = web("cluster_manager_a").get(reverse("programmes:home"))
    assert "2 payment lines wait for a decision" in page.content.decode()
    # Decided: gone from the inbox.
    for line in StatementLine.objects.filter(status="unmatched"):
        services.ignore(ACTOR, line)
    assert not _bank_items(manager)
