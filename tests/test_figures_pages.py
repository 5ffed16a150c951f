"""The co-financing, participation and KPI pages on records (issue 4)."""

import datetime

from django.urls import reverse

from clustermonitor.activities.models import Activity, Participation
from clustermonitor.members.models import Contribution
from tests.factories import membership, organisation


def _paying_members(cluster, n, amount, year=2018, start=datetime.date(2017, 1, 1), first=1000):
    members = []
    for i in range(n):
        m = membership(organisation(first + i), cluster, start=start)
        Contribution.objects.create(
            membership=m, year=year, amount=amount, status="paid", paid_on=datetime.date(year, 3, 1)
        )
        members.append(m)
    return members


def test_table_8_for_31_equal_fees(client_for, cluster_a):
    _paying_members(cluster_a, 31, 5000)
    page = client_for("cluster_manager_a").get(
        reverse("members:cofinancing", args=["EUKA"]), {"year": 2018}
    )
    concentration = page.context["concentration"]
    assert (concentration["n"], concentration["k"], concentration["n_max"]) == (31, 16, 31)
    ledger = {r["year"]: r for r in page.context["ledger"]}
    # EUKA's subsidy spread over 2017–2019: about 150,000 a year; 155,000 paid in 2018.
    assert ledger[2018]["paid"] == 155000 and ledger[2018]["rule_met"]
    assert not ledger[2017]["rule_met"]
    assert "<svg" in page.content.decode()


def test_one_large_contributor_is_flagged(client_for, cluster_a):
    members = _paying_members(cluster_a, 30, 5000)
    Contribution.objects.filter(membership=members[0]).update(amount=60000)
    page = client_for("cluster_manager_a").get(
        reverse("members:cofinancing", args=["EUKA"]), {"year": 2018}
    )
    text = " ".join(page.context["warnings"])
    assert "29 %" in text  # 60,000 of 205,000
    assert page.context["at_risk"][0] == members[0].organisation.name


def test_the_programme_table_8_and_its_xlsx(client_for, cluster_a, cluster_b):
    _paying_members(cluster_a, 3, 1000)
    client = client_for("evaluator")
    page = client.get(reverse("members:table8"), {"year": 2018})
    assert [r["cluster"] for r in page.context["rows"] if r["n"]] == ["EUKA"]
    assert (
        client.get(reverse("members:table8"), {"year": 2018, "format": "xlsx"}).status_code == 200
    )


def test_kpi_1_and_2_with_the_companies_behind_them(client_for, cluster_a):
    # EUKA's agreement starts 1/1/2017: a member since 2016 is not new.
    old = _paying_members(cluster_a, 1, 500, start=datetime.date(2016, 5, 1))
    _paying_members(cluster_a, 2, 500, first=2000)
    old[0].organisation.name = "Oud lid"
    old[0].organisation.save()
    page = client_for("cluster_manager_a").get(
        reverse("members:kpis-cluster", args=["EUKA"]), {"on": "2019-12-31"}
    )
    (row,) = page.context["rows"]
    assert (row["kpi1"], row["kpi2"]) == (3, 2)
    # Known on D (issue 14): the 2020 figure beside it once published (31/01/2020).
    assert row["reported_kpi1"] is None
    page = client_for("cluster_manager_a").get(
        reverse("members:kpis-cluster", args=["EUKA"]), {"on": "2020-01-31"}
    )
    (row,) = page.context["rows"]
    assert (row["kpi1"], row["kpi2"]) == (3, 2)
    assert row["reported_kpi1"].value == 196
    assert {c["organisation"]: c["new"] for c in page.context["companies"]}["Oud lid"] is False


def test_the_share_of_active_members(client_for, cluster_a):
    members = _paying_members(cluster_a, 3, 100)
    for day in (10, 20):
        activity = Activity.objects.create(
            title=f"A{day}", kind="event", date=datetime.date(2019, 6, day)
        )
        activity.clusters.add(cluster_a)
        Participation.objects.create(activity=activity, organisation=members[0].organisation)
    page = client_for("cluster_manager_a").get(
        reverse("monitoring:participation-cluster", args=["EUKA"]), {"on": "2019-12-31"}
    )
    euka = next(r for r in page.context["overall"] if r["cluster"] == "EUKA")
    assert (euka["n_members"], euka["n_active"]) == (3, 1)


def _queries(client, url, params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_query_counts_stay_the_same_when_the_data_grows(client_for, cluster_a):
    client = client_for("programme_manager")
    pages = [
        (reverse("members:cofinancing", args=["EUKA"]), {"year": 2018}),
        (reverse("members:table8"), {"year": 2018}),
        (reverse("members:kpis"), {"on": "2019-12-31"}),
        (reverse("monitoring:participation"), {"on": "2019-12-31"}),
        (reverse("members:contribution-list", args=["EUKA"]), {"year": 2018}),
    ]
    _paying_members(cluster_a, 5, 1000)
    for url, params in pages:
        client.get(url, params)  # warm caches (content types, session)
    small = [_queries(client, url, params) for url, params in pages]
    _paying_members(cluster_a, 40, 1000, first=3000)
    large = [_queries(client, url, params) for url, params in pages]
    assert small == large
