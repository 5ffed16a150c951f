"""Issue 13, vulnerability 1: ids in a form's body or a query string are checked like ids
in the URL. As EUKA's manager: no activity or collaboration that leaves EUKA or strips
BIM; no drop-down that lists BIM's members; no lookup that searches the whole registry;
no enterprise number that reveals an organisation EUKA may not see."""

import datetime

import pytest
from django.urls import reverse

from clustermonitor.activities.models import Activity
from clustermonitor.collaborations.models import Collaboration
from clustermonitor.core import audit
from clustermonitor.members.models import Contribution
from tests.factories import dotted, enterprise_number, membership, organisation

pytestmark = pytest.mark.usefixtures("english")

ACTOR = audit.Actor.system("tests")


def _activity(*clusters, title="Gezamenlijk event") -> Activity:
    activity = Activity.objects.create(
        title=title, kind="event", date=datetime.date(2018, 6, 1), location="Gent"
    )
    activity.clusters.set(clusters)
    return activity


def _activity_data(clusters, title="Ingebroken"):
    return {
        "title": title,
        "kind": "event",
        "date": "2018-06-01",
        "end_date": "",
        "location": "Gent",
        "description": "",
        "clusters": [c.pk for c in clusters],
    }


# Activities: the owners -------------------------------------------------------------


def test_a_cluster_manager_cannot_create_an_activity_for_another_cluster_only(
    web, cluster_a, cluster_b
):
    before = Activity.objects.filter(clusters=cluster_b).count()
    response = web("cluster_manager_a").post(
        reverse("activities:activity-create", args=["EUKA"]), _activity_data([cluster_b])
    )
    assert response.status_code == 200
    assert "EUKA" in str(response.context["form"].errors["clusters"])
    assert Activity.objects.filter(clusters=cluster_b).count() == before
    assert not Activity.objects.filter(title="Ingebroken").exists()


def test_a_joint_activity_keeps_the_partner_a_cluster_manager_cannot_strip(
    web, cluster_a, cluster_b
):
    activity = _activity(cluster_a, cluster_b)
    response = web("cluster_manager_a").post(
        reverse("activities:activity-edit", args=[activity.pk]),
        _activity_data([cluster_a], title=activity.title),
    )
    assert response.status_code == 200
    assert "BIM" in str(response.context["form"].errors["clusters"])
    assert set(activity.clusters.all()) == {cluster_a, cluster_b}


def test_a_cluster_manager_cannot_move_their_activity_to_another_cluster(web, cluster_a, cluster_b):
    activity = _activity(cluster_a)
    response = web("cluster_manager_a").post(
        reverse("activities:activity-edit", args=[activity.pk]),
        _activity_data([cluster_b], title=activity.title),
    )
    assert response.status_code == 200
    assert "EUKA" in str(response.context["form"].errors["clusters"])
    assert list(activity.clusters.all()) == [cluster_a]


def test_a_cluster_manager_still_names_a_partner_and_the_programme_manager_moves_it(
    web, cluster_a, cluster_b
):
    client = web("cluster_manager_a")
    response = client.post(
        reverse("activities:activity-create", args=["EUKA"]),
        _activity_data([cluster_a, cluster_b], title="Samen"),
    )
    assert response.status_code == 302
    activity = Activity.objects.get(title="Samen")
    assert set(activity.clusters.all()) == {cluster_a, cluster_b}
    response = web("programme_manager").post(
        reverse("activities:activity-edit", args=[activity.pk]),
        _activity_data([cluster_b], title="Samen"),
    )
    assert response.status_code == 302
    assert list(activity.clusters.all()) == [cluster_b]


# The drop-downs ------------------------------------------------------------------------


def test_naming_bim_on_an_activity_does_not_list_bims_members(web, cluster_a, cluster_b):
    ours, theirs = organisation(1, name="EUKA-lid NV"), organisation(2, name="BIM-lid NV")
    membership(ours, cluster_a, start=datetime.date(2010, 1, 1))
    membership(theirs, cluster_b, start=datetime.date(2010, 1, 1))
    activity = _activity(cluster_a, cluster_b)
    client = web("cluster_manager_a")
    page = client.get(reverse("activities:activity-detail", args=[activity.pk]))
    offered = set(page.context["form"].fields["organisation"].queryset)
    assert ours in offered and theirs not in offered
    assert theirs not in set(page.context["review_form"].fields["organisation"].queryset)
    assert "BIM-lid NV" not in page.content.decode()
    response = client.post(
        reverse("activities:activity-detail", args=[activity.pk]),
        {"organisation": theirs.pk, "name": "Piet"},
    )
    assert response.status_code == 200 and response.context["form"].errors["organisation"]
    assert not activity.participations.exists()
    # BIM's own manager does list them; the programme manager lists both.
    page_b = web("cluster_manager_b").get(reverse("activities:activity-detail", args=[activity.pk]))
    assert set(page_b.context["form"].fields["organisation"].queryset) == {theirs}
    page_pm = web("programme_manager").get(
        reverse("activities:activity-detail", args=[activity.pk])
    )
    assert {ours, theirs} <= set(page_pm.context["form"].fields["organisation"].queryset)


