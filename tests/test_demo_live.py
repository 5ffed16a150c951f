"""The demo's present (issue 16; clustermonitor/demodata/live.py): on top of the calibrated
history, a current call whose clusters give every demo login real work in its inbox on the
day the demo is loaded — and the 2020 report stays the same bytes."""

import datetime

import pytest
from django.db import transaction

from clustermonitor.accounts import services as account_services
from clustermonitor.accounts.models import Role
from clustermonitor.activities.models import Activity
from clustermonitor.core import audit
from clustermonitor.demodata import live
from clustermonitor.demodata import prospects as prospect_data
from clustermonitor.members.models import Contribution, Membership
from clustermonitor.monitoring import inbox
from clustermonitor.monitoring.models import ProgressReport, State
from clustermonitor.programmes.models import Cluster
from clustermonitor.reports import render
from clustermonitor.reports.build import build_document
from clustermonitor.surveys.models import Wave
from tests import demo_copies, report_2020

pytestmark = pytest.mark.usefixtures("english")

TODAY = datetime.date(2026, 12, 6)
REPORT_DATE = datetime.date(2020, 1, 31)


def _logins():
    actor = audit.Actor.system("test")
    made = {}
    for username, role, code in (
        ("account.manager", Role.ACCOUNT_MANAGER, None),
        ("cluster.euka", Role.CLUSTER_MANAGER, "EUKA"),
        ("cluster.bim", Role.CLUSTER_MANAGER, "BIM"),
    ):
        cluster = Cluster.objects.get(code=code) if code else None
        made[username] = account_services.create_user(
            actor, username=username, password=None, role=role, cluster=cluster
        )
    return made


def _fingerprint() -> list:
    return sorted(
        (m.cluster.code, m.organisation_id, m.start_date.isoformat(), str(c.amount), c.status)
        for m in Membership.objects.filter(
            cluster__code__in=["EUKA2", "BIM2", "HYDRO"]
        ).select_related("cluster")
        for c in m.contributions.all()
    )


def test_the_present_gives_each_login_work_and_leaves_the_2020_report_alone(
    calibrated_demo, db, tmp_path_factory
):
    # The report on the calibrated demo, as another test may have built it already
    # (tests/report_2020.py); the one after the load below is built here.
    before = report_2020.html(REPORT_DATE, demo_copies.shared_folder(tmp_path_factory))
    people = _logins()
    summary = live.load_live(TODAY)
    live.attach_logins(TODAY)
    assert summary["clusters"] == ["EUKA2", "BIM2", "HYDRO"] and summary["written"] > 200

    running = Cluster.objects.filter(code__in=summary["clusters"])
    assert all(c.start_date <= TODAY <= c.end_date for c in running)
    assert {c.account_manager for c in Cluster.objects.filter(code__in=["EUKA", "BIM"])} == {
        people["account.manager"]
    }
    # Work on day one, in the inbox of each login.
    assert ("review", "EUKA2") in [
        (i.kind, i.cluster) for i in inbox.items_for(people["account.manager"], TODAY)
    ]
    bim = [(i.kind, i.cluster) for i in inbox.items_for(people["cluster.bim"], TODAY)]
    assert ("returned", "BIM2") in bim
    euka = {i.kind for i in inbox.items_for(people["cluster.euka"], TODAY)}
    assert "rows" in euka
    returned = ProgressReport.objects.get(period__cluster__code="BIM2", period__number=1)
    step = returned.transitions.get(to_state=State.RETURNED)
    assert step.by == people["account.manager"] and step.at.date() == TODAY - datetime.timedelta(3)
    hydro = ProgressReport.objects.get(period__cluster__code="HYDRO", period__number=1)
    assert hydro.state == State.DRAFT and hydro.period.due_date == TODAY + datetime.timedelta(12)
    wave = Wave.objects.get(name=f"Ledenbevraging {TODAY.year}")
    assert wave.opens_on < TODAY < wave.closes_on and wave.invitations.exists()
    assert Contribution.objects.filter(
        membership__cluster__code="HYDRO", status=Contribution.Status.INVOICED
    ).exists()  # fees outstanding: a live co-financing warning
    # EUKA2's next public event has registration open: places taken, a waiting list, one
    # cancellation; nobody checked in yet (the event is to come: no participation).
    event = Activity.objects.get(registration_settings__isnull=False)
    assert list(event.clusters.values_list("code", flat=True)) == ["EUKA2"]
    assert event.public and event.date > TODAY and not event.participations.exists()
    statuses = sorted(event.registrations.values_list("status", flat=True))
    assert statuses.count("registered") == 12 and "waitlisted" in statuses
    assert statuses.count("cancelled") == 1

    # The live clusters' pipelines (issue 18): work in the managers' inboxes, and no
    # membership or fee of theirs changes.
    fingerprint = _fingerprint()
    assert prospect_data.load(seed=1, today=TODAY) == {"prospects": 15}
    assert _fingerprint() == fingerprint
    assert "prospect" in {i.kind for i in inbox.items_for(people["cluster.euka"], TODAY)}
    assert prospect_data.load(seed=1, today=TODAY) == {"prospects": 0}

    # The calibrated history is untouched: the 2020 report is the same bytes.
    assert render.render_html(build_document(as_of=REPORT_DATE)) == before
    # A second run changes nothing.
    assert live.load_live(TODAY) == {"written": 0}
    live.attach_logins(TODAY)
    assert ProgressReport.objects.get(pk=returned.pk).versions.count() == 1


