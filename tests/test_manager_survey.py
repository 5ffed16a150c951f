"""The yearly cluster-manager survey (issue 21, docs/maturity.md): a wave of the
cluster-manager questionnaire invites the managers of its clusters, is answered through
the personal link, and its results are the agency's only; the member survey's pages and
the report leave it out."""

import datetime
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clustermonitor.accounts.models import User
from clustermonitor.core import audit
from clustermonitor.members.models import Contact
from clustermonitor.reports.build import resolve
from clustermonitor.reports.sections import survey as survey_chapter
from clustermonitor.surveys import invitations, tokens, xlsform
from clustermonitor.surveys.models import Invitation, Questionnaire, Wave, member_waves
from tests import factories
from tests.test_survey_respond import answer, answers_of

pytestmark = pytest.mark.usefixtures("english")

ACTOR = audit.Actor.system("tests")
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
FORM = (
    Path(__file__).resolve().parent.parent
    / "clustermonitor"
    / "surveys"
    / "data"
    / "cluster_manager_survey.xlsx"
)


def _questionnaire(programme, title, definition) -> Questionnaire:
    return Questionnaire.objects.create(
        programme=programme,
        title=title,
        version="t1",
        xlsform="surveys/forms/test.xlsx",
        sha256="0" * 64,
        definition=definition,
    )


def _wave(questionnaire, clusters, name) -> Wave:
    wave = Wave.objects.create(
        questionnaire=questionnaire, name=name, opens_on=TODAY - DAY, closes_on=TODAY + 30 * DAY
    )
    wave.clusters.set(clusters)
    return wave


@pytest.fixture
def managers(db):
    """The two cluster managers, with an address."""
    for name in ("cluster_manager_a", "cluster_manager_b"):
        User.objects.filter(username=name).update(email=f"{name}@example.be")
    return User.objects.filter(username__in=["cluster_manager_a", "cluster_manager_b"])


@pytest.fixture
def manager_wave(cluster_a, cluster_b, managers) -> Wave:
    definition = xlsform.parse(FORM.read_bytes(), FORM.name)
    questionnaire = _questionnaire(cluster_a.programme, "Clustermanagers", definition)
    return _wave(questionnaire, [cluster_a, cluster_b], "Clustermanagers 2026")


@pytest.fixture
def member_company(cluster_a):
    """A member company of cluster A with a contact: the member survey's respondent."""
    membership = factories.membership(factories.organisation(9901), cluster_a)
    Contact.objects.create(membership=membership, name="Lid", email="lid@example.be")
    return membership


def test_a_wave_of_the_manager_questionnaire_is_a_manager_wave(manager_wave, cluster_a):
    member = _questionnaire(cluster_a.programme, "Leden", {"form_id": "ibn", "questions": []})
    member_wave = _wave(member, [cluster_a], "Leden 2026")
    assert manager_wave.is_manager_wave
    assert not member_wave.is_manager_wave
    assert list(member_waves(Wave.objects.all())) == [member_wave]


def test_a_manager_wave_invites_exactly_the_managers_of_its_clusters(
    manager_wave, cluster_a, cluster_b, member_company
):
    assert invitations.preview(manager_wave)["created"] == 2
    counts = invitations.generate(ACTOR, manager_wave)
    assert counts["created"] == 2
    rows = sorted(manager_wave.invitations.values_list("email", "cluster__code", "organisation"))
    assert rows == [
        ("cluster_manager_a@example.be", cluster_a.code, None),
        ("cluster_manager_b@example.be", cluster_b.code, None),
    ]
    assert not manager_wave.invitations.filter(email="lid@example.be").exists()
    # Idempotent: generating again adds nobody.
    assert invitations.generate(ACTOR, manager_wave)["created"] == 0
    # The mail merge, the tracking and the mailing read an invitation without organisation.
    merge = list(invitations.mail_merge_rows(manager_wave))
    assert sorted(r[0] for r in merge) == [
        "cluster_manager_a@example.be",
        "cluster_manager_b@example.be",
    ]
    assert invitations.send(ACTOR, manager_wave) == 2


