"""Survey waves (issue 7): invitations from the member registry, personal links, mailings,
response tracking, and who may do what."""

import base64
import datetime
import secrets

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.members.models import Contact
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry.models import FirmFigures, Organisation
from clustermonitor.surveys import invitations, tokens
from clustermonitor.surveys.models import (
    Invitation,
    Questionnaire,
    ReminderRun,
    Response,
    Wave,
    hash_token,
)
from tests import factories

pytestmark = pytest.mark.usefixtures("english")

ACTOR = audit.Actor.system("tests")
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
CONFIRMED = {"confirmed": "yes"}  # the second, explicit step of a mailing or closing

DEFINITION = {
    "schema": 1,
    "title": "IBN-ledenbevraging",
    "languages": ["nl", "en"],
    "questions": [
        {
            "name": "q1",
            "type": "select_one",
            "label": {"nl": "Deelgenomen aan 2 activiteiten?", "en": "Took part?"},
            "choices": [
                {"name": "yes", "label": {"nl": "ja", "en": "yes"}},
                {"name": "no", "label": {"nl": "nee", "en": "no"}},
            ],
            "required": True,
        },
        {
            "name": "q2",
            "type": "select_one",
            "label": {"nl": "Relevantie", "en": "Relevance"},
            "choices": [
                {"name": str(i), "label": {"nl": str(i), "en": str(i)}} for i in (1, 2, 3, 4)
            ],
            "required": True,
        },
    ],
}


def make_questionnaire(programme, definition=DEFINITION, version="t1") -> Questionnaire:
    return Questionnaire.objects.create(
        programme=programme,
        title="IBN-ledenbevraging",
        version=version,
        xlsform="surveys/forms/test.xlsx",
        sha256="0" * 64,
        definition=definition,
    )


@pytest.fixture
def questionnaire(cluster_a):
    return make_questionnaire(cluster_a.programme)


@pytest.fixture
def wave(questionnaire, cluster_a, cluster_b):
    wave = Wave.objects.create(
        questionnaire=questionnaire,
        name="Bevraging 2020",
        opens_on=TODAY - DAY,
        closes_on=TODAY + 30 * DAY,
    )
    wave.clusters.set([cluster_a, cluster_b])
    return wave


@pytest.fixture
def members(cluster_a, cluster_b):
    """Two member companies of A (one also of B), and some who are not invited."""
    both = factories.organisation(9101, name="Beide NV")
    only_a = factories.organisation(9102, name="Alleen A BV")
    knowledge = factories.organisation(9103, name="Kennis", kind=Organisation.Kind.KNOWLEDGE)
    left = factories.organisation(9104, name="Vertrokken NV")
    late = factories.organisation(9105, name="Laat NV")
    both_a = factories.membership(both, cluster_a)
    both_b = factories.membership(both, cluster_b)
    factories.membership(only_a, cluster_a)
    factories.membership(knowledge, cluster_a)
    factories.membership(left, cluster_b, end=TODAY - 30 * DAY)
    factories.membership(late, cluster_a, start=TODAY + DAY)
    Contact.objects.create(membership=both_a, name="Zonder mail")
    Contact.objects.create(membership=both_a, name="An", email="an@beide.example")
    Contact.objects.create(membership=both_b, name="Bert", email="bert@beide.example")
    FirmFigures.objects.create(organisation=both, year=TODAY.year - 1, employees=120, source="t")
    FirmFigures.objects.create(organisation=only_a, year=TODAY.year, employees=12, source="t")
    FirmFigures.objects.create(organisation=only_a, year=TODAY.year + 1, employees=80, source="t")
    return {"both": both, "only_a": only_a}


# -- Generation ----------------------------------------------------------------------


