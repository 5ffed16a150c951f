"""Account management (issue 6, journey 10): attention points with follow-up dates,
steering-group meetings attended, learning-network sessions and who attended them."""

import datetime

import pytest
from django.urls import reverse

from clustermonitor.accountmanagement import selectors, services
from clustermonitor.accountmanagement.models import (
    AttentionPoint,
    LearningSession,
    SteeringGroupMeeting,
)
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.programmes.models import Cluster

D = datetime.date
ACTOR = audit.Actor.system("tests")
PERSONAS = [
    "anonymous",
    "programme_manager",
    "account_manager",
    "evaluator",
    "cluster_manager_a",
    "cluster_manager_b",
    "member_contact",
]


def _row(*codes):
    return list(zip(PERSONAS, codes, strict=True))


def point(cluster, title, follow_up_on, owner=None) -> AttentionPoint:
    return services.save_attention_point(
        ACTOR, AttentionPoint(cluster=cluster, title=title, follow_up_on=follow_up_on, owner=owner)
    )


@pytest.fixture
def follows_a(persona, cluster_a):
    """The account manager persona follows cluster A (EUKA)."""
    manager = persona("account_manager")
    Cluster.objects.filter(pk=cluster_a.pk).update(account_manager=manager)
    cluster_a.refresh_from_db()
    return manager


def test_open_attention_points_of_a_user_a_cluster_and_due_soon(
    follows_a, persona, cluster_a, cluster_b
):
    today = D(2019, 6, 1)
    unowned = point(cluster_a, "No exit plan yet", D(2019, 5, 31))  # theirs: A's manager
    owned = point(cluster_b, "Largest contributor left", D(2019, 6, 20), owner=follows_a)
    point(cluster_b, "Someone else's", D(2019, 6, 2), owner=persona("programme_manager"))
    done = point(cluster_a, "Done already", D(2019, 5, 1))
    services.close_attention_point(ACTOR, done, D(2019, 5, 2))

    mine = list(selectors.open_attention_points(user=follows_a, today=today))
    assert mine == [unowned, owned]
    assert [p.overdue for p in mine] == [True, False]
    soon = selectors.open_attention_points(user=follows_a, today=today, within_days=14)
    assert list(soon) == [unowned]
    assert list(selectors.open_attention_points(cluster=cluster_a, today=today)) == [unowned]
    # The day of the follow-up itself is not overdue.
    assert not selectors.open_attention_points(cluster=cluster_a, today=D(2019, 5, 31))[0].overdue


def test_closing_and_reopening_are_audited(cluster_a):
    p = point(cluster_a, "Check co-financing", D(2019, 6, 1))
    assert p.created_by is None and p.is_open
    services.close_attention_point(ACTOR, p, D(2019, 6, 3))
    assert (p.status, p.closed_on) == ("done", D(2019, 6, 3))
    services.reopen_attention_point(ACTOR, p, D(2019, 9, 1))
    assert (p.status, p.closed_on, p.follow_up_on) == ("open", None, D(2019, 9, 1))
    notes = list(audit.history(p).values_list("note", flat=True))
    assert notes == ["reopened", "done", ""]


# -- The pages --------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "status"), _row(302, 200, 200, 403, 403, 404, 404))
def test_who_sees_the_account_page(client_for, name, status):
    response = client_for(name).get(reverse("programmes:account", args=["EUKA"]))
    assert response.status_code == status


@pytest.mark.parametrize(("name", "status"), _row(302, 302, 403, 403, 403, 404, 404))
def test_who_adds_an_attention_point(client_for, name, status):
    response = client_for(name).post(
        reverse("programmes:attention-point-create", args=["EUKA"]),
        {"title": "No exit plan", "follow_up_on": "2019-07-15"},
    )
    assert response.status_code == status
    made = AttentionPoint.objects.filter(cluster__code="EUKA").exists()
    assert made == (name == "programme_manager")


def test_journey_10_the_account_manager_adds_an_attention_point(client_for, follows_a, cluster_a):
    client = client_for("account_manager")
    page = client.get(reverse("programmes:attention-point-create", args=["EUKA"]))
    assert page.status_code == 200
    response = client.post(
        reverse("programmes:attention-point-create", args=["EUKA"]),
        {
            "title": "Lost its largest contributor",
            "detail": "Ask about next year's fees.",
            "follow_up_on": "2019-07-15",
            "owner": follows_a.pk,
        },
    )
    assert response.status_code == 302
    p = AttentionPoint.objects.get(cluster=cluster_a)
    assert p.created_by == follows_a and p.owner == follows_a
    entry = AuditEntry.objects.get(content_type__model="attentionpoint", object_id=str(p.pk))
    assert entry.actor == follows_a and entry.action == "create"
    html = client.get(reverse("programmes:account", args=["EUKA"])).content.decode()
    assert "Lost its largest contributor" in html and "15/07/2019" in html
    mine = client.get(reverse("programmes:my-attention-points")).content.decode()
    assert "Lost its largest contributor" in mine

    assert client.post(reverse("programmes:attention-point-close", args=[p.pk])).status_code == 302
    p.refresh_from_db()
    assert p.status == "done"


