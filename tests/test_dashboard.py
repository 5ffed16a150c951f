"""The programme dashboard (Tables 5 and 7) and the trajectories (issue 6)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from clustermonitor.collaborations import services as collaboration_services
from clustermonitor.collaborations.models import Collaboration, Stage
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.members.models import Contribution
from clustermonitor.monitoring import dashboard as selectors
from clustermonitor.programmes.models import (
    KPI,
    Cluster,
    Programme,
    PublishedFigure,
    ReportedFigure,
    Target,
)
from clustermonitor.programmes.table5_reference import load_table5, read_table5
from tests.conftest import ALL_PERSONAS, CLUSTER_A
from tests.factories import membership, organisation

pytestmark = pytest.mark.usefixtures("english")

ACTOR = audit.Actor.system("test")
D = Decimal


@pytest.fixture
def programme(db) -> Programme:
    return Programme.objects.get(slug="vlaams-clusterbeleid")


@pytest.fixture
def table5(programme):
    load_table5(programme, ACTOR)
    return programme


def _target(cluster, code, value):
    kpi = KPI.objects.get(programme=cluster.programme, code=code)
    return Target.objects.create(
        cluster=cluster, kpi=kpi, due_date=Target.default_due_date(cluster), value=value
    )


def _report(cluster, code, value, period_end, source="Voortgangsrapport jaar 3"):
    return ReportedFigure.objects.create(
        metric=code,
        cluster=cluster,
        value=value,
        basis=ReportedFigure.Basis.REPORTED,
        period_end=period_end,
        source=f"{source} {cluster.code}",
        source_date=period_end + datetime.timedelta(days=60),
    )


def _paying(cluster, n, *, year=2018, start=datetime.date(2017, 1, 1), first=5000):
    for i in range(n):
        m = membership(organisation(first + i), cluster, start=start)
        Contribution.objects.create(
            membership=m, year=year, amount=500, status="paid", paid_on=datetime.date(year, 3, 1)
        )


def _started_collaboration(cluster, on, first=6000):
    collaboration = collaboration_services.create(
        ACTOR,
        Collaboration(programme=cluster.programme, title=f"Pilot {first}"),
        [cluster],
        stage=Stage.IDEA,
        on=on,
    )
    for i in range(3):
        collaboration_services.set_party(ACTOR, collaboration, organisation(first + i), "partner")
    collaboration_services.change_stage(ACTOR, collaboration, Stage.STARTED, on=on)
    return collaboration


# Table 5 as published ----------------------------------------------------------------


def test_table_5_is_loaded_as_published_figures_once(programme):
    # load-reference loaded them already (the session world): a second load writes none.
    changed = load_table5(programme, ACTOR)
    figures = {f.key: f for f in PublishedFigure.objects.filter(key__startswith="table5.")}
    assert changed == 0
    assert len(figures) == len(read_table5()) == 22
    assert {k: figures[f"table5.{k}"].value for k in ("KPI1.reported", "KPI1.target_3y")} == {
        "KPI1.reported": 1132,
        "KPI1.target_3y": 1337,
    }
    assert (figures["table5.KPI2.reported"].value, figures["table5.KPI2.target_3y"].value) == (
        658,
        690,
    )
    assert (figures["table5.KPI3.reported"].value, figures["table5.KPI3.target_3y"].value) == (
        176,
        246,
    )
    assert figures["table5.by_embedding.zelfstandig.active_members"].value == 692
    assert figures["table5.by_embedding.gevestigd.new_members"].value == 232
    assert figures["table5.subsidy_over_400k.share_of_total"].value == D("0.57")
    one = figures["table5.KPI1.reported"]
    assert (one.source, one.source_date) == ("IBN-evaluatie 2020", datetime.date(2020, 1, 31))
    assert AuditEntry.objects.filter(object_repr__startswith="table5.").count() == 22
    # A second load changes nothing and writes no audit entry.
    assert load_table5(programme, ACTOR) == 0
    assert AuditEntry.objects.filter(object_repr__startswith="table5.").count() == 22


def test_a_changed_figure_is_put_back(programme):
    load_table5(programme, ACTOR)
    PublishedFigure.objects.filter(key="table5.KPI1.reported").update(value=1)
    assert load_table5(programme, ACTOR) == 1
    assert PublishedFigure.objects.get(key="table5.KPI1.reported").value == 1132


# The dashboard on the 2020 portfolio -------------------------------------------------


def test_programme_wide_reported_sums_stand_beside_table_5(table5):
    data = selectors.dashboard(table5, today=datetime.date(2020, 6, 30), cluster_type="IBN")
    kpi1, kpi2, kpi3 = (data.programme_total.totals[c] for c in ("KPI1", "KPI2", "KPI3"))
    # Table 7 sums to 1,166 members and 194 collaborations over the 17 clusters that
    # reported; Table 5 prints 1,132 and 176.
    assert (kpi1.reported, kpi1.n_reported, kpi1.published_value) == (1166, 17, 1132)
    assert (kpi3.reported, kpi3.n_reported, kpi3.published_value) == (194, 17, 176)
    assert (kpi1.difference_published, kpi3.difference_published) == (34, 18)
    # KPI 2 per cluster was never published: only Table 5's total.
    assert (kpi2.n_reported, kpi2.published_value, kpi2.difference_published) == (0, 658, None)
    # Our rounding reproduces Table 5's percentages.
    assert [t.published_attained for t in (kpi1, kpi2, kpi3)] == [85, 95, 72]
    assert [t.published_pct.value for t in (kpi1, kpi2, kpi3)] == [85, 95, 72]
    # The three IBNs without a report (**) carry their targets, not reported values.
    assert (kpi1.target, kpi1.n_target, kpi3.target, kpi3.n_target) == (189, 3, 46, 3)
    assert kpi1.reported_pct is None  # no cluster has both a report and a target


def test_by_call_and_by_embedding(table5):
    data = selectors.dashboard(table5, today=datetime.date(2020, 6, 30), cluster_type="IBN")
    calls = {g.key: g for g in data.by_call}
    assert (calls["1"].n_clusters, calls["2"].n_clusters) == (14, 6)
    assert (calls["1"].totals["KPI1"].reported, calls["2"].totals["KPI1"].reported) == (1082, 84)
    assert (calls["1"].totals["KPI3"].reported, calls["2"].totals["KPI3"].reported) == (178, 16)
    assert calls["1"].totals["KPI3"].published_target_value == 165
    embedding = {g.key: g for g in data.by_embedding}
    independent, hosted = embedding["zelfstandig"], embedding["gevestigd"]
    assert (independent.totals["KPI1"].reported, hosted.totals["KPI1"].reported) == (719, 447)
    assert independent.totals["KPI1"].published_value == 692
    assert (hosted.totals["KPI1"].published_value, hosted.totals["KPI2"].published_value) == (
        447,
        232,
    )


def test_the_published_figures_are_left_out_for_other_types(table5):
    data = selectors.dashboard(table5, cluster_type="")
    assert not data.show_published
    assert data.programme_total.totals["KPI1"].published is None
    assert data.programme_total.n_clusters == Cluster.objects.count()


def test_the_year_picks_the_latest_report_of_a_period_ending_by_then(table5):
    euka = Cluster.objects.get(code="EUKA")
    _report(euka, "KPI1", 230, datetime.date(2019, 12, 31))

    def cell(year, code="EUKA", kpi="KPI1"):
        data = selectors.dashboard(table5, year=year, today=datetime.date(2021, 1, 1))
        row = next(r for r in data.rows if r["code"] == code)
        return row["cells"][kpi]

    # Year 2 of EUKA ended 31/12/2018 (the 2020 evaluation); year 3 on 31/12/2019.
    assert cell(2018).reported_value == 196
    assert cell(2019).reported_value == cell(None).reported_value == 230
    # Offshore Energy's year 2 ended 28/02/2019: nothing reported by the end of 2018.
    assert cell(2018, "OFFSH").reported is None
    assert cell(2019, "OFFSH").reported_value == 54
    assert cell(2018, "MAAS").reported is None  # call 2, one year: 30/06/2019
    assert cell(2019, "MAAS").marker == "*"


def test_the_years_are_those_of_operation(table5):
    data = selectors.dashboard(table5, today=datetime.date(2020, 6, 30))
    assert data.years == [2016, 2017, 2018, 2019, 2020]
    assert data.until == datetime.date(2020, 6, 30)
    data = selectors.dashboard(table5, year=2018, today=datetime.date(2020, 6, 30))
    assert (data.until, data.reported_until) == (datetime.date(2018, 12, 31),) * 2


def test_computed_values_and_percent_attained(table5, cluster_a):
    _paying(cluster_a, 4)
    _paying(cluster_a, 1, start=datetime.date(2015, 1, 1), first=5100)  # not new
    _started_collaboration(cluster_a, datetime.date(2018, 5, 1))
    _target(cluster_a, "KPI1", 250)
    data = selectors.dashboard(
        table5, year=2018, today=datetime.date(2020, 6, 30), cluster_type="IBN"
    )
    row = next(r for r in data.rows if r["code"] == CLUSTER_A)
    kpi1, kpi2, kpi3 = (row["cells"][c] for c in ("KPI1", "KPI2", "KPI3"))
    assert (kpi1.computed, kpi2.computed, kpi3.computed) == (5, 4, 1)
    assert (kpi1.reported_value, kpi1.target_value) == (196, 250)
    assert kpi1.reported_pct == 78  # 196 / 250 = 78.4 %
    assert kpi1.computed_pct == 2  # 5 / 250
    assert kpi1.difference == 5 - 196
    total = data.programme_total.totals["KPI1"]
    # Like for like: only EUKA has both a report and a target.
    assert (total.n_matched_reported, total.reported_pct) == (1, 78)
    assert (total.target, total.n_target) == (189 + 250, 4)
    assert total.computed == 5 and total.distinct == 5
    # A cluster that had not started by the reporting date is not in the tables at all
    # (known on D, issue 14): no row, no target in the totals.
    data = selectors.dashboard(table5, year=2016, today=datetime.date(2020, 6, 30))
    assert CLUSTER_A not in [r["code"] for r in data.rows]


def test_a_whole_percent_rounds_halves_up(table5, cluster_a):
    _target(cluster_a, "KPI1", 392)  # 196 / 392 = 50 %
    _target(cluster_a, "KPI3", 8)  # 20 / 8 = 250 %
    data = selectors.dashboard(table5)
    row = next(r for r in data.rows if r["code"] == CLUSTER_A)
    assert (row["cells"]["KPI1"].reported_pct, row["cells"]["KPI3"].reported_pct) == (50, 250)
    assert selectors.whole_percent(1, 8) == 13 and selectors.whole_percent(5, 200) == 3


# Pages ---------------------------------------------------------------------------------

DASHBOARD = {
    "anonymous": "login",
    "programme_manager": 200,
    "account_manager": 200,
    "evaluator": 200,
    "cluster_manager_a": 404,
    "cluster_manager_b": 404,
    "member_contact": 404,
    "reviewer": 404,
    "applicant": 404,
}
CLUSTER_A_PAGE = {**DASHBOARD, "cluster_manager_a": 200}


def _expect(response, expected):
    if expected == "login":
        assert response.status_code == 302 and "/login" in response["Location"]
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("name", ALL_PERSONAS)
def test_who_sees_the_pages(client_for, name):
    client = client_for(name)
    _expect(client.get(reverse("monitoring:dashboard")), DASHBOARD[name])
    _expect(client.get(reverse("monitoring:dashboard"), {"format": "xlsx"}), DASHBOARD[name])
    _expect(client.get(reverse("monitoring:trajectories")), DASHBOARD[name])
    url = reverse("monitoring:trajectories-cluster", args=[CLUSTER_A])
    _expect(client.get(url), CLUSTER_A_PAGE[name])


def test_an_unknown_cluster_is_not_found(client_for):
    response = client_for("programme_manager").get(
        reverse("monitoring:trajectories-cluster", args=["NOPE"])
    )
    assert response.status_code == 404


def test_the_dashboard_page(web, table5):
    response = web("programme_manager").get(reverse("monitoring:dashboard"))
    html = response.content.decode()
    assert response.context["data"].cluster_type == "IBN"  # opens on the IBNs
    assert 'id="table5"' in html and 'id="clusters"' in html
    assert "1.166" in html and "1.132" in html and "+34" in html
    assert reverse("members:kpis-cluster", args=["EUKA"]) in html
    assert reverse("collaborations:kpi3-cluster", args=["EUKA"]) in html
    assert reverse("monitoring:trajectories-cluster", args=["EUKA"]) in html
    assert "the first 14 IBNs" in html  # the figures on groups of clusters
    # A year outside the years of operation falls back to the latest figures.
    page = web("evaluator").get(reverse("monitoring:dashboard"), {"year": "1999"})
    assert page.context["data"].year is None


def test_the_dashboard_is_dutch_by_default(client_for, table5):
    html = client_for("evaluator").get(reverse("monitoring:dashboard")).content.decode()
    assert '<html lang="nl">' in html and "1.166" in html and "1.132" in html


def test_the_xlsx_export_is_deterministic(web, table5):
    client = web("evaluator")
    url = reverse("monitoring:dashboard")
    first = client.get(url, {"year": 2019, "type": "IBN", "format": "xlsx"})
    second = client.get(url, {"year": 2019, "type": "IBN", "format": "xlsx"})
    assert first.status_code == 200 and first.content == second.content
    assert first["Content-Disposition"].endswith('dashboard-vlaams-clusterbeleid-2019.xlsx"')
    book = load_workbook(io.BytesIO(first.content))
    assert book.sheetnames == ["Selection", "Table 5", "Table 7", "Published"]
    table7 = list(book["Table 7"].iter_rows(values_only=True))
    euka = next(r for r in table7 if r[0] == "EUKA")
    assert euka[table7[0].index("KPI1 reported")] == 196
    table5_rows = list(book["Table 5"].iter_rows(values_only=True))
    programme_kpi1 = next(r for r in table5_rows if r[0] == "Programme" and r[2].startswith("KPI1"))
    header = table5_rows[0]
    assert programme_kpi1[header.index("Reported (sum over clusters)")] == 1166
    assert programme_kpi1[header.index("Published (2020 evaluation)")] == 1132
    assert programme_kpi1[header.index("Reported sum − published")] == 34


def _more_clusters(n):
    template = Cluster.objects.get(code="EUKA")
    for i in range(n):
        cluster = Cluster.objects.create(
            programme=template.programme,
            code=f"EXTRA{i}",
            name=f"Extra {i}",
            cluster_type=template.cluster_type,
            call=template.call,
            embedding=template.embedding,
            start_date=template.start_date,
            end_date=template.end_date,
        )
        _report(cluster, "KPI1", 10 + i, datetime.date(2018, 12, 31))
        _target(cluster, "KPI1", 50)
        _paying(cluster, 1, first=8000 + 10 * i)


@pytest.mark.parametrize(
    "route,args",
    [("monitoring:dashboard", []), ("monitoring:trajectories", [])],
)
def test_query_counts_do_not_grow_with_the_clusters(client_for, table5, route, args):
    client = client_for("programme_manager")
    url = reverse(route, args=args)
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    _more_clusters(5)
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before)


def test_the_dashboard_takes_few_queries(client_for, table5, django_assert_max_num_queries):
    client = client_for("programme_manager")
    client.get(reverse("monitoring:dashboard"))
    with django_assert_max_num_queries(20):
        client.get(reverse("monitoring:dashboard"))
    with django_assert_max_num_queries(20):
        client.get(reverse("monitoring:dashboard"), {"format": "xlsx"})
    with django_assert_max_num_queries(14):
        client.get(reverse("monitoring:trajectories"))
    with django_assert_max_num_queries(11):
        client.get(reverse("monitoring:trajectories-cluster", args=[CLUSTER_A]))


# Trajectories --------------------------------------------------------------------------

ON = datetime.date(2019, 6, 30)


@pytest.fixture
def targets(db):
    euka, acb, bim = (Cluster.objects.get(code=c) for c in ("EUKA", "ACB", "BIM"))
    # Known on D (issue 14): a reported figure counts from its approval. The evaluation
    # (31/01/2020) reproduces what the clusters reported after two years: here approved
    # 60 days after their period, as `_report`'s.
    for figure in ReportedFigure.objects.filter(
        cluster__in=[euka, acb, bim], period_end__isnull=False
    ):
        figure.source_date = figure.period_end + datetime.timedelta(days=60)
        figure.save()
    # EUKA: 196 after 729 days of 1,094 → 294.1, against 400: off track (74 %).
    _target(euka, "KPI1", 400)
    # ACB: 140 after 729 of 1,094 days → 210.1, against 225: at risk (93 %).
    _target(acb, "KPI1", 225)
    # BIM: 75 after 729 of 1,094 days → 112.6, against 80: on track.
    _target(bim, "KPI1", 80)
    return euka, acb, bim


def test_off_track_lists_the_clusters_to_warn_about(programme, targets):
    euka, acb, _bim = targets
    assert selectors.off_track(programme, ON) == [
        (euka, "KPI1", "off_track", D("294.1"), D("400")),
        (acb, "KPI1", "at_risk", D("210.1"), D("225")),
    ]
    # After the agreements ended there is nobody to warn early.
    assert selectors.off_track(programme, datetime.date(2020, 6, 30)) == []
    assert len(selectors.off_track(programme, datetime.date(2020, 6, 30), running_only=False)) == 2
    # Before the first report there is nothing to judge.
    assert selectors.off_track(programme, datetime.date(2018, 6, 30)) == []


def test_a_later_report_moves_the_forecast(programme, targets):
    euka = targets[0]
    _report(euka, "KPI1", 380, datetime.date(2019, 6, 30))
    # Points (729, 196) and (910, 380): slope = (729·196 + 910·380) / (729² + 910²).
    slope = (D(729 * 196 + 910 * 380)) / D(729**2 + 910**2)
    # Known on D (issue 14): the report on the year to 30/6 counts once approved (29/8).
    early = [r for r in selectors.cluster_trajectories(euka, ON) if r.code == "KPI1"]
    assert [f.value for f in early[0].reported] == [196]
    approved = datetime.date(2019, 8, 29)
    (row,) = [r for r in selectors.cluster_trajectories(euka, approved) if r.code == "KPI1"]
    assert row.trajectory.method == "least_squares"
    assert abs(D(float(row.trajectory.forecast)) - slope * 1094) < D("0.000001")
    assert row.status == "at_risk"  # 368.9 of 400: 92 %
    assert [f.value for f in row.reported] == [196, 380]


def test_the_programme_page_lists_off_track_clusters_first(web, targets):
    page = web("account_manager").get(reverse("monitoring:trajectories"), {"on": ON})
    rows = page.context["rows"]
    assert [(r.cluster.code, r.code, r.status) for r in rows[:3]] == [
        ("EUKA", "KPI1", "off_track"),
        ("ACB", "KPI1", "at_risk"),
        ("BIM", "KPI1", "on_track"),
    ]
    assert {r.status for r in rows[3:]} == {"unknown"}
    html = page.content.decode()
    assert "least squares" in html and "90 %" in html  # the method is on the page


def test_the_cluster_page_for_its_own_manager(web, targets):
    url = reverse("monitoring:trajectories-cluster", args=[CLUSTER_A])
    page = web("cluster_manager_a").get(url, {"on": ON})
    html = page.content.decode()
    assert [r.code for r in page.context["rows"]] == ["KPI1", "KPI2", "KPI3"]
    assert page.context["rows"][0].status == "off_track"
    # KPI 2 has neither a report nor a target: nothing to draw.
    assert html.count("<svg") == 2 and "off track" in html
    assert not page.context["can_see_programme"]
    assert reverse("members:kpis-cluster", args=[CLUSTER_A]) in html


def test_a_trajectory_chart_is_drawn_once_for_what_it_shows(web, targets, settings, monkeypatch):
    """With results kept (core.memo, as in the demo and production), a chart is drawn
    once per trajectory, title and language, for every session; another date (another
    trajectory) draws its own, and the kept charts are those drawn without keeping."""
    from django.core.cache import cache

    from clustermonitor.monitoring import views_dashboard

    url = reverse("monitoring:trajectories-cluster", args=[CLUSTER_A])
    unkept = [row.chart for row in web("evaluator").get(url, {"on": ON}).context["rows"]]
    settings.CLUSTERMONITOR_MEMO = True
    cache.clear()
    drawn = []
    chart = views_dashboard.method.chart
    monkeypatch.setattr(
        views_dashboard.method, "chart", lambda *a, **k: drawn.append(a[0]) or chart(*a, **k)
    )
    try:
        first = web("cluster_manager_a").get(url, {"on": ON})
        again = web("evaluator").get(url, {"on": ON})
        assert len(drawn) == 2  # KPI 1 and KPI 3 (KPI 2 has nothing to draw)
        assert [r.chart for r in again.context["rows"]] == unkept
        assert [r.chart for r in first.context["rows"]] == unkept
        web("evaluator").get(url, {"on": "2018-06-30"})  # before the first report
        assert len(drawn) > 2 and drawn[2] != drawn[0]
    finally:
        cache.clear()