def test_reviewing_a_participant_refuses_bims_member(web, cluster_a, cluster_b):
    theirs = organisation(2, name="BIM-lid NV")
    membership(theirs, cluster_b, start=datetime.date(2010, 1, 1))
    activity = _activity(cluster_a, cluster_b)
    waiting = activity.participations.create(name="Anna", organisation_name="?", needs_review=True)
    web("cluster_manager_a").post(
        reverse("activities:participation-review", args=[waiting.pk]),
        {"organisation": theirs.pk},
    )
    waiting.refresh_from_db()
    assert waiting.organisation is None and waiting.needs_review


def _collaboration(*clusters, title="Samen innoveren") -> Collaboration:
    collaboration = Collaboration.objects.create(programme=clusters[0].programme, title=title)
    collaboration.clusters.set(clusters)
    return collaboration


def test_naming_bim_on_a_collaboration_does_not_list_bims_members(web, cluster_a, cluster_b):
    ours, theirs = organisation(1, name="EUKA-lid NV"), organisation(2, name="BIM-lid NV")
    membership(ours, cluster_a)
    membership(theirs, cluster_b)
    collaboration = _collaboration(cluster_a, cluster_b)
    client = web("cluster_manager_a")
    page = client.get(reverse("collaborations:collaboration-detail", args=[collaboration.pk]))
    offered = set(page.context["party_form"].fields["organisation"].queryset)
    assert ours in offered and theirs not in offered
    client.post(
        reverse("collaborations:party-add", args=[collaboration.pk]),
        {"organisation": theirs.pk, "role": "partner"},
    )
    assert not collaboration.parties.exists()


def test_a_party_by_enterprise_number_does_not_reveal_an_unseen_organisation(
    web, cluster_a, cluster_b
):
    theirs = organisation(2, name="Geheim BIM-lid NV")
    membership(theirs, cluster_b)
    unknown = dotted(enterprise_number(3))  # valid, in nobody's registry
    collaboration = _collaboration(cluster_a)
    client = web("cluster_manager_a")
    said = []
    for number in (dotted(theirs.enterprise_number), unknown):
        response = client.post(
            reverse("collaborations:party-add", args=[collaboration.pk]),
            {"enterprise_number": number, "role": "partner"},
            follow=True,
        )
        html = response.content.decode()
        assert "Geheim BIM-lid NV" not in html
        said.append([str(m).replace(number, "N") for m in response.context["messages"]])
    assert not collaboration.parties.exists()
    assert said[0] == said[1]  # an unseen organisation answers like an unknown number
    # The programme manager (who reads the registry) still adds it by its number.
    web("programme_manager").post(
        reverse("collaborations:party-add", args=[collaboration.pk]),
        {"enterprise_number": dotted(theirs.enterprise_number), "role": "partner"},
    )
    assert collaboration.parties.get().organisation == theirs


# The member lookup ---------------------------------------------------------------------


def test_the_member_lookup_searches_only_what_the_manager_may_see(web, cluster_a, cluster_b):
    ours = organisation(1, name="Zichtbaar Bouw NV")
    theirs = organisation(2, name="Onzichtbaar Bouw NV")
    loose = organisation(3, name="Nergens Bouw NV")  # in the registry, member of no cluster
    membership(ours, cluster_a)
    membership(theirs, cluster_b)
    url = reverse("members:member-lookup", args=["EUKA"])
    found = web("cluster_manager_a").get(url, {"q": "bouw nv"}).context["registry"]
    assert found == [ours]
    assert {loose, ours, theirs} <= set(
        web("programme_manager").get(url, {"q": "bouw nv"}).context["registry"]
    )


# Contributions: the payer ----------------------------------------------------------------


def test_a_contribution_payer_must_be_an_organisation_the_manager_may_see(
    web, cluster_a, cluster_b
):
    ours = organisation(1, name="EUKA-lid NV")
    theirs = organisation(2, name="BIM-lid NV")
    member = membership(ours, cluster_a)
    membership(theirs, cluster_b)
    response = web("cluster_manager_a").post(
        reverse("members:contribution-create", args=[member.pk]),
        {
            "year": 2019,
            "amount": "100",
            "status": "expected",
            "payer_number": dotted(theirs.enterprise_number),
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["payer_number"]
    assert not Contribution.objects.filter(membership=member).exists()
