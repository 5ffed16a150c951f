"""Event registration and check-in (issue 18, docs/user-guide.md "Event registration and
check-in"): the public page, capacity and waiting list, questions, the confirmation
e-mail with its .ics and QR ticket, the cancellation link, the check-in (search, the
scanner's token, walk-ins) writing the participations, who may do what, hostile input,
and query counts flat in the number of registrations."""

import datetime
import email
import re

import icalendar
import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clustermonitor.activities import figures as activity_figures
from clustermonitor.activities.models import Activity, Participation
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.programmes.models import Cluster
from clustermonitor.registrations import mail as registration_mail
from clustermonitor.registrations import services
from clustermonitor.registrations.models import Question, Registration, RegistrationSettings
from tests.conftest import CLUSTER_A
from tests.factories import dotted, enterprise_number, membership, organisation

pytestmark = pytest.mark.usefixtures("english")

Status = Registration.Status
MANAGER = audit.Actor(user=None, via="test")


@pytest.fixture(autouse=True)
def mails_at_once(monkeypatch):
    """The e-mails leave when the write is committed; a test's transaction never is, so
    they leave at once here."""
    monkeypatch.setattr(services.transaction, "on_commit", lambda send, **kw: send())


@pytest.fixture
def event(db):
    """A public workshop of cluster A in ten days, registration open for 2 places."""
    cluster = Cluster.objects.get(code=CLUSTER_A)
    activity = Activity.objects.create(
        title="Drones in de haven",
        kind="workshop",
        date=datetime.date.today() + datetime.timedelta(days=10),
        location="Antwerpen",
        public=True,
    )
    activity.clusters.add(cluster)
    RegistrationSettings.objects.create(activity=activity, capacity=2)
    return activity


def _data(n: int = 1, **changes) -> dict:
    return {
        "name": f"Persoon {n}",
        "email": f"persoon{n}@example.org",
        "company_name": "",
        "enterprise_number": "",
        "answers": {},
    } | changes


def _register(activity, n=1, **changes):
    return services.register(activity, _data(n, **changes), language="nl")


def _form(n: int = 1, **changes) -> dict:
    return {
        "name": f"Persoon {n}",
        "email": f"persoon{n}@example.org",
        "company_name": "",
        "enterprise_number": "",
        "consent": "on",
        "website": "",
    } | changes


def _post(activity, client=None, lang="nl", **form):
    client = client or Client()
    client.cookies["django_language"] = lang
    return client.post(reverse("registrations:register", args=[activity.pk]), form)


def _link(message) -> str:
    return re.search(r"https?://\S+/cancel/", message.body).group(0)


