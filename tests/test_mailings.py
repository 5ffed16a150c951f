"""Mailings (issue 18): segments registered by the apps, the editor and its preview, a
test send, sending in the background with progress, consent, the one-click unsubscribe
(RFC 8058), the suppression list, bounces, and query counts flat in the recipients."""

import datetime
import email

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clustermonitor.activities.models import Activity, Participation
from clustermonitor.core import segments
from clustermonitor.core.models import AuditEntry
from clustermonitor.mailings import bounces, services
from clustermonitor.mailings.models import Bounce, Consent, Delivery, Mailing, Suppression
from clustermonitor.members.models import Contact
from tests.factories import membership, organisation

pytestmark = pytest.mark.usefixtures("english")

TODAY = datetime.date.today()
ACTOR = services.audit.Actor.system("tests")


def _members(cluster, n: int, first: int = 100, start=datetime.date(2017, 1, 1)):
    """`n` member companies of `cluster`, each with one contact person with an address."""
    contacts = []
    for i in range(first, first + n):
        org = organisation(i, name=f"Lid {i} NV", postcode="9000")
        ship = membership(org, cluster, start=start)
        contacts.append(
            Contact.objects.create(membership=ship, name=f"Persoon {i}", email=f"p{i}@lid{i}.be")
        )
    return contacts


def _mailing(cluster, segment="members", **values) -> Mailing:
    defaults = {
        "subject_nl": "Nieuwsbrief",
        "body_nl": "Hallo **leden**.",
        "subject_en": "Newsletter",
        "body_en": "Hello **members**.",
    }
    return Mailing.objects.create(cluster=cluster, segment=segment, **(defaults | values))


