"""Early warnings (issue 6 §5): each kind on a small hand-built case, and the worklist
pages per persona."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from clustermonitor.core import audit
from clustermonitor.members.models import Contribution
from clustermonitor.monitoring import services, warnings
from clustermonitor.programmes.models import ReportedFigure, Target
from tests.factories import membership, organisation

pytestmark = pytest.mark.usefixtures("english")

ACTOR = audit.Actor.system("test")


def _kinds(found, cluster):
    return sorted(w.kind for w in found if w.cluster == cluster)


def test_an_overdue_report_is_warned_until_it_is_submitted(cluster_a):
    services.create_periods(ACTOR, cluster_a)
    first = cluster_a.reporting_periods.get(number=1)
    before, after = first.due_date, first.due_date + datetime.timedelta(days=1)
    assert not warnings.overdue_reports([cluster_a], before)
    found = warnings.overdue_reports([cluster_a], after)
    assert [w.kind for w in found] == ["report"] and "year 1" in found[0].message
    first.report.state = "submitted"
    first.report.save()
    assert not warnings.overdue_reports([cluster_a], after)


def _paying(cluster, amounts, year, start=None):
    members = []
    for i, amount in enumerate(amounts):
        org = organisation(8800 + i + year * 10 % 100, name=f"Betaler {year} {i}")
        m = membership(org, cluster, start=start or cluster.start_date)
        Contribution.objects.create(membership=m, year=year, amount=Decimal(amount), status="paid")
        members.append(m)
    return members


def test_the_cofinancing_rule_not_met_in_a_past_year(cluster_a):
    cluster_a.subsidy = Decimal(300_000)
    cluster_a.save()
    year = cluster_a.start_date.year + 1
    _paying(cluster_a, [10_000, 5_000], year)
    found = warnings.cofinancing_warnings([cluster_a], datetime.date(year + 1, 3, 1))
    assert [(w.kind, w.severity, w.date.year) for w in found] == [("cofinancing", "high", year)]
    assert f"not met in {year}" in found[0].message
    # The other years have no contributions recorded: no data, no warning.


def test_a_closed_agreement_is_not_on_the_worklist(cluster_a):
    cluster_a.subsidy = Decimal(300_000)
    cluster_a.save()
    year = cluster_a.start_date.year + 1
    _paying(cluster_a, [10_000], year)
    after = cluster_a.end_date + datetime.timedelta(days=1)
    assert not warnings.cofinancing_warnings([cluster_a], after)


def test_a_single_loss_that_would_break_the_rule_is_at_risk(cluster_a):
    year = cluster_a.start_date.year + 1
    cluster_a.subsidy = Decimal(30_000)  # 10,000 a year for 3 years: 10,000 required
    cluster_a.save()
    _paying(cluster_a, [8_000, 1_500, 1_500], year)
    today = datetime.date(year, 6, 1)
    found = [w for w in warnings.cofinancing_warnings([cluster_a], today) if w.date.year == year]
    assert [(w.kind, w.severity) for w in found] == [("cofinancing", "medium")]
    assert "losing one of 3 contributions" in found[0].message


def test_a_key_contributor_that_left_is_warned(cluster_a):
    year = cluster_a.start_date.year + 1
    big, small, _other = _paying(cluster_a, [6_000, 2_000, 2_000], year)
    big.end_date = datetime.date(year + 1, 2, 1)
    big.save()
    small.end_date = datetime.date(year + 1, 2, 1)
    small.save()
    found = warnings.contributor_warnings([cluster_a], datetime.date(year + 1, 3, 1))
    assert [w.details["share"] for w in found] == [0.6]  # 2,000 of 10,000 is below 25 %
    assert "60 %" in found[0].message
    # A year later it is no longer news.
    assert not warnings.contributor_warnings([cluster_a], datetime.date(year + 2, 3, 1))


def test_a_kpi_off_track_for_a_running_cluster(cluster_a):
    today = cluster_a.start_date + datetime.timedelta(days=800)
    kpi = cluster_a.programme.kpis.get(code="KPI1")
    Target.objects.create(
        cluster=cluster_a, kpi=kpi, due_date=cluster_a.end_date, value=Decimal(300)
    )
    ReportedFigure.objects.create(
        metric="KPI1",
        value=Decimal(50),
        cluster=cluster_a,
        basis="reported",
        period_end=cluster_a.start_date + datetime.timedelta(days=364),
        source="Voortgangsrapport test",
        source_date=today,
    )
    found = warnings.kpi_warnings([cluster_a], today)
    assert [(w.kind, w.severity) for w in found] == [("kpi", "high")]
    assert "KPI1 is off track" in found[0].message


def test_the_worklist_shows_the_warnings_of_the_clusters_followed(cluster_a, client_for, persona):
    cluster_a.account_manager = persona("account_manager")
    cluster_a.save()
    services.create_periods(ACTOR, cluster_a)
    page = client_for("account_manager").get(reverse("monitoring:warnings"))
    assert page.context["mine"] is True
    assert {w.cluster.code for w in page.context["warnings"]} <= {"EUKA"}
    everything = client_for("account_manager").get(reverse("monitoring:warnings") + "?mine=0")
    assert everything.context["mine"] is False
    own = client_for("cluster_manager_a").get(reverse("monitoring:warnings-cluster", args=["EUKA"]))
    assert own.status_code == 200 and "report" in _kinds(own.context["warnings"], cluster_a)
