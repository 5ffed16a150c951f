"""Invoicing the fees (issue 18), all audited: generate draft invoices from the expected
contributions, issue them (the next number of the cluster, year and kind, without gaps),
credit them, validate and send their Peppol UBL document, remind the overdue ones.

Amounts: a contribution's amount is the fee excluding VAT (the figure the co-financing
counts); the invoice adds the VAT of the cluster's regime (21 %, or none when exempt or
not liable). VAT is computed once on the invoice's total per category and rounded to
the cent (EN 16931 BR-CO-17), and each line is one contribution.
"""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from clustermonitor.billing import peppol, structured, ubl
from clustermonitor.billing.models import (
    VAT_CATEGORY,
    BillingSettings,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    Reminder,
    VatRegime,
)
from clustermonitor.core import audit
from clustermonitor.members.models import Contact, Contribution

CENT = Decimal("0.01")
#: The statuses whose lines hold their contributions (a contribution is on one of them at
#: most); a cancelled draft or a credited invoice lets them go.
LIVE = (Invoice.Status.DRAFT, Invoice.Status.ISSUED, Invoice.Status.PAID)
#: Days after the due date before the first reminder, and after it before the second.
FIRST_REMINDER_AFTER = 7
SECOND_REMINDER_AFTER = 14
#: A contact whose role says so receives the invoices; otherwise the first with an e-mail.
BILLING_ROLES = ("factu", "boekh", "billing", "invoice", "account", "financ", "admin")


class BillingError(ValueError):
    """An invoicing step that cannot be done; the message says why, for a person."""


def settings_for(cluster) -> BillingSettings:
    found = BillingSettings.objects.filter(cluster=cluster).first()
    if found is None:
        raise BillingError(
            _("Fill in the billing settings of %(cluster)s first.") % {"cluster": cluster.code}
        )
    return found