def _path(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


# -- Services -------------------------------------------------------------------------


def test_places_then_the_waiting_list_then_a_refusal_without_one(event):
    first, _ = _register(event, 1)
    second, _ = _register(event, 2)
    third, _ = _register(event, 3)
    assert [first.status, second.status, third.status] == [
        Status.REGISTERED,
        Status.REGISTERED,
        Status.WAITLISTED,
    ]
    RegistrationSettings.objects.filter(activity=event).update(waiting_list=False)
    with pytest.raises(services.RegistrationError, match="full"):
        _register(event, 4)
    assert Registration.objects.filter(activity=event).count() == 3


def test_the_same_address_twice_counts_once_and_mails_once(event):
    first, created = _register(event, 1)
    again, created_again = _register(event, 1, email="PERSOON1@example.org ")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Registration.objects.filter(activity=event).count() == 1
    assert len(mail.outbox) == 1


def test_closed_not_yet_open_or_over_refuses(event):
    settings = event.registration_settings
    settings.is_open = False
    settings.save()
    with pytest.raises(services.RegistrationError, match="closed"):
        _register(event, 1)
    settings.is_open = True
    settings.opens_at = timezone.now() + datetime.timedelta(days=1)
    settings.save()
    with pytest.raises(services.RegistrationError):
        _register(event, 1)
    settings.opens_at = None
    settings.save()
    Activity.objects.filter(pk=event.pk).update(date=datetime.date.today() - datetime.timedelta(1))
    event.refresh_from_db()
    with pytest.raises(services.RegistrationError):
        _register(event, 1)


def test_cancelling_moves_the_first_on_the_waiting_list_up_and_tells_them(event):
    first, _ = _register(event, 1)
    _register(event, 2)
    third, _ = _register(event, 3)
    fourth, _ = _register(event, 4)
    mail.outbox.clear()
    assert services.cancel(first) is True
    assert services.cancel(first) is False  # the link used twice changes nothing
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert (third.status, fourth.status) == (Status.REGISTERED, Status.WAITLISTED)
    assert [m.to for m in mail.outbox] == [["persoon3@example.org"]]
    assert "place became free" in mail.outbox[0].body or "plaats" in mail.outbox[0].body
    # The one moved up gets their ticket and the event now.
    names = {a.get_filename() for a in mail.outbox[0].message().iter_attachments()}
    assert names == {"event.ics", "ticket.png"}


def test_more_places_move_people_up(event):
    for n in range(1, 5):
        _register(event, n)
    from clustermonitor.registrations.forms import SettingsForm

    form = SettingsForm(
        {"is_open": "on", "capacity": "3", "waiting_list": "on", "intro": ""},
        instance=event.registration_settings,
    )
    assert form.is_valid(), form.errors
    services.save_settings(MANAGER, form)
    assert Registration.objects.filter(activity=event, status=Status.REGISTERED).count() == 3


def test_the_confirmation_has_the_ics_and_the_qr_ticket_in_the_visitors_language(event):
    registration, _ = services.register(event, _data(1), language="en")
    message = mail.outbox[-1]
    assert message.to == ["persoon1@example.org"]
    assert message.subject == "Your registration for Drones in de haven"
    parsed = email.message_from_bytes(message.message().as_bytes())
    parts = {p.get_filename(): p for p in parsed.walk() if p.get_filename()}
    calendar = icalendar.Calendar.from_ical(parts["event.ics"].get_payload(decode=True))
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["summary"]) == "Drones in de haven"
    assert vevent.decoded("dtstart") == event.date
    assert str(vevent["uid"]).startswith(f"activity-{event.pk}@")
    png = parts["ticket.png"].get_payload(decode=True)
    assert png.startswith(b"\x89PNG") and png == registration_mail.qr_png(registration.token)
    assert parts["ticket.png"]["Content-ID"] == f"<{registration_mail.QR_CID}>"
    html = next(p for p in parsed.walk() if p.get_content_type() == "text/html")
    assert f"cid:{registration_mail.QR_CID}" in html.get_payload(decode=True).decode()
    assert _path(_link(message)) == reverse("registrations:cancel", args=[registration.token])
    services.register(event, _data(2), language="nl")
    assert mail.outbox[-1].subject == "Je inschrijving voor Drones in de haven"


def test_the_qr_code_reads_back_as_the_token(event):
    registration, _ = _register(event, 1)
    import segno

    qr = segno.make(registration.token, error="m")
    assert qr.designator  # a real QR symbol
    assert registration_mail.qr_png(registration.token) == registration_mail.qr_png(
        registration.token
    )


def test_waitlisted_mail_has_no_ticket(event):
    _register(event, 1)
    _register(event, 2)
    _register(event, 3)
    assert "waiting list" in mail.outbox[-1].body or "wachtlijst" in mail.outbox[-1].body
    assert list(mail.outbox[-1].message().iter_attachments()) == []


def test_check_in_writes_the_participation_once_and_the_active_figure_moves(event):
    cluster = Cluster.objects.get(code=CLUSTER_A)
    org = organisation(8101, name="Havenbedrijf NV")
    membership(org, cluster)
    Activity.objects.filter(pk=event.pk).update(date=datetime.date.today())
    event.refresh_from_db()
    registration, _ = _register(event, 1, enterprise_number=org.enterprise_number)
    assert registration.organisation == org
    today = datetime.date.today()

    def rows():
        return [
            r
            for r in activity_figures.participation_rows(
                [cluster], today - datetime.timedelta(days=366), today
            )
            if r["organisation_id"] == org.pk
        ]

    assert rows() == []
    checked, new = services.check_in(MANAGER, registration)
    again, new_again = services.check_in(MANAGER, registration)
    assert (new, new_again) == (True, False)
    assert checked.participation_id == again.participation_id
    participation = Participation.objects.get(activity=event, organisation=org)
    assert participation.is_guest is False and participation.name == "Persoon 1"
    assert len(rows()) == 1  # the same day


