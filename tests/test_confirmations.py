"""Irreversible and mass actions ask first (issue 16): the first POST shows what will
happen and how many and does nothing; only a POST with the explicit confirmation acts.
The check is on the server: a POST without the confirmation field never acts."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clustermonitor.maturity import services
from clustermonitor.maturity.models import CriteriaSet
from clustermonitor.surveys import invitations
from tests.test_criteria_sets import ACTOR, draft
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