def test_one_invitation_per_member_company_per_cluster(wave, members, cluster_a, cluster_b):
    counts = invitations.generate(ACTOR, wave)
    assert counts == {"created": 3, "existing": 0, "no_email": 1, "email_filled": 0}
    invited = {
        (i.organisation.name, i.cluster.code): i
        for i in wave.invitations.select_related("organisation", "cluster")
    }
    assert set(invited) == {
        ("Beide NV", cluster_a.code),
        ("Beide NV", cluster_b.code),
        ("Alleen A BV", cluster_a.code),
    }
    both_a = invited[("Beide NV", cluster_a.code)]
    assert both_a.email == "an@beide.example"  # the first contact that has an e-mail
    assert invited[("Beide NV", cluster_b.code)].email == "bert@beide.example"
    assert invited[("Alleen A BV", cluster_a.code)].email == ""
    assert both_a.profile == {
        "cluster": cluster_a.code,
        "call": str(cluster_a.call.number) if cluster_a.call_id else "",
        "embedding": cluster_a.embedding,
        "size": "medium_large",
        "employees": 120,
    }
    # the latest headcount up to the wave's year, not a later one
    only_a = invited[("Alleen A BV", cluster_a.code)].profile
    assert only_a["size"] == "small" and only_a["employees"] == 12


def test_generation_is_idempotent_and_adds_only_new_members(wave, members, cluster_a):
    invitations.generate(ACTOR, wave)
    before = set(wave.invitations.values_list("pk", "token_hash"))
    assert invitations.generate(ACTOR, wave)["created"] == 0
    assert set(wave.invitations.values_list("pk", "token_hash")) == before
    newcomer = factories.organisation(9106, name="Nieuw NV")
    membership = factories.membership(newcomer, cluster_a, start=TODAY - 2 * DAY)
    Contact.objects.create(
        membership=membership, name="C", email="c@nieuw.example"
    )  # and the one without e-mail gets one now
    Contact.objects.create(
        membership=members["only_a"].memberships.get(), name="D", email="d@a.example"
    )
    counts = invitations.generate(ACTOR, wave)
    assert counts["created"] == 1 and counts["existing"] == 3 and counts["email_filled"] == 1
    assert wave.invitations.get(organisation=members["only_a"]).email == "d@a.example"


def test_a_closed_wave_generates_and_sends_nothing(wave, members):
    invitations.generate(ACTOR, wave)
    assert invitations.close(ACTOR, wave) is True
    wave.refresh_from_db()
    assert wave.closes_on == TODAY - DAY and not wave.is_open(TODAY)
    with pytest.raises(Exception, match="closed"):
        invitations.send(ACTOR, wave)
    with pytest.raises(Exception, match="closed"):
        invitations.generate(ACTOR, wave)
    assert invitations.close(ACTOR, wave) is False


# -- Tokens --------------------------------------------------------------------------


def test_tokens_are_256_bit_and_only_their_hash_is_stored(wave, members):
    invitations.generate(ACTOR, wave)
    for invitation in wave.invitations.all():
        token = tokens.token_for(invitation)
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert len(raw) * 8 == 256 >= 128
        assert invitation.token_hash == hash_token(token)
        assert tokens.token_for(Invitation.objects.get(pk=invitation.pk)) == token
        assert tokens.invitation_for_token(token) == invitation
        assert tokens.link_for(invitation).endswith(f"/s/{token}/")
        stored = " ".join(
            str(v) for v in Invitation.objects.filter(pk=invitation.pk).values().first().values()
        )
        assert token not in stored
        logged = AuditEntry.objects.filter(object_id=str(invitation.pk)).values_list(
            "after", flat=True
        )
        assert logged and all(
            token not in str(a) and invitation.token_hash not in str(a) for a in logged
        )
    assert not wave.invitations.filter(token_hash__startswith=tokens.PLACEHOLDER_PREFIX).exists()
    assert tokens.invitation_for_token(secrets.token_urlsafe(32)) is None
    assert tokens.invitation_for_token("") is None


def test_a_new_secret_key_gives_a_new_link(wave, members, settings):
    invitations.generate(ACTOR, wave)
    invitation = wave.invitations.first()
    old = tokens.token_for(invitation)
    settings.SECRET_KEY = "another-key-" + "x" * 40
    new = tokens.current_token(invitation)
    assert new != old and tokens.invitation_for_token(new) == invitation
    assert tokens.invitation_for_token(old) is None