def _send(mailing) -> Mailing:
    """Queue it; the task runs when the transaction commits (immediate backend)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.queue(ACTOR, mailing)
    return Mailing.objects.get(pk=mailing.pk)


# Segments ------------------------------------------------------------------------------


def test_the_apps_register_their_segments():
    assert {"members", "size_class", "active", "not_active", "attendees", "working_group"} <= set(
        segments.SEGMENTS
    )


def test_members_segment_names_running_members_only(cluster_a, cluster_b):
    ours = _members(cluster_a, 2)
    _members(cluster_b, 1, first=200)
    ended = _members(cluster_a, 1, first=300, start=datetime.date(2010, 1, 1))[0]
    ended.membership.end_date = datetime.date(2015, 1, 1)
    ended.membership.save()
    people = segments.people(cluster_a, "members", TODAY)
    assert sorted(p.email for p in people) == sorted(c.email for c in ours)


def test_active_segment_uses_the_platforms_definition(cluster_a):
    """Active: at least participation.MIN_ACTIVITIES distinct activities of the cluster in
    the year before the day (analysis/participation.py), as the participation page."""
    busy, idle = _members(cluster_a, 2)
    for n in range(2):
        activity = Activity.objects.create(
            title=f"Workshop {n}", kind="workshop", date=TODAY - datetime.timedelta(days=10 + n)
        )
        activity.clusters.set([cluster_a])
        Participation.objects.create(activity=activity, organisation=busy.membership.organisation)
    old = Activity.objects.create(title="Oud", kind="event", date=TODAY - datetime.timedelta(400))
    old.clusters.set([cluster_a])
    Participation.objects.create(activity=old, organisation=idle.membership.organisation)
    assert [p.email for p in segments.people(cluster_a, "active", TODAY)] == [busy.email]
    assert [p.email for p in segments.people(cluster_a, "not_active", TODAY)] == [idle.email]


def test_attendees_and_working_group_segments(cluster_a, cluster_b):
    named, company, absent = _members(cluster_a, 3)
    day = TODAY - datetime.timedelta(days=5)
    event = Activity.objects.create(title="Beurs", kind="event", date=day)
    event.clusters.set([cluster_a])
    Participation.objects.create(
        activity=event, organisation=named.membership.organisation, contact=named
    )
    Participation.objects.create(activity=event, organisation=company.membership.organisation)
    group = Activity.objects.create(title="Werkgroep AI", kind="working_group", date=day)
    group.clusters.set([cluster_a])
    Participation.objects.create(activity=group, organisation=absent.membership.organisation)
    attendees = segments.people(cluster_a, f"attendees:{event.pk}", TODAY)
    assert sorted(p.email for p in attendees) == sorted([named.email, company.email])
    assert [p.email for p in segments.people(cluster_a, "working_group:Werkgroep AI", TODAY)] == [
        absent.email
    ]
    # Another cluster's activity names nobody here, and is not offered.
    other = Activity.objects.create(title="Elders", kind="event", date=day)
    other.clusters.set([cluster_b])
    assert segments.people(cluster_a, f"attendees:{other.pk}", TODAY) == []
    assert f"attendees:{other.pk}" not in dict(segments.options(cluster_a, TODAY))
    assert f"attendees:{event.pk}" in dict(segments.options(cluster_a, TODAY))


def test_size_class_segment(cluster_a):
    from clustermonitor.registry.models import FirmFigures

    small, large = _members(cluster_a, 2)
    FirmFigures.objects.create(organisation=small.membership.organisation, year=2019, employees=12)
    FirmFigures.objects.create(organisation=large.membership.organisation, year=2019, employees=900)
    assert [p.email for p in segments.people(cluster_a, "size_class:small", TODAY)] == [small.email]
    assert [p.email for p in segments.people(cluster_a, "size_class:large", TODAY)] == [large.email]


# Who receives it ---------------------------------------------------------------------------


def test_plan_deduplicates_suppresses_and_asks_consent(cluster_a, cluster_b):
    a, b, c = _members(cluster_a, 3)
    # The same person twice, in another case: one delivery.
    Contact.objects.create(membership=a.membership, name="Dubbel", email=a.email.upper() + " ")
    services.suppress(ACTOR, cluster_a, b.email, Suppression.Reason.UNSUBSCRIBED)
    services.suppress(ACTOR, cluster_b, c.email, Suppression.Reason.UNSUBSCRIBED)  # not here
    # A guest of an event: no member's contact, so consent is needed.
    event = Activity.objects.create(title="Open dag", kind="event", date=TODAY)
    event.clusters.set([cluster_a])
    guest_org = organisation(900, name="Gast BV", postcode="1000")
    guest_ship = membership(guest_org, cluster_b)
    guest = Contact.objects.create(membership=guest_ship, name="Gast", email="gast@gast.be")
    Participation.objects.create(activity=event, organisation=guest_org, contact=guest)
    Participation.objects.create(activity=event, organisation=a.membership.organisation, contact=a)
    mailing = _mailing(cluster_a, f"attendees:{event.pk}")
    plan = {r.email: r.status for r in services.plan(mailing, TODAY)}
    assert plan == {a.email: "pending", "gast@gast.be": "no_consent"}
    services.record_consent(
        ACTOR,
        cluster_a,
        "Gast@Gast.be",
        basis="consent",
        given_on=TODAY,
        source="form",
        language="en",
    )
    plan = {r.email: (r.status, r.language) for r in services.plan(mailing, TODAY)}
    assert plan["gast@gast.be"] == ("pending", "en")
    members = {r.email: r.status for r in services.plan(_mailing(cluster_a), TODAY)}
    assert members == {a.email: "pending", b.email: "suppressed", c.email: "pending"}


def test_sending_delivers_each_version_with_unsubscribe_headers(cluster_a):
    nl, en = _members(cluster_a, 2)
    services.record_consent(
        ACTOR, cluster_a, en.email, basis="contract", given_on=TODAY, source="member", language="en"
    )
    mailing = _send(_mailing(cluster_a))
    assert mailing.status == "sent" and mailing.n_sent == 2 and mailing.n_recipients == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address[nl.email].subject == "Nieuwsbrief"
    assert by_address[en.email].subject == "Newsletter"
    message = email.message_from_bytes(by_address[en.email].message().as_bytes())
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = (part.strip(" <>") for part in message["List-Unsubscribe"].split(","))
    assert https.startswith("http") and "/u/" in https and mailto.startswith("mailto:")
    html = by_address[en.email].alternatives[0].content
    assert "<strong>members</strong>" in html and https in html
    # A task enqueued twice sends once.
    assert services.send(mailing.pk).n_sent == 2 and len(mail.outbox) == 2


def test_one_failed_address_does_not_stop_the_mailing(cluster_a):
    _members(cluster_a, 3)

    class Refusing:
        def __init__(self):
            self.sent = []

        def open(self):
            pass

        def close(self):
            pass

        def send_messages(self, messages):
            if messages[0].to[0].startswith("p101"):
                raise OSError("550 no such user")
            self.sent += messages
            return 1

    mailing = _mailing(cluster_a)
    Mailing.objects.filter(pk=mailing.pk).update(status="queued")
    done = services.send(mailing.pk, connection=Refusing())
    assert (done.n_sent, done.n_failed) == (2, 1)
    failed = done.deliveries.get(status="failed")
    assert failed.email == "p101@lid101.be" and "550" in failed.error


def test_query_count_is_flat_in_the_recipients(cluster_a, django_assert_max_num_queries):
    def queries(n, first):
        Mailing.objects.all().delete()
        _members(cluster_a, n, first=first)
        mailing = _mailing(cluster_a)
        Mailing.objects.filter(pk=mailing.pk).update(status="queued")
        with CaptureQueriesContext(connection) as captured:
            services.send(mailing.pk)
        assert (
            Mailing.objects.get(pk=mailing.pk).n_sent
            == Contact.objects.filter(membership__cluster=cluster_a).count()
        )
        return len(captured)

    queries(2, 500)  # warm-up: the content types of the audit log are looked up once
    small = queries(3, 1000)
    large = queries(60, 2000)  # 63 recipients
    assert small == large, (small, large)


def test_query_count_is_bounded_however_many_chunks(cluster_a, monkeypatch):
    """Past one chunk, the chunks grow with the recipients: at most PROGRESS_STEPS
    progress updates, so 10 times the recipients cost the same queries."""
    monkeypatch.setattr(services, "CHUNK", 5)
    monkeypatch.setattr(services, "PROGRESS_STEPS", 4)

    def queries(n, first):
        Mailing.objects.all().delete()
        Contact.objects.filter(membership__cluster=cluster_a).delete()
        _members(cluster_a, n, first=first)
        mailing = _mailing(cluster_a)
        Mailing.objects.filter(pk=mailing.pk).update(status="queued")
        with CaptureQueriesContext(connection) as captured:
            done = services.send(mailing.pk)
        assert done.n_sent == n
        return len(captured)

    queries(2, 500)  # warm-up, as above
    assert queries(40, 3000) == queries(400, 4000)


# The unsubscribe link -----------------------------------------------------------------------


def _link(message) -> str:
    header = email.message_from_bytes(message.message().as_bytes())["List-Unsubscribe"]
    url = header.split(",")[0].strip(" <>")
    return url[url.index("/u/") :]


def test_one_click_unsubscribe_needs_a_post_and_no_csrf(cluster_a, client):
    (person,) = _members(cluster_a, 1)
    services.record_consent(
        ACTOR, cluster_a, person.email, basis="contract", given_on=TODAY, source="x"
    )
    _send(_mailing(cluster_a))
    path = _link(mail.outbox[0])
    # A GET (a mail scanner, a click) changes nothing.
    page = client.get(path)
    assert page.status_code == 200 and b"Uitschrijven" in page.content  # her mail's language
    assert not Suppression.objects.filter(email=person.email).exists()
    # The mail client's one-click POST: no session, no CSRF token.
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and b"uitgeschreven" in response.content
    entry = Suppression.objects.get(email=person.email)
    assert entry.cluster == cluster_a and entry.reason == "unsubscribed"
    consent = Consent.objects.get(email=person.email)
    assert consent.withdrawn_on == timezone.localdate() and consent.withdrawal_source == "web"
    # The next mailing does not reach them.
    again = _send(_mailing(cluster_a, subject_nl="Tweede"))
    assert (again.n_sent, again.n_suppressed) == (0, 1)
    # No address in clear in the audit log.
    for entry in AuditEntry.objects.filter(content_type__app_label="mailings"):
        assert person.email not in f"{entry.before} {entry.after} {entry.note} {entry.object_repr}"


def test_a_tampered_or_test_token_unsubscribes_nobody(cluster_a, client):
    _members(cluster_a, 1)
    mailing = _send(_mailing(cluster_a))
    path = _link(mail.outbox[0])
    assert client.post(path[:-3] + "abc/").status_code == 404
    assert client.post("/u/nonsense/").status_code == 404
    test = client.post(reverse("mailings:unsubscribe", args=[services.test_token(mailing)]))
    assert test.status_code == 200 and b"testbericht" in test.content
    assert not Suppression.objects.exists()


# Bounces -------------------------------------------------------------------------------------


DSN = b"""From MAILER-DAEMON Mon Dec  7 10:00:00 2026
From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
To: clustermonitor@localhost
Subject: Undelivered Mail Returned to Sender
Date: Mon, 07 Dec 2026 10:00:00 +0100
Message-ID: <dsn-1@mx.example.org>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; P100@lid100.be
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