def test_a_given_day_always_gives_the_same_records(calibrated_demo, db):
    _logins()
    found = []
    for _ in range(2):
        with transaction.atomic():
            live.load_live(TODAY)
            found.append(_fingerprint())
            transaction.set_rollback(True)
    assert found[0] == found[1] and found[0]
    with transaction.atomic():
        live.load_live(TODAY + datetime.timedelta(days=1))
        other = _fingerprint()
        transaction.set_rollback(True)
    assert other != found[0]


def test_the_present_fills_the_public_calendar(calendar_demo_day, client_for):
    """On the day of the load the portal's calendar has the live clusters' events to come
    (published profiles), and never a private one or a participant."""
    import icalendar
    from django.urls import reverse

    from clustermonitor.activities.models import Activity, Participation
    from clustermonitor.demodata import profiles

    profiles.load()
    anonymous = client_for("anonymous")
    page = anonymous.get(reverse("portal:events") + "?lang=nl").content.decode()
    assert page.count("Netwerkmoment</h3>") == 6
    feed = anonymous.get(reverse("portal:events-feed"))
    events = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    public = Activity.objects.filter(public=True)
    assert {str(e["UID"]).split("@")[0] for e in events} == {f"activity-{a.pk}" for a in public}
    assert Activity.objects.filter(public=False, clusters__code="HYDRO").exists()
    assert anonymous.get(reverse("portal:events-feed")).content == feed.content
    names = set(
        Participation.objects.filter(organisation__isnull=False).values_list(
            "organisation__name", flat=True
        )
    ) - set(Cluster.objects.values_list("name", flat=True))
    text = page + feed.content.decode().replace("\r\n ", "")  # lines unfolded
    assert names and not [n for n in names if n in text]


@pytest.fixture
def calendar_demo_day(calibrated_demo, db):
    live.load_live(datetime.date.today())


def test_the_present_has_an_open_call_for_the_front_page(calendar_demo_day, client_for):
    from django.urls import reverse

    page = client_for("anonymous").get(reverse("portal:front") + "?lang=nl").content.decode()
    calls = page[page.index('id="calls"') :]
    first = calls.split("<tr>")[2]
    assert f"Oproep IBN {datetime.date.today().year}" in first and ">open<" in first