def test_a_guest_is_recorded_but_not_counted(event):
    registration, _ = _register(event, 1, company_name="Eigen naam")
    services.check_in(MANAGER, registration)
    participation = Participation.objects.get(activity=event)
    assert (participation.organisation, participation.is_guest) == (None, True)
    assert participation.organisation_name == "Eigen naam"
    today = datetime.date.today()
    assert (
        activity_figures.participation_rows(
            [event.clusters.get()], today - datetime.timedelta(days=366), event.date
        )
        == []
    )


def test_a_non_member_company_is_a_guest_of_the_event(event):
    org = organisation(8102, name="Buitenstaander BV")
    registration, _ = _register(event, 1, enterprise_number=org.enterprise_number)
    services.check_in(MANAGER, registration)
    assert Participation.objects.get(activity=event, organisation=org).is_guest is True


def test_a_cancelled_registration_cannot_check_in_and_a_checked_in_one_cannot_cancel(event):
    first, _ = _register(event, 1)
    second, _ = _register(event, 2)
    services.cancel(first)
    with pytest.raises(services.RegistrationError):
        services.check_in(MANAGER, first)
    services.check_in(MANAGER, second)
    with pytest.raises(services.RegistrationError):
        services.cancel(second)


def test_walk_ins_by_number_or_as_guest(event):
    cluster = Cluster.objects.get(code=CLUSTER_A)
    org = organisation(8103, name="Deurklink NV")
    membership(org, cluster)
    walker, _ = services.walk_in(
        MANAGER, event, name="Walter", enterprise_number=org.enterprise_number
    )
    guest, _ = services.walk_in(MANAGER, event, name="Gast", company_name="Zelfstandige")
    assert walker.source == Registration.Source.WALK_IN and walker.checked_in_at
    assert walker.participation.organisation == org and not walker.participation.is_guest
    assert guest.participation.is_guest and guest.participation.organisation is None
    # A walk-in counts even when the event is full (they are in the room).
    assert Registration.objects.filter(activity=event, status=Status.REGISTERED).count() == 2


def test_walk_in_with_an_address_already_registered_checks_that_one_in(event):
    registration, _ = _register(event, 1)
    walked, new = services.walk_in(MANAGER, event, name="Persoon 1", email="persoon1@example.org")
    assert walked.pk == registration.pk and new
    assert Registration.objects.filter(activity=event).count() == 1


def test_personal_data_is_not_in_the_audit_log_in_clear(event):
    registration, _ = _register(event, 1, name="Zeldzame Naam", email="zeldzaam@example.org")
    services.check_in(MANAGER, registration)
    entries = AuditEntry.objects.filter(content_type__model="registration")
    assert entries.exists()
    text = " ".join(f"{e.object_repr} {e.before} {e.after}" for e in entries)
    assert "zeldzaam@example.org" not in text and "Zeldzame" not in text
    assert registration.token not in text


def test_question_with_choices_needs_two(event):
    question = Question(settings=event.registration_settings, label="Menu", kind="choice")
    question.choices = "vlees"
    with pytest.raises(Exception, match="two"):
        question.full_clean()


# -- The public page ----------------------------------------------------------------------


