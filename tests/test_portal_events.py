"""The public calendar (issue 17; docs/portal.md "Events and calendar feeds"): activities
a cluster manager marked public, of clusters with a published profile, on a page and as
iCalendar feeds; never a private activity, never who takes part."""

import datetime

import icalendar
import pytest
from django.urls import reverse

from clustermonitor.activities.models import Activity, Participation
from clustermonitor.core.models import AuditEntry
from clustermonitor.programmes.models import Cluster
from tests import matrix_objects
from tests.conftest import CLUSTER_A, CLUSTER_B
from tests.factories import organisation

pytestmark = pytest.mark.usefixtures("english")

TODAY = datetime.date.today()


def _day(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


def _activity(title, clusters, days, public=True, **values):
    activity = Activity.objects.create(
        title=title, kind=values.pop("kind", "event"), date=_day(days), public=public, **values
    )
    activity.clusters.set(clusters)
    return activity


@pytest.fixture
def calendar_world(db):
    """Cluster A published, cluster B not; public and private activities of both."""
    matrix_objects.published_profile()
    a, b = (Cluster.objects.get(code=code) for code in (CLUSTER_A, CLUSTER_B))
    made = {
        "open": _activity(
            "Open drone day",
            [a],
            12,
            end_date=_day(13),
            location="Gent",
            description="Flights & demos <b>live</b>.",
        ),
        "workshop": _activity("Drone regulation workshop", [a], 40, kind="workshop"),
        "joint": _activity("Joint matchmaking", [a, b], 20, kind="matchmaking"),
        "past": _activity("Spring fair", [a], -200),
        "private": _activity("Steering group of A", [a], 15, public=False),
        "unpublished": _activity("BIM open day", [b], 16),
    }
    guest = organisation(731, name="Geheime Deelnemer NV")
    Participation.objects.create(activity=made["open"], organisation=guest, name="Piet Geheim")
    return made


def _feed(client, url):
    response = client.get(url + "?lang=en")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content, icalendar.Calendar.from_ical(response.content)


def _uids(calendar) -> set[str]:
    return {str(event["UID"]) for event in calendar.walk("VEVENT")}


def _uid(activity) -> str:
    return f"activity-{activity.pk}@127.0.0.1"


def test_the_feeds_hold_exactly_the_public_events_of_published_clusters(calendar_world, client_for):
    anonymous = client_for("anonymous")
    w = calendar_world
    public = {_uid(w[k]) for k in ("open", "workshop", "joint", "past")}
    body, calendar = _feed(anonymous, reverse("portal:events-feed"))
    assert _uids(calendar) == public
    body_a, calendar_a = _feed(anonymous, reverse("portal:cluster-events-feed", args=[CLUSTER_A]))
    assert _uids(calendar_a) == public
    # A cluster without a published profile has no feed, nor its events anywhere.
    feed_b = anonymous.get(reverse("portal:cluster-events-feed", args=[CLUSTER_B]))
    assert feed_b.status_code == 404
    for text in (body.decode(), body_a.decode()):
        for secret in ("Steering group of A", "BIM open day", "Geheime Deelnemer", "Piet Geheim"):
            assert secret not in text
        assert "BIM" not in text  # the joint event names its published organisers only

    event = next(e for e in calendar.walk("VEVENT") if str(e["UID"]) == _uid(w["open"]))
    assert event["DTSTART"].dt == _day(12) and event["DTEND"].dt == _day(14)  # all day
    assert str(event["SUMMARY"]) == "Open drone day"
    assert str(event["LOCATION"]) == "Gent"
    assert "Flights & demos <b>live</b>." in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(f"#activity-{w['open'].pk}")
    assert str(calendar["X-WR-CALNAME"]) == "Cluster programme: events"


def test_a_feed_is_the_same_bytes_twice_and_its_stamps_come_from_the_records(
    calendar_world, client_for
):
    anonymous = client_for("anonymous")
    url = reverse("portal:events-feed")
    first, calendar = _feed(anonymous, url)
    assert _feed(anonymous, url)[0] == first
    # Not audited (made directly): the stamp is the activity's first day, not the clock.
    stamps = {str(e["UID"]): e["DTSTAMP"].dt for e in calendar.walk("VEVENT")}
    open_day = calendar_world["open"]
    assert stamps[_uid(open_day)] == datetime.datetime.combine(
        open_day.date, datetime.time(), tzinfo=datetime.UTC
    )


def test_an_audited_change_stamps_the_event(calendar_world, web, client_for):
    activity = calendar_world["workshop"]
    manager = web("cluster_manager_a")
    data = {
        "title": "Drone regulation workshop",
        "kind": "workshop",
        "date": activity.date.isoformat(),
        "location": "Leuven",
        "clusters": [activity.clusters.get().pk],
        "public": "on",
    }
    assert (
        manager.post(reverse("activities:activity-edit", args=[activity.pk]), data).status_code
        == 302
    )
    entry = AuditEntry.objects.filter(object_id=str(activity.pk)).order_by("-at").first()
    calendar = _feed(client_for("anonymous"), reverse("portal:events-feed"))[1]
    event = next(e for e in calendar.walk("VEVENT") if str(e["UID"]) == _uid(activity))
    assert event["DTSTAMP"].dt == entry.at.replace(microsecond=0)
    assert str(event["LOCATION"]) == "Leuven"


def test_the_public_flag_is_off_by_default_and_set_in_the_activity_form(web, client_for, db):
    matrix_objects.published_profile()
    manager = web("cluster_manager_a")
    a = Cluster.objects.get(code=CLUSTER_A)
    data = {"title": "Nieuw event", "kind": "event", "date": _day(5).isoformat(),
            "clusters": [a.pk]}  # fmt: skip
    form = manager.get(reverse("activities:activity-create", args=[CLUSTER_A])).content.decode()
    assert 'name="public"' in form
    manager.post(reverse("activities:activity-create", args=[CLUSTER_A]), data)
    activity = Activity.objects.get(title="Nieuw event")
    assert activity.public is False
    page = client_for("anonymous").get(reverse("portal:events")).content.decode()
    assert "Nieuw event" not in page
    edit = reverse("activities:activity-edit", args=[activity.pk])
    assert manager.post(edit, data | {"public": "on"}).status_code == 302
    assert Activity.objects.get(pk=activity.pk).public is True
    assert AuditEntry.objects.filter(object_id=str(activity.pk), after__public=True).exists()
    page = client_for("anonymous").get(reverse("portal:events")).content.decode()
    assert "Nieuw event" in page


def test_the_calendar_page_lists_upcoming_events_and_filters(calendar_world, client_for):
    anonymous = client_for("anonymous")
    w = calendar_world

    def titles(query="") -> list[str]:
        response = anonymous.get(reverse("portal:events") + query)
        assert response.status_code == 200
        html = response.content.decode()
        return [a.title for a in Activity.objects.order_by("date") if a.title in html]

    assert titles() == ["Open drone day", "Joint matchmaking", "Drone regulation workshop"]
    assert titles("?when=past") == ["Spring fair"]
    assert titles("?kind=workshop") == ["Drone regulation workshop"]
    assert titles(f"?cluster={CLUSTER_A}&kind=matchmaking") == ["Joint matchmaking"]
    month = w["past"].date.strftime("%Y-%m")
    assert titles(f"?month={month}") == ["Spring fair"]
    page = anonymous.get(reverse("portal:events")).content.decode()
    assert "Geheime Deelnemer" not in page and "Piet Geheim" not in page
    assert "Flights &amp; demos &lt;b&gt;live&lt;/b&gt;." in page
    assert reverse("portal:events-feed") in page
    # On cluster A's profile: its upcoming public events, and its feed.
    profile = anonymous.get(reverse("portal:cluster-detail", args=[CLUSTER_A])).content.decode()
    assert "Open drone day" in profile and "Spring fair" not in profile
    assert "Steering group of A" not in profile
    assert reverse("portal:cluster-events-feed", args=[CLUSTER_A]) in profile


@pytest.mark.parametrize(
    "query",
    [
        "?month=<script>alert(1)</script>",
        "?month=9999-12",
        "?month=0000-00",
        "?cluster=NOPE&kind=x&when=future",
        f"?cluster={CLUSTER_B}",  # no published profile: not a choice
        "?page=abc",
        "?page=99999999999999999999",
        "?lang=xx&when=past",
    ],
)
def test_hostile_filters_are_answered_not_crashed(calendar_world, client_for, query):
    response = client_for("anonymous").get(reverse("portal:events") + query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "BIM open day" not in html and "Steering group of A" not in html


def test_the_calendar_is_in_the_sitemap_in_both_languages(calendar_world, client_for):
    sitemap = client_for("anonymous").get(reverse("portal:sitemap")).content.decode()
    events = reverse("portal:events")
    for language in ("nl", "en"):
        assert f"<loc>http://testserver{events}?lang={language}</loc>" in sitemap
    page = client_for("anonymous").get(events + "?lang=nl")
    assert page["Content-Language"] == "nl"
    assert (
        f'<link rel="canonical" href="http://testserver{events}?lang=nl">' in page.content.decode()
    )


def test_the_cluster_manager_sees_which_activities_are_public(calendar_world, web):
    page = web("cluster_manager_a").get(reverse("activities:activity-list", args=[CLUSTER_A]))
    rows = {
        title: row
        for row in page.content.decode().split("<tr")
        for title in ("Open drone day", "Steering group of A")
        if title in row
    }
    assert '<span class="badge">public</span>' in rows["Open drone day"]
    assert "badge" not in rows["Steering group of A"]
