"""Irreversible and mass actions ask first (issue 16): the first POST shows what will
happen and how many and does nothing; only a POST with the explicit confirmation acts.
The check is on the server: a POST without the confirmation field never acts."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clustermonitor.maturity import services
from clustermonitor.maturity.models import CriteriaSet
from clustermonitor.members.models import Contribution, Membership
from clustermonitor.surveys import invitations
from tests import factories
from tests.test_contributions import _member
from tests.test_criteria_sets import ACTOR, draft
from tests.test_members_web import _line, _mapping, _upload
from tests.test_survey_waves import members, questionnaire, wave  # noqa: F401 - fixtures

YES = {"confirmed": "yes"}


def _asks(response, *texts):
    assert response.status_code == 200
    assert "core/confirm.html" in [t.name for t in response.templates]
    page = response.content.decode()
    for text in texts:
        assert text in page, text
    assert 'name="confirmed" value="yes"' in page
    return page


def test_sending_invitations_asks_how_many_first(
    wave,  # noqa: F811
    members,  # noqa: F811
    cluster_b,
    client_for,
    django_capture_on_commit_callbacks,
):
    invitations.generate(ACTOR, wave)
    client = client_for("evaluator")
    url = reverse("surveys:wave-send", args=[wave.pk])
    with django_capture_on_commit_callbacks(execute=True):
        page = _asks(client.post(url), "2 uitnodigingen per e-mail versturen?")
        assert not mail.outbox and not wave.invitations.filter(sent_at__isnull=False).exists()
        # Only cluster B ticked: the question counts B's only and keeps the choice.
        page = _asks(
            client.post(url, {"clusters": [cluster_b.code]}),
            "1 uitnodiging per e-mail versturen?",
            cluster_b.code,
        )
        assert f'name="clusters" value="{cluster_b.code}"' in page
        # Anything but the explicit confirmation does nothing.
        _asks(client.post(url, {"clusters": [cluster_b.code], "confirmed": "1"}))
        assert not mail.outbox
        response = client.post(url, {"clusters": [cluster_b.code], **YES})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["bert@beide.example"]]


def test_reminders_and_the_mail_merge_record_ask_first(
    wave,  # noqa: F811
    members,  # noqa: F811
    client_for,
    django_capture_on_commit_callbacks,
):
    invitations.generate(ACTOR, wave)
    client = client_for("programme_manager")
    mark = reverse("surveys:wave-mark-sent", args=[wave.pk])
    _asks(client.post(mark), "3 uitnodigingen registreren als verstuurd via mail merge?")
    assert not wave.invitations.filter(sent_at__isnull=False).exists()
    assert client.post(mark, YES).status_code == 302
    assert wave.invitations.filter(sent_at__isnull=True).count() == 0
    remind = reverse("surveys:wave-remind", args=[wave.pk])
    with django_capture_on_commit_callbacks(execute=True):
        _asks(client.post(remind), "2 herinneringen per e-mail versturen?")
        assert not mail.outbox
        assert client.post(remind, YES).status_code == 302
    assert len(mail.outbox) == 2


def test_closing_a_wave_now_asks_first(wave, client_for):  # noqa: F811
    client = client_for("programme_manager")
    url = reverse("surveys:wave-close", args=[wave.pk])
    _asks(client.post(url), "Golf nu sluiten?")
    wave.refresh_from_db()
    today = timezone.localdate()
    assert wave.is_open(today)
    assert client.post(url, YES).status_code == 302
    wave.refresh_from_db()
    assert wave.is_closed(today)


def test_publishing_and_deleting_a_criteria_version_ask_first(client_for):
    criteria_set = draft()
    services.add_criterion(ACTOR, criteria_set, text="website", kind="evidence")
    services.add_criterion(ACTOR, criteria_set, text="jaarplan", kind="evidence")
    client = client_for("programme_manager")
    publish = reverse("programmes:criteria-set-publish", args=[criteria_set.pk])
    _asks(client.post(publish), "2 criteria", "publiceren")
    criteria_set.refresh_from_db()
    assert not criteria_set.is_published
    assert client.post(publish, YES).status_code == 302
    criteria_set.refresh_from_db()
    assert criteria_set.is_published

    other = draft("Nog een set")
    delete = reverse("programmes:criteria-set-delete", args=[other.pk])
    _asks(client.post(delete), "0 criteria")
    assert CriteriaSet.objects.filter(pk=other.pk).exists()
    assert client.post(delete, YES).status_code == 302
    assert not CriteriaSet.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("n", [1006])
def test_the_count_is_written_the_belgian_way(n):
    from django.utils import translation
    from django.utils.translation import ngettext

    from clustermonitor.core.templatetags.format import format_number

    with translation.override("nl"):
        text = ngettext(
            "Send %(n)s invitation by e-mail?", "Send %(n)s invitations by e-mail?", n
        ) % {"n": format_number(n)}
    assert text == "1.006 uitnodigingen per e-mail versturen?"


def test_generating_invitations_says_how_many_for_how_many_clusters_first(
    wave,  # noqa: F811
    members,  # noqa: F811
    cluster_a,
    client_for,
):
    """Three invitations to make (one company in A and in B, one only in A) for two
    clusters, one without an e-mail address, none made yet."""
    client = client_for("evaluator")
    url = reverse("surveys:wave-generate", args=[wave.pk])
    page = _asks(
        client.post(url),
        "3 nieuwe uitnodigingen maken voor 2 clusters?",
        "1 ervan heeft geen e-mailadres",
        "0 lidbedrijven hebben al een uitnodiging",
    )
    assert "ontbrekend" not in page  # no address to fill in: no such line
    assert not wave.invitations.exists()
    _asks(client.post(url, {"confirmed": "1"}))
    assert not wave.invitations.exists()
    assert client.post(url, YES).status_code == 302
    assert wave.invitations.count() == 3
    # One more member of A since: the next question counts only that one.
    factories.membership(factories.organisation(9106, name="Nieuw NV"), cluster_a)
    _asks(
        client.post(url),
        "1 nieuwe uitnodiging maken voor 1 cluster?",
        "3 lidbedrijven hebben al een uitnodiging",
    )
    assert wave.invitations.count() == 3
    assert client.post(url, YES).status_code == 302
    assert wave.invitations.count() == 4
    # Nothing left to make: nothing to confirm, nothing changes.
    response = client.post(url)
    assert response.status_code == 302 and wave.invitations.count() == 4


def test_the_preview_counts_what_generating_then_does(wave, members, cluster_a):  # noqa: F811
    """The confirmation's counts are the ones the action then reports."""
    contact = Membership.objects.get(
        organisation__name="Alleen A BV", cluster=cluster_a
    ).contacts.create(name="Later", email="later@alleen.example")
    first = invitations.preview(wave)
    assert first == {"created": 3, "clusters": 2, "no_email": 0, "existing": 0, "email_filled": 0}
    contact.delete()
    first = invitations.preview(wave)
    assert first == {"created": 3, "clusters": 2, "no_email": 1, "existing": 0, "email_filled": 0}
    done = invitations.generate(ACTOR, wave)
    assert {k: done[k] for k in ("created", "no_email", "existing")} == {
        "created": 3,
        "no_email": 1,
        "existing": 0,
    }
    Membership.objects.get(organisation__name="Alleen A BV", cluster=cluster_a).contacts.create(
        name="Nu wel", email="nu@alleen.example"
    )
    again = invitations.preview(wave)
    assert again == {"created": 0, "clusters": 0, "no_email": 0, "existing": 3, "email_filled": 1}
    assert invitations.generate(ACTOR, wave)["email_filled"] == 1
    assert wave.invitations.filter(email="nu@alleen.example").count() == 1


