"""Writes of the bank statements, all audited: bank accounts, the import of a statement
file (all or nothing; the same statement again changes nothing), the matching of its
lines to open invoices (banking.matching decides, billing.services.record_payment
records the payment with the line's value date), and a person's decision on a line
that waits.

The payer's name and the communication may name a person: they are kept on the line
(the cluster's managers see them) but never written to the audit log, which records a
line's status, rule and invoice only."""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clustermonitor.banking import matching
from clustermonitor.banking.models import BankAccount, Statement, StatementLine
from clustermonitor.banking.parsers import ParsedStatement, StatementError, parse
from clustermonitor.billing import structured
from clustermonitor.billing.models import Invoice
from clustermonitor.billing.services import PaymentError, record_payment
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry

#: The line's fields the audit log may keep (not the payer's name, account or text).
AUDITED_LINE_FIELDS = ("status", "rule", "reason", "invoice_id", "decided_by_id", "decided_at")


def reason_text(code: str) -> str:
    return {
        matching.UNKNOWN_REFERENCE: _(
            "The structured communication is not an open invoice of this cluster."
        ),
        matching.AMOUNT_DIFFERS: _(
            "The amount is not the open amount of the invoice with this structured "
            "communication (a partial or a larger payment)."
        ),
        matching.SEVERAL: _("Several open invoices fit this amount and payer."),
        matching.NONE_FITS: _("No open invoice fits this amount and payer."),
    }.get(code, code)


# -- Bank accounts --------------------------------------------------------------------------


def save_account(actor: audit.Actor, account: BankAccount) -> BankAccount:
    account.iban = "".join(account.iban.split()).upper()
    audit.save(actor, account, note="bank account")
    return account


# -- Import -----------------------------------------------------------------------------------


