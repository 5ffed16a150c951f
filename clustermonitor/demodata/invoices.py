"""The demo's invoices (issue 18): billing settings for the two clusters of the current
call that the demo's cluster managers run (EUKA2, BIM2), the invoices of their members'
fees of this year that the demo has as invoiced (issued on the day the demo invoiced
them, numbered without gaps, with their structured communication; unpaid ones are
overdue, so reminders are due), and draft invoices for the expected ones.

No contribution changes: those already invoiced stay invoiced, the expected ones stay
expected (a draft holds them until it is issued), none is marked paid — every figure and
the 2020 report stay as they were. A second run writes nothing."""

import datetime
from collections import defaultdict

from clustermonitor.billing import invoicing, structured
from clustermonitor.billing.models import BillingSettings, Invoice, InvoiceLine, VatRegime
from clustermonitor.core import audit
from clustermonitor.members.models import Contribution
from clustermonitor.programmes.models import Cluster

SETTINGS = {
    "EUKA2": {
        "legal_name": "EUKA vzw",
        "enterprise_number": "0876543270",
        "vat_regime": VatRegime.STANDARD,
        "vat_number": "BE0876543270",
        "street": "Doorniksesteenweg 7",
        "postcode": "8500",
        "city": "Kortrijk",
        "iban": "BE48001123456727",
        "bic": "GEBABEBB",
        "email": "facturen@euka.example",
    },
    "BIM2": {
        "legal_name": "BIM Vlaanderen vzw",
        "enterprise_number": "0765432146",
        "vat_regime": VatRegime.EXEMPT,
        "vat_number": "BE0765432146",
        "exemption_note": "Vrijgesteld van btw, art. 44 § 2, 12° W.btw.",
        "street": "Ottergemsesteenweg 11",
        "postcode": "9000",
        "city": "Gent",
        "iban": "BE56363123456788",
        "bic": "BBRUBEBB",
        "email": "boekhouding@bim.example",
    },
}


def _issue_invoiced(actor, cluster, billing, year: int) -> int:
    """An issued invoice per paying organisation for the year's invoiced contributions,
    on the day they were invoiced (the earliest of them), in that order."""
    by_payer = defaultdict(list)
    contributions = (
        Contribution.objects.filter(
            membership__cluster=cluster, year=year, status=Contribution.Status.INVOICED
        )
        .exclude(invoice_lines__isnull=False)
        .select_related("membership__organisation", "membership__cluster", "payer")
        .order_by("invoiced_on", "membership__organisation__name", "pk")
    )
    for contribution in contributions:
        by_payer[contribution.paying_organisation_id].append(contribution)
    written = 0
    for payer_id, held in by_payer.items():
        on = min(c.invoiced_on or datetime.date(year, 3, 31) for c in held)
        invoice = Invoice(
            cluster=cluster, organisation_id=payer_id, year=year, vat_regime=billing.vat_regime
        )
        audit.save(actor, invoice, note="demo")
        for contribution in held:
            category, rate, _vat = invoicing.vat_of(contribution.amount, billing.vat_regime)
            audit.save(
                actor,
                InvoiceLine(
                    invoice=invoice,
                    contribution=contribution,
                    description=invoicing.description(contribution),
                    net_amount=contribution.amount,
                    vat_category=category,
                    vat_rate=rate,
                ),
            )
        invoicing._apply_regime(invoice, billing.vat_regime)
        invoice.sequence = invoicing._next_sequence(cluster, year, Invoice.Kind.INVOICE)
        invoice.number = invoicing.number_of(cluster, year, invoice.kind, invoice.sequence)
        invoice.issued_on = on
        invoice.due_on = on + datetime.timedelta(days=billing.payment_term_days)
        invoice.structured_reference = structured.make_reference(invoice.pk)
        invoice.status = Invoice.Status.ISSUED
        audit.save(actor, invoice, note="demo: issued")
        written += 1
    return written


def load(today: datetime.date | None = None) -> dict:
    today = today or datetime.date.today()
    actor = audit.Actor.system("demo")
    counts = {"issued": 0, "drafts": 0}
    for code, values in SETTINGS.items():
        cluster = Cluster.objects.filter(code=code).first()
        if cluster is None or BillingSettings.objects.filter(cluster=cluster).exists():
            continue
        billing = BillingSettings(cluster=cluster, **values)
        audit.save(actor, billing, note="demo")
        counts["issued"] += _issue_invoiced(actor, cluster, billing, today.year)
        counts["drafts"] += len(invoicing.generate(actor, cluster, today.year))
    return counts