def test_ending_the_missing_members_of_a_full_list_asks_how_many_first(client_for, cluster_a):
    gone = [
        factories.membership(factories.organisation(600 + i, name=f"Weg {i}"), cluster_a)
        for i in range(2)
    ]
    client = client_for("cluster_manager_a")
    batch = _upload(client, [_line(1)], full_list="on")
    client.post(reverse("members:import-detail", args=[batch.pk]), _mapping(batch, client))
    client.post(reverse("members:import-commit", args=[batch.pk]))
    url = reverse("members:import-end-missing", args=[batch.pk])
    chosen = {"end_date": "2019-06-30", "memberships": [m.pk for m in gone]}
    page = _asks(client.post(url, chosen), "2 lidmaatschappen beëindigen op 30/06/2019?", "Weg 0")
    for m in gone:
        assert f'name="memberships" value="{m.pk}"' in page
    assert 'name="end_date" value="2019-06-30"' in page
    assert not Membership.objects.filter(pk__in=[m.pk for m in gone], end_date__isnull=False)
    assert client.post(url, {**chosen, **YES}).status_code == 302
    assert (
        Membership.objects.filter(
            pk__in=[m.pk for m in gone], end_date=datetime.date(2019, 6, 30)
        ).count()
        == 2
    )


def test_creating_the_expected_contributions_asks_how_many_first(client_for, cluster_a):
    _member(1, cluster_a, 5)
    _member(2, cluster_a, 5000)
    _member(3, cluster_a)
    client = client_for("cluster_manager_a")
    client.post(
        reverse("members:fee-schedule", args=["EUKA", 2018]),
        {"tier_micro": "250", "tier_default": "", "note": ""},
    )
    url = reverse("members:contributions-generate", args=["EUKA"]) + "?year=2018"
    page = _asks(
        client.post(url),
        "1 verwachte bijdrage voor 2018 aanmaken?",
        "0 leden hebben er al een",
        "2 leden hebben geen passend tarief",
    )
    assert 'action="' not in page.split('id="confirm"')[1].split("</form>")[0]  # same URL
    assert not Contribution.objects.exists()
    assert client.post(url, YES).status_code == 302
    assert Contribution.objects.filter(year=2018).count() == 1
    # Nothing left to create: no question, nothing new.
    assert client.post(url).status_code == 302
    assert Contribution.objects.count() == 1


