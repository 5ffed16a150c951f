"""Activities and who took part (issue 4 §4, JOURNEYS 6)."""

import csv
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clustermonitor.activities.models import Activity, Participation
from clustermonitor.core.imports.models import ImportBatch
from clustermonitor.core.models import AuditEntry
from tests.factories import dotted, enterprise_number, membership, organisation


def _attendees(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Naam", "Bedrijf", "Postcode", "Ondernemingsnummer"])
    writer.writerows(rows)
    return SimpleUploadedFile("aanwezigen.csv", buffer.getvalue().encode("utf-8"))


def _workshop(client, cluster_pk):
    response = client.post(
        reverse("activities:activity-create", args=["EUKA"]),
        {
            "title": "Kick-off workshop",
            "kind": "workshop",
            "date": "2018-03-01",
            "end_date": "",
            "location": "Gent",
            "description": "",
            "clusters": [cluster_pk],
        },
    )
    assert response.status_code == 302
    return Activity.objects.get(title="Kick-off workshop")


def test_journey_an_event_with_an_imported_attendee_list(client_for, cluster_a, cluster_b):
    members = [organisation(i, name=f"Lid {i} NV", postcode="9000") for i in range(6)]
    for org in members:
        membership(org, cluster_a)
    # A former member of EUKA: EUKA's manager sees it, and on the day it is a guest.
    outsider = organisation(50, name="Buur BV", postcode="2000")
    membership(outsider, cluster_a, start=datetime.date(2010, 1, 1), end=datetime.date(2015, 1, 1))
    # A member of BIM only: EUKA's manager does not see it, so it waits for review.
    hidden = organisation(51, name="Verborgen BV", postcode="2000")
    membership(hidden, cluster_b)
    client = client_for("cluster_manager_a")
    activity = _workshop(client, cluster_a.pk)
    rows = [[f"Persoon {i}", "", "", dotted(enterprise_number(i))] for i in range(4)]
    rows += [["Persoon 4", "Lid 4 NV", "9000", ""]]  # matched on name and postcode
    rows += [["Persoon 5", "lid 5 nv", "9000", ""]]  # case does not matter
    rows += [["Anna", "Onbekend Bedrijf", "1000", ""], ["Bert", "Nog een firma", "", ""]]
    rows += [["Carl", "", "", dotted(enterprise_number(50))]]  # a guest
    rows += [["Dirk", "", "", "0200.000.001"]]  # bad number
    rows += [["Els", "", "", dotted(enterprise_number(51))]]  # not EUKA's to see
    response = client.post(
        reverse("activities:attendee-import", args=[activity.pk]), {"file": _attendees(rows)}
    )
    batch = ImportBatch.objects.get(kind="attendees")
    assert response["Location"] == reverse("members:import-detail", args=[batch.pk])
    form = client.get(reverse("members:import-detail", args=[batch.pk])).context["form"]
    mapping = {name: field.initial or "" for name, field in form.fields.items()}
    assert mapping["organisation"] == "Bedrijf" and mapping["name"] == "Naam"
    client.post(reverse("members:import-detail", args=[batch.pk]), mapping)
    result = client.get(reverse("members:import-detail", args=[batch.pk])).context["result"]
    assert result.counts["new"] == 10 and result.counts["rejected"] == 1
    assert list(result.extra_counts.values()) == [6, 3, 1]  # matched, to review, guests
    assert (
        "Verborgen BV"
        not in client.get(reverse("members:import-detail", args=[batch.pk])).content.decode()
    )
    client.post(reverse("members:import-commit", args=[batch.pk]))
    assert activity.participations.filter(is_guest=False, organisation__isnull=False).count() == 6
    assert activity.participations.get(name="Carl").is_guest
    review = list(activity.participations.filter(needs_review=True).order_by("name"))
    assert [p.name for p in review] == ["Anna", "Bert", "Els"]
    assert review[2].organisation is None

    # Review: Anna works for a member after all; Bert is a guest.
    client.post(
        reverse("activities:participation-review", args=[review[0].pk]),
        {"organisation": members[0].pk},
    )
    client.post(reverse("activities:participation-review", args=[review[1].pk]), {"guest": "on"})
    client.post(reverse("activities:participation-review", args=[review[2].pk]), {"guest": "on"})
    assert not activity.participations.filter(needs_review=True).exists()
    assert Participation.objects.get(name="Bert").is_guest
    assert AuditEntry.objects.filter(content_type__model="participation").count() >= 11
    # Importing the same list again adds nobody.
    again = client.post(
        reverse("activities:attendee-import", args=[activity.pk]), {"file": _attendees(rows)}
    )
    assert again.status_code == 302


def test_a_joint_activity_counts_for_each_organiser(client_for, cluster_a, cluster_b):
    org = organisation(1)
    membership(org, cluster_b)
    client = client_for("programme_manager")
    response = client.post(
        reverse("activities:activity-create", args=["EUKA"]),
        {
            "title": "Joint event",
            "kind": "event",
            "date": "2018-06-01",
            "clusters": [cluster_a.pk, cluster_b.pk],
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get(title="Joint event")
    client.post(
        reverse("activities:activity-detail", args=[activity.pk]),
        {"organisation": org.pk, "name": "Piet"},
    )
    participation = activity.participations.get()
    assert not participation.is_guest  # a member of BIM, a co-organiser
    assert (
        client_for("cluster_manager_b")
        .get(reverse("activities:activity-list", args=["BIM"]))
        .context["activities"][0]
        == activity
    )


def test_an_activity_cannot_end_before_it_starts(client_for, cluster_a):
    response = client_for("cluster_manager_a").post(
        reverse("activities:activity-create", args=["EUKA"]),
        {
            "title": "X",
            "kind": "event",
            "date": "2018-06-02",
            "end_date": "2018-06-01",
            "clusters": [cluster_a.pk],
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["end_date"]


def test_the_other_cluster_manager_sees_nothing_of_it(client_for, cluster_a):
    activity = _workshop(client_for("cluster_manager_a"), cluster_a.pk)
    assert (
        client_for("cluster_manager_b")
        .get(reverse("activities:activity-detail", args=[activity.pk]))
        .status_code
        == 404
    )


def test_membership_on_the_day_decides_guest_or_member(client_for, cluster_a):
    org = organisation(7)
    membership(org, cluster_a, start=datetime.date(2018, 6, 1))
    activity = _workshop(client_for("cluster_manager_a"), cluster_a.pk)  # 1 March 2018
    client_for("cluster_manager_a").post(
        reverse("activities:activity-detail", args=[activity.pk]),
        {"organisation_name": "Later lid", "name": "Eva"},
    )
    assert activity.participations.get().needs_review


def test_a_reviewed_row_is_recognised_when_the_list_comes_again(client_for, cluster_a):
    from clustermonitor.activities import attendee_import
    from clustermonitor.core.tabular import read_table

    org = organisation(1, name="Lid NV")
    membership(org, cluster_a)
    activity = _workshop(client_for("cluster_manager_a"), cluster_a.pk)
    table = read_table(_attendees([["Anna", "Typo NV", "9000", ""]]).read(), "a.csv")
    mapping = attendee_import.suggest_mapping(table)
    from clustermonitor.core import audit

    attendee_import.commit(table, activity, mapping, actor=audit.Actor.system("t"))
    from clustermonitor.activities import services

    services.resolve(audit.Actor.system("t"), activity.participations.get(), organisation=org)
    assert attendee_import.plan(table, activity, mapping).counts["unchanged"] == 1


def test_review_suggests_the_best_matches_first_with_the_reason(web, cluster_a, cluster_b):
    """Issue 16: the review picked from a list of every member with no hint."""
    drone = organisation(60, name="Drone-Tech NV", postcode="9000")
    haven = organisation(61, name="Haven Logistiek NV", postcode="2000")
    for org in [drone, haven, *(organisation(70 + i, name=f"Lid {i} BV") for i in range(20))]:
        membership(org, cluster_a)
    hidden = organisation(62, name="Drone Tech Gent BV", postcode="9000")  # BIM's only
    membership(hidden, cluster_b)
    activity = Activity.objects.create(
        title="Dronedag", kind="workshop", date=datetime.date(2018, 5, 1)
    )
    activity.clusters.set([cluster_a])
    by_name = Participation.objects.create(
        activity=activity,
        name="Anna",
        organisation_name="DRONE TECH n.v.",
        postcode="9000",
        needs_review=True,
    )
    by_number = Participation.objects.create(
        activity=activity,
        name="Bert",
        organisation_name=f"HL (BE {dotted(haven.enterprise_number)})",
        needs_review=True,
    )
    nothing = Participation.objects.create(
        activity=activity, name="Carl", organisation_name="Iets heel anders", needs_review=True
    )
    page = web("cluster_manager_a").get(reverse("activities:activity-detail", args=[activity.pk]))
    review = {p.pk: p for p in page.context["review"]}
    first = review[by_name.pk].suggestions[0]
    assert first.organisation == drone and first.reason == "same name, same postcode"
    assert review[by_number.pk].suggestions[0].organisation == haven
    assert review[by_number.pk].suggestions[0].reason == "same enterprise number"
    assert review[nothing.pk].suggestions == []
    suggested = {s.organisation for p in review.values() for s in p.suggestions}
    assert hidden not in suggested and hidden not in page.context["choices"]
    html = page.content.decode()
    assert "Drone Tech Gent" not in html
    # Preselected at the top of the row's list, the full list after it.
    row = html.split(f'action="{reverse("activities:participation-review", args=[by_name.pk])}"')[1]
    select = row.split("</select>")[0]
    assert select.index(f'<option value="{drone.pk}" selected>') < select.index("Lid 0 BV")
    # Settling with the suggestion goes through the checked form.
    web("cluster_manager_a").post(
        reverse("activities:participation-review", args=[by_name.pk]),
        {"organisation": drone.pk},
    )
    by_name.refresh_from_db()
    assert by_name.organisation == drone and not by_name.needs_review


def test_plain_names_drop_legal_forms_accents_and_punctuation():
    from clustermonitor.activities.matching import plain_name

    assert plain_name("Drone-Tech N.V.") == "drone tech"
    assert plain_name("Société Générale SA") == "societe generale"
    assert plain_name("BV De Haven") == "haven"