def test_the_public_page_registers_and_answers_the_questions(event):
    settings = event.registration_settings
    q_text = Question.objects.create(settings=settings, label="Dieetwensen", kind="text")
    q_choice = Question.objects.create(
        settings=settings, label="Sessie", kind="choice", choices="ochtend\nnamiddag", required=True
    )
    q_yes = Question.objects.create(settings=settings, label="Foto's ok?", kind="yes_no")
    page = Client().get(reverse("registrations:register", args=[event.pk]))
    assert page.status_code == 200
    assert b"Dieetwensen" in page.content and b'name="website"' in page.content
    response = _post(
        event,
        **_form(1, enterprise_number=f"BE {dotted(enterprise_number(8104))}"),
        **{q_text.key: "vegetarisch", q_choice.key: "namiddag", q_yes.key: "yes"},
    )
    assert response.status_code == 302
    registration = Registration.objects.get(activity=event)
    assert registration.enterprise_number == enterprise_number(8104)
    assert registration.answers[str(q_choice.pk)] == {"question": "Sessie", "answer": "namiddag"}
    assert registration.answers[str(q_yes.pk)]["answer"] == "yes"
    # A required question left open, a choice not offered: the form says so.
    response = _post(event, **_form(2), **{q_choice.key: "nacht"})
    assert response.status_code == 200 and Registration.objects.count() == 1


def test_a_double_clicked_form_counts_once(event):
    assert _post(event, **_form(1)).status_code == 302
    assert _post(event, **_form(1)).status_code == 302
    assert Registration.objects.filter(activity=event).count() == 1
    assert len(mail.outbox) == 1


def test_the_honeypot_keeps_and_sends_nothing(event):
    response = _post(event, **_form(1, website="http://spam.example"))
    assert response.status_code == 302
    assert Registration.objects.count() == 0 and mail.outbox == []


def test_the_rate_limit_per_address(event, monkeypatch):
    monkeypatch.setattr(services, "PER_EMAIL", 1)
    other = Activity.objects.create(title="Tweede", kind="event", date=event.date, public=True)
    other.clusters.add(event.clusters.get())
    RegistrationSettings.objects.create(activity=other)
    assert _post(event, **_form(1)).status_code == 302
    response = _post(other, **_form(1))
    assert response.status_code == 429
    assert Registration.objects.count() == 1


def test_a_private_activity_or_one_without_registration_is_not_found(event):
    Activity.objects.filter(pk=event.pk).update(public=False)
    assert Client().get(reverse("registrations:register", args=[event.pk])).status_code == 404
    plain = Activity.objects.create(title="Zonder", kind="event", date=event.date, public=True)
    assert Client().get(reverse("registrations:register", args=[plain.pk])).status_code == 404


def test_csrf_is_required(event):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("registrations:register", args=[event.pk]), _form(1))
    assert response.status_code == 403
    assert Registration.objects.count() == 0


