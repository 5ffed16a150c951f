"""Tranche history for amendments recorded before 0002: replay the signed schedule and
each subsidy amendment the way services._retranche did (the change on the last tranche
unpaid when the amendment was recorded, or a new balance tranche) and record the
TrancheChange rows and ``added_by``. An agreement whose replay does not end in the
tranches as they are now is left as it is (nothing is guessed)."""

import datetime
from decimal import Decimal

from django.db import migrations

CENT = Decimal("0.01")
ADVANCE, BALANCE = Decimal("0.30"), Decimal("0.10")  # services' shares when 0002 was made


def _split(amount, weights):
    total = sum(weights, Decimal(0))
    parts = [(amount * w / total).quantize(CENT) for w in weights[:-1]]
    return [*parts, amount - sum(parts, Decimal(0))]


def _years(start, end):
    after = end + datetime.timedelta(days=1)
    months = (after.year - start.year) * 12 + (after.month - start.month)
    if after.day > start.day:
        months += 1
    return max(1, -(-months // 12))


def _signed(agreement):
    years = _years(agreement.start_date, agreement.end_date)
    if years <= 1:
        weights = [ADVANCE, 1 - ADVANCE]
    else:
        middle = (1 - ADVANCE - BALANCE) / (years - 1)
        weights = [ADVANCE, *([middle] * (years - 1)), BALANCE]
    return _split(agreement.subsidy, weights)


def replay(agreement, tranches, amendments, payments):
    """(changes [(tranche, amendment, before, after)], added {tranche number: amendment})
    or None when the replay does not reproduce the tranches."""
    amounts = dict(enumerate(_signed(agreement), start=1))
    if any(n not in tranches for n in amounts):
        return None
    changes, added = [], {}
    for amendment in amendments:
        change = amendment.new_subsidy - sum(amounts.values(), Decimal(0))
        if not change:
            continue
        for number in sorted(amounts, reverse=True):
            paid = any(n == number and recorded < amendment.recorded_at for n, recorded in payments)
            if not paid and amounts[number] + change >= 0:
                changes.append((number, amendment, amounts[number], amounts[number] + change))
                amounts[number] += change
                break
        else:
            if change < 0:
                return None
            number = len(amounts) + 1
            amounts[number] = change
            added[number] = amendment
    if amounts != {n: t.amount for n, t in tranches.items()}:
        return None
    return changes, added


def backfill(apps, schema_editor):
    Agreement = apps.get_model("agreements", "Agreement")
    Amendment = apps.get_model("agreements", "Amendment")
    Tranche = apps.get_model("agreements", "Tranche")
    TrancheChange = apps.get_model("agreements", "TrancheChange")
    Payment = apps.get_model("agreements", "Payment")
    for agreement in Agreement.objects.filter(amendments__new_subsidy__isnull=False).distinct():
        if TrancheChange.objects.filter(tranche__agreement=agreement).exists():
            continue
        if Tranche.objects.filter(agreement=agreement, added_by__isnull=False).exists():
            continue
        tranches = {t.number: t for t in Tranche.objects.filter(agreement=agreement)}
        amendments = list(
            Amendment.objects.filter(agreement=agreement, new_subsidy__isnull=False).order_by(
                "decided_on", "number"
            )
        )
        payments = list(
            Payment.objects.filter(tranche__agreement=agreement).values_list(
                "tranche__number", "recorded_at"
            )
        )
        found = replay(agreement, tranches, amendments, payments)
        if found is None:
            continue
        changes, added = found
        for number, amendment, before, after in changes:
            TrancheChange.objects.create(
                tranche=tranches[number], amendment=amendment, amount_before=before, amount=after
            )
        for number, amendment in added.items():
            Tranche.objects.filter(pk=tranches[number].pk).update(added_by=amendment)


class Migration(migrations.Migration):
    dependencies = [("agreements", "0002_tranche_history")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