# -- Mailings ------------------------------------------------------------------------


def test_send_mails_each_personal_link_with_the_clusters_name(
    wave, members, cluster_a, cluster_b, persona, django_capture_on_commit_callbacks
):
    invitations.generate(ACTOR, wave)
    actor = audit.Actor(persona("evaluator"))
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations.send(actor, wave) == 2  # the third has no e-mail
    to_both = {m.to[0]: m for m in mail.outbox}
    assert set(to_both) == {"an@beide.example", "bert@beide.example"}
    assert cluster_a.name in to_both["an@beide.example"].body
    assert cluster_b.name in to_both["bert@beide.example"].body
    assert cluster_a.name in to_both["an@beide.example"].subject
    invitation = wave.invitations.get(email="an@beide.example")
    assert tokens.link_for(invitation) in to_both["an@beide.example"].body
    assert to_both["an@beide.example"].body.index("Beste") < to_both["an@beide.example"].body.index(
        "Dear"
    )  # Dutch first
    run = ReminderRun.objects.get(wave=wave)
    assert (run.kind, run.count, run.sent_by, run.clusters) == ("invitation", 2, actor.user, [])
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations.send(actor, wave) == 0  # nothing twice
    assert len(mail.outbox) == 2 and ReminderRun.objects.filter(wave=wave).count() == 1


def test_send_to_some_clusters_only(wave, members, cluster_b, django_capture_on_commit_callbacks):
    invitations.generate(ACTOR, wave)
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations.send(ACTOR, wave, [cluster_b.code]) == 1
    assert [m.to for m in mail.outbox] == [["bert@beide.example"]]
    assert ReminderRun.objects.get(wave=wave).clusters == [cluster_b.code]


def test_reminders_skip_the_completed(wave, members, cluster_a, django_capture_on_commit_callbacks):
    invitations.generate(ACTOR, wave)
    Contact.objects.create(
        membership=members["only_a"].memberships.get(), name="D", email="d@a.example"
    )
    invitations.generate(ACTOR, wave)
    with django_capture_on_commit_callbacks(execute=True):
        invitations.send(ACTOR, wave)
    done = wave.invitations.get(email="an@beide.example")
    started = wave.invitations.get(email="d@a.example")
    now = timezone.now()
    for invitation, completed in ((done, now), (started, None)):
        Response.objects.create(
            wave=wave,
            invitation=invitation,
            source="web",
            answers={"q1": "yes"},
            profile=invitation.profile,
            started_at=now,
            last_saved_at=now,
            completed_at=completed,
        )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations.remind(ACTOR, wave) == 2
    assert {m.to[0] for m in mail.outbox} == {"d@a.example", "bert@beide.example"}
    assert all("Herinnering" in m.subject for m in mail.outbox)
    assert "Reminder" in mail.outbox[0].subject
    started.refresh_from_db()
    done.refresh_from_db()
    assert (started.reminders, done.reminders) == (1, 0) and started.last_reminded_at
    run = ReminderRun.objects.filter(wave=wave, kind="reminder").get()
    assert run.count == 2


