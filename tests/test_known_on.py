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
    from clustermonitor.members.reach import reach_rows
    from clustermonitor.registry.models import FirmFigures

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


def _reported(cluster, period_end, source_date, value):
    from clustermonitor.programmes.models import ReportedFigure

    return ReportedFigure.objects.create(
        metric="KPI1", value=value, cluster=cluster, basis=ReportedFigure.Basis.REPORTED,
        period_end=period_end, source=f"progress report {period_end.year}",
        source_date=source_date,
    )  # fmt: skip


def _late_report(cluster_a):
    """KPI 1 reported for 2017 (approved 15/02/2018) and for 2018, approved late on
    01/09/2019: on 30/06/2019 the 2018 period had ended but its figure was not known."""
    _reported(cluster_a, datetime.date(2017, 12, 31), datetime.date(2018, 2, 15), 40)
    _reported(cluster_a, datetime.date(2018, 12, 31), datetime.date(2019, 9, 1), 90)


def _kpi1_row(rows):
    return next(r for r in rows if r.code == "KPI1")


def test_a_trajectory_as_of_a_date_uses_only_the_figures_known_on_it(cluster_a):
    """Trajectories (issue 14): a year's KPI value as of D is one reported by D; a figure
    approved after D is not used, even for a period that had ended."""
    from clustermonitor.monitoring.dashboard import cluster_trajectories, programme_trajectories

    _late_report(cluster_a)
    row = _kpi1_row(cluster_trajectories(cluster_a, D))
    assert [(f.period_end.year, f.value) for f in row.reported] == [(2017, 40)]
    assert row.trajectory.last.value == 40
    later = _kpi1_row(cluster_trajectories(cluster_a, datetime.date(2019, 9, 1)))
    assert [f.value for f in later.reported] == [40, 90]
    programme = [
        r for r in programme_trajectories(cluster_a.programme, D) if r.cluster == cluster_a
    ]
    assert [f.value for f in _kpi1_row(programme).reported] == [40]


def test_the_trajectory_page_as_of_a_date_goes_through_the_same_selectors(cluster_a, client_for):
    from django.urls import reverse

    _late_report(cluster_a)
    url = reverse("monitoring:trajectories-cluster", args=[cluster_a.code])
    page = client_for("programme_manager").get(url, {"on": D.isoformat()})
    assert page.status_code == 200
    assert [f.value for f in _kpi1_row(page.context["rows"]).reported] == [40]


def _late_collaborations(cluster_a):
    """Two collaborations of three companies: one whose first step is after D, one that
    was an idea on D and started after it."""
    from tests.collaboration_helpers import _companies, _started

    after = _started([cluster_a], "Begonnen na D", _companies(10, 3), datetime.date(2019, 9, 1))
    StageChange = after.stage_changes.model
    StageChange.objects.filter(collaboration=after).update(date=datetime.date(2019, 8, 1))
    StageChange.objects.filter(collaboration=after, stage="started").update(
        date=datetime.date(2019, 9, 1)
    )
    idea = _started([cluster_a], "Idee op D", _companies(20, 3), datetime.date(2019, 7, 15))
    StageChange.objects.filter(collaboration=idea, stage="idea").update(
        date=datetime.date(2019, 5, 1)
    )
    return after, idea


def test_the_kpi3_api_as_of_a_date_knows_only_the_steps_taken_by_then(cluster_a):
    """API (issue 14): KPI 3 until D does not list a collaboration that did not exist on
    D, and one that started after D had not started (not "started after the period")."""
    from clustermonitor.accounts import services
    from clustermonitor.accounts.models import User
    from clustermonitor.core import audit
    from tests.collaboration_helpers import _api

    after, idea = _late_collaborations(cluster_a)
    user = User.objects.get(username="programme_manager")
    token = services.create_token(audit.Actor(user, "test"), user, "test")[1]
    answer = _api(f"/api/clusters/{cluster_a.code}/kpi3?until={D.isoformat()}", token).json()
    listed = set(answer["not_counted"]) | {str(pk) for pk in answer["counted"]}
    assert str(after.pk) not in listed
    assert answer["not_counted"][str(idea.pk)] == "not_started"
    later = _api(f"/api/clusters/{cluster_a.code}/kpi3?until=2019-09-30", token).json()
    assert idea.pk in later["counted"] and after.pk in later["counted"]


def test_the_kpi3_export_as_of_a_date_knows_only_the_steps_taken_by_then(cluster_a, client_for):
    """Export (issue 14): the workbook of KPI 3 as of D, as the page and the API."""
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    _late_collaborations(cluster_a)
    url = reverse("collaborations:kpi3-cluster", args=[cluster_a.code])
    response = client_for("programme_manager").get(url, {"on": D.isoformat(), "format": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    titles = [
        row[0] for sheet in workbook.worksheets[1:] for row in sheet.iter_rows(values_only=True)
    ]
    assert "Idee op D" in titles
    assert "Begonnen na D" not in titles


def test_a_target_changed_later_is_as_it_was_on_the_date(cluster_a):
    """Rows with no business date (issue 14): a target is known with its cluster's
    agreement; a change to it from the time the audit log recorded it."""
    from django.utils import timezone

    from clustermonitor.core import audit
    from clustermonitor.monitoring.dashboard import dashboard
    from clustermonitor.programmes.models import Target

    on = datetime.date(2020, 1, 31)

    def target(day):
        data = dashboard(cluster_a.programme, year=day.year, today=day, cluster_type="IBN")
        row = next(r for r in data.rows if r["code"] == cluster_a.code)
        return row["cells"]["KPI1"].target.value

    kpi = cluster_a.programme.kpis.get(code="KPI1")
    changed = Target.objects.filter(cluster=cluster_a, kpi=kpi).order_by("-due_date").first()
    if changed is None:  # entered with the agreement (no audit entry: known from its start)
        changed = Target.objects.create(
            cluster=cluster_a, kpi=kpi, due_date=Target.default_due_date(cluster_a), value=150
        )
    before = target(on)
    assert before == changed.value
    changed.value = before + 100
    audit.save(audit.Actor.system("web"), changed)
    assert target(on) == before
    assert target(timezone.localdate()) == before + 100


def test_an_organisation_changed_later_is_as_it_was_on_the_date(cluster_a):
    """An organisation's attributes (no business date): a change recorded after the date
    is set back in the figures as of the date (here its kind, in the reach rows)."""
    from django.utils import timezone

    from clustermonitor.core import audit
    from clustermonitor.members.reach import reach_rows
    from clustermonitor.registry.models import Organisation

    org = factories.organisation(8, kind=Organisation.Kind.COMPANY)
    factories.membership(org, cluster_a, datetime.date(2017, 1, 1))
    org.kind = Organisation.Kind.OTHER
    audit.save(audit.Actor.system("web"), org)

    def kind(on):
        return next(
            r["kind"]
            for r in reach_rows(on=on, cluster=cluster_a)
            if r["organisation_id"] == org.pk
        )

    assert kind(D) == Organisation.Kind.COMPANY
    assert kind(timezone.localdate()) == Organisation.Kind.OTHER
