"""Agreements (issue 19, part C): a funded application becomes a cluster and its
agreement in one audited step; amendments never rewrite history (the agreement as of a
day is reproducible); a tranche is payable only when its condition holds; payments never
exceed their tranche."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clustermonitor.agreements import selectors, services
from clustermonitor.agreements.models import Agreement, Amendment, Payment, Tranche
from clustermonitor.core import known
from clustermonitor.core.models import AuditEntry
from clustermonitor.programmes.models import Application, Cluster
from tests.agreement_helpers import (
    ACTOR,
    START,
    approve_report,
    funded_application,
    moment,
    version_data,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
SIGNED = datetime.date(2023, 12, 1)


def _agreement(**kwargs) -> Agreement:
    application = funded_application(**kwargs)
    return services.create_from_application(ACTOR, application, code="CIRTEX", signed_on=SIGNED)


def test_a_funded_application_becomes_a_cluster_and_an_agreement_in_one_step():
    agreement = _agreement()
    cluster = agreement.cluster
    assert (cluster.code, cluster.name, cluster.cluster_type.code, cluster.call.number) == (
        "CIRTEX",
        "Circulaire Textielcluster",
        "IBN",
        2,
    )
    assert (cluster.start_date, cluster.end_date) == (START, datetime.date(2026, 12, 31))
    assert cluster.subsidy == Decimal("420000.00")
    assert cluster.keywords == ["textiel", "recyclage"]
    assert Application.objects.get(pk=agreement.application_id).cluster == cluster
    assert sorted((t.kpi.code, t.value) for t in cluster.targets.all()) == [
        ("KPI1", Decimal(60)),
        ("KPI3", Decimal(12)),
    ]
    # The plan's subsidy per year scaled to the amount granted; its co-financing kept.
    lines = [(line.year, line.subsidy, line.cofinancing) for line in agreement.lines.all()]
    assert lines == [
        (1, Decimal("140000.00"), Decimal("150000.00")),
        (2, Decimal("140000.00"), Decimal("150000.00")),
        (3, Decimal("140000.00"), Decimal("150000.00")),
    ]
    tranches = list(agreement.tranches.values_list("kind", "amount", "trigger", "report_year"))
    assert tranches == [
        ("advance", Decimal("126000.00"), "date", None),
        ("intermediate", Decimal("126000.00"), "report", 1),
        ("intermediate", Decimal("126000.00"), "report", 2),
        ("balance", Decimal("42000.00"), "final_report", None),
    ]
    assert sum(t[1] for t in tranches) == agreement.subsidy
    assert cluster.reporting_periods.count() == 3
    kinds = set(
        AuditEntry.objects.filter(via="tests").values_list("content_type__model", flat=True)
    )
    assert {"cluster", "application", "target", "agreement", "budgetline", "tranche"} <= kinds


def test_only_a_funded_application_becomes_a_cluster():
    application = funded_application()
    Application.objects.filter(pk=application.pk).update(
        status=Application.Status.IN_REVIEW, funded_amount=None
    )
    application.refresh_from_db()
    with pytest.raises(services.AgreementError):
        services.create_from_application(ACTOR, application, code="CIRTEX", signed_on=SIGNED)
    assert not Cluster.objects.filter(code="CIRTEX").exists()


def test_a_second_agreement_for_the_same_application_is_refused():
    agreement = _agreement()
    application = Application.objects.get(pk=agreement.application_id)
    with pytest.raises(services.AgreementError):
        services.create_from_application(ACTOR, application, code="CIRTEX2", signed_on=SIGNED)


def test_a_bad_target_leaves_nothing_behind():
    application = funded_application(
        data=version_data(targets=[{"kpi": "NOPE", "value": "5", "due_date": "2026-12-31"}])
    )
    with pytest.raises(services.AgreementError, match="NOPE"):
        services.create_from_application(ACTOR, application, code="CIRTEX", signed_on=SIGNED)
    assert not Cluster.objects.filter(code="CIRTEX").exists()
    assert not Agreement.objects.exists()


def test_an_agreement_is_not_decided_before_its_application():
    application = funded_application()
    with pytest.raises(services.AgreementError, match="before the application"):
        services.create_from_application(
            ACTOR, application, code="CIRTEX", signed_on=datetime.date(2023, 10, 1)
        )


def test_a_subsidy_above_the_type_maximum_is_refused():
    with pytest.raises(services.AgreementError, match="maximum"):
        _agreement(amount=Decimal("500000.00"))


def test_an_application_without_a_version_takes_the_call_type_term():
    application = funded_application()
    application.versions.all().delete()
    agreement = services.create_from_application(
        ACTOR, application, code="CIRTEX", signed_on=SIGNED, start_date=START
    )
    assert agreement.end_date == datetime.date(2026, 12, 31)
    assert agreement.cluster.name == application.title


# -- Amendments ------------------------------------------------------------------------------


def test_an_amendment_changes_the_cluster_and_leaves_the_past_as_it_was():
    agreement = _agreement(data=version_data(term_years=2), amount=Decimal("280000.00"))
    assert agreement.end_date == datetime.date(2025, 12, 31)
    services.amend(
        ACTOR,
        agreement,
        kind=Amendment.Kind.EXTENSION,
        decided_on=datetime.date(2025, 6, 1),
        effective_on=datetime.date(2026, 1, 1),
        decision="Verlenging met 6 maanden na de tussentijdse evaluatie.",
        new_end_date=datetime.date(2026, 6, 30),
    )
    cluster = Cluster.objects.get(code="CIRTEX")
    assert cluster.end_date == datetime.date(2026, 6, 30)
    agreement.refresh_from_db()
    assert agreement.end_date == datetime.date(2025, 12, 31)  # the signed terms stay
    before = selectors.agreement_as_of(agreement, datetime.date(2025, 5, 31))
    after = selectors.agreement_as_of(agreement, datetime.date(2025, 6, 1))
    assert before.end_date == datetime.date(2025, 12, 31) and not before.amendments
    assert after.end_date == datetime.date(2026, 6, 30)
    # The half year the extension added has its reporting period.
    assert cluster.reporting_periods.count() == 3


def test_an_extension_beyond_the_type_maximum_is_refused_with_the_rule():
    agreement = _agreement()
    with pytest.raises(services.AgreementError, match="36"):
        services.amend(
            ACTOR,
            agreement,
            kind=Amendment.Kind.EXTENSION,
            decided_on=datetime.date(2026, 6, 1),
            effective_on=datetime.date(2027, 1, 1),
            decision="Verlenging.",
            new_end_date=datetime.date(2027, 6, 30),
        )
    assert not Amendment.objects.exists()
    assert Cluster.objects.get(code="CIRTEX").end_date == datetime.date(2026, 12, 31)


def test_a_higher_subsidy_goes_to_the_balance_and_to_the_cluster():
    agreement = _agreement()
    services.amend(
        ACTOR,
        agreement,
        kind=Amendment.Kind.SUBSIDY_INCREASE,
        decided_on=datetime.date(2025, 3, 1),
        effective_on=datetime.date(2025, 3, 1),
        decision="Hogere cofinanciering door de leden: subsidie verhoogd.",
        new_subsidy=Decimal("450000.00"),
    )
    assert Cluster.objects.get(code="CIRTEX").subsidy == Decimal("450000.00")
    amounts = list(agreement.tranches.values_list("amount", flat=True))
    assert amounts[-1] == Decimal("72000.00") and sum(amounts) == Decimal("450000.00")


@pytest.mark.parametrize(
    ("kind", "changes", "message"),
    [
        ("extension", {"new_end_date": datetime.date(2026, 1, 1)}, "after the current"),
        ("phase_out", {"new_end_date": datetime.date(2028, 1, 1)}, "on or before"),
        ("subsidy_increase", {"new_subsidy": Decimal(1)}, "above the current"),
        ("budget_shift", {}, "yearly lines"),
        (
            "budget_shift",
            {"lines": [(1, Decimal("100000"), Decimal(0))]},
            "add up to",
        ),
        ("other", {"decision": "  "}, "decision"),
    ],
)
def test_an_amendment_that_does_not_hold_is_refused(kind, changes, message):
    agreement = _agreement()
    values = {
        "kind": kind,
        "decided_on": datetime.date(2025, 1, 1),
        "effective_on": datetime.date(2025, 1, 1),
        "decision": "Besluit.",
        **changes,
    }
    with pytest.raises(services.AgreementError, match=message):
        services.amend(ACTOR, agreement, **values)
    assert not Amendment.objects.exists()


def test_a_budget_shift_moves_subsidy_between_years():
    agreement = _agreement()
    services.amend(
        ACTOR,
        agreement,
        kind=Amendment.Kind.BUDGET_SHIFT,
        decided_on=datetime.date(2025, 2, 1),
        effective_on=datetime.date(2025, 1, 1),
        decision="Verschuiving van jaar 3 naar jaar 2.",
        lines=[(2, Decimal("160000.00"), Decimal(0)), (3, Decimal("120000.00"), Decimal(0))],
    )
    terms = selectors.agreement_as_of(agreement, datetime.date(2025, 2, 1))
    assert [s for s, _c in terms.lines.values()] == [
        Decimal("140000.00"),
        Decimal("160000.00"),
        Decimal("120000.00"),
    ]
    earlier = selectors.agreement_as_of(agreement, datetime.date(2025, 1, 31))
    assert [s for s, _c in earlier.lines.values()] == [Decimal("140000.00")] * 3


def _snapshot(terms):
    return (
        terms.known,
        terms.start_date,
        terms.end_date,
        terms.subsidy,
        dict(terms.lines),
        [a.pk for a in terms.amendments],
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    day=st.dates(datetime.date(2023, 11, 1), datetime.date(2027, 12, 31)),
    later=st.lists(
        st.tuples(
            st.integers(1, 400),
            st.sampled_from(["extension", "phase_out", "subsidy_increase", "other"]),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_an_amendment_decided_after_a_day_changes_nothing_as_of_that_day(day, later):
    """The property: whatever is decided after D, the agreement as of D stays the same."""
    from django.db import transaction

    with transaction.atomic():
        agreement = _agreement()
        as_of = _snapshot(selectors.agreement_as_of(agreement, day))
        decided = max(day, SIGNED)
        for offset, kind in later:
            decided = decided + datetime.timedelta(days=offset)
            current = selectors.agreement_as_of(agreement, decided)
            changes = {
                "extension": {"new_end_date": current.end_date + datetime.timedelta(days=90)},
                "phase_out": {"new_end_date": current.end_date - datetime.timedelta(days=30)},
                "subsidy_increase": {"new_subsidy": current.subsidy + Decimal("1000.00")},
                "other": {},
            }[kind]
            try:
                services.amend(
                    ACTOR,
                    agreement,
                    kind=kind,
                    decided_on=decided,
                    effective_on=decided,
                    decision="Wijziging.",
                    **changes,
                )
            except services.AgreementError:
                continue  # (a subsidy above the maximum, a phase-out before the start)
        agreement = selectors.with_records(Agreement.objects.filter(pk=agreement.pk)).get()
        assert _snapshot(selectors.agreement_as_of(agreement, day)) == as_of
        transaction.set_rollback(True)


# -- Tranches and payments -------------------------------------------------------------------


def _states(agreement, day):
    agreement = selectors.with_records(Agreement.objects.filter(pk=agreement.pk)).get()
    return {s.tranche.number: s for s in selectors.tranche_states(agreement, day)}


def test_a_tranche_is_not_payable_until_its_report_is_approved():
    agreement = _agreement()
    day = datetime.date(2025, 2, 15)
    states = _states(agreement, day)
    assert states[1].payable  # the advance, from the start
    assert not states[2].payable and "year 1" in states[2].reason
    approve_report(agreement.cluster, 1, moment(datetime.date(2025, 3, 1)))
    assert not _states(agreement, datetime.date(2025, 2, 28))[2].payable  # known on D
    assert _states(agreement, datetime.date(2025, 3, 1))[2].payable
    assert not _states(agreement, datetime.date(2025, 3, 1))[3].payable


def test_the_balance_waits_for_the_final_report():
    agreement = _agreement()
    approve_report(agreement.cluster, 1, moment(datetime.date(2025, 3, 1)))
    approve_report(agreement.cluster, 2, moment(datetime.date(2026, 3, 1)))
    day = datetime.date(2027, 1, 15)
    assert not _states(agreement, day)[4].payable
    approve_report(agreement.cluster, 3, moment(datetime.date(2027, 2, 1)))
    assert _states(agreement, datetime.date(2027, 2, 1))[4].payable


def test_a_payment_is_recorded_and_never_above_the_tranche():
    agreement = _agreement()
    advance = agreement.tranches.get(number=1)
    today = datetime.date(2025, 6, 1)
    services.record_payment(
        ACTOR,
        advance,
        paid_on=datetime.date(2024, 1, 15),
        reference="BOEK-2024-001",
        amount=Decimal("100000.00"),
        today=today,
    )
    with pytest.raises(services.AgreementError, match="more than the tranche"):
        services.record_payment(
            ACTOR,
            advance,
            paid_on=datetime.date(2024, 2, 1),
            reference="BOEK-2024-002",
            amount=Decimal("26000.01"),
            today=today,
        )
    services.record_payment(
        ACTOR,
        advance,
        paid_on=datetime.date(2024, 2, 1),
        reference="BOEK-2024-002",
        amount=Decimal("26000.00"),
        today=today,
    )
    assert _states(agreement, today)[1].state == "paid"
    assert _states(agreement, datetime.date(2024, 1, 20))[1].state == "partly_paid"
    assert AuditEntry.objects.filter(content_type__model="payment").count() == 2


@pytest.mark.parametrize(
    ("tranche", "paid_on", "reference", "message"),
    [
        (2, datetime.date(2025, 1, 10), "X-1", "not payable"),  # its report not approved
        (1, datetime.date(2023, 12, 31), "X-2", "not payable"),  # before the start
        (1, datetime.date(2030, 1, 1), "X-3", "future"),
        (1, datetime.date(2024, 2, 1), "DUP", "reference"),
    ],
)
def test_a_payment_that_does_not_hold_is_refused(tranche, paid_on, reference, message):
    agreement = _agreement()
    today = datetime.date(2025, 6, 1)
    if reference == "DUP":
        services.record_payment(
            ACTOR,
            agreement.tranches.get(number=1),
            paid_on=paid_on,
            reference="DUP",
            amount=Decimal(1),
            today=today,
        )
    with pytest.raises(services.AgreementError, match=message):
        services.record_payment(
            ACTOR,
            agreement.tranches.get(number=tranche),
            paid_on=paid_on,
            reference=reference,
            amount=Decimal(10),
            today=today,
        )


def test_a_tranche_with_a_condition_waits_for_it():
    agreement = _agreement()
    condition = services.add_condition(
        ACTOR, agreement, "Businessplan voor integratie in de SPC", datetime.date(2025, 6, 30)
    )
    Tranche.objects.filter(agreement=agreement, number=2).update(condition=condition)
    approve_report(agreement.cluster, 1, moment(datetime.date(2025, 3, 1)))
    state = _states(agreement, datetime.date(2025, 4, 1))[2]
    assert not state.payable and "Businessplan" in state.reason
    services.meet_condition(ACTOR, condition, datetime.date(2025, 5, 1), "Plan ontvangen.")
    assert not _states(agreement, datetime.date(2025, 4, 30))[2].payable
    assert _states(agreement, datetime.date(2025, 5, 1))[2].payable


# -- History, figures ------------------------------------------------------------------------


def test_an_existing_cluster_gets_its_agreement_from_its_record(cluster_a):
    agreement = services.create_for_cluster(
        ACTOR, cluster_a, signed_on=cluster_a.start_date, periods=False
    )
    assert agreement.source == Agreement.Source.HISTORY
    assert (agreement.start_date, agreement.end_date, agreement.subsidy) == (
        cluster_a.start_date,
        cluster_a.end_date,
        cluster_a.subsidy,
    )
    assert sum(agreement.tranches.values_list("amount", flat=True)) == cluster_a.subsidy
    with pytest.raises(services.AgreementError):
        services.create_for_cluster(ACTOR, cluster_a, signed_on=cluster_a.start_date)


def test_committed_and_paid_per_year_as_of_a_day():
    agreement = _agreement()
    services.record_payment(
        ACTOR,
        agreement.tranches.get(number=1),
        paid_on=datetime.date(2024, 1, 15),
        reference="B-1",
        amount=Decimal("126000.00"),
        today=datetime.date(2025, 1, 1),
    )
    programme = agreement.cluster.programme
    rows = selectors.committed_and_paid(programme, datetime.date(2024, 12, 31))
    assert [(r["year"], r["committed"], r["paid"]) for r in rows] == [
        (2023, Decimal("420000.00"), Decimal(0)),
        (2024, Decimal(0), Decimal("126000.00")),
    ]
    assert selectors.committed_and_paid(programme, datetime.date(2023, 11, 30)) == []


def test_the_cluster_record_as_of_a_day_before_an_amendment_has_the_earlier_end(cluster_a):
    agreement = services.create_for_cluster(
        ACTOR, cluster_a, signed_on=cluster_a.start_date, periods=False
    )
    signed_end = cluster_a.end_date
    services.amend(
        ACTOR,
        agreement,
        kind=Amendment.Kind.PHASE_OUT,
        decided_on=signed_end - datetime.timedelta(days=200),
        effective_on=signed_end - datetime.timedelta(days=90),
        decision="Afbouw: drie maanden vroeger.",
        new_end_date=signed_end - datetime.timedelta(days=90),
        new_subsidy=Decimal("400000.00"),
    )
    # The cluster holds the current end date; the audit-log rule of core.known sets it
    # back for a day before the write (the test writes today).
    cluster = Cluster.objects.get(pk=cluster_a.pk)
    assert cluster.end_date == signed_end - datetime.timedelta(days=90)
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    (as_then,) = known.cluster_attributes([cluster], yesterday)
    assert (as_then.end_date, as_then.subsidy) == (signed_end, cluster_a.subsidy)
    assert Payment.objects.count() == 0


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(day=st.dates(datetime.date(2023, 11, 1), datetime.date(2027, 6, 30)))
def test_the_schedule_as_of_a_day_ignores_what_came_after(day):
    """Approvals and payments after D change nothing in the payment schedule as of D."""
    from django.db import transaction

    def schedule(agreement):
        return [
            (s.tranche.number, s.paid, s.payable, s.reason)
            for s in _states(agreement, day).values()
        ]

    with transaction.atomic():
        agreement = _agreement()
        as_of = schedule(agreement)
        later = max(day, START) + datetime.timedelta(days=1)
        approvals = [
            (1, datetime.date(2025, 2, 1)),
            (2, datetime.date(2026, 2, 1)),
            (3, datetime.date(2027, 2, 1)),
        ]
        for year, approved in approvals:
            approve_report(agreement.cluster, year, moment(max(approved, later)))
        today = datetime.date(2030, 1, 1)
        for state in _states(agreement, today).values():
            paid_on = max(later, state.tranche.payable_from or START)
            if not _states(agreement, paid_on)[state.tranche.number].payable:
                paid_on = today
            services.record_payment(
                ACTOR,
                state.tranche,
                paid_on=paid_on,
                reference=f"P-{state.tranche.number}",
                amount=state.tranche.amount,
                today=today,
            )
        assert schedule(agreement) == as_of
        transaction.set_rollback(True)