def digest(parsed: ParsedStatement) -> str:
    """A digest of what a statement says (not of its file's bytes): the same statement
    delivered again in another file has the same digest."""
    content = {
        "account": parsed.account,
        "number": parsed.number,
        "date": parsed.date.isoformat(),
        "opening": str(parsed.opening_balance),
        "closing": str(parsed.closing_balance),
        "movements": [
            [str(m.amount), m.value_date.isoformat(), m.structured_reference, m.communication]
            for m in parsed.movements
        ],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


@dataclass
class ImportResult:
    statements: list[Statement] = field(default_factory=list)  # new ones
    unchanged: list[Statement] = field(default_factory=list)  # imported before
    counts: dict = field(default_factory=dict)  # status → lines of the new statements


def check(data: bytes, filename: str, cluster) -> list[tuple[ParsedStatement, BankAccount]]:
    """Read the file and find each statement's account among the cluster's; raises
    StatementError (file, line or element, reason) and writes nothing."""
    statements = parse(data, filename)
    accounts = {a.iban: a for a in BankAccount.objects.filter(cluster=cluster)}
    checked = []
    for parsed in statements:
        account = accounts.get(parsed.account)
        if account is None:
            raise StatementError(
                filename,
                parsed.where,
                _("account %(account)s is not a bank account of %(cluster)s")
                % {"account": parsed.account, "cluster": cluster.code},
            )
        if parsed.currency and parsed.currency != "EUR":
            raise StatementError(
                filename,
                parsed.where,
                _("the statement is in %(currency)s; only EUR is read")
                % {"currency": parsed.currency},
            )
        previous = Statement.objects.filter(account=account, number=parsed.number).first()
        if previous is not None and previous.digest != digest(parsed):
            raise _other_content(filename, parsed, account)
        checked.append((parsed, account))
    return checked


def _other_content(filename, parsed, account) -> StatementError:
    return StatementError(
        filename,
        parsed.where,
        _(
            "statement %(number)s of %(account)s was imported before with other "
            "content; nothing was changed"
        )
        % {"number": parsed.number, "account": account},
    )


@transaction.atomic
def import_statements(data: bytes, filename: str, cluster, actor: audit.Actor) -> ImportResult:
    """Import every statement of a CODA or camt.053 file into the cluster's accounts and
    match its lines. All or nothing: a wrong file raises StatementError before anything
    is written; a statement imported before (same account and number, same content) is
    left as it is."""
    checked = check(data, filename, cluster)
    # Two imports of one account wait for each other: the second then finds the first's
    # statements and leaves them as they are.
    list(
        BankAccount.objects.select_for_update()
        .filter(pk__in=sorted({account.pk for _parsed, account in checked}))
        .order_by("pk")
    )
    file_sha = hashlib.sha256(data).hexdigest()
    result = ImportResult(counts={s: 0 for s in StatementLine.Status.values})
    for parsed, account in checked:
        previous = Statement.objects.filter(account=account, number=parsed.number).first()
        if previous is not None:
            if previous.digest != digest(parsed):  # imported meanwhile, with other content
                raise _other_content(filename, parsed, account)
            result.unchanged.append(previous)
            continue
        statement = Statement(
            account=account,
            number=parsed.number,
            format=parsed.format,
            date=parsed.date,
            opening_date=parsed.opening_date,
            opening_balance=parsed.opening_balance,
            closing_balance=parsed.closing_balance,
            file_name=filename[:255],
            file_sha256=file_sha,
            digest=digest(parsed),
            imported_by=actor.user if getattr(actor.user, "pk", None) else None,
        )
        audit.save(actor, statement, note=f"imported from {filename[:100]}", validate=False)
        lines = [
            StatementLine(
                statement=statement,
                position=n,
                reference=m.reference[:70],
                amount=m.amount,
                value_date=m.value_date,
                booking_date=m.booking_date,
                counterparty_name=m.counterparty_name[:140],
                counterparty_iban=m.counterparty_account[:34],
                communication=_communication(m)[:500],
                structured_reference=structured.parse_reference(m.structured_reference) or "",
                status=(
                    StatementLine.Status.OUTGOING
                    if m.amount <= 0
                    else StatementLine.Status.UNMATCHED
                ),
            )
            for n, m in enumerate(parsed.movements, start=1)
        ]
        StatementLine.objects.bulk_create(lines)
        match_statement(statement, actor)
        for status in statement.lines.values_list("status", flat=True):
            result.counts[status] += 1
        result.statements.append(statement)
    return result


def _communication(movement) -> str:
    """The free text; a structured communication whose check digits are wrong is kept
    there as written (it is then no reference: the other rules or a person decide)."""
    ref = movement.structured_reference
    if ref and structured.parse_reference(ref) is None:
        written = f"+++{ref[:3]}/{ref[3:7]}/{ref[7:]}+++"
        return f"{written} {movement.communication}".strip()
    return movement.communication


# -- Matching ---------------------------------------------------------------------------------


def open_invoices(cluster) -> list[matching.OpenInvoice]:
    """The cluster's issued invoices with an amount still open, as the matching sees
    them (with their buyer's accounts known from earlier matched payments)."""
    invoices = list(
        Invoice.objects.filter(
            cluster=cluster, kind=Invoice.Kind.INVOICE, status=Invoice.Status.ISSUED
        )
        .select_related("organisation")
        .prefetch_related("payments")
        .order_by("pk")
    )
    organisations = {i.organisation_id for i in invoices}
    known: dict[int, set[str]] = {}
    for org, iban in (
        StatementLine.objects.filter(
            statement__account__cluster=cluster,
            invoice__organisation__in=organisations,
            status__in=(StatementLine.Status.MATCHED, StatementLine.Status.DECIDED),
        )
        .exclude(counterparty_iban="")
        .values_list("invoice__organisation_id", "counterparty_iban")
        .order_by("invoice__organisation_id", "counterparty_iban")
    ):
        known.setdefault(org, set()).add(iban)
    rows = []
    for invoice in invoices:
        paid = sum((p.amount for p in invoice.payments.all()), Decimal(0))
        open_amount = invoice.total - paid
        if open_amount <= 0:
            continue
        rows.append(
            matching.OpenInvoice(
                pk=invoice.pk,
                number=invoice.number,
                structured_reference=invoice.structured_reference or "",
                open_amount=open_amount,
                enterprise_number=invoice.organisation.enterprise_number or "",
                known_ibans=frozenset(known.get(invoice.organisation_id, ())),
            )
        )
    return rows


def _audit_line(actor, line: StatementLine, before: dict, note: str) -> None:
    after = {f: audit._jsonable(getattr(line, f)) for f in AUDITED_LINE_FIELDS}
    if after != before:
        audit.record(actor, AuditEntry.Action.UPDATE, line, before, after, note)


def _audited_state(line: StatementLine) -> dict:
    return {f: audit._jsonable(getattr(line, f)) for f in AUDITED_LINE_FIELDS}


def source_of(line: StatementLine) -> str:
    """The payment's source: the statement line, so that recording it again is a no-op."""
    statement = line.statement
    return f"{statement.format}:{statement.account.iban}:{statement.number}:{line.position}"


def match_statement(statement: Statement, actor: audit.Actor) -> None:
    """Match the statement's lines that wait, in their order: a matched line pays its
    invoice (with the line's value date), which is then no longer open for the next."""
    cluster = statement.account.cluster
    invoices = open_invoices(cluster)
    lines = statement.lines.filter(status=StatementLine.Status.UNMATCHED).select_related(
        "statement__account"
    )
    for line in lines:
        outcome = matching.match(
            matching.Line(
                amount=line.amount,
                structured_reference=line.structured_reference,
                communication=line.communication,
                counterparty_iban=line.counterparty_iban,
            ),
            invoices,
        )
        before = _audited_state(line)
        if outcome.matched:
            invoice = Invoice.objects.get(pk=outcome.invoice)
            try:
                with transaction.atomic():
                    record_payment(
                        invoice,
                        value_date=line.value_date,
                        amount=line.amount,
                        by=actor,
                        source=source_of(line),
                    )
            except PaymentError as exc:
                line.reason = str(exc)[:300]
            else:
                line.status = StatementLine.Status.MATCHED
                line.rule = outcome.rule
                line.invoice = invoice
                line.reason = ""
                invoices = [i for i in invoices if i.pk != invoice.pk]
        else:
            line.reason = reason_text(outcome.reason)[:300]
        line.save(update_fields=["status", "rule", "invoice", "reason"])
        _audit_line(actor, line, before, "matched" if line.invoice_id else "waits")


# -- Decisions --------------------------------------------------------------------------------


class DecisionError(ValueError):
    """A decision that cannot be taken; the message says why."""


@transaction.atomic
def assign(actor: audit.Actor, line: StatementLine, invoice: Invoice) -> StatementLine:
    """A person says which invoice a waiting line pays: the payment is recorded with the
    line's value date (all of the line's amount; more than the open amount is refused)."""
    line = (
        StatementLine.objects.select_for_update()
        .select_related("statement__account")
        .get(pk=line.pk)
    )
    if line.status != StatementLine.Status.UNMATCHED:
        raise DecisionError(_("This line has been decided already."))
    if invoice.cluster_id != line.statement.account.cluster_id:
        raise DecisionError(_("That invoice is not one of this cluster's."))
    before = _audited_state(line)
    try:
        record_payment(
            invoice,
            value_date=line.value_date,
            amount=line.amount,
            by=actor,
            source=source_of(line),
        )
    except PaymentError as exc:
        raise DecisionError(str(exc)) from None
    line.status = StatementLine.Status.DECIDED
    line.rule = StatementLine.Rule.HAND
    line.invoice = invoice
    line.reason = ""
    line.decided_by = actor.user
    line.decided_at = timezone.now()
    line.save(update_fields=["status", "rule", "invoice", "reason", "decided_by", "decided_at"])
    _audit_line(actor, line, before, "assigned by hand")
    return line


@transaction.atomic
def ignore(actor: audit.Actor, line: StatementLine) -> StatementLine:
    """A person says a waiting line is not a fee payment."""
    line = StatementLine.objects.select_for_update().get(pk=line.pk)
    if line.status != StatementLine.Status.UNMATCHED:
        raise DecisionError(_("This line has been decided already."))
    before = _audited_state(line)
    line.status = StatementLine.Status.IGNORED
    line.decided_by = actor.user
    line.decided_at = timezone.now()
    line.save(update_fields=["status", "decided_by", "decided_at"])
    _audit_line(actor, line, before, "not a fee payment")
    return line


def lines_waiting(cluster):
    return StatementLine.objects.filter(
        statement__account__cluster=cluster, status=StatementLine.Status.UNMATCHED
    )
