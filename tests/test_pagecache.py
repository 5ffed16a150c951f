"""Kept pages (core.pagecache): a heavy page is rendered once per session and version of
the records, never served stale, never to another session, never past the access check."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clustermonitor.core import audit
from clustermonitor.programmes.models import Cluster
from tests import factories
from tests.conftest import CLUSTER_A

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def kept(settings):
    settings.CLUSTERMONITOR_MEMO = True
    cache.clear()
    yield
    cache.clear()


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        reverse("monitoring:dashboard"),
        reverse("members:member-list", args=[CLUSTER_A]),
        reverse("members:reach"),
        reverse("members:reach-cluster", args=[CLUSTER_A]),
        reverse("members:table8"),
        reverse("monitoring:published"),
    ],
)
def test_a_page_is_rendered_once_per_version_of_the_records(client_for, url):
    client = client_for("programme_manager")
    first, rendering = _get(client, url)
    again, kept = _get(client, url)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and again["X-Kept-Page"] == "1"
    # session, user, version, the second factor's device (and the access check)
    assert kept < rendering and kept <= 7


def test_a_write_makes_the_page_new(client_for):
    client = client_for("programme_manager")
    url = reverse("members:member-list", args=[CLUSTER_A])
    before = client.get(url)
    cluster = Cluster.objects.get(code=CLUSTER_A)
    org = factories.organisation(8123, name="Kept Pages NV")
    factories.membership(org, cluster, start=datetime.date(2019, 1, 1))
    after = client.get(url)
    assert "X-Kept-Page" not in after
    assert b"Kept Pages NV" in after.content and b"Kept Pages NV" not in before.content


def test_an_audited_change_makes_the_page_new(client_for):
    client = client_for("programme_manager")
    url = reverse("monitoring:dashboard")
    client.get(url)
    cluster = Cluster.objects.get(code=CLUSTER_A)
    cluster.name = "EUKA renamed"
    audit.save(audit.Actor.system("tests"), cluster)
    after = client.get(url)
    assert "X-Kept-Page" not in after


def test_pages_are_not_shared_between_sessions(client_for):
    url = reverse("monitoring:dashboard")
    client_for("programme_manager").get(url)
    other = client_for("programme_manager", own_session=True).get(url)
    assert "X-Kept-Page" not in other
    evaluator = client_for("evaluator").get(url)
    assert "X-Kept-Page" not in evaluator and b"Evaluator" in evaluator.content


def test_the_access_check_runs_before_a_kept_page(client_for, persona):
    from clustermonitor.accounts.models import Role

    client = client_for("evaluator")
    url = reverse("monitoring:dashboard")
    assert client.get(url).status_code == 200
    user = persona("evaluator")
    user.role_assignments.filter(role=Role.EVALUATOR).delete()  # past the audit log
    assert client.get(url).status_code == 404


def test_downloads_and_htmx_fragments_are_kept_apart(client_for):
    client = client_for("programme_manager")
    url = reverse("monitoring:dashboard")
    page = client.get(url)
    download = client.get(url + "?format=xlsx")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(url).content == page.content


def test_the_survey_results_are_kept_and_a_new_answer_shows_at_once(client_for):
    """Issue 16: the results took 1.1 s on every visit of the demo. They are kept per
    version of the records; a response saved (audited) makes them new."""
    from clustermonitor.surveys.models import Questionnaire, Response, Wave

    wave = Wave.objects.create(
        questionnaire=Questionnaire.objects.order_by("pk").first(),
        name="Kept wave",
        opens_on=datetime.date(2019, 11, 1),
        closes_on=datetime.date(2019, 12, 1),
    )
    wave.clusters.add(Cluster.objects.get(code=CLUSTER_A))
    client = client_for("evaluator")
    url = reverse("surveys:wave-results", args=[wave.pk])
    first, _ = _get(client, url)
    again, _ = _get(client, url)
    assert again["X-Kept-Page"] == "1" and again.content == first.content
    now = datetime.datetime.now(datetime.UTC)
    response = Response(
        wave=wave, answers={"q2": "4"}, started_at=now, last_saved_at=now, completed_at=now
    )
    audit.save(audit.Actor.system("test"), response, validate=False)
    after, _ = _get(client, url)
    assert "X-Kept-Page" not in after
    # The access check runs before a kept page is served.
    assert client_for("cluster_manager_a").get(url).status_code == 404
