"""Amendments never rewrite the payment schedule's history (issue 19): a subsidy changed
by an amendment is recorded with it (the tranche's amount before and after, a tranche it
adds names it), so the schedule as of a day before its decision shows the tranches and
amounts as they stood then: per cluster, per call, the programme's and the export."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clustermonitor.agreements import exports, selectors, services
from clustermonitor.agreements.models import Agreement, Amendment, TrancheChange
from tests.agreement_helpers import ACTOR, START, approve_report, funded_application, moment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
SIGNED = datetime.date(2023, 12, 1)
LATER = datetime.date(2030, 1, 1)  # payments may be dated up to here ("today")


def _agreement() -> Agreement:
    application = funded_application()
    return services.create_from_application(ACTOR, application, code="CIRTEX", signed_on=SIGNED)


def _fresh(agreement) -> Agreement:
    return selectors.with_records(Agreement.objects.filter(pk=agreement.pk)).get()


def _schedule(agreement, day) -> tuple:
    """Everything the schedule shows as of ``day``: the cluster's tranches, the programme's
    rows, the totals per call and the bookkeeping export's cells."""
    agreement = _fresh(agreement)
    states = [
        (s.tranche.number, s.tranche.kind, s.amount, s.paid, s.payable, s.reason, s.state, s.open)
        for s in selectors.tranche_states(agreement, day)
    ]
    programme = agreement.cluster.programme
    rows = selectors.schedule(selectors.agreements_for(programme, day), day)
    flat = [
        (
            r["cluster"].code,
            r["terms"].subsidy,
            r["planned"],
            r["paid"],
            r["payable_open"],
            [(s.tranche.number, s.amount, s.open, s.state) for s in r["tranches"]],
        )
        for r in rows
    ]
    sheet = [list(row) for row in exports.schedule_sheet(rows, day).rows]
    return states, flat, selectors.per_call(rows), sheet


def _pay(agreement, number, paid_on, reference, amount=None):
    tranche = agreement.tranches.get(number=number)
    services.record_payment(
        ACTOR,
        tranche,
        paid_on=paid_on,
        reference=reference,
        amount=amount if amount is not None else tranche.amount,
        today=LATER,
    )


def _amend(agreement, decided, subsidy):
    services.amend(
        ACTOR,
        agreement,
        kind=Amendment.Kind.SUBSIDY_INCREASE
        if subsidy > selectors.agreement_as_of(agreement, decided).subsidy
        else Amendment.Kind.OTHER,
        decided_on=decided,
        effective_on=decided,
        decision="Subsidie gewijzigd.",
        new_subsidy=subsidy,
    )


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    day=st.dates(datetime.date(2023, 11, 1), datetime.date(2026, 9, 30)),
    advance_on=st.integers(0, 700),
    pay_all=st.booleans(),
    later=st.lists(st.tuples(st.integers(1, 300), st.integers(-60, 40)), min_size=1, max_size=3),
)
def test_an_amendment_after_a_day_changes_nothing_in_the_schedule_as_of_that_day(
    day, advance_on, pay_all, later
):
    """The property: create, pay the advance (or everything), amend the subsidy after D;
    the schedule as of D is what it was before the amendments."""
    today = timezone.localdate()
    with transaction.atomic():
        agreement = _agreement()
        _pay(agreement, 1, START + datetime.timedelta(days=advance_on), "P-1")
        if pay_all:
            for year, approved in enumerate(
                (datetime.date(2025, 2, 1), datetime.date(2026, 2, 1), datetime.date(2027, 2, 1)),
                start=1,
            ):
                approve_report(agreement.cluster, year, moment(approved))
            for number, paid_on in ((2, 2025), (3, 2026), (4, 2027)):
                _pay(agreement, number, datetime.date(paid_on, 3, 1), f"P-{number}")
        before = _schedule(agreement, day)
        decided = max(day, SIGNED)
        amended = 0
        for offset, thousands in later:
            decided = decided + datetime.timedelta(days=offset)
            if decided > today:
                break
            subsidy = selectors.agreement_as_of(agreement, decided).subsidy
            try:
                _amend(agreement, decided, subsidy + Decimal(thousands * 1000))
                amended += 1
            except services.AgreementError:
                continue  # (above the type's maximum, below what was paid, no change)
        assert _schedule(agreement, day) == before
        transaction.set_rollback(True)


