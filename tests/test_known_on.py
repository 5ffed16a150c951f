"""Known on D (issue 14; docs/definitions.md): a figure as of a date uses only what was
known on that date. Payments made later were unpaid then, memberships that start later
did not exist, clusters whose agreement starts later are not in the report, and a
year's firm figures are known from 1 August of the next year."""

import datetime
from decimal import Decimal

import pytest

from clustermonitor.core import known
from clustermonitor.members.models import Contribution
from clustermonitor.monitoring.dashboard import computed_kpis
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

D = datetime.date(2019, 6, 30)


def _paid(membership, year, paid_on):
    return Contribution.objects.create(
        membership=membership,
        year=year,
        amount=Decimal("500"),
        status=Contribution.Status.PAID,
        paid_on=paid_on,
    )


def test_kpi1_does_not_count_a_company_that_joined_and_paid_after_the_date(cluster_a):
    """The finding: at 30/06/2019 a company that joined on 13/12/2019 and paid its 2019
    fee on 08/03/2020 counted in KPI 1 (the contribution's year was compared with D's)."""
    early = factories.membership(factories.organisation(1), cluster_a, datetime.date(2017, 1, 1))
    _paid(early, 2017, datetime.date(2017, 3, 1))
    late = factories.membership(factories.organisation(2), cluster_a, datetime.date(2019, 12, 13))
    _paid(late, 2019, datetime.date(2020, 3, 8))
    values = computed_kpis([cluster_a], D).values[cluster_a.code]
    assert values["KPI1"] == 1
    assert computed_kpis([cluster_a], datetime.date(2020, 3, 8)).values[cluster_a.code]["KPI1"] == 2


def test_a_payment_made_after_the_date_was_unpaid_on_it(cluster_a):
    member = factories.membership(factories.organisation(3), cluster_a, datetime.date(2017, 1, 1))
    _paid(member, 2019, datetime.date(2019, 9, 1))
    assert computed_kpis([cluster_a], D).values[cluster_a.code]["KPI1"] == 0
    assert computed_kpis([cluster_a], datetime.date(2019, 9, 1)).values[cluster_a.code]["KPI1"] == 1


def _future_ibn(cluster_a, code="FUTR"):
    """A call-3 IBN created today whose agreement starts on 1/3/2020, with a KPI 1 target."""
    from clustermonitor.programmes.models import KPI, Call, Cluster, Target

    call = Call.objects.create(
        programme=cluster_a.programme, cluster_type=cluster_a.cluster_type, number=3,
        opens_on=datetime.date(2026, 9, 1),
    )  # fmt: skip
    cluster = Cluster.objects.create(
        programme=cluster_a.programme, code=code, name="Future cluster",
        cluster_type=cluster_a.cluster_type, call=call,
        start_date=datetime.date(2020, 3, 1), end_date=datetime.date(2023, 2, 28),
    )  # fmt: skip
    kpi = KPI.objects.get(programme=cluster_a.programme, code="KPI1")
    Target.objects.create(cluster=cluster, kpi=kpi, due_date=datetime.date(2023, 2, 28), value=300)
    return cluster


def test_a_cluster_that_starts_after_the_date_is_not_in_the_report_or_its_totals(cluster_a):
    """The finding: a report as of 31/01/2020 included a call created today whose clusters
    start in 2027 and added their targets to the programme's KPI 1 target sum."""
    from clustermonitor.monitoring.dashboard import dashboard
    from clustermonitor.reports.build import ReportError, resolve

    on = datetime.date(2020, 1, 31)
    before = dashboard(cluster_a.programme, year=2020, today=on, cluster_type="IBN")
    _future_ibn(cluster_a)
    after = dashboard(cluster_a.programme, year=2020, today=on, cluster_type="IBN")
    assert "FUTR" not in [c.code for c in resolve(on, None).clusters]
    assert "FUTR" not in [r["code"] for r in after.rows]
    assert (
        after.programme_total.totals["KPI1"].target == before.programme_total.totals["KPI1"].target
    )
    assert not any(g.key == "3" for g in after.by_call)
    with pytest.raises(ReportError, match="start after 2020-01-31"):
        resolve(on, ["FUTR"], "en")
    assert "FUTR" in [c.code for c in resolve(datetime.date(2020, 3, 1), None).clusters]


def test_a_report_as_of_a_day_in_the_future_is_refused_in_one_line():
    from django.utils import timezone

    from clustermonitor.reports.build import ReportError, resolve

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ReportError, match=r"is in the future \(today is .*\): no forecasts\.$"):
        resolve(tomorrow, None, "en")
    assert resolve(timezone.localdate(), None, "en").as_of == timezone.localdate()


def test_firm_figures_are_known_from_august_of_the_next_year():
    assert known.firm_figures_year(datetime.date(2020, 1, 31)) == 2018
    assert known.firm_figures_year(datetime.date(2020, 7, 31)) == 2018
    assert known.firm_figures_year(datetime.date(2020, 8, 1)) == 2019
    assert known.firm_figures_year(datetime.date(2020, 12, 31)) == 2019


def test_firm_figures_count_from_the_day_they_could_have_been_filed(cluster_a):
    """Size classes as of a date use the latest year whose accounts were filed by then:
    on 30/06/2019 the 2018 figures (filed by 31/07/2019 at the latest) are not known."""
    from clustermonitor.registry.models import FirmFigures
    from clustermonitor.registry.selectors import reach_rows

    org = factories.organisation(5)
    factories.membership(org, cluster_a, datetime.date(2017, 1, 1))
    FirmFigures.objects.create(organisation=org, year=2017, employees=8, source="t")
    FirmFigures.objects.create(organisation=org, year=2018, employees=300, source="t")

    def employees(on):
        return next(r["employees"] for r in reach_rows(on=on, cluster=cluster_a))

    assert employees(D) == 8
    assert employees(datetime.date(2019, 8, 1)) == 300


def test_table_8_sees_a_contribution_as_it_stood_on_the_date(cluster_a):
    """Co-financing as of D: a fee paid after D was invoiced (or only expected) on D."""
    from clustermonitor.members.figures import contribution_rows

    member = factories.membership(factories.organisation(6), cluster_a, datetime.date(2017, 1, 1))
    fee = _paid(member, 2019, datetime.date(2019, 9, 1))
    fee.invoiced_on = datetime.date(2019, 2, 1)
    fee.save()
    late = factories.membership(factories.organisation(7), cluster_a, datetime.date(2019, 12, 1))
    _paid(late, 2019, datetime.date(2019, 12, 15))

    def statuses(on):
        return [r["status"] for r in contribution_rows([cluster_a], on=on)]

    assert statuses(datetime.date(2019, 1, 31)) == ["expected"]
    assert statuses(D) == ["invoiced"]
    assert statuses(datetime.date(2019, 12, 31)) == ["paid", "paid"]