def test_the_invitation_mail_speaks_to_the_cluster_manager(
    manager_wave, django_capture_on_commit_callbacks
):
    invitations.generate(ACTOR, manager_wave)
    with django_capture_on_commit_callbacks(execute=True):
        invitations.send(ACTOR, manager_wave)
    assert len(mail.outbox) == 2
    assert "cluster manager" in mail.outbox[0].body
    assert "None" not in mail.outbox[0].body


def test_a_member_wave_still_invites_its_member_companies(cluster_a, member_company, managers):
    member = _questionnaire(cluster_a.programme, "Leden", {"form_id": "ibn", "questions": []})
    wave = _wave(member, [cluster_a], "Leden 2026")
    invitations.generate(ACTOR, wave)
    invited = wave.invitations.get(organisation=member_company.organisation)
    assert invited.email == "lid@example.be"
    assert not wave.invitations.filter(email__endswith="cluster_manager_a@example.be").exists()


def test_a_manager_answers_through_the_link(client, manager_wave, cluster_a):
    invitations.generate(ACTOR, manager_wave)
    invitation = Invitation.objects.get(wave=manager_wave, cluster=cluster_a)
    token = tokens.token_for(invitation)
    assert client.get(reverse("surveys:respond", args=[token]), follow=True).status_code == 200
    answer(client, token, {"role": "manager", "fte": "0.8"})
    assert answers_of(token)["role"] == "manager"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("programme_manager", 200),
        ("account_manager", 200),
        ("evaluator", 404),
        ("cluster_manager_a", 404),
        ("cluster_manager_b", 404),
        ("member_contact", 404),
    ],
)
def test_a_manager_waves_results_are_for_the_agency_only(web, manager_wave, persona, status):
    invitations.generate(ACTOR, manager_wave)
    client = web(persona)
    url = reverse("surveys:wave-results", args=[manager_wave.pk])
    assert client.get(url).status_code == status
    raw = reverse("surveys:wave-raw-answers", args=[manager_wave.pk])
    assert client.get(raw).status_code == status
    raw = reverse("surveys:wave-raw-identities", args=[manager_wave.pk])
    assert client.get(raw).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [("programme_manager", 200), ("evaluator", 404), ("cluster_manager_a", 404)],
)
def test_a_manager_waves_tracking_is_for_the_agency_only(web, manager_wave, persona, status):
    invitations.generate(ACTOR, manager_wave)
    client = web(persona)
    assert client.get(reverse("surveys:wave-detail", args=[manager_wave.pk])).status_code == status
    listed = client.get(reverse("surveys:wave-list"))
    if listed.status_code == 200:
        assert (manager_wave.name in listed.content.decode()) == (status == 200)


def test_the_member_surveys_pages_and_report_leave_the_manager_wave_out(
    web, manager_wave, cluster_a
):
    invitations.generate(ACTOR, manager_wave)
    client = web("cluster_manager_a")
    for name in ("surveys:cluster-results", "surveys:cluster-tracking"):
        page = client.get(reverse(name, args=[cluster_a.code]))
        assert page.status_code == 200
        assert manager_wave.name not in page.content.decode()
    Wave.objects.filter(pk=manager_wave.pk).update(
        opens_on=TODAY - 60 * DAY, closes_on=TODAY - 30 * DAY
    )
    ctx = resolve(TODAY, [cluster_a.code], "en")
    assert survey_chapter.latest_wave(ctx) is None
    # A member wave of the same dates is the chapter's wave (the control).
    member = _questionnaire(cluster_a.programme, "Leden", {"form_id": "ibn", "questions": []})
    member_wave = _wave(member, [cluster_a], "Leden 2026")
    Wave.objects.filter(pk=member_wave.pk).update(
        opens_on=TODAY - 60 * DAY, closes_on=TODAY - 30 * DAY
    )
    assert survey_chapter.latest_wave(ctx) == member_wave