def test_deleting_a_learning_session_names_it_and_counts_its_attendees(
    client_for, cluster_a, cluster_b
):
    from clustermonitor.accountmanagement.models import LearningSession

    session = LearningSession.objects.create(
        programme=cluster_a.programme, date=datetime.date(2019, 5, 1), title="Exit-strategieën"
    )
    session.attendees.set([cluster_a, cluster_b])
    client = client_for("programme_manager")
    url = reverse("programmes:learning-session-delete", args=[session.pk])
    _asks(
        client.post(url),
        "“Exit-strategieën (01/05/2019)” verwijderen? Dit kan niet ongedaan gemaakt worden.",
        "De 2 deelnemers worden niet meer bijgehouden.",
    )
    assert LearningSession.objects.filter(pk=session.pk).exists()
    assert client.post(url, YES).status_code == 302
    assert not LearningSession.objects.filter(pk=session.pk).exists()


def test_deleting_a_target_asks_first(client_for, cluster_a):
    from clustermonitor.programmes.models import KPI, Target

    target = Target.objects.create(
        cluster=cluster_a,
        kpi=KPI.objects.get(code="KPI3"),
        due_date=datetime.date(2019, 12, 31),
        value=10,
    )
    target.refresh_from_db()
    client = client_for("programme_manager")
    url = reverse("programmes:target-delete", args=[target.pk])
    _asks(client.post(url), f"“{target}” verwijderen?")
    _asks(client.post(url, {"confirmed": "1"}))
    assert Target.objects.filter(pk=target.pk).exists()
    assert client.post(url, YES).status_code == 302
    assert not Target.objects.filter(pk=target.pk).exists()


def test_revoking_a_token_and_new_recovery_codes_ask_first(client_for):
    from django_otp.plugins.otp_static.models import StaticToken

    from clustermonitor.accounts import services as accounts
    from clustermonitor.accounts.models import ApiToken, User
    from clustermonitor.core import audit

    owner = User.objects.get(username="evaluator")
    token, _key = accounts.create_token(audit.Actor(owner, "test"), owner, "rapportage")
    client = client_for("evaluator")
    url = reverse("accounts:token-delete", args=[token.pk])
    _asks(client.post(url), "Token “rapportage” intrekken?")
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert client.post(url, YES).status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()

    before = set(StaticToken.objects.filter(device__user=owner).values_list("token", flat=True))
    codes = reverse("accounts:otp-codes")
    _asks(client.post(codes), "De oude werken meteen niet meer.")
    after = set(StaticToken.objects.filter(device__user=owner).values_list("token", flat=True))
    assert after == before
    assert client.post(codes, YES).status_code == 200  # the new codes, shown once
    assert not before & set(
        StaticToken.objects.filter(device__user=owner).values_list("token", flat=True)
    )