def test_the_mail_merge_list_carries_every_link(wave, members, web):
    invitations.generate(ACTOR, wave)
    rows = list(invitations.mail_merge_rows(wave))
    assert len(rows) == 3
    for name, number, code, cluster_name, _email, link in rows:
        token = link.rsplit("/", 2)[-2]
        invitation = tokens.invitation_for_token(token)
        assert (invitation.organisation.name, invitation.cluster.code) == (name, code)
        assert invitation.cluster.name == cluster_name
        assert number == invitation.organisation.enterprise_number_display
    response = web("evaluator").get(reverse("surveys:wave-mail-merge-csv", args=[wave.pk]))
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "organisation;enterprise_number;cluster;cluster_name;email;link"
    assert rows[0][-1] in text
    xlsx = web("evaluator").get(reverse("surveys:wave-mail-merge-xlsx", args=[wave.pk]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd")


# -- Response tracking ---------------------------------------------------------------


def _published_wave(questionnaire, invited=1065, started=328, completed=269):
    """The 2020 survey's fielding, in bulk: 1,065 invited over the 20 IBNs, 328 started,
    269 completed."""
    clusters = list(Cluster.objects.filter(cluster_type__code="IBN").order_by("code"))
    assert len(clusters) == 20
    wave = Wave.objects.create(
        questionnaire=questionnaire,
        name=f"2019-2020 ({invited})",
        opens_on=datetime.date(2019, 11, 4),
        closes_on=datetime.date(2019, 12, 6),
    )
    wave.clusters.set(clusters)
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"Lid {invited} {i}", kind="company") for i in range(invited)]
    )
    if organisations[0].pk is None:
        organisations = list(
            Organisation.objects.filter(name__startswith=f"Lid {invited} ").order_by("pk")
        )
    invitations_ = Invitation.objects.bulk_create(
        [
            Invitation(
                wave=wave,
                organisation=org,
                cluster=clusters[i % 20],
                token_hash=secrets.token_hex(32),
                nonce=tokens.new_nonce(),
                profile={"cluster": clusters[i % 20].code},
            )
            for i, org in enumerate(organisations)
        ]
    )
    if invitations_[0].pk is None:
        invitations_ = list(wave.invitations.order_by("pk"))
    moment = timezone.now()
    Response.objects.bulk_create(
        [
            Response(
                wave=wave,
                invitation=invitation,
                source="web",
                answers={"q1": "yes"},
                started_at=moment,
                last_saved_at=moment,
                completed_at=moment if i < completed else None,
            )
            for i, invitation in enumerate(invitations_[:started])
        ]
    )
    # opened but nothing answered yet: not started
    Response.objects.bulk_create(
        [
            Response(wave=wave, invitation=i, source="web", started_at=moment, last_saved_at=moment)
            for i in invitations_[started : started + 12]
        ]
    )
    return wave


def test_tracking_reproduces_the_published_response(questionnaire):
    wave = _published_wave(questionnaire)
    rows, total = invitations.tracking(wave)
    assert (total.invited, total.started, total.completed) == (1065, 328, 269)
    assert round(total.started_rate, 3) == 0.308
    assert round(total.completed_rate, 3) == 0.253
    assert len(rows) == 20 and sum(r.invited for r in rows) == 1065
    assert sum(r.started for r in rows) == 328 and sum(r.completed for r in rows) == 269
    first = rows[0]
    assert first.invited == 54 and first.started == 17  # 1,065 and 328 spread over 20
    assert invitations.slowest_first(rows)[0].started_rate <= rows[0].started_rate


def test_the_tracking_page_shows_the_rate_in_constant_queries(questionnaire, web):
    client = web("evaluator")
    wave = _published_wave(questionnaire)
    url = reverse("surveys:wave-detail", args=[wave.pk])
    with CaptureQueriesContext(connection) as big:
        html = client.get(url).content.decode()
    assert "1.065" in html and "328" in html and "269" in html and "30,8 %" in html
    small = _published_wave(questionnaire, invited=40, started=15, completed=10)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("surveys:wave-detail", args=[small.pk]))
    assert len(big.captured_queries) == len(few.captured_queries)
    xlsx = client.get(reverse("surveys:wave-tracking-xlsx", args=[wave.pk]))
    assert xlsx.status_code == 200


def test_a_cluster_manager_sees_their_own_clusters_counts_only(wave, members, web, cluster_a):
    invitations.generate(ACTOR, wave)
    url = reverse("surveys:cluster-tracking", args=[cluster_a.code])
    html = web("cluster_manager_a").get(url).content.decode()
    assert wave.name in html and "Beide NV" not in html and "Alleen A BV" not in html
    assert '<td class="num">2</td>' in html  # invited in A
    assert web("cluster_manager_b").get(url).status_code == 404
    assert web("member_contact").get(url).status_code == 404
    assert web("account_manager").get(url).status_code == 200


# -- Pages and permissions -----------------------------------------------------------


