"""The demo's annual accounts (issue 20; clustermonitor/demodata/impact.py): the member
companies and a comparison population outside every cluster file yearly accounts with
the documented effect of membership; the same seed and day give the same rows, a second
load writes nothing, and the 2020 report does not move."""

import datetime
import math
import statistics
from collections import defaultdict

import pytest
from django.db.models import F

from clustermonitor.core.models import AuditEntry
from clustermonitor.demodata import impact as demo
from clustermonitor.impact.models import AnnualAccounts
from clustermonitor.members.models import Membership
from clustermonitor.registry.models import FirmFigures, Organisation
from clustermonitor.reports.build import build_document
from clustermonitor.reports.document import Figure
from tests import report_2020

pytestmark = pytest.mark.usefixtures("english")

TODAY = datetime.date(2026, 12, 7)
REPORT_DATE = datetime.date(2020, 1, 31)
FIELDS = [
    f.attname
    for f in AnnualAccounts._meta.concrete_fields
    if f.attname not in ("id", "organisation_id", "imported_at")
]


def _planned(planned) -> dict:
    """The planned filings by (number, period end, deposit): their values."""
    return {
        (number, row["period_end"], row["filed_on"]): tuple(row.get(f) for f in FIELDS)
        for number, rows in planned.filings.items()
        for row in rows
    }


def _written() -> dict:
    return {
        (values[0], values[1 + FIELDS.index("period_end")], values[1 + FIELDS.index("filed_on")]): (
            values[1:]
        )
        for values in AnnualAccounts.objects.values_list("organisation__enterprise_number", *FIELDS)
    }


def _companies(planned) -> list[tuple]:
    return [
        (o.enterprise_number, o.name, o.postcode, o.nace_2008_id, o.start_date, o.legal_form_id)
        for o, _f in planned.comparison
    ]


def test_the_horizon_and_the_documented_effect():
    assert demo.horizon(datetime.date(2026, 12, 7)) == 2025
    assert demo.horizon(datetime.date(2026, 7, 31)) == 2025
    assert demo.horizon(datetime.date(2026, 7, 30)) == 2024
    assert demo.effect("fte", 2017, 2016) == 0  # no anticipation
    assert demo.effect("fte", 2017, 2017) == pytest.approx(0.04)
    assert demo.effect("fte", 2017, 2021) == pytest.approx(0.20)
    assert demo.effect("turnover", 2017, 2030) == pytest.approx(0.15)  # constant after 5
    assert demo.effect("gross_margin", 2017, 2018) == pytest.approx(0.06)
    assert demo.effect("total_assets", 2017, 2020) == 0
    assert demo.effect("fte", None, 2020) == 0


@pytest.fixture(scope="module")
def planned(calibrated_demo, django_db_blocker):
    """The plan for the demo's seed and TODAY (reads the calibrated demo, writes nothing)."""
    with django_db_blocker.unblock():
        return demo.plan(seed=2020, today=TODAY)


def test_another_seed_or_a_later_day(planned, db):
    """The same seed and day give the same rows: the load's own plan writes what the
    module's plan holds (below). Another seed gives other figures; a later day the same
    filings, and more."""
    assert planned.years == (2010, 2025)
    shocks = demo.year_shocks(7, 2026)
    firms = planned.members[:20] + [f for _o, f in planned.comparison[:20]]
    other = {f.number: demo.filings(f, 7, shocks, 2025, TODAY) for f in firms}
    assert other != {f.number: planned.filings[f.number] for f in firms}
    later_day = datetime.date(2027, 8, 15)
    shocks = demo.year_shocks(2020, demo.horizon(later_day))
    for firm in firms:
        later = demo.filings(firm, 2020, shocks, demo.horizon(later_day), later_day)
        assert all(row in later for row in planned.filings[firm.number])
        assert len(later) >= len(planned.filings[firm.number])