def vat_of(net: Decimal, regime: str) -> tuple[str, Decimal, Decimal]:
    """The category, rate and VAT amount of `net` under `regime`."""
    category, rate = VAT_CATEGORY[VatRegime(regime)]
    return category, rate, (net * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def _apply_regime(invoice: Invoice, regime: str) -> list[InvoiceLine]:
    lines = list(invoice.lines.all())
    category, rate, _vat = vat_of(Decimal(0), regime)
    for line in lines:
        line.vat_category, line.vat_rate = category, rate
    net = sum((line.net_amount for line in lines), Decimal(0))
    invoice.vat_regime = regime
    invoice.net_total = net
    invoice.vat_total = vat_of(net, regime)[2]
    invoice.total = invoice.net_total + invoice.vat_total
    return lines


def invoiceable(cluster, year: int):
    """The expected contributions of `cluster` for `year` that no live invoice holds."""
    return (
        Contribution.objects.filter(
            membership__cluster=cluster,
            year=year,
            status=Contribution.Status.EXPECTED,
            amount__gt=0,
        )
        .exclude(
            pk__in=InvoiceLine.objects.filter(
                invoice__kind=Invoice.Kind.INVOICE, invoice__status__in=LIVE
            ).values("contribution_id")
        )
        .select_related("membership__organisation", "payer")
        .order_by("membership__organisation__name", "pk")
    )


def description(contribution: Contribution) -> str:
    return f"Lidmaatschapsbijdrage {contribution.year} – {contribution.membership.cluster.name}"


@transaction.atomic
def generate(actor: audit.Actor, cluster, year: int) -> list[Invoice]:
    """One draft invoice per paying organisation for its expected, not yet invoiced
    contributions of `year`. Running it again creates nothing for the same ones; two at
    once (a double click) wait for each other on the cluster's billing settings row, and
    the second finds the contributions taken."""
    billing = settings_for(cluster)
    billing = BillingSettings.objects.select_for_update().get(pk=billing.pk)
    by_payer: dict[int, list[Contribution]] = defaultdict(list)
    for contribution in invoiceable(cluster, year):
        by_payer[contribution.paying_organisation_id].append(contribution)
    drafts = []
    for payer_id in sorted(
        by_payer, key=lambda i: (by_payer[i][0].membership.organisation.name, i)
    ):
        contributions = by_payer[payer_id]
        invoice = Invoice(
            cluster=cluster,
            organisation_id=payer_id,
            year=year,
            vat_regime=billing.vat_regime,
        )
        audit.save(actor, invoice, note=f"generated from {len(contributions)} contribution(s)")
        for contribution in contributions:
            category, rate, _vat = vat_of(contribution.amount, billing.vat_regime)
            audit.save(
                actor,
                InvoiceLine(
                    invoice=invoice,
                    contribution=contribution,
                    description=description(contribution),
                    net_amount=contribution.amount,
                    vat_category=category,
                    vat_rate=rate,
                ),
            )
        _apply_regime(invoice, billing.vat_regime)
        audit.save(actor, invoice, note="totals")
        drafts.append(invoice)
    return drafts


def _next_sequence(cluster, year: int, kind: str) -> int:
    """The next number of the cluster, year and kind, its counter row locked until the
    transaction ends: two issues at once wait for each other and never share or skip
    a number."""
    key = {"cluster": cluster, "year": year, "kind": kind}
    counter = InvoiceCounter.objects.select_for_update().filter(**key).first()
    if counter is None:
        try:
            with transaction.atomic():
                InvoiceCounter.objects.create(**key)
        except IntegrityError:
            pass  # another issue created it first: lock theirs
        counter = InvoiceCounter.objects.select_for_update().get(**key)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def number_of(cluster, year: int, kind: str, sequence: int) -> str:
    middle = "CN-" if kind == Invoice.Kind.CREDIT_NOTE else ""
    return f"{cluster.code}-{middle}{year}-{sequence:05d}"


def _number(invoice: Invoice, on: datetime.date) -> None:
    invoice.sequence = _next_sequence(invoice.cluster, invoice.year, invoice.kind)
    invoice.number = number_of(invoice.cluster, invoice.year, invoice.kind, invoice.sequence)
    invoice.issued_on = on


@transaction.atomic
def issue(actor: audit.Actor, invoice: Invoice, on: datetime.date | None = None) -> Invoice:
    """Give a draft its number, due date and structured communication and lock it; its
    contributions become invoiced on that day. Issuing an issued invoice does nothing."""
    invoice = (
        Invoice.objects.select_for_update(of=("self",)).select_related("cluster").get(pk=invoice.pk)
    )
    if invoice.status != Invoice.Status.DRAFT:
        return invoice
    on = on or datetime.date.today()
    billing = settings_for(invoice.cluster)
    lines = _apply_regime(invoice, billing.vat_regime)
    if not lines:
        raise BillingError(_("An invoice without lines is not issued."))
    _number(invoice, on)
    invoice.due_on = on + datetime.timedelta(days=billing.payment_term_days)
    invoice.structured_reference = structured.make_reference(invoice.pk)
    invoice.status = Invoice.Status.ISSUED
    for line in lines:
        audit.save(actor, line)
        contribution = line.contribution
        if contribution.status != Contribution.Status.EXPECTED:
            raise BillingError(
                _("The contribution %(c)s is %(status)s: it cannot be invoiced.")
                % {"c": contribution, "status": contribution.get_status_display()}
            )
        contribution.status = Contribution.Status.INVOICED
        contribution.invoiced_on = on
        audit.save(actor, contribution, note=f"invoice {invoice.number}")
    audit.save(actor, invoice, note="issued")
    return invoice


@transaction.atomic
def cancel_draft(actor: audit.Actor, invoice: Invoice) -> Invoice:
    """A draft (no number yet) is cancelled; its contributions can be invoiced again."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status != Invoice.Status.DRAFT:
        raise BillingError(_("Only a draft is cancelled; an issued invoice is credited."))
    invoice.status = Invoice.Status.CANCELLED
    audit.save(actor, invoice, note="draft cancelled")
    return invoice


@transaction.atomic
def credit(actor: audit.Actor, invoice: Invoice, on: datetime.date | None = None) -> Invoice:
    """A credit note for the whole of an issued, unpaid invoice: numbered in the credit
    notes of its cluster and year, the invoice marked credited and its contributions
    expected again (not invoiced)."""
    invoice = (
        Invoice.objects.select_for_update(of=("self",)).select_related("cluster").get(pk=invoice.pk)
    )
    if invoice.is_credit_note or invoice.status != Invoice.Status.ISSUED:
        raise BillingError(
            _("Only an issued, unpaid invoice is credited; %(number)s is %(status)s.")
            % {"number": invoice, "status": invoice.get_status_display()}
        )
    if invoice.payments.exists():
        raise BillingError(
            _("%(number)s has a partial payment: settle or refund it before crediting.")
            % {"number": invoice}
        )
    on = on or datetime.date.today()
    note = Invoice(
        cluster=invoice.cluster,
        organisation=invoice.organisation,
        kind=Invoice.Kind.CREDIT_NOTE,
        credited_invoice=invoice,
        year=on.year,
        vat_regime=invoice.vat_regime,
        net_total=invoice.net_total,
        vat_total=invoice.vat_total,
        total=invoice.total,
        status=Invoice.Status.ISSUED,
    )
    _number(note, on)
    audit.save(actor, note, note=f"credits {invoice.number}")
    for line in invoice.lines.select_related("contribution"):
        audit.save(
            actor,
            InvoiceLine(
                invoice=note,
                contribution=line.contribution,
                description=line.description,
                net_amount=line.net_amount,
                vat_category=line.vat_category,
                vat_rate=line.vat_rate,
            ),
        )
        contribution = line.contribution
        contribution.status = Contribution.Status.EXPECTED
        contribution.invoiced_on = None
        audit.save(actor, contribution, note=f"credit note {note.number}")
    invoice.status = Invoice.Status.CREDITED
    audit.save(actor, invoice, note=f"credited by {note.number}")
    return note


# The UBL document, its validation and sending.


def buyer_reference(invoice: Invoice) -> str:
    return invoice.credited_invoice.number if invoice.credited_invoice_id else invoice.number


def ubl_document(invoice: Invoice) -> bytes:
    if invoice.status == Invoice.Status.DRAFT or not invoice.number:
        raise BillingError(_("A draft has no UBL document: issue it first."))
    return ubl.document(
        invoice, settings_for(invoice.cluster), buyer_reference=buyer_reference(invoice)
    )


def validate(actor: audit.Actor, invoice: Invoice) -> peppol.Report:
    """Validate the invoice's UBL document with the EN 16931 and Peppol rules and keep
    the failed rules on it (shown on its page)."""
    report = peppol.validate(ubl_document(invoice))
    findings = report.as_json()
    if invoice.findings != findings:
        invoice.findings = findings
        audit.save(actor, invoice, note="validated" if report.is_valid else "validation failed")
    return report


def member_ubl(invoice: Invoice) -> bytes | None:
    """The Peppol document a member downloads from self-service, or None when it fails
    validation (never handed out; the cluster sees the failed rules on the invoice's
    page). Read only: the member's download keeps nothing on the invoice."""
    document = ubl_document(invoice)
    return document if peppol.validate(document).is_valid else None


def billing_contact(invoice: Invoice) -> Contact | None:
    """The member's contact who receives invoices: one whose role is about invoicing or
    accounting, otherwise the first with an e-mail address."""
    contacts = [
        c
        for c in Contact.objects.filter(
            membership__cluster=invoice.cluster,
            membership__organisation=invoice.organisation,
        )
        .exclude(email="")
        .order_by("pk")
    ]
    for contact in contacts:
        role = contact.role.lower()
        if any(word in role for word in BILLING_ROLES):
            return contact
    return contacts[0] if contacts else None


def _mail(invoice: Invoice, contact: Contact, template: str, context: dict, attachments):
    billing = settings_for(invoice.cluster)
    context = {"invoice": invoice, "billing": billing, "contact": contact, **context}
    with translation.override("nl"):
        subject = render_to_string(f"billing/{template}_subject.txt", context).strip()
        body = render_to_string(f"billing/{template}.txt", context)
    message = EmailMessage(
        subject,
        body,
        django_settings.DEFAULT_FROM_EMAIL,
        [contact.email],
        reply_to=[billing.email] if billing.email else None,
    )
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message


def attachments(invoice: Invoice, document: bytes) -> list:
    from clustermonitor.billing import pdf

    return [
        (f"{invoice.number}.pdf", pdf.render(invoice), "application/pdf"),
        (f"{invoice.number}.xml", document, "application/xml"),
    ]


@transaction.atomic
def send(actor: audit.Actor, invoice: Invoice, on: datetime.date | None = None) -> peppol.Report:
    """Validate, then e-mail the PDF and the UBL document to the buyer's billing contact.
    A document that fails validation is not sent: the report says which rules failed."""
    invoice = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("cluster", "organisation")
        .get(pk=invoice.pk)
    )
    document = ubl_document(invoice)
    report = validate(actor, invoice)
    if not report.is_valid:
        return report
    contact = billing_contact(invoice)
    if contact is None:
        raise BillingError(
            _("%(org)s has no contact person with an e-mail address in this cluster.")
            % {"org": invoice.organisation.name}
        )
    message = _mail(invoice, contact, "invoice_email", {}, attachments(invoice, document))
    transaction.on_commit(lambda: message.send(fail_silently=False))
    invoice.sent_on = on or datetime.date.today()
    audit.save(actor, invoice, note=f"sent to contact {contact.pk}")
    return report