def test_the_wave_form_can_take_all_ibns(questionnaire, web):
    response = web("evaluator").post(
        reverse("surveys:wave-create"),
        {
            "questionnaire": questionnaire.pk,
            "name": "Alle IBN's",
            "all_ibns": "on",
            "opens_on": TODAY.isoformat(),
            "closes_on": (TODAY + 20 * DAY).isoformat(),
        },
    )
    wave = Wave.objects.get(name="Alle IBN's")
    assert response.status_code == 302 and response["Location"].endswith(f"/{wave.pk}/")
    assert wave.clusters.count() == 20
    assert set(wave.clusters.values_list("cluster_type__code", flat=True)) == {"IBN"}
    assert AuditEntry.objects.filter(object_id=str(wave.pk), action="create").exists()


def test_a_cluster_with_invitations_stays_in_the_wave(wave, members, web, cluster_b):
    invitations.generate(ACTOR, wave)
    response = web("evaluator").post(
        reverse("surveys:wave-edit", args=[wave.pk]),
        {
            "questionnaire": wave.questionnaire_id,
            "name": wave.name,
            "clusters": [cluster_b.pk],
            "opens_on": wave.opens_on.isoformat(),
            "closes_on": wave.closes_on.isoformat(),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["clusters"]
    assert any("EUKA" in e for e in errors)  # named: it has invitations and stays
    assert wave.clusters.count() == 2


WRITES = {
    "programme_manager": 302,
    "account_manager": 403,
    "evaluator": 302,
    "cluster_manager_a": 404,
    "cluster_manager_b": 404,
    "member_contact": 404,
}


@pytest.mark.parametrize("name", list(WRITES))
def test_writes_per_persona(
    name, wave, members, web, questionnaire, django_capture_on_commit_callbacks
):
    client = web(name)
    expected = WRITES[name]
    with django_capture_on_commit_callbacks(execute=True):
        for route in ("wave-generate", "wave-send", "wave-remind", "wave-mark-sent"):
            response = client.post(reverse(f"surveys:{route}", args=[wave.pk]), CONFIRMED)
            assert response.status_code == expected, route
    assert wave.invitations.exists() == (expected == 302)
    assert len(mail.outbox) == (4 if expected == 302 else 0)  # 2 invitations, 2 reminders
    created = client.post(
        reverse("surveys:wave-create"),
        {
            "questionnaire": questionnaire.pk,
            "name": f"door {name}",
            "all_ibns": "on",
            "opens_on": TODAY.isoformat(),
            "closes_on": TODAY.isoformat(),
        },
    )
    assert created.status_code == expected
    response = client.post(reverse("surveys:wave-close", args=[wave.pk]), CONFIRMED)
    assert response.status_code == expected
    wave.refresh_from_db()
    assert wave.is_open(TODAY) == (expected != 302)


def test_anonymous_goes_to_the_login_page(wave, client):
    response = client.post(reverse("surveys:wave-generate", args=[wave.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not wave.invitations.exists()


GETS = {
    "anonymous": "login",
    "programme_manager": 200,
    "account_manager": 403,
    "evaluator": 200,
    "cluster_manager_a": 404,
    "cluster_manager_b": 404,
    "member_contact": 404,
}


@pytest.mark.parametrize("name", list(GETS))
def test_pages_per_persona(name, wave, members, web):
    invitations.generate(ACTOR, wave)
    client = web(name)
    for url in (
        reverse("surveys:wave-list"),
        reverse("surveys:wave-create"),
        reverse("surveys:wave-detail", args=[wave.pk]),
        reverse("surveys:wave-edit", args=[wave.pk]),
        reverse("surveys:wave-tracking-xlsx", args=[wave.pk]),
        reverse("surveys:wave-mail-merge-xlsx", args=[wave.pk]),
        reverse("surveys:wave-mail-merge-csv", args=[wave.pk]),
        reverse("surveys:response-import", args=[wave.pk]),
    ):
        response = client.get(url)
        if GETS[name] == "login":
            assert response.status_code == 302 and "/login" in response["Location"], url
        else:
            assert response.status_code == GETS[name], url