def test_the_owner_closes_a_point_on_a_cluster_they_do_not_follow(client_for, persona, cluster_b):
    p = point(cluster_b, "Call them", D(2019, 6, 1), owner=persona("account_manager"))
    url = reverse("programmes:attention-point-close", args=[p.pk])
    assert client_for("evaluator").post(url).status_code == 403
    response = client_for("account_manager").post(
        url, {"next": reverse("programmes:my-attention-points")}
    )
    assert response["Location"] == reverse("programmes:my-attention-points")
    p.refresh_from_db()
    assert p.status == "done"
    # Somewhere else than this site is not followed.
    other = point(cluster_b, "Again", D(2019, 6, 1), owner=persona("account_manager"))
    response = client_for("account_manager").post(
        reverse("programmes:attention-point-close", args=[other.pk]),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("programmes:account", args=["BIM"])


def test_editing_a_point_is_for_those_who_follow_the_cluster(client_for, cluster_a):
    p = point(cluster_a, "Check", D(2019, 6, 1))
    url = reverse("programmes:attention-point-edit", args=[p.pk])
    assert client_for("account_manager").get(url).status_code == 403
    assert client_for("cluster_manager_b").get(url).status_code == 404
    response = client_for("programme_manager").post(
        url, {"title": "Check again", "follow_up_on": "2019-08-01"}
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.title, p.follow_up_on) == ("Check again", D(2019, 8, 1))


def test_a_steering_group_meeting_with_who_attended(client_for, follows_a, persona, cluster_a):
    url = reverse("programmes:steering-meeting-create", args=["EUKA"])
    data = {
        "date": "2019-03-14",
        "attended_by": [follows_a.pk, persona("programme_manager").pk],
        "notes": "Roadmap 2020.",
    }
    assert client_for("cluster_manager_a").post(url, data).status_code == 403
    assert client_for("account_manager").post(url, data).status_code == 302
    meeting = SteeringGroupMeeting.objects.get(cluster=cluster_a)
    assert set(meeting.attended_by.values_list("username", flat=True)) == {
        "account_manager",
        "programme_manager",
    }
    entry = AuditEntry.objects.get(
        content_type__model="steeringgroupmeeting", object_id=str(meeting.pk)
    )
    assert sorted(entry.after["attended_by"]) == sorted(data["attended_by"])
    html = client_for("programme_manager").get(reverse("programmes:account", args=["EUKA"]))
    assert "Roadmap 2020." in html.content.decode()
    delete = reverse("programmes:steering-meeting-delete", args=[meeting.pk])
    assert client_for("evaluator").post(delete).status_code == 403
    assert client_for("account_manager").post(delete, {"confirmed": "yes"}).status_code == 302
    assert not SteeringGroupMeeting.objects.filter(pk=meeting.pk).exists()


@pytest.mark.parametrize(("name", "status"), _row(302, 200, 200, 403, 404, 404, 404))
def test_who_sees_the_learning_network(client_for, name, status):
    response = client_for(name).get(reverse("programmes:learning-session-list"))
    assert response.status_code == status


@pytest.mark.parametrize(("name", "status"), _row(302, 302, 302, 403, 404, 404, 404))
def test_who_records_a_learning_session(client_for, cluster_a, name, status):
    response = client_for(name).post(
        reverse("programmes:learning-session-create"),
        {"date": "2019-02-05", "title": "Exit strategies", "attendees": [cluster_a.pk]},
    )
    assert response.status_code == status
    made = LearningSession.objects.filter(title="Exit strategies").exists()
    assert made == (status == 302 and name != "anonymous")


def test_a_learning_session_and_its_attendance(client_for, cluster_a, cluster_b):
    client = client_for("account_manager")
    client.post(
        reverse("programmes:learning-session-create"),
        {"date": "2019-02-05", "title": "Exit strategies", "topic": "Norway's 6 months"},
    )
    session = LearningSession.objects.get(title="Exit strategies")
    assert session.programme == cluster_a.programme and not session.attendees.exists()
    response = client.post(
        reverse("programmes:learning-session-edit", args=[session.pk]),
        {
            "date": "2019-02-05",
            "title": "Exit strategies",
            "topic": "Norway's 6 months",
            "attendees": [cluster_a.pk, cluster_b.pk],
        },
    )
    assert response.status_code == 302
    assert set(session.attendees.values_list("code", flat=True)) == {"EUKA", "BIM"}
    entries = AuditEntry.objects.filter(
        content_type__model="learningsession", object_id=str(session.pk)
    ).order_by("at", "pk")
    assert [e.action for e in entries] == ["create", "update"]
    assert entries.last().after["attendees"] == sorted([cluster_a.pk, cluster_b.pk])
    detail = client.get(reverse("programmes:learning-session-detail", args=[session.pk]))
    assert "EUKA" in detail.content.decode()
    account = client_for("programme_manager").get(reverse("programmes:account", args=["BIM"]))
    assert "Exit strategies" in account.content.decode()
    listing = client.get(reverse("programmes:learning-session-list")).content.decode()
    assert "Exit strategies" in listing
    assert (
        client_for("evaluator")
        .post(reverse("programmes:learning-session-delete", args=[session.pk]))
        .status_code
        == 403
    )
    assert (
        client.post(
            reverse("programmes:learning-session-delete", args=[session.pk]), {"confirmed": "yes"}
        ).status_code
        == 302
    )
    assert not LearningSession.objects.filter(pk=session.pk).exists()


def test_the_account_page_shows_the_exit_plan_due_date(client_for, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2019, 7, 1))
    html = client_for("programme_manager").get(reverse("programmes:account", args=["EUKA"]))
    text = html.content.decode()
    assert "30/06/2019" in text and 'class="danger"' in text