Final-Recipient: rfc822; p101@lid101.be
Action: delayed
Status: 4.2.2
Diagnostic-Code: smtp; 452 mailbox full

--B--

"""


def test_record_bounces_reads_dsn_and_suppresses_hard_ones(cluster_a, tmp_path):
    _members(cluster_a, 2)
    box = tmp_path / "bounces.mbox"
    box.write_bytes(DSN)
    result = bounces.read_path(box)
    assert (result.bounces, result.hard, result.skipped) == (2, 1, [])
    assert set(Bounce.objects.values_list("email", "kind")) == {
        ("p100@lid100.be", "hard"),
        ("p101@lid101.be", "soft"),
    }
    assert list(Suppression.objects.values_list("cluster", "email", "reason")) == [
        (None, "p100@lid100.be", "hard_bounce")
    ]
    again = bounces.read_path(box)  # the same mailbox again changes nothing
    assert (again.bounces, again.known) == (0, 2) and Bounce.objects.count() == 2
    mailing = _send(_mailing(cluster_a))
    assert (mailing.n_sent, mailing.n_suppressed) == (1, 1)


def test_record_bounces_command_reads_a_list_and_names_bad_lines(db, tmp_path, capsys):
    from django.core.management import call_command

    listing = tmp_path / "bounced.txt"
    listing.write_text("a@x.be\nnot-an-address\nb@x.be,soft\nc@x.be,maybe\n", encoding="utf-8")
    call_command("record-bounces", str(listing))
    out = capsys.readouterr()
    assert "2 bounces recorded (1 hard" in out.out
    assert "bounced.txt:2: not an e-mail address" in out.err
    assert "bounced.txt:4: kind must be hard or soft" in out.err


def test_a_mailto_unsubscribe_is_read_from_the_mailbox(cluster_a, tmp_path):
    (person,) = _members(cluster_a, 1)
    _send(_mailing(cluster_a))
    header = email.message_from_bytes(mail.outbox[0].message().as_bytes())["List-Unsubscribe"]
    mailto = header.split(",")[1].strip(" <>")
    subject = mailto.split("subject=", 1)[1].replace("%20", " ")
    (tmp_path / "u.eml").write_text(
        f"From: {person.email}\nTo: clustermonitor@localhost\nSubject: {subject}\n\nplease\n"
    )
    assert bounces.read_path(tmp_path).unsubscribes == 1
    assert Suppression.objects.filter(cluster=cluster_a, email=person.email).exists()


# The pages ---------------------------------------------------------------------------------


def _url(name, code, mailing) -> str:
    return reverse(f"mailings:mailing-{name}", args=[code, mailing.pk])


def _compose(client, code="EUKA", **values):
    data = {
        "segment": "members",
        "subject_nl": "Nieuws van de cluster",
        "body_nl": "Beste lid,\n\n- punt een\n- punt twee",
        "subject_en": "",
        "body_en": "",
    } | values
    return client.post(reverse("mailings:mailing-new", args=[code]), data)


def test_journey_compose_preview_test_send_and_progress(web, cluster_a, persona):
    _members(cluster_a, 3)
    manager = persona("cluster_manager_a")
    manager.email = "manager@euka.be"
    manager.save()
    client = web("cluster_manager_a")
    page = client.get(reverse("mailings:mailing-new", args=["EUKA"]))
    assert page.status_code == 200 and b"members of the cluster" in page.content
    response = _compose(client)
    mailing = Mailing.objects.get(cluster=cluster_a)
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assert b"3 addresses receive this mailing" in detail.content
    assert b"<li>punt een</li>" in detail.content
    client.post(_url("test-send", "EUKA", mailing), {"language": "nl"})
    assert [m.to for m in mail.outbox] == [["manager@euka.be"]]
    assert Delivery.objects.count() == 0  # a test is no delivery
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(_url("send", "EUKA", mailing))
    assert len(mail.outbox) == 4
    progress = client.get(reverse("mailings:mailing-progress", args=["EUKA", mailing.pk]))
    assert b'id="n-sent">3<' in progress.content and b"hx-get" not in progress.content
    # A sent mailing is not edited, nor sent twice.
    edit = client.get(reverse("mailings:mailing-edit", args=["EUKA", mailing.pk]))
    assert edit.status_code == 302
    client.post(_url("send", "EUKA", mailing))
    assert len(mail.outbox) == 4
    listing = client.get(reverse("mailings:mailing-list", args=["EUKA"]))
    assert b"Nieuws van de cluster" in listing.content


def test_a_queued_mailing_polls_its_progress(web, cluster_a):
    mailing = _mailing(cluster_a)
    Mailing.objects.filter(pk=mailing.pk).update(status="sending", n_recipients=5, n_sent=2)
    page = web("cluster_manager_a").get(_url("detail", "EUKA", mailing))
    assert b'hx-trigger="every 2s"' in page.content and b'id="n-sent">2<' in page.content


def test_hostile_html_in_the_body_stays_text(web, cluster_a):
    _members(cluster_a, 1)
    client = web("cluster_manager_a")
    body = (
        '<script>alert("x")</script> <img src=x onerror=alert(1)> '
        '[klik](javascript:alert(1)) <a href="javascript:alert(2)">a</a>'
    )
    _compose(client, body_nl=body, subject_nl='<b onmouseover="x">Hallo</b>')
    mailing = Mailing.objects.get()
    detail = client.get(_url("detail", "EUKA", mailing)).content
    for bad in (b"<script>alert", b"<img", b'<a href="javascript', b"<b onmouseover"):
        assert bad not in detail
    assert b"&lt;script&gt;" in detail  # shown as the text it is
    _send(mailing)
    html = mail.outbox[0].alternatives[0].content
    for bad in ("<script", "<img", '<a href="javascript', "<b "):
        assert bad not in html


def test_the_english_version_is_both_or_neither(web):
    response = _compose(web("cluster_manager_a"), subject_en="Only a subject")
    assert response.status_code == 200 and b"both a subject and a text" in response.content
    assert not Mailing.objects.exists()


def test_another_clusters_activity_is_refused_as_segment(web, cluster_b):
    other = Activity.objects.create(title="Elders", kind="event", date=TODAY)
    other.clusters.set([cluster_b])
    response = _compose(web("cluster_manager_a"), segment=f"attendees:{other.pk}")
    assert response.status_code == 200 and not Mailing.objects.exists()


def test_consents_and_suppressions_are_recorded_on_the_page(web, cluster_a):
    client = web("cluster_manager_a")
    url = reverse("mailings:consent-list", args=["EUKA"])
    response = client.post(
        url,
        {"email": "Nieuw@Prospect.be", "basis": "consent", "given_on": "2026-11-02",
         "source": "beursformulier", "language": "en"},
    )  # fmt: skip
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.email, consent.basis, consent.source) == (
        "nieuw@prospect.be",
        "consent",
        "beursformulier",
    )
    client.post(reverse("mailings:suppression-add", args=["EUKA"]), {"email": "weg@x.be"})
    assert Suppression.objects.get().reason == "manual"
    page = client.get(url)
    assert b"nieuw@prospect.be" in page.content and b"weg@x.be" in page.content
    log = AuditEntry.objects.filter(content_type__app_label="mailings")
    assert log.count() == 2
    assert all("prospect.be" not in f"{e.before}{e.after}{e.object_repr}" for e in log)


def test_the_agency_reads_but_does_not_send(web, cluster_a):
    mailing = _mailing(cluster_a)
    client = web("programme_manager")
    assert client.get(_url("detail", "EUKA", mailing)).status_code == 200
    assert client.post(_url("send", "EUKA", mailing)).status_code == 403
    assert Mailing.objects.get().status == "draft"


def test_a_mailing_under_another_clusters_address_is_404(web, cluster_b):
    mailing = _mailing(cluster_b)
    client = web("cluster_manager_b")
    assert client.get(_url("detail", "EUKA", mailing)).status_code == 404
    assert client.get(_url("detail", "BIM", mailing)).status_code == 200


def test_the_unsubscribe_page_speaks_the_mails_language(cluster_a, client):
    (person,) = _members(cluster_a, 1)
    services.record_consent(
        ACTOR, cluster_a, person.email, basis="contract", given_on=TODAY, source="x", language="en"
    )
    _send(_mailing(cluster_a))
    assert mail.outbox[0].subject == "Newsletter"
    page = client.get(_link(mail.outbox[0]))
    assert b'lang="en"' in page.content and b"no longer want to receive" in page.content


def test_an_unreachable_mail_server_stops_the_mailing_and_says_so(web, cluster_a):
    _members(cluster_a, 2)

    class Down:
        def open(self):
            raise ConnectionRefusedError("connection refused")

        def close(self):
            pass

    mailing = _mailing(cluster_a)
    Mailing.objects.filter(pk=mailing.pk).update(status="queued")
    with pytest.raises(ConnectionRefusedError):
        services.send(mailing.pk, connection=Down())
    mailing.refresh_from_db()
    assert mailing.status == "failed" and mailing.n_sent == 0
    assert mailing.deliveries.filter(status="pending").count() == 2
    page = web("cluster_manager_a").get(_url("progress", "EUKA", mailing))
    assert b"could not be reached" in page.content and b"hx-get" not in page.content


def test_a_subject_with_a_line_break_is_refused(web):
    response = _compose(web("cluster_manager_a"), subject_nl="Hallo\r\nBcc: iedereen@x.be")
    assert response.status_code == 200 and b"A subject is one line." in response.content
    assert not Mailing.objects.exists()
