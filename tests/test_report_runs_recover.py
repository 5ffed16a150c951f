"""Report runs recover (issue 13, Reliability): a run whose worker died is marked failed
with a reason once its heartbeat is stale, the person can retry it, and the page keeps
working when the person who asked for a run is deleted."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from clustermonitor.accounts.models import User
from clustermonitor.core import audit
from clustermonitor.reports import services
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


def _running(progress=16, step="reach", beat_minutes_ago=60, **extra) -> ReportRun:
    return ReportRun.objects.create(
        as_of=datetime.date(2020, 1, 31),
        cluster_codes=["EUKA"],
        formats=["html"],
        state="running",
        progress=progress,
        step=step,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=beat_minutes_ago),
        **extra,
    )


def test_every_progress_step_is_a_heartbeat(tmp_path, settings, persona):
    settings.MEDIA_ROOT = tmp_path
    beats = []
    original = services._progress

    def spy(run):
        tick = original(run)

        def recorded(percent, step):
            tick(percent, step)
            beats.append(ReportRun.objects.get(pk=run.pk).heartbeat_at)

        return recorded

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "_progress", spy)
        run = services.request_run(
            persona("evaluator"),
            as_of=datetime.date(2020, 1, 31),
            codes=["EUKA"],
            lang="en",
            formats=["html"],
        )
    assert run.state == "done"
    assert len(beats) >= 5 and all(beats)
    assert beats == sorted(beats)  # each step moves the heartbeat on


def test_a_run_with_a_stale_heartbeat_is_marked_failed_with_a_reason(web):
    stale = _running(beat_minutes_ago=60)
    alive = _running(beat_minutes_ago=1)
    page = web("evaluator").get(reverse("reports:run-detail", args=[stale.pk]))
    assert page.status_code == 200
    stale.refresh_from_db()
    alive.refresh_from_db()
    assert stale.state == "failed" and stale.finished_at is not None
    assert "stopped at 16 % (reach)" in stale.error and "Retry" in stale.error
    assert alive.state == "running"
    assert b"stopped at 16 %" in page.content and b'id="retry-report"' in page.content
    assert b"hx-trigger" not in page.content  # no more polling of a dead run
    entry = audit.history(stale).first()
    assert entry.note == "stale heartbeat" and entry.actor is None


def test_the_periodic_check_marks_dead_runs_failed(settings):
    settings.REPORT_RUN_STALE_AFTER = 300
    never_beat = _running(beat_minutes_ago=0)
    ReportRun.objects.filter(pk=never_beat.pk).update(
        heartbeat_at=None, created_at=timezone.now() - datetime.timedelta(minutes=10)
    )
    recent = _running(beat_minutes_ago=4)
    out = io.StringIO()
    call_command("fail-stale-reports", stdout=out)
    assert ReportRun.objects.get(pk=never_beat.pk).state == "failed"
    assert ReportRun.objects.get(pk=recent.pk).state == "running"
    assert "1" in out.getvalue()


def test_a_failed_run_is_retried_from_the_page(web, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    failed = _running(beat_minutes_ago=60)
    services.fail_stale_runs()
    client = web("evaluator")
    response = client.post(reverse("reports:run-retry", args=[failed.pk]))
    retry = ReportRun.objects.exclude(pk=failed.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:run-detail", args=[retry.pk])
    assert retry.retry_of == failed and retry.state == "done"  # tasks run immediately here
    assert (retry.as_of, retry.cluster_codes, retry.formats) == (
        failed.as_of,
        failed.cluster_codes,
        failed.formats,
    )
    assert retry.requested_by.username == "evaluator"
    created = audit.history(retry).order_by("pk").first()
    assert created.action == "create" and created.note == "retry"
    failed.refresh_from_db()
    assert failed.state == "failed"  # kept as it was
    listing = client.get(reverse("reports:runs")).content
    assert f'data-retry="{failed.pk}"'.encode() in listing


def test_only_a_failed_run_can_be_retried_and_only_by_programme_readers(web, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    running = _running(beat_minutes_ago=1)
    response = web("evaluator").post(reverse("reports:run-retry", args=[running.pk]), follow=True)
    assert b"Only a failed report can be retried." in response.content
    failed = _running(beat_minutes_ago=60)
    services.fail_stale_runs()
    for outsider in ("cluster_manager_a", "member_contact"):
        assert web(outsider).post(reverse("reports:run-retry", args=[failed.pk])).status_code == 404
    assert ReportRun.objects.count() == 2
