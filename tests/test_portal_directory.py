"""The directory's NACE and "members near me" filters and the members' map (issue 17):
the map draws no municipality with fewer than five member organisations."""

import datetime

import pytest
from django.urls import reverse

from clustermonitor.core import audit
from clustermonitor.portal import selectors, services
from clustermonitor.programmes.models import Cluster
from tests.factories import membership, organisation
from tests.test_finder import members  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def published(members):  # noqa: F811
    """SIM, VIL and EUKA published; SIM gets two more members in Leuven (five there)."""
    sim = Cluster.objects.get(code="SIM")
    for i in (20, 21):
        org = organisation(i, name=f"Geheime Leden {i} NV", postcode="3000")
        org.locate()
        org.save()
        membership(org, sim, start=datetime.date(2020, 1, 1))
        members.append(org)
    actor = audit.Actor.system("test")
    for code in ("SIM", "VIL", "EUKA"):
        profile = services.profile_of(Cluster.objects.get(code=code))
        profile.description = f"Profiel van {code}."
        services.save_draft(actor, profile)
        services.submit(actor, profile)
        services.publish(actor, profile)
    return members


def _listed(client, **query) -> set[str]:
    page = client.get(reverse("portal:directory"), {"lang": "en"} | query)
    assert page.status_code == 200
    html = page.content.decode()
    return {code for code in ("SIM", "VIL", "EUKA") if f"/portal/clusters/{code}/" in html}


def test_the_nace_section_filter_lists_clusters_with_a_member_in_it(published, client):
    assert _listed(client) == {"SIM", "VIL", "EUKA"}
    assert _listed(client, nace="C") == {"SIM", "EUKA"}  # 28.99 and 28.11: manufacturing
    assert _listed(client, nace="H") == {"VIL"}  # 52.10: warehousing, in transport
    assert _listed(client, nace="A") == set()


def test_near_my_postcode_lists_the_running_clusters_with_a_member_within_20_km(published, client):
    assert _listed(client, near="3000") == {"SIM"}  # Leuven; EUKA has ended
    assert _listed(client, near="2000") == {"VIL"}  # Antwerpen
    assert _listed(client, near="8400") == set()  # Oostende: nobody within 20 km
    page = client.get(reverse("portal:directory"), {"near": "0000", "lang": "en"})
    assert "is not a Belgian postcode" in page.content.decode()
    # The unusable filter is left out, not turned into "nothing matches".
    assert "/portal/clusters/SIM/" in page.content.decode()


def test_the_map_draws_only_municipalities_with_five_members_or_more(published):
    today = datetime.date.today()
    sim, vil = Cluster.objects.get(code="SIM"), Cluster.objects.get(code="VIL")
    # VIL: 2 in Antwerpen: nothing drawn.
    found = selectors.members_map([vil], today, draw=True)
    assert found["svg"] == "" and found["rows"] == [] and found["hidden"] == 2
    # SIM: 5 in Leuven drawn, the one in Gent not.
    found = selectors.members_map([sim], today, draw=True)
    assert found["rows"] == [("Leuven", 5)] and found["hidden"] == 1
    assert found["svg"].startswith("<svg")
    assert selectors.members_map([sim], today)["svg"] == ""  # the page draws nothing
    # Together: Antwerpen's two are left out as well.
    found = selectors.members_map([sim, vil], today)
    assert found["rows"] == [("Leuven", 5)] and found["hidden"] == 3


def test_the_profile_and_the_directory_show_the_map_or_say_why_not(published, client):
    def page(url, **query):
        return client.get(url, {"lang": "en"} | query).content.decode()

    sim = page(reverse("portal:cluster-detail", args=["SIM"]))
    assert 'id="members-map"' in sim and "Leuven" in sim
    assert f'<img src="{reverse("portal:cluster-map", args=["SIM"])}?lang=en"' in sim
    assert "1 organisation in municipalities with fewer than five is not drawn" in sim
    vil = page(reverse("portal:cluster-detail", args=["VIL"]))
    assert "the map would point at single organisations" in vil and "map.svg" not in vil
    directory = page(reverse("portal:directory"), nace="C")
    assert f'<img src="{reverse("portal:directory-map")}?' in directory
    assert "nace=C" in directory.split('id="members-map"')[1]  # the map follows the filters
    for org in published:
        assert org.name not in sim + vil + directory
    # The pictures: SVG, never sniffed as anything else; none where nothing is drawn.
    picture = client.get(reverse("portal:cluster-map", args=["SIM"]), {"lang": "en"})
    assert picture["Content-Type"].startswith("image/svg+xml")
    assert picture["X-Content-Type-Options"] == "nosniff"
    assert picture.content.startswith(b"<svg") and b"<script" not in picture.content
    assert client.get(reverse("portal:cluster-map", args=["VIL"])).status_code == 404
    assert client.get(reverse("portal:directory-map"), {"nace": "C"}).status_code == 200
    assert client.get(reverse("portal:directory-map"), {"nace": "H"}).status_code == 404
