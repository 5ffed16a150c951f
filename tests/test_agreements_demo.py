"""The demo's applications and agreements (issue 19; clustermonitor/demodata/agreements.py):
the published 2020 figures of calls 1 and 2 come out of the application records; the
existing clusters' agreements have tranches and payments consistent with their dates and
approved reports; a second run changes nothing; the report as of 31/01/2020 changes only
by the figures that read applications and agreements."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from clustermonitor.agreements import selectors
from clustermonitor.agreements.models import Agreement, Payment
from clustermonitor.demodata import agreements as demo
from clustermonitor.demodata import live
from clustermonitor.monitoring import published
from clustermonitor.programmes.models import Application, Cluster, Programme
from clustermonitor.programmes.selectors import figures_by_call
from clustermonitor.reports.build import build_document
from tests import report_2020

pytestmark = pytest.mark.usefixtures("english")

#: The demo's reports are approved when it is loaded (this session): the day of the run.
TODAY = timezone.localdate()
REPORT_DATE = datetime.date(2020, 1, 31)


def _fingerprint():
    return (
        sorted(
            Application.objects.values_list("call__number", "applicant", "status", "funded_amount")
        ),
        sorted(Payment.objects.values_list("reference", "paid_on", "amount").order_by("reference")),
    )


def test_the_published_call_figures_come_from_the_application_records(calibrated_demo, db):
    programme = Programme.objects.get()
    summary = demo.load(TODAY)
    assert summary["applications"] == 25 + 12
    figures = figures_by_call(programme, REPORT_DATE)
    one, two = figures[("IBN", 1)], figures[("IBN", 2)]
    assert (one["received"], one["funded"]) == (25, 14)
    assert (two["received"], two["funded"], two["funded_amount"]) == (12, 6, Decimal(1_500_000))
    # Call 1: the clusters' recorded subsidies, 2.7 % above the published, rounded 4.7 M.
    assert one["funded_amount"] == Decimal("4824749")
    assert abs(one["funded_amount"] / Decimal(4_700_000) - 1) < Decimal("0.05")
    funded = Application.objects.filter(status="funded", call__number__in=[1, 2])
    assert all(a.cluster_id for a in funded)
    # The unknown subsidies of call 2 stay unknown on the clusters' records.
    assert Cluster.objects.filter(code="BEACON").get().subsidy is None
    # The published annex computes them now.
    rows = {r.key: r for r in published.comparison(programme, REPORT_DATE)}
    assert rows["programme.calls[0].submitted"].computed == 25
    assert rows["programme.calls[1].funded_amount_eur"].computed == 1_500_000
    assert not rows["programme.calls[0].funded_amount_eur"].flagged


def test_the_agreements_pay_as_their_dates_and_approved_reports_allow(calibrated_demo, db):
    demo.load(TODAY)
    agreements = selectors.with_records(Agreement.objects.all())
    # Every IBN of calls 1 and 2 with a known subsidy (17: three of call 2 have none).
    assert agreements.count() == 17
    for agreement in agreements:
        states = selectors.tranche_states(agreement, TODAY)
        assert sum(s.tranche.amount for s in states) == agreement.subsidy
        for state in states:
            for payment in state.tranche.payments.all():
                assert selectors.tranche_states(agreement, payment.paid_on)[
                    state.tranche.number - 1
                ].payable
        advance = states[0]
        assert advance.state == "paid"
        assert advance.tranche.payments.get().paid_on == agreement.start_date
    # EUKA's reports are approved (the shared demo's workflow): its tranches are paid.
    euka = agreements.get(cluster__code="EUKA")
    assert {s.state for s in selectors.tranche_states(euka, TODAY)} == {"paid"}
    # ACB has no reporting period in the shared demo: its second tranche waits.
    acb = agreements.get(cluster__code="ACB")
    assert selectors.tranche_states(acb, TODAY)[1].state == "planned"


def test_a_second_run_changes_nothing_and_the_same_day_gives_the_same_rows(calibrated_demo, db):
    found = []
    for _ in range(2):
        with transaction.atomic():
            demo.load(TODAY)
            found.append(_fingerprint())
            assert demo.load(TODAY) == {"applications": 0, "agreements": 0, "payments": 0}
            transaction.set_rollback(True)
    assert found[0] == found[1] and found[0][1]


def test_the_live_clusters_get_their_agreements_with_the_advance_paid(calibrated_demo, db):
    live.load_live(TODAY)
    demo.load(TODAY)
    for code in ("EUKA2", "BIM2", "HYDRO"):
        agreement = selectors.with_records(Agreement.objects.filter(cluster__code=code)).get()
        states = selectors.tranche_states(agreement, TODAY)
        assert [s.state for s in states][:2] == ["paid", "planned"]


def test_the_2020_report_gains_the_grant_tables_only(calibrated_demo, db):
    before = report_2020.document(REPORT_DATE)  # perhaps built by another test already
    demo.load(TODAY)
    after = build_document(as_of=REPORT_DATE)
    keys = lambda doc: [  # noqa: E731
        block.key for section in doc.sections for block in section.blocks if hasattr(block, "key")
    ]
    added = [k for k in keys(after) if k not in keys(before)]
    assert added == ["applications", "subsidies"]
    portfolio = next(s for s in after.sections if s.key == "portfolio")
    subsidies = next(b for b in portfolio.blocks if getattr(b, "key", "") == "subsidies")
    assert [row[0] for row in subsidies.rows] == ["2016", "2017", "2018"]


@pytest.mark.parametrize(
    "day",
    [datetime.date(2016, 12, 31), datetime.date(2018, 3, 31), REPORT_DATE, TODAY],
)
def test_the_grant_tables_as_of_a_day_equal_them_without_what_came_after(calibrated_demo, db, day):
    """Known on D: the applications and subsidies tables as of D are the same once
    everything that became true after D is deleted (in a rolled-back copy)."""
    from clustermonitor.reports.build import resolve
    from clustermonitor.reports.sections import grants

    live.load_live(TODAY)
    demo.load(TODAY)

    def tables():
        ctx = resolve(day, None)
        return [
            (t.key, t.rows) if t is not None else None
            for t in (grants.applications_table(ctx), grants.subsidies_table(ctx))
        ]

    before = tables()
    with transaction.atomic():
        Payment.objects.filter(paid_on__gt=day).delete()
        later = Agreement.objects.filter(signed_on__gt=day)
        for agreement in later:
            Payment.objects.filter(tranche__agreement=agreement).delete()
            agreement.tranches.all().delete()
            agreement.lines.all().delete()
            agreement.conditions.all().delete()
        later.delete()
        assert tables() == before
        transaction.set_rollback(True)