def test_creating_the_yearly_periods_says_how_many_first(client_for, cluster_a):
    from clustermonitor.monitoring.models import ReportingPeriod
    from clustermonitor.monitoring.services import create_periods

    years = create_periods(None, cluster_a, dry_run=True)
    assert years >= 2 and not ReportingPeriod.objects.filter(cluster=cluster_a).exists()
    client = client_for("programme_manager")
    url = reverse("monitoring:periods-create", args=[cluster_a.code])
    _asks(client.post(url), f"{years} rapporteringsperiodes voor {cluster_a.code} aanmaken")
    assert not ReportingPeriod.objects.filter(cluster=cluster_a).exists()
    assert client.post(url, YES).status_code == 302
    assert ReportingPeriod.objects.filter(cluster=cluster_a, report__isnull=False).count() == years
    # All there: nothing to ask, nothing made.
    assert client.post(url).status_code == 302
    assert ReportingPeriod.objects.filter(cluster=cluster_a).count() == years


def _removals():
    """(route, the record it deletes, who may) for the deletions of one record."""
    from tests import matrix_objects as objects

    return {
        "members:contact-delete": (objects.contact, "programme_manager"),
        "collaborations:party-delete": (
            lambda: objects.collaboration().parties.get(),
            "cluster_manager_a",
        ),
        "collaborations:link-delete": (
            lambda: objects.collaboration().links.get(),
            "cluster_manager_a",
        ),
        "programmes:steering-meeting-delete": (objects.steering_meeting, "programme_manager"),
        "programmes:criterion-delete": (
            lambda: objects.criteria_set("draft").criteria.get(),
            "programme_manager",
        ),
        "activities:participation-delete": (objects.participation, "cluster_manager_a"),
        "prospects:prospect-delete": (objects.prospect, "cluster_manager_a"),
    }


@pytest.mark.parametrize("route", sorted(_removals()))
def test_deleting_one_record_names_it_and_asks_first(route, client_for):
    make, who = _removals()[route]
    model = type(made := make())
    record = model.objects.get(pk=made.pk)  # as the page reads it
    client = client_for(who)
    url = reverse(route, args=[record.pk])
    _asks(client.post(url), f"“{record}” verwijderen? Dit kan niet ongedaan gemaakt worden.")
    _asks(client.post(url, {"confirmed": "1"}))
    assert model.objects.filter(pk=record.pk).exists()
    assert client.post(url, YES).status_code == 302
    assert not model.objects.filter(pk=record.pk).exists()


def test_removing_a_report_attachment_asks_first(client_for):
    from clustermonitor.monitoring.models import Attachment
    from tests import matrix_objects as objects

    attachment = objects.report().attachments.get()
    url = reverse("monitoring:attachment-delete", args=[attachment.pk])
    _asks(client_for("cluster_manager_a").post(url), "“Notulen")
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_taking_a_role_away_and_resetting_two_factor_ask_first(client_for):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from clustermonitor.accounts.models import RoleAssignment, User

    client = client_for("programme_manager")
    assignment = RoleAssignment.objects.get(user__username="cluster_manager_b")
    url = reverse("accounts:role-remove", args=[assignment.pk])
    _asks(client.post(url), "weghalen bij", "(BIM)")
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert client.post(url, YES).status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()

    person = User.objects.get(username="evaluator")
    url = reverse("accounts:user-otp-reset", args=[person.pk])
    _asks(client.post(url), "evaluator opnieuw instellen?")
    assert TOTPDevice.objects.filter(user=person).exists()
    assert client.post(url, YES).status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()