def test_the_accounts_of_members_and_comparison_companies(planned, db):
    before = _other_chapters(report_2020.document(REPORT_DATE))  # perhaps built already
    members = set(
        Organisation.objects.filter(
            kind="company", memberships__isnull=False, enterprise_number__isnull=False
        ).values_list("pk", flat=True)
    )
    organisations = Organisation.objects.count()
    summary = demo.load(seed=2020, today=TODAY)
    assert summary == {
        "member companies": len(members),
        "comparison companies": 3 * len(members),
        "annual accounts": len(_planned(planned)),
        "years": [2010, 2025],
    }
    # What was written is what was planned (a plan of its own: the same seed and day give
    # the same rows); a second load writes nothing.
    assert _written() == _planned(planned)
    numbers = [c[0] for c in _companies(planned)]
    made = {
        o.enterprise_number: o for o in Organisation.objects.filter(enterprise_number__in=numbers)
    }
    assert [
        (
            n,
            made[n].name,
            made[n].postcode,
            made[n].nace_2008_id,
            made[n].start_date,
            made[n].legal_form_id,
        )
        for n in numbers
    ] == _companies(planned)
    assert demo.load(seed=2020, today=TODAY)["annual accounts"] == 0
    assert AnnualAccounts.objects.count() == summary["annual accounts"]

    # The comparison companies: new, valid, outside every cluster.
    comparison = Organisation.objects.exclude(pk__in=members).filter(annual_accounts__isnull=False)
    assert comparison.distinct().count() == summary["comparison companies"]
    assert Organisation.objects.count() == organisations + summary["comparison companies"]
    assert not Membership.objects.filter(organisation__in=comparison).exists()
    for org in comparison.distinct().order_by("pk")[:30]:
        org.full_clean()
        assert org.kind == "company" and org.country == "BE" and org.nace_2008_id

    # Schemes, deposits, magnitudes.
    accounts = AnnualAccounts.objects.all()
    assert not accounts.filter(scheme="micro", turnover__isnull=False).exists()
    assert not accounts.filter(scheme="micro", gross_margin__isnull=True).exists()
    assert not accounts.filter(scheme="full", turnover__isnull=True).exists()
    abbreviated = accounts.filter(scheme="abbreviated")
    share = abbreviated.filter(turnover__isnull=False).count() / abbreviated.count()
    assert 0.3 < share < 0.5
    assert not accounts.filter(filed_on__lte=F("period_end")).exists()
    assert not accounts.filter(filed_on__gt=TODAY).exists()
    assert accounts.filter(operating_profit__lt=0).exists()
    assert set(accounts.values_list("source", flat=True)) == {"demo"}
    sample = list(accounts.order_by("pk").values_list("pk", flat=True))[::997]
    for row in accounts.filter(pk__in=sample):
        row.full_clean()

    # Where the registry has firm figures, the accounts say the same.
    figures = {
        (o, y): (e, t, b)
        for o, y, e, t, b in FirmFigures.objects.values_list(
            "organisation_id", "year", "employees", "turnover", "balance_total"
        )
    }
    checked = 0
    for org, end, fte, turnover, assets in accounts.values_list(
        "organisation_id", "period_end", "fte", "turnover", "total_assets"
    ):
        known = figures.get((org, end.year))
        if known is None:
            continue
        checked += 1
        assert fte == known[0]
        assert turnover is None or known[1] is None or turnover == known[1]
        assert known[2] is None or assets == known[2]
    assert checked > 1000

    # One audit entry per kind of record written.
    for what in ("annual accounts", "comparison companies"):
        assert AuditEntry.objects.filter(via="demo", object_repr__contains=what).count() == 1

    _check_the_effect()
    # No figure of the 2020 report moves but those of its chapter on economic effects,
    # which the accounts deposited by then now fill.
    after = build_document(as_of=REPORT_DATE)
    assert _other_chapters(after) == before
    impact = next(s for s in after.sections if s.key == "impact")
    assert any(getattr(b, "key", "") == "impact_estimates" for b in impact.blocks)


def _other_chapters(document) -> list:
    """Every table and text of the report outside the chapter on economic effects."""

    def blocks(section) -> list:
        return [
            (section.key, b.text if hasattr(b, "text") else (b.key, b.rows))
            for b in section.blocks
            if not isinstance(b, Figure)
        ] + [found for sub in section.subsections for found in blocks(sub)]

    return [found for s in document.sections if s.key != "impact" for found in blocks(s)]


def _check_the_effect():
    """A crude contrast (the estimator does it properly): members' mean log-FTE growth in
    the five years from entry exceeds the comparison companies' of the same years by
    about the documented 4 % a year; before entry it does not (no anticipation)."""
    cohorts: dict[int, int] = {}
    for org, start in Membership.objects.values_list("organisation_id", "start_date"):
        cohorts[org] = min(cohorts.get(org, start.year), start.year)
    series: dict[int, dict[int, float]] = defaultdict(dict)
    for org, end, fte in AnnualAccounts.objects.values_list("organisation_id", "period_end", "fte"):
        series[org][end.year] = math.log(float(fte))
    control: dict[int, list[float]] = defaultdict(list)
    after, before = [], []
    for org, years in series.items():
        for year, value in years.items():
            if year - 1 not in years:
                continue
            growth = value - years[year - 1]
            cohort = cohorts.get(org)
            if cohort is None:
                control[year].append(growth)
            elif 0 <= year - cohort < demo.EFFECT_YEARS:
                after.append((year, growth))
            elif year < cohort:
                before.append((year, growth))
    mean = {year: statistics.mean(values) for year, values in control.items()}
    effect = statistics.mean(g - mean[y] for y, g in after)
    assert abs(effect - demo.EFFECT["fte"]) < 0.01
    assert abs(statistics.mean(g - mean[y] for y, g in before)) < 0.01


def test_nothing_is_written_without_members_or_beside_imported_accounts(db):
    empty = {"member companies": 0, "comparison companies": 0, "annual accounts": 0}
    assert demo.load(seed=2020, today=TODAY) == empty  # the world has no members
    organisation = Organisation.objects.create(name="Echt bv", enterprise_number="0403170701")
    AnnualAccounts.objects.create(
        organisation=organisation,
        period_end=datetime.date(2024, 12, 31),
        filed_on=datetime.date(2025, 7, 20),
        source=AnnualAccounts.Source.CSV,
    )
    assert demo.load(seed=2020, today=TODAY) == empty
    assert AnnualAccounts.objects.count() == 1