def test_a_lower_then_higher_subsidy_shows_each_amount_on_its_day():
    agreement = _agreement()
    _pay(agreement, 1, datetime.date(2024, 1, 15), "P-1")
    balance = agreement.tranches.get(number=4)
    assert balance.amount == Decimal("42000.00")
    _amend(agreement, datetime.date(2025, 3, 1), Decimal("400000.00"))
    _amend(agreement, datetime.date(2025, 9, 1), Decimal("430000.00"))
    changes = list(TrancheChange.objects.filter(tranche=balance).order_by("amendment__number"))
    assert [(c.amount_before, c.amount) for c in changes] == [
        (Decimal("42000.00"), Decimal("22000.00")),
        (Decimal("22000.00"), Decimal("52000.00")),
    ]
    amounts = {
        day: {s.tranche.number: s.amount for s in selectors.tranche_states(_fresh(agreement), day)}
        for day in (
            datetime.date(2025, 2, 28),
            datetime.date(2025, 3, 1),
            datetime.date(2025, 9, 1),
        )
    }
    assert [a[4] for a in amounts.values()] == [
        Decimal("42000.00"),
        Decimal("22000.00"),
        Decimal("52000.00"),
    ]
    assert sum(amounts[datetime.date(2025, 2, 28)].values()) == Decimal("420000.00")


def test_a_tranche_added_by_an_amendment_is_not_there_before_its_decision():
    agreement = _agreement()
    for year, approved in ((1, 2025), (2, 2026)):
        approve_report(agreement.cluster, year, moment(datetime.date(approved, 2, 1)))
    approve_report(agreement.cluster, 3, moment(datetime.date(2026, 11, 1)))
    for number, paid_on in ((1, 2024), (2, 2025), (3, 2026), (4, 2026)):
        _pay(agreement, number, datetime.date(paid_on, 11, 15), f"P-{number}")
    decided = datetime.date(2026, 11, 20)
    _amend(agreement, decided, Decimal("450000.00"))
    added = agreement.tranches.get(number=5)
    assert added.added_by.decided_on == decided and added.amount == Decimal("30000.00")
    before = selectors.tranche_states(_fresh(agreement), decided - datetime.timedelta(days=1))
    assert [s.tranche.number for s in before] == [1, 2, 3, 4]
    after = selectors.tranche_states(_fresh(agreement), decided)
    assert [s.tranche.number for s in after] == [1, 2, 3, 4, 5]
    with pytest.raises(services.AgreementError, match="did not exist yet"):
        _pay(agreement, 5, decided - datetime.timedelta(days=1), "P-5")


def test_a_payment_dated_before_an_amendment_holds_against_the_amount_of_its_day():
    agreement = _agreement()
    approve_report(agreement.cluster, 1, moment(datetime.date(2025, 2, 1)))
    tranche = agreement.tranches.get(number=2)
    first = tranche.amount  # 126000.00 (30 % advance, 60 % over two years, 10 % balance)
    # The balance takes a lower subsidy; the intermediate payment keeps its amount.
    _amend(agreement, datetime.date(2025, 6, 1), Decimal("400000.00"))
    _pay(agreement, 2, datetime.date(2025, 3, 1), "P-2", first)
    state = {
        s.tranche.number: s
        for s in selectors.tranche_states(_fresh(agreement), datetime.date(2025, 3, 1))
    }[2]
    assert (state.amount, state.paid, state.state) == (first, first, "paid")


def test_the_backfill_rebuilds_the_history_of_amendments_recorded_before_it():
    """Migration 0003: amendments recorded before the tranche history get it by replay."""
    import importlib

    from django.apps import apps

    from clustermonitor.agreements.models import Tranche

    backfill = importlib.import_module(
        "clustermonitor.agreements.migrations.0003_tranche_history_backfill"
    ).backfill
    agreement = _agreement()
    _pay(agreement, 1, datetime.date(2024, 1, 15), "P-1")
    _amend(agreement, datetime.date(2025, 3, 1), Decimal("400000.00"))
    for year, approved in ((1, 2025), (2, 2026)):
        approve_report(agreement.cluster, year, moment(datetime.date(approved, 2, 1)))
    approve_report(agreement.cluster, 3, moment(datetime.date(2026, 11, 1)))
    for number, paid_on in ((2, 2025), (3, 2026), (4, 2026)):
        _pay(agreement, number, datetime.date(paid_on, 11, 15), f"P-{number}")
    _amend(agreement, datetime.date(2026, 11, 20), Decimal("450000.00"))
    recorded = (
        sorted(TrancheChange.objects.values_list("tranche_id", "amendment_id", "amount_before")),
        sorted(Tranche.objects.filter(added_by__isnull=False).values_list("pk", "added_by_id")),
    )
    assert recorded[0] and recorded[1]
    TrancheChange.objects.all().delete()
    Tranche.objects.update(added_by=None)  # as before 0002
    backfill(apps, None)
    assert (
        sorted(TrancheChange.objects.values_list("tranche_id", "amendment_id", "amount_before")),
        sorted(Tranche.objects.filter(added_by__isnull=False).values_list("pk", "added_by_id")),
    ) == recorded
