"""The demo's bank statement (issue 18): EUKA2's bank account, and a CODA statement of
yesterday for it, written as a file for the cluster manager to import — the demo imports
nothing itself, so no figure changes until someone does.

The file is `MEDIA_ROOT/demo/EUKA2-statement.cod` (`var/media/demo/…`; docs/demo.md).
Import it on EUKA2's "Rekeninguittreksels" page (login `cluster.euka`) or with
`clustermonitor import-statement var/media/demo/EUKA2-statement.cod --cluster EUKA2`.
It holds:

- the payment of EUKA2's first open invoice with its structured communication (matched);
- the payment of the second, without a reference but with the member's enterprise number
  in the communication (matched on amount and number);
- a payment of the third invoice's amount that names nobody (it waits for a decision);
- the bank's costs (outgoing, shown, not matched).

Without open invoices (the demo's invoices are billing's), the statement holds the
payments of this year's outstanding contributions, which then all wait.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from clustermonitor.banking import files, services
from clustermonitor.banking.models import BankAccount
from clustermonitor.billing.models import Invoice
from clustermonitor.core import audit
from clustermonitor.members.models import Contribution
from clustermonitor.programmes.models import Cluster

CLUSTER = "EUKA2"
IBAN = "BE43068999999501"
#: The members' accounts in the demo statement: made-up numbers with valid check digits.
PAYER_IBANS = ("BE62510007547061", "BE71096123456769", "BE90689123456732")


def statement_path(code: str = CLUSTER) -> Path:
    return Path(settings.MEDIA_ROOT) / "demo" / f"{code}-statement.cod"


def _payments(cluster, day: datetime.date) -> list[files.Payment]:
    invoices = list(
        Invoice.objects.filter(
            cluster=cluster, kind=Invoice.Kind.INVOICE, status=Invoice.Status.ISSUED
        )
        .select_related("organisation")
        .order_by("year", "sequence", "pk")[:3]
    )
    payments = []
    if invoices:
        first = invoices[0]
        payments.append(
            files.Payment(
                first.total - first.paid_amount,
                day,
                structured=first.structured_reference or "",
                name=first.organisation.name[:35],
                iban=PAYER_IBANS[0],
            )
        )
        if len(invoices) > 1:
            second = invoices[1]
            number = second.organisation.enterprise_number or ""
            payments.append(
                files.Payment(
                    second.total - second.paid_amount,
                    day,
                    communication=f"lidgeld {day.year} {number[:4]}.{number[4:7]}.{number[7:]}",
                    name=second.organisation.name[:35],
                    iban=PAYER_IBANS[1],
                )
            )
        if len(invoices) > 2:
            third = invoices[2]
            payments.append(
                files.Payment(
                    third.total - third.paid_amount,
                    day,
                    communication=f"lidgeld {day.year}",
                    iban=PAYER_IBANS[2],
                )
            )
    else:
        open_fees = (
            Contribution.objects.filter(
                membership__cluster=cluster,
                year=day.year,
                status__in=(Contribution.Status.EXPECTED, Contribution.Status.INVOICED),
            )
            .select_related("membership__organisation")
            .order_by("membership__organisation__name", "pk")[:3]
        )
        for n, fee in enumerate(open_fees):
            payments.append(
                files.Payment(
                    Decimal(fee.amount),
                    day,
                    communication=f"lidgeld {day.year}",
                    name=fee.membership.organisation.name[:35],
                    iban=PAYER_IBANS[n],
                )
            )
    payments.append(files.Payment(Decimal("-4.50"), day, communication="Beheerskosten"))
    return payments


def write_statement(cluster, today: datetime.date, path: Path) -> int:
    """Write the demo statement of yesterday for `cluster`'s account; its lines."""
    day = today - datetime.timedelta(days=1)
    payments = _payments(cluster, day)
    text = files.coda(
        iban=IBAN,
        holder=cluster.name[:26],
        number=day.timetuple().tm_yday,
        old_balance=Decimal("12450.00"),
        old_date=day - datetime.timedelta(days=1),
        new_date=day,
        payments=payments,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("latin-1"))
    return len(payments)


def load(code: str = CLUSTER, today: datetime.date | None = None, path: Path | None = None):
    """The cluster's bank account (once) and the statement file to import."""
    cluster = Cluster.objects.filter(code=code).first()
    if cluster is None:
        return {}
    if not BankAccount.objects.filter(iban=IBAN).exists():
        services.save_account(
            audit.Actor.system("demo"), BankAccount(cluster=cluster, iban=IBAN, name="Zicht")
        )
    path = path or statement_path(code)
    lines = write_statement(cluster, today or timezone.localdate(), path)
    return {"statement file": str(path), "statement lines": lines}