HOSTILE = [
    "<script>alert(1)</script>",
    '=HYPERLINK("https://evil.example")',
    "Ω" * 199,
    "Robert'); DROP TABLE registrations_registration;--",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_names_are_kept_as_text_and_escaped(event, value, client_for):
    assert _post(event, **_form(1, name=value, company_name=value)).status_code == 302
    registration = Registration.objects.get(activity=event)
    assert registration.name == value
    page = client_for("cluster_manager_a").get(
        reverse("registrations:event-detail", args=[event.pk])
    )
    assert page.status_code == 200
    assert b"<script>alert(1)</script>" not in page.content


@pytest.mark.parametrize(
    "changes",
    [
        {"email": "not-an-address"},
        {"email": ""},
        {"name": ""},
        {"name": "x" * 201},
        {"enterprise_number": "0123.456.789"},
        {"enterprise_number": "abc"},
        {"consent": ""},
    ],
)
def test_bad_values_are_refused_with_the_field_named(event, changes):
    response = _post(event, lang="en", **_form(1, **changes))
    assert response.status_code == 200
    assert Registration.objects.count() == 0
    assert b'class="error"' in response.content


def test_the_cancel_link_asks_first_and_a_made_up_one_is_refused(event):
    registration, _ = _register(event, 1)
    path = reverse("registrations:cancel", args=[registration.token])
    assert Client().get(path).status_code == 200
    registration.refresh_from_db()
    assert registration.status == Status.REGISTERED  # a link opened cancels nothing
    assert Client().post(path).status_code == 200
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    page = Client().get(reverse("registrations:cancel", args=["made-up"]))
    assert page.status_code == 200 and b'class="warning"' in page.content
    long_token = Client().get(reverse("registrations:cancel", args=["x" * 500]))
    assert long_token.status_code == 200


def test_the_calendar_links_to_an_open_registration(event):
    from tests import matrix_objects

    matrix_objects.published_profile()
    page = Client().get(reverse("portal:events"))
    assert reverse("registrations:register", args=[event.pk]).encode() in page.content
    RegistrationSettings.objects.filter(activity=event).update(is_open=False)
    page = Client().get(reverse("portal:events"), {"lang": "en"})
    assert reverse("registrations:register", args=[event.pk]).encode() not in page.content


# -- The cluster manager's pages -------------------------------------------------------


def test_the_event_page_lists_places_waiting_list_and_check_ins(event, web):
    for n in range(1, 5):
        _register(event, n)
    services.check_in(MANAGER, Registration.objects.get(email="persoon1@example.org"))
    client = web("cluster_manager_a")
    url = reverse("registrations:event-detail", args=[event.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Persoon 1" in text and "persoon2@example.org" in text
    assert "Persoon 3" not in text  # the waiting list is its own list
    assert re.search(r'id="checked-in-count">1<', text)
    assert "2 / 2" in text
    waiting = client.get(url, {"show": "waitlisted"}).content.decode()
    assert waiting.index("Persoon 3") < waiting.index("Persoon 4")  # in their order
    assert "Persoon 1" not in waiting
    # Something made up shows the places.
    assert "Persoon 1" in client.get(url, {"show": "<x>"}).content.decode()


def test_the_registrations_page_is_paged(event, web):
    RegistrationSettings.objects.filter(activity=event).update(capacity=None)
    Registration.objects.bulk_create(
        Registration(activity=event, name=f"Rij {n:03d}", email=f"rij{n}@example.org")
        for n in range(130)
    )
    client = web("cluster_manager_a")
    url = reverse("registrations:event-detail", args=[event.pk])
    first = client.get(url).content.decode()
    assert "Rij 099" in first and "Rij 100" not in first
    second = client.get(url, {"page": "2"}).content.decode()
    assert "Rij 129" in second and "Rij 099" not in second


def test_opening_registration_from_the_activity(web, db):
    cluster = Cluster.objects.get(code=CLUSTER_A)
    activity = Activity.objects.create(
        title="Nieuw", kind="event", date=datetime.date.today(), public=True
    )
    activity.clusters.add(cluster)
    client = web("cluster_manager_a")
    detail = client.get(reverse("activities:activity-detail", args=[activity.pk]))
    assert reverse("registrations:event-detail", args=[activity.pk]).encode() in detail.content
    url = reverse("registrations:settings-edit", args=[activity.pk])
    response = client.post(url, {"is_open": "on", "capacity": "30", "waiting_list": "on"})
    assert response.status_code == 302
    assert activity.registration_settings.capacity == 30
    response = client.post(
        reverse("registrations:question-add", args=[activity.pk]),
        {"label": "Lunch?", "kind": "yes_no", "position": "1"},
    )
    assert response.status_code == 302
    question = activity.registration_settings.questions.get()
    response = client.post(
        reverse("registrations:question-delete", args=[question.pk]), {"confirmed": "yes"}
    )
    assert response.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()
    bad = client.post(url, {"is_open": "on", "capacity": "-3"})
    assert bad.status_code == 200 and RegistrationSettings.objects.get().capacity == 30


def test_the_manager_cancels_for_someone_after_a_confirmation(event, web):
    first, _ = _register(event, 1)
    _register(event, 2)
    third, _ = _register(event, 3)
    client = web("cluster_manager_a")
    url = reverse("registrations:registration-cancel", args=[first.pk])
    asked = client.post(url)
    assert asked.status_code == 200 and b"Persoon 1" in asked.content
    first.refresh_from_db()
    assert first.status == Status.REGISTERED  # nothing before the confirmation
    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    first.refresh_from_db()
    third.refresh_from_db()
    assert (first.status, third.status) == (Status.CANCELLED, Status.REGISTERED)
    entry = AuditEntry.objects.filter(content_type__model="registration", note="cancelled").get()
    assert entry.actor.username == "cluster_manager_a"


@pytest.mark.parametrize("persona", ["programme_manager", "cluster_manager_b", "evaluator"])
def test_only_the_clusters_manager_cancels_for_someone(event, client_for, persona):
    registration, _ = _register(event, 1)
    url = reverse("registrations:registration-cancel", args=[registration.pk])
    response = client_for(persona).post(url, {"confirmed": "yes"})
    assert response.status_code in (403, 404)
    registration.refresh_from_db()
    assert registration.status == Status.REGISTERED


def test_check_in_by_search_and_by_the_scanners_token(event, web):
    first, _ = _register(event, 1, name="Anna Peeters")
    second, _ = _register(event, 2, name="Bart Janssens")
    client = web("cluster_manager_a")
    page = client.get(reverse("registrations:check-in", args=[event.pk]), {"q": "peet"})
    assert page.status_code == 200
    assert "Anna Peeters" in page.content.decode() and "Bart" not in page.content.decode()
    assert "camera=(self)" in page["Permissions-Policy"]
    assert "microphone=()" in page["Permissions-Policy"]
    response = client.post(
        reverse("registrations:check-in-registration", args=[first.pk]), {"q": "peet"}
    )
    assert response.status_code == 302 and response["Location"].endswith("?q=peet")
    first.refresh_from_db()
    assert first.checked_in_at is not None
    scan = reverse("registrations:check-in-scan", args=[event.pk])
    answer = client.post(scan, {"token": second.token})
    assert answer.status_code == 200 and answer.json()["outcome"] == "checked_in"
    assert answer.json()["name"] == "Bart Janssens"
    assert client.post(scan, {"token": second.token}).json()["outcome"] == "already"
    assert Participation.objects.filter(activity=event).count() == 2
    assert client.post(scan, {"token": "made-up"}).status_code == 404
    assert client.post(scan, {}).status_code == 404


def test_a_ticket_of_another_event_is_refused(event, web):
    other = Activity.objects.create(title="Ander", kind="event", date=event.date, public=True)
    other.clusters.add(event.clusters.get())
    RegistrationSettings.objects.create(activity=other)
    registration, _ = _register(other, 1)
    client = web("cluster_manager_a")
    answer = client.post(
        reverse("registrations:check-in-scan", args=[event.pk]), {"token": registration.token}
    )
    assert answer.status_code == 404
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_the_walk_in_page(event, web):
    cluster = Cluster.objects.get(code=CLUSTER_A)
    org = organisation(8105, name="Binnenloper NV")
    membership(org, cluster)
    client = web("cluster_manager_a")
    url = reverse("registrations:check-in-walk-in", args=[event.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Wim", "enterprise_number": dotted(org.enterprise_number)})
    assert response.status_code == 302
    assert Participation.objects.get(activity=event, organisation=org).name == "Wim"
    bad = client.post(url, {"name": "Wim", "enterprise_number": "0123.456.789"})
    assert bad.status_code == 200 and b"not a valid enterprise number" in bad.content


def test_the_export_holds_the_answers(event, web):
    question = Question.objects.create(
        settings=event.registration_settings, label="Lunch", kind="yes_no"
    )
    services.register(
        event,
        _data(1, answers={str(question.pk): {"question": "Lunch", "answer": "yes"}}),
        language="nl",
    )
    client = web("cluster_manager_a")
    url = reverse("registrations:event-download", args=[event.pk])
    csv_text = client.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    assert "Lunch" in csv_text.splitlines()[0]
    assert "Persoon 1;persoon1@example.org" in csv_text and csv_text.rstrip().endswith("yes")
    xlsx = client.get(url, {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("programme_manager", 403),
        ("account_manager", 403),
        ("evaluator", 404),
        ("cluster_manager_b", 404),
        ("member_contact", 404),
    ],
)
def test_only_the_clusters_manager_checks_in(event, client_for, persona, status):
    registration, _ = _register(event, 1)
    client = client_for(persona)
    scan = client.post(
        reverse("registrations:check-in-scan", args=[event.pk]), {"token": registration.token}
    )
    button = client.post(reverse("registrations:check-in-registration", args=[registration.pk]))
    assert (scan.status_code, button.status_code) == (status, status)
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_a_joint_event_is_checked_in_by_either_organiser(event, client_for):
    event.clusters.add(Cluster.objects.get(code="BIM"))
    registration, _ = _register(event, 1)
    answer = client_for("cluster_manager_b").post(
        reverse("registrations:check-in-scan", args=[event.pk]), {"token": registration.token}
    )
    assert answer.status_code == 200


# -- Scale: queries flat in the number of registrations -----------------------------------


def _grow(activity, start: int, count: int) -> None:
    settings = activity.registration_settings
    question = settings.questions.first() or Question.objects.create(
        settings=settings, label="Lunch", kind="yes_no"
    )
    cluster = activity.clusters.get()
    rows = []
    for n in range(start, start + count):
        org = organisation(9000 + n, name=f"Schaal {n} NV")
        if n % 2:
            membership(org, cluster)
        rows.append(
            Registration(
                activity=activity,
                name=f"Schaal {n}",
                email=f"schaal{n}@example.org",
                organisation=org if n % 3 else None,
                company_name=f"Schaal {n} NV",
                status=Status.WAITLISTED if n % 5 == 0 else Status.REGISTERED,
                answers={str(question.pk): {"question": "Lunch", "answer": "yes"}},
            )
        )
    Registration.objects.bulk_create(rows)
    for registration in Registration.objects.filter(activity=activity, checked_in_at=None)[:2]:
        services.check_in(MANAGER, registration)


def _queries(client, activity) -> dict:
    event_page = reverse("registrations:event-detail", args=[activity.pk])
    urls = {
        "event": event_page,
        "waiting list": event_page + "?show=waitlisted",
        "csv": reverse("registrations:event-download", args=[activity.pk]) + "?format=csv",
        "xlsx": reverse("registrations:event-download", args=[activity.pk]) + "?format=xlsx",
        "check-in": reverse("registrations:check-in", args=[activity.pk]) + "?q=Schaal",
        "calendar": reverse("portal:events"),
        "register": reverse("registrations:register", args=[activity.pk]),
    }
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url) if name != "register" else Client().get(url)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(captured.captured_queries)
    return counts


@pytest.mark.django_db
def test_query_counts_are_flat_in_the_number_of_registrations(event, client_for):
    from tests import matrix_objects

    matrix_objects.published_profile()
    RegistrationSettings.objects.filter(activity=event).update(capacity=None)
    event.refresh_from_db()
    client = client_for("cluster_manager_a")
    _grow(event, 1, 10)
    _queries(client, event)  # warm-up
    few = _queries(client, event)
    _grow(event, 11, 160)
    many = _queries(client, event)
    assert Registration.objects.filter(activity=event).count() == 170  # two pages
    assert few == many, f"queries grow with the registrations: {few} → {many}"


# -- Member self-service (core.panels) ------------------------------------------------------


def test_the_company_sees_its_registrations_and_the_person_downloads_and_erases_theirs(event):
    from django.contrib.auth import get_user_model

    from clustermonitor.core import panels
    from clustermonitor.registrations import selfservice

    org = organisation(8301, name="Zelfbediening NV")
    registration, _ = _register(event, 1, enterprise_number=org.enterprise_number)
    _register(event, 2)  # someone else, of no company
    assert "registrations" in {p.key for p in panels.panels()}
    assert selfservice.company_registrations(org, None) == [registration]
    user = get_user_model()(username="persoon1", email="PERSOON1@example.org")
    (data,) = selfservice.personal_data(user)
    assert (data["event"], data["email"], data["status"]) == (
        "Drones in de haven",
        "persoon1@example.org",
        "registered",
    )
    services.check_in(MANAGER, registration)
    eraser = {e.key: e for e in panels.erasers()}["registrations"]
    assert eraser.erase(MANAGER, user, "persoon1@example.org") == 1
    registration.refresh_from_db()
    assert "persoon1" not in registration.email and registration.name == "—"
    assert registration.answers == {} and registration.checked_in_at is not None
    participation = registration.participation
    assert participation.name == "" and participation.organisation == org  # still counts
    assert selfservice.personal_data(user) == []
