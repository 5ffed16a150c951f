"""Ask to join (issue 17, docs/portal.md): the public form, the double opt-in, the spam
guards, and the cluster manager's answer — for whom, and on hostile input."""

import datetime
import re

import duckdb
import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clustermonitor.core.models import AuditEntry
from clustermonitor.members.models import Membership
from clustermonitor.monitoring import inbox
from clustermonitor.portal import services_join
from clustermonitor.portal.models import JoinRequest
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry.models import Organisation
from tests import matrix_objects
from tests.conftest import CLUSTER_A
from tests.factories import dotted, enterprise_number, membership, organisation

NUMBER = enterprise_number(4242)


@pytest.fixture(autouse=True)
def mails_at_once(monkeypatch):
    """The e-mails leave when the write is committed; a test's transaction never is, so
    they leave at once here."""
    monkeypatch.setattr(services_join.transaction, "on_commit", lambda send, **kw: send())


@pytest.fixture
def euka(db):
    """Cluster A, published and running (its reference agreement ended in 2019)."""
    today = datetime.date.today()
    Cluster.objects.filter(code=CLUSTER_A).update(end_date=today + datetime.timedelta(days=365))
    matrix_objects.published_profile()
    return Cluster.objects.get(code=CLUSTER_A)


def _form(**changes) -> dict:
    data = {
        "enterprise_number": f"BE {dotted(NUMBER)}",
        "company_name": "Nieuwkomer NV",
        "contact_name": "Nina Nieuw",
        "email": "nina@nieuwkomer.example",
        "message": "Wij maken drones.",
        "consent": "on",
        "website": "",
        "source": "profile",
    }
    return data | changes


