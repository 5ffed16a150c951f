""" "Close now" closes a survey wave at once (issue 14): tried on a wave opened today, the
wave stayed open until the next day (its last day became the day it opened) and its
personal links kept working."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import test_survey_respond as respond
from tests.test_survey_respond import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# The personal-link fixtures of the questionnaire tests.
wave, token = respond.wave, respond.token


@pytest.fixture
def opened_today(wave):
    wave.opens_on = timezone.localdate()
    wave.save()
    return wave


def test_close_now_on_a_wave_opened_today_closes_it_at_once(opened_today, token, web):
    wave = opened_today
    assert Client().get(url(token)).status_code == 200
    client = web("programme_manager")
    response = client.post(reverse("surveys:wave-close", args=[wave.pk]), {"confirmed": "yes"})
    assert response.status_code == 302
    wave.refresh_from_db()
    today = timezone.localdate()
    assert not wave.is_open(today) and wave.is_closed(today)
    assert wave.closes_on == today  # its one day stays the day it opened
    header = client.get(reverse("surveys:wave-detail", args=[wave.pk])).content.decode()
    assert '· <span class="status tone-muted" data-state="closed">closed</span>' in header
    assert 'id="close-wave"' not in header
    link = Client().get(url(token))
    assert link.status_code == 404
    assert "surveys/respond_unavailable.html" in [t.name for t in link.templates]
    # Closing again changes nothing.
    assert (
        client.post(reverse("surveys:wave-close", args=[wave.pk]), {"confirmed": "yes"}).status_code
        == 302
    )
