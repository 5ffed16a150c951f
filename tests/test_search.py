"""The one search box (issue 16): every kind of record, only what the person may see."""

import datetime

import pytest
from django.urls import reverse

from clustermonitor.activities.models import Activity
from clustermonitor.collaborations.models import Collaboration
from clustermonitor.monitoring import search
from tests import factories
from tests.conftest import CLUSTER_A

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def records(cluster_a, cluster_b):
    ours = factories.organisation(901, name="Qwyxwerk Zuid NV")
    theirs = factories.organisation(902, name="Qwyxfabriek Noord NV")
    factories.membership(ours, cluster_a)
    factories.membership(theirs, cluster_b)
    for cluster, title in ((cluster_a, "Qwyx-werkgroep A"), (cluster_b, "Qwyx-werkgroep B")):
        activity = Activity.objects.create(
            title=title, kind="workshop", date=datetime.date(2019, 5, 1)
        )
        activity.clusters.add(cluster)
        collaboration = Collaboration.objects.create(
            programme=cluster.programme, title=f"Qwyxlab {cluster.code}"
        )
        collaboration.clusters.add(cluster)
    return ours, theirs


def _titles(user, query) -> dict[str, list[str]]:
    return {g.kind: [h.title for h in g.hits] for g in search.search(user, query)}


def test_a_cluster_manager_finds_only_their_own_clusters_records(records, persona):
    found = _titles(persona("cluster_manager_a"), "qwyx")
    assert found["organisations"] == ["Qwyxwerk Zuid NV"]
    assert found["activities"] == ["Qwyx-werkgroep A"]
    assert found["collaborations"] == [f"Qwyxlab {CLUSTER_A}"]


def test_the_agency_finds_everything(records, persona):
    found = _titles(persona("programme_manager"), "qwyx")
    assert found["organisations"] == ["Qwyxfabriek Noord NV", "Qwyxwerk Zuid NV"]
    assert len(found["activities"]) == 2 and len(found["collaborations"]) == 2


def test_an_enterprise_number_in_any_notation_finds_its_organisation(records, persona):
    ours, theirs = records
    dotted = factories.dotted(ours.enterprise_number)
    for query in (dotted, f"BE {ours.enterprise_number}", ours.enterprise_number[1:]):
        assert _titles(persona("cluster_manager_a"), query)["organisations"] == [ours.name]
    # Another cluster's member is not found, exactly as an unknown number.
    assert "organisations" not in _titles(persona("cluster_manager_a"), theirs.enterprise_number)


def test_a_member_contact_finds_clusters_but_no_records(records, persona):
    found = _titles(persona("member_contact"), "qwyx")
    assert set(found) <= {"clusters"}


def test_reports_are_found_by_their_clusters_code_for_those_who_read_them(cluster_a, persona):
    from clustermonitor.core import audit
    from clustermonitor.monitoring import services

    services.create_periods(audit.Actor.system("test"), cluster_a)
    assert len(_titles(persona("cluster_manager_a"), CLUSTER_A)["reports"]) == 3
    assert "reports" not in _titles(persona("cluster_manager_b"), CLUSTER_A)
    assert "reports" not in _titles(persona("member_contact"), CLUSTER_A)


def test_the_page(records, web):
    client = web("cluster_manager_a")
    text = client.get(reverse("monitoring:search"), {"q": "qwyx"}).content.decode()
    assert "Qwyxwerk Zuid NV" in text and "Qwyxfabriek Noord NV" not in text
    assert (
        "Type at least two characters."
        in client.get(reverse("monitoring:search"), {"q": "d"}).content.decode()
    )
    nothing = client.get(reverse("monitoring:search"), {"q": "zzzqqq"}).content.decode()
    assert 'id="no-results"' in nothing
    hostile = client.get(reverse("monitoring:search"), {"q": "<script>alert(1)</script>" * 20})
    assert hostile.status_code == 200 and b"<script>alert" not in hostile.content


def test_a_long_list_shows_the_first_ten_and_how_many(cluster_a, persona):
    for i in range(12):
        factories.membership(
            factories.organisation(950 + i, name=f"Zoekbedrijf {i:02d}"), cluster_a
        )
    group = next(
        g
        for g in search.search(persona("programme_manager"), "zoekbedrijf")
        if g.kind == "organisations"
    )
    assert group.total == 12 and len(group.hits) == search.LIMIT