def _ask(client=None, code=CLUSTER_A, lang="nl", **changes):
    client = client or Client(headers={"Accept-Language": lang})
    client.cookies["django_language"] = lang
    return client.post(reverse("portal:ask-to-join", args=[code]), _form(**changes))


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def _path(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


def _confirmed(client=None, **changes) -> JoinRequest:
    assert _ask(client, **changes).status_code == 302
    path = _path(_link(mail.outbox[-1]))
    assert Client().post(path).status_code == 200
    return JoinRequest.objects.latest("pk")


# -- The visitor -----------------------------------------------------------------------


def test_the_profile_and_the_finder_offer_ask_to_join(euka):
    page = Client().get(reverse("portal:cluster-detail", args=[CLUSTER_A])).content.decode()
    assert reverse("portal:ask-to-join", args=[CLUSTER_A]) in page
    form = Client().get(
        reverse("portal:ask-to-join", args=[CLUSTER_A]),
        {"from": "finder", "enterprise_number": dotted(NUMBER)},
    )
    assert form.status_code == 200
    html = form.content.decode()
    assert '<form method="post"' in html and "<script" not in html.split("<main", 1)[-1]
    assert f'value="{dotted(NUMBER)}"' in html and 'value="finder"' in html


def test_a_past_or_unpublished_cluster_takes_no_requests(db):
    matrix_objects.published_profile()  # EUKA's agreement ended in 2019
    assert Client().get(reverse("portal:ask-to-join", args=[CLUSTER_A])).status_code == 404
    assert _ask().status_code == 404
    assert Client().get(reverse("portal:ask-to-join", args=["BIM"])).status_code == 404
    assert not JoinRequest.objects.exists()


def test_asking_keeps_an_unconfirmed_request_and_mails_a_link(euka):
    response = _ask()
    assert response.status_code == 302 and response["Location"] == reverse("portal:join-sent")
    join = JoinRequest.objects.get()
    assert join.state == JoinRequest.State.UNCONFIRMED
    assert join.enterprise_number == NUMBER and join.language == "nl"
    assert "EUKA" in join.consent_text or euka.name in join.consent_text
    assert join.client_digest and "127.0.0.1" not in join.client_digest
    (message,) = mail.outbox
    assert message.to == ["nina@nieuwkomer.example"]
    assert "Bevestig" in message.subject and "/portal/join/confirm/" in _link(message)
    assert AuditEntry.objects.filter(note="join request asked", object_id=str(join.pk)).exists()
    # Not in the cluster's inbox nor on its list before the address is confirmed.
    assert services_join.visible(JoinRequest.objects).count() == 0


@pytest.mark.parametrize(
    ("lang", "field", "value", "reason"),
    [
        ("nl", "enterprise_number", "0412.345.679", "geen geldig ondernemingsnummer"),
        ("en", "enterprise_number", "0412.345.679", "is not a valid enterprise number"),
        ("en", "enterprise_number", "<script>alert(1)</script>", "not a valid enterprise number"),
        ("nl", "email", "nina@", "e-mailadres"),
        ("en", "consent", "", "Tick the box"),
        ("nl", "consent", "", "Vink het vakje aan"),
        ("en", "contact_name", "x" * 201, "at most 200 characters"),
        ("en", "message", "y" * 2001, "at most 2000 characters"),
    ],
)
def test_bad_input_keeps_what_was_typed_and_says_why_in_the_language(
    euka, lang, field, value, reason
):
    response = _ask(lang=lang, **{field: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert reason in html
    assert 'value="Nieuwkomer NV"' in html  # what was typed is kept
    if field != "message":
        assert "Wij maken drones." in html
    assert "<script>alert(1)</script>" not in html
    assert not JoinRequest.objects.exists() and not mail.outbox


def test_the_honeypot_answers_as_for_a_person_and_keeps_nothing(euka):
    response = _ask(website="http://spam.example")
    assert response.status_code == 302 and response["Location"] == reverse("portal:join-sent")
    assert not JoinRequest.objects.exists() and not mail.outbox


def test_the_honeypot_is_hidden_from_people(euka):
    html = Client().get(reverse("portal:ask-to-join", args=[CLUSTER_A])).content.decode()
    assert re.search(r'<div hidden>\s*<label for="id_website"', html)


def test_the_rate_limit_per_e_mail_address(euka):
    for _ in range(services_join.PER_EMAIL):
        assert _ask().status_code == 302
    response = _ask(email="NINA@nieuwkomer.example")  # the same address
    assert response.status_code == 429
    assert "te veel aanvragen" in response.content.decode()
    assert JoinRequest.objects.count() == services_join.PER_EMAIL
    assert len(mail.outbox) == services_join.PER_EMAIL
    # An hour later the address may ask again.
    JoinRequest.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=61))
    assert _ask().status_code == 302


def test_the_rate_limit_per_client_address(euka):
    for i in range(services_join.PER_CLIENT):
        assert _ask(email=f"nina{i}@nieuwkomer.example").status_code == 302
    assert _ask(email="andere@nieuwkomer.example").status_code == 429
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert _ask(other, email="andere@nieuwkomer.example").status_code == 302


# -- Confirming ------------------------------------------------------------------------


def test_confirming_puts_the_request_in_the_inbox_with_the_registry_company(euka):
    org = organisation(4242, name="Nieuwkomer Officieel NV")
    assert _ask().status_code == 302
    path = _path(_link(mail.outbox[-1]))
    page = Client().get(path)  # a mail scanner's GET confirms nothing
    assert page.status_code == 200 and "<form" in page.content.decode()
    assert JoinRequest.objects.get().state == JoinRequest.State.UNCONFIRMED
    done = Client().post(path)
    assert "doorgegeven" in done.content.decode()
    join = JoinRequest.objects.get()
    assert join.state == JoinRequest.State.OPEN and join.confirmed_at
    assert join.found_in == "registry" and join.organisation == org
    # Again: nothing changes, the page says so.
    again = Client().post(path)
    assert "al bevestigd" in again.content.decode()
    assert AuditEntry.objects.filter(note="join request confirmed").count() == 1


def test_the_company_is_looked_up_in_the_kbo_lookup(euka, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    (tmp_path / "kbo").mkdir()
    duckdb.sql(
        f"COPY (SELECT '{NUMBER}' AS enterprise_number, 'Kbo Naam NV' AS name, '3000' AS postcode,"
        " DATE '2001-01-01' AS start_date, '28990' AS nace_2008, 'kbo naam nv' AS folded)"
        f" TO '{tmp_path / 'kbo' / 'enterprises.parquet'}' (FORMAT parquet)"
    )
    join = _confirmed()
    assert join.found_in == "kbo" and join.company["name"] == "Kbo Naam NV"
    assert join.organisation is None


@pytest.mark.parametrize("how", ["tampered", "other-request", "garbage", "expired"])
def test_a_tampered_or_expired_link_confirms_nothing(euka, how, monkeypatch):
    assert _ask().status_code == 302
    join = JoinRequest.objects.get()
    token = services_join.token_for(join)
    if how == "tampered":
        token = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    elif how == "other-request":  # the signed part changed: the signature no longer fits
        token = token.replace(f"[{join.pk},", f"[{join.pk + 1},", 1)
        token = signing.b64_encode(f"[{join.pk + 1},".encode()).decode() + token[token.index(":") :]
    elif how == "garbage":
        token = "..%2F..%2Fetc%2Fpasswd"
    else:
        monkeypatch.setattr(services_join, "CONFIRM_WITHIN", datetime.timedelta(seconds=-1))
    path = reverse("portal:join-confirm", args=[token])
    response = Client().post(path)
    assert response.status_code == 200
    expected = "verlopen" if how == "expired" else "niet geldig"
    assert expected in response.content.decode()
    assert JoinRequest.objects.get().state == JoinRequest.State.UNCONFIRMED


def test_a_link_for_one_address_does_not_confirm_another_request(euka):
    assert _ask().status_code == 302
    first = JoinRequest.objects.get()
    token = signing.dumps([first.pk, "0" * 16], salt=services_join._SALT, compress=False)
    Client().post(reverse("portal:join-confirm", args=[token]))
    assert JoinRequest.objects.get().state == JoinRequest.State.UNCONFIRMED


# -- The cluster's managers ------------------------------------------------------------


def test_the_request_is_in_the_managers_inbox_and_list(euka, web, persona):
    join = _confirmed()
    items = [i for i in inbox.items_for(persona("cluster_manager_a")) if i.kind == "join"]
    assert [(i.cluster, i.url) for i in items] == [
        (CLUSTER_A, reverse("portal:join-requests", args=[CLUSTER_A]))
    ]
    assert any(i.kind == "join" for i in inbox.for_cluster(persona("cluster_manager_a"), euka))
    assert not [i for i in inbox.items_for(persona("cluster_manager_b")) if i.kind == "join"]
    listing = web("cluster_manager_a").get(reverse("portal:join-requests", args=[CLUSTER_A]))
    assert "Nieuwkomer NV" in listing.content.decode()
    detail = web("cluster_manager_a").get(reverse("portal:join-request-detail", args=[join.pk]))
    html = detail.content.decode()
    assert "nina@nieuwkomer.example" in html and "Wij maken drones." in html
    assert 'id="join-accept"' in html


def test_accepting_starts_a_membership_audited_and_mails_the_company(euka, web):
    join = _confirmed()
    day = datetime.date.today()
    response = web("cluster_manager_a").post(
        reverse("portal:join-request-accept", args=[join.pk]), {"start_date": day.isoformat()}
    )
    assert response.status_code == 302
    join.refresh_from_db()
    assert join.state == JoinRequest.State.ACCEPTED and join.decided_by.username == (
        "cluster_manager_a"
    )
    membership = Membership.objects.get(cluster=euka, organisation__enterprise_number=NUMBER)
    assert join.membership == membership and membership.start_date == day
    assert membership.organisation.name == "Nieuwkomer NV"
    assert AuditEntry.objects.filter(note="join request accepted", object_id=str(join.pk)).exists()
    assert mail.outbox[-1].to == ["nina@nieuwkomer.example"]
    assert "Welkom" in mail.outbox[-1].subject
    # Answered once: a second accept or a decline changes nothing.
    web("cluster_manager_a").post(
        reverse("portal:join-request-accept", args=[join.pk]), {"start_date": day.isoformat()}
    )
    web("cluster_manager_a").post(
        reverse("portal:join-request-decline", args=[join.pk]), {"message": "Toch niet."}
    )
    assert Membership.objects.filter(organisation__enterprise_number=NUMBER).count() == 1
    join.refresh_from_db()
    assert join.state == JoinRequest.State.ACCEPTED


def test_accepting_reuses_the_registry_organisation(euka, web):
    org = organisation(4242, name="Nieuwkomer Officieel NV")
    join = _confirmed()
    web("cluster_manager_a").post(
        reverse("portal:join-request-accept", args=[join.pk]),
        {"start_date": datetime.date.today().isoformat()},
    )
    assert Membership.objects.get(cluster=euka, organisation=org)
    assert Organisation.objects.filter(enterprise_number=NUMBER).count() == 1


def test_accepting_a_kbo_company_adds_it_to_the_registry(euka, web, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    (tmp_path / "kbo").mkdir()
    duckdb.sql(
        f"COPY (SELECT '{NUMBER}' AS enterprise_number, 'Kbo Naam NV' AS name, '3000' AS postcode,"
        " DATE '2001-01-01' AS start_date, '28990' AS nace_2008, 'kbo naam nv' AS folded)"
        f" TO '{tmp_path / 'kbo' / 'enterprises.parquet'}' (FORMAT parquet)"
    )
    join = _confirmed()
    web("cluster_manager_a").post(
        reverse("portal:join-request-accept", args=[join.pk]),
        {"start_date": datetime.date.today().isoformat()},
    )
    org = Organisation.objects.get(enterprise_number=NUMBER)
    assert org.name == "Kbo Naam NV" and org.postcode == "3000"
    assert org.nace_2008.code == "28990" and org.start_date == datetime.date(2001, 1, 1)
    assert Membership.objects.filter(cluster=euka, organisation=org).exists()


def test_declining_needs_a_message_and_mails_it(euka, web):
    join = _confirmed()
    url = reverse("portal:join-request-decline", args=[join.pk])
    web("cluster_manager_a").post(url, {"message": ""})
    join.refresh_from_db()
    assert join.state == JoinRequest.State.OPEN
    web("cluster_manager_a").post(url, {"message": "Wij richten ons op de bouw."})
    join.refresh_from_db()
    assert join.state == JoinRequest.State.DECLINED
    assert join.decision_message == "Wij richten ons op de bouw."
    assert "Wij richten ons op de bouw." in mail.outbox[-1].body
    assert AuditEntry.objects.filter(note="join request declined", object_id=str(join.pk)).exists()
    assert not Membership.objects.filter(organisation__enterprise_number=NUMBER).exists()


def test_another_clusters_manager_cannot_see_nor_answer(euka, web):
    join = _confirmed()
    other = web("cluster_manager_b")
    assert other.get(reverse("portal:join-requests", args=[CLUSTER_A])).status_code == 404
    assert other.get(reverse("portal:join-request-detail", args=[join.pk])).status_code == 404
    day = datetime.date.today().isoformat()
    for step, data in (("accept", {"start_date": day}), ("decline", {"message": "Nee."})):
        response = other.post(reverse(f"portal:join-request-{step}", args=[join.pk]), data)
        assert response.status_code == 404
    # The account manager sees it and may not answer; the evaluator does not see it.
    agency = web("account_manager")
    assert agency.get(reverse("portal:join-request-detail", args=[join.pk])).status_code == 200
    response = agency.post(
        reverse("portal:join-request-accept", args=[join.pk]), {"start_date": day}
    )
    assert response.status_code == 403
    evaluator = web("evaluator")
    assert evaluator.get(reverse("portal:join-request-detail", args=[join.pk])).status_code == 404
    join.refresh_from_db()
    assert join.state == JoinRequest.State.OPEN
    assert not Membership.objects.filter(organisation__enterprise_number=NUMBER).exists()


def test_an_unconfirmed_request_is_nobodys_in_the_workspace(euka, web):
    assert _ask().status_code == 302
    join = JoinRequest.objects.get()
    for persona in ("cluster_manager_a", "programme_manager"):
        client = web(persona)
        assert client.get(reverse("portal:join-request-detail", args=[join.pk])).status_code == 404
        response = client.post(
            reverse("portal:join-request-accept", args=[join.pk]),
            {"start_date": datetime.date.today().isoformat()},
        )
        assert response.status_code == 404
    listing = web("cluster_manager_a").get(reverse("portal:join-requests", args=[CLUSTER_A]))
    assert "Nieuwkomer" not in listing.content.decode()


def test_hostile_ids_in_the_answer_routes_are_refused(euka, web):
    client = web("cluster_manager_a")
    for junk in ("99999999999", "0"):
        url = f"/join-requests/{junk}/accept/"
        assert client.post(url, {"start_date": "2026-01-01"}).status_code == 404
    join = _confirmed()
    response = client.post(
        reverse("portal:join-request-accept", args=[join.pk]), {"start_date": "<b>morgen</b>"}
    )
    assert response.status_code == 302
    join.refresh_from_db()
    assert join.state == JoinRequest.State.OPEN


def test_a_member_already_is_said_on_the_request(euka, web):
    org = organisation(4242)
    membership(org, euka, start=datetime.date(2018, 1, 1))
    join = _confirmed()
    html = (
        web("cluster_manager_a")
        .get(reverse("portal:join-request-detail", args=[join.pk]))
        .content.decode()
    )
    assert "member of the cluster already" in html


def test_a_running_member_cannot_be_accepted_twice(euka, web):
    org = organisation(4242)
    membership(org, euka, start=datetime.date(2018, 1, 1))
    join = _confirmed()
    response = web("cluster_manager_a").post(
        reverse("portal:join-request-accept", args=[join.pk]),
        {"start_date": datetime.date.today().isoformat()},
        follow=True,
    )
    assert "already a member" in response.content.decode()
    join.refresh_from_db()
    assert join.state == JoinRequest.State.OPEN
    assert Membership.objects.filter(organisation=org).count() == 1


def test_hostile_text_is_shown_as_text_to_the_manager(euka, web):
    join = _confirmed(
        company_name='<img src=x onerror="alert(1)">', message="<script>alert(2)</script>"
    )
    html = (
        web("cluster_manager_a")
        .get(reverse("portal:join-request-detail", args=[join.pk]))
        .content.decode()
    )
    assert "<script>alert(2)" not in html and '<img src=x onerror="alert(1)">' not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_a_visitor_who_asks_in_english_gets_english_mail(euka):
    assert _ask(lang="en").status_code == 302
    join = JoinRequest.objects.get()
    assert join.language == "en" and join.consent_text.startswith("I agree that")
    assert mail.outbox[-1].subject.startswith("Confirm your request to join")
    confirm = Client(headers={"Accept-Language": "en"})
    confirm.cookies["django_language"] = "en"
    assert "passed on to" in confirm.post(_path(_link(mail.outbox[-1]))).content.decode()
