"""Report runs recover (issue 13, Reliability): a run whose worker died is marked failed
with a reason once its heartbeat is stale, the person can retry it, and the page keeps
working when the person who asked for a run is deleted."""

import datetime

import pytest
from django.urls import reverse

from clustermonitor.accounts.models import User
from clustermonitor.reports.models import ReportRun

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_the_runs_page_works_after_the_requester_is_deleted(web):
    gone = User.objects.create_user(username="gone", password="x")
    run = ReportRun.objects.create(
        as_of=datetime.date(2020, 1, 31), formats=["html"], state="done", requested_by=gone
    )
    gone.delete()
    client = web("programme_manager")
    page = client.get(reverse("reports:runs"))
    assert page.status_code == 200
    assert f'data-run="{run.pk}"'.encode() in page.content
    assert client.get(reverse("reports:run-detail", args=[run.pk])).status_code == 200
