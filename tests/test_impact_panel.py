"""The economic-impact panel as known on a date (impact.panel): the latest filing
deposited by D per company and year, the cohort from the memberships known on D, the
entry cluster, the covariates and the intensity of membership."""

import datetime

import pandas as pd
import pytest

from clustermonitor.activities.models import Activity, Participation
from clustermonitor.impact import panel
from clustermonitor.impact.models import AnnualAccounts
from clustermonitor.programmes.models import Programme
from tests import factories

D = datetime.date


def filing(org, year, fte, filed_on=None, **values):
    return AnnualAccounts.objects.create(
        organisation=org,
        period_end=D(year, 12, 31),
        filed_on=filed_on or D(year + 1, 7, 20),
        fte=fte,
        source=AnnualAccounts.Source.CSV,
        **values,
    )


@pytest.fixture
def programme(db):
    return Programme.objects.order_by("pk").first()


def test_the_latest_filing_deposited_by_the_day_holds(db):
    org = factories.organisation(1)
    filing(org, 2018, 10)
    filing(org, 2018, 12, filed_on=D(2020, 3, 1))  # a corrected filing, deposited later
    filing(org, 2019, 14, filed_on=D(2020, 7, 1))
    before = panel.accounts_known(D(2020, 1, 31))
    assert before[["year", "fte"]].values.tolist() == [[2018, 10.0]]  # 2019: not yet filed
    after = panel.accounts_known(D(2020, 8, 1))
    assert after[["year", "fte"]].values.tolist() == [[2018, 12.0], [2019, 14.0]]


def test_a_rubric_the_filing_lacks_stays_missing_never_zero(db):
    org = factories.organisation(1)
    filing(org, 2018, 3, gross_margin=90000)  # a micro scheme: no turnover
    row = panel.accounts_known(D(2020, 1, 1)).iloc[0]
    assert pd.isna(row["turnover"]) and row["gross_margin"] == 90000


def test_only_companies_count_on_either_side(db):
    school = factories.organisation(1, kind="knowledge")
    filing(school, 2018, 300)
    assert panel.accounts_known(D(2020, 1, 1)).empty


def test_the_cohort_is_the_year_of_the_first_membership_known_on_the_day(
    db, programme, cluster_a, cluster_b
):
    early, late, never = (factories.organisation(i) for i in (1, 2, 3))
    for org in (early, late, never):
        filing(org, 2017, 5)
    factories.membership(early, cluster_a, start=max(cluster_a.start_date, D(2016, 3, 1)))
    factories.membership(early, cluster_b, start=D(2019, 5, 1))
    factories.membership(late, cluster_b, start=D(2019, 5, 1))
    firms, _left_out = panel.firms_known(programme, D(2019, 1, 1))
    cohorts = dict(zip(firms["firm"], firms["cohort"], strict=True))
    assert cohorts[str(early.pk)] == max(cluster_a.start_date, D(2016, 3, 1)).year
    # Joined after the day: a comparison company as far as that day knew.
    assert pd.isna(cohorts[str(late.pk)]) and pd.isna(cohorts[str(never.pk)])
    firms, _left_out = panel.firms_known(programme, D(2019, 6, 1))
    assert dict(zip(firms["firm"], firms["cohort"], strict=True))[str(late.pk)] == 2019


def test_a_cluster_s_estimate_treats_those_that_entered_through_it(
    db, programme, cluster_a, cluster_b
):
    through_a, through_b = factories.organisation(1), factories.organisation(2)
    for org in (through_a, through_b):
        filing(org, 2018, 5)
    start = max(cluster_a.start_date, cluster_b.start_date, D(2017, 1, 1))
    factories.membership(through_a, cluster_a, start=start)
    factories.membership(through_b, cluster_b, start=start + datetime.timedelta(days=1))
    factories.membership(through_b, cluster_a, start=start + datetime.timedelta(days=400))
    firms, left_out = panel.firms_known(programme, D(2020, 1, 1), clusters=[cluster_a])
    assert list(firms["firm"]) == [str(through_a.pk)]
    assert left_out == {"entered through another cluster": 1}
    assert firms.iloc[0]["embedding"] == cluster_a.embedding


def test_covariates_come_from_the_registry_and_the_first_accounts(db, programme):
    org = factories.organisation(1, start_date=D(2001, 5, 1))
    filing(org, 2012, 60)
    filing(org, 2013, 4)
    frame = panel.attributes([str(org.pk)], panel.accounts_known(D(2020, 1, 1)), D(2020, 1, 1))
    row = frame.iloc[0]
    assert row["size_class"] == "medium"  # from the first year's FTE (60)
    assert row["age_class"] == "10-19"  # 2012 − 2001
    assert row["nace_section"] is None  # unknown: left out of the conditional estimate only


def test_intensity_counts_what_the_member_did_by_the_day(db, programme, cluster_a):
    org = factories.organisation(1)
    filing(org, 2014, 5)  # a company is in the panel once accounts of it are known
    start = max(cluster_a.start_date, D(2017, 1, 1))
    factories.membership(org, cluster_a, start=start)
    for day in (D(start.year, 6, 1), D(start.year, 9, 1), D(2030, 1, 1)):
        activity = Activity.objects.create(title="Workshop", kind="workshop", date=day)
        activity.clusters.add(cluster_a)
        Participation.objects.create(activity=activity, organisation=org)
    built = panel.build(programme, D(start.year, 12, 31))
    rows = built.intensity
    assert rows[["year", "activities"]].values.tolist() == [[start.year, 2]]
    band = dict(zip(built.firms["firm"], built.firms["intensity"], strict=True))
    assert band[str(org.pk)] == "active"  # two activities in its one year