# Reminders.


def reminder_due(invoice: Invoice, today: datetime.date) -> int | None:
    """The reminder level `invoice` is due for today, or None."""
    if invoice.is_credit_note or invoice.status != Invoice.Status.ISSUED or not invoice.due_on:
        return None
    sent = {r.level: r.sent_on for r in invoice.reminders.all()}
    if 1 not in sent:
        if today >= invoice.due_on + datetime.timedelta(days=FIRST_REMINDER_AFTER):
            return Reminder.Level.FIRST
        return None
    if 2 not in sent and today >= sent[1] + datetime.timedelta(days=SECOND_REMINDER_AFTER):
        return Reminder.Level.SECOND
    return None


def overdue(today: datetime.date, cluster=None):
    invoices = Invoice.objects.filter(
        kind=Invoice.Kind.INVOICE, status=Invoice.Status.ISSUED, due_on__lt=today
    )
    if cluster is not None:
        invoices = invoices.filter(cluster=cluster)
    return invoices.select_related("cluster", "organisation").prefetch_related("reminders")


@transaction.atomic
def remind(actor: audit.Actor, invoice: Invoice, today: datetime.date | None = None):
    """Send the reminder `invoice` is due for (first, then second), each level once:
    the Reminder row is unique per invoice and level. Returns the Reminder or None."""
    today = today or datetime.date.today()
    invoice = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("cluster", "organisation")
        .get(pk=invoice.pk)
    )
    level = reminder_due(invoice, today)
    if level is None:
        return None
    contact = billing_contact(invoice)
    if contact is None:
        raise BillingError(
            _("%(org)s has no contact person with an e-mail address in this cluster.")
            % {"org": invoice.organisation.name}
        )
    reminder = Reminder(invoice=invoice, level=level, sent_on=today)
    try:
        with transaction.atomic():
            audit.save(actor, reminder, note=f"sent to contact {contact.pk}")
    except (IntegrityError, ValidationError):
        return None  # sent meanwhile
    document = ubl_document(invoice)
    message = _mail(
        invoice,
        contact,
        "reminder_email",
        {"level": level, "open_amount": invoice.open_amount},
        attachments(invoice, document),
    )
    transaction.on_commit(lambda: message.send(fail_silently=False))
    return reminder


def send_reminders(actor: audit.Actor, today: datetime.date, cluster=None) -> dict[str, int]:
    """Every reminder due today (the `send-reminders` command, the list's button)."""
    counts = {"first": 0, "second": 0, "no_contact": 0}
    for invoice in overdue(today, cluster).order_by("cluster__code", "year", "sequence"):
        if reminder_due(invoice, today) is None:
            continue
        try:
            reminder = remind(actor, invoice, today)
        except BillingError:
            counts["no_contact"] += 1
            continue
        if reminder is not None:
            counts["first" if reminder.level == 1 else "second"] += 1
    return counts


def open_filter() -> Q:
    return Q(kind=Invoice.Kind.INVOICE, status=Invoice.Status.ISSUED)
