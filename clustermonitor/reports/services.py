"""Making reports: for the command line (`generate`) and for the web button (`request_run`,
then `run` in a background task). Both validate first, so a bad request writes nothing."""

from __future__ import annotations

import datetime
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from clustermonitor.core import audit
from clustermonitor.reports import render
from clustermonitor.reports.build import ReportError, build_document, resolve
from clustermonitor.reports.models import ReportRun


def parse_formats(formats) -> list[str]:
    """'html,pdf' or ['html', 'pdf'] → ['html', 'pdf'] in the canonical order."""
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    asked = [f.strip().lower() for f in items if f.strip()]
    unknown = [f for f in asked if f not in render.FORMATS]
    if unknown or not asked:
        raise ReportError(
            _("Unknown format(s) %(formats)s: use html, pdf and/or xlsx.")
            % {"formats": ", ".join(unknown) or "''"}
        )
    return [f for f in render.FORMATS if f in asked]


def parse_codes(codes) -> list[str]:
    if not codes:
        return []
    items = (
        codes.replace(";", ",").replace(" ", ",").split(",") if isinstance(codes, str) else codes
    )
    return sorted({c.strip().upper() for c in items if c.strip()})


def file_stem(as_of: datetime.date, codes: list[str], lang: str) -> str:
    parts = ["clustermonitor-report", as_of.isoformat()]
    if codes:
        parts.append("-".join(codes) if len(codes) <= 4 else f"{len(codes)}-clusters")
    parts.append(lang)
    return "-".join(parts)


def check_writable(folder: Path) -> Path:
    """Make the output folder if needed and prove a file can be put in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
            pass
    except OSError as error:
        raise ReportError(
            _("Cannot write to %(folder)s: %(reason)s.")
            % {"folder": folder, "reason": error.strerror or error}
        ) from error
    return folder


def generate(
    *,
    as_of: datetime.date | None,
    codes,
    lang: str,
    formats,
    output: Path,
    progress=None,
) -> list[Path]:
    """Validate, build and write the report; returns the files written."""
    formats = parse_formats(formats)
    codes = parse_codes(codes)
    resolve(as_of, codes, lang)  # fail before the folder is touched
    check_writable(output)
    document = build_document(as_of=as_of, cluster_codes=codes, lang=lang, progress=progress)
    try:
        stem = file_stem(document.as_of, codes, lang)
        return render.write(document, formats, output, stem, progress=progress)
    except OSError as error:
        raise ReportError(
            _("Cannot write to %(folder)s: %(reason)s.")
            % {"folder": output, "reason": error.strerror or error}
        ) from error


def request_run(user, *, as_of, codes, lang: str, formats, retry_of=None) -> ReportRun:
    """Check the request and queue a run for the background worker."""
    from clustermonitor.reports.tasks import report_task

    formats = parse_formats(formats)
    codes = parse_codes(codes)
    ctx = resolve(as_of, codes, lang)
    run = ReportRun(
        as_of=ctx.as_of,
        cluster_codes=codes,
        lang=lang,
        formats=formats,
        requested_by=user,
        retry_of=retry_of,
    )
    audit.save(audit.Actor(user, "web"), run, note="retry" if retry_of else "")
    report_task.enqueue(run.pk)
    run.refresh_from_db()
    return run


def _progress(run: ReportRun):
    """Progress ticks are bookkeeping of a running job (not audited); start and end are."""

    def tick(percent: int, step: str) -> None:
        run.progress, run.step, run.heartbeat_at = percent, step[:200], timezone.now()
        ReportRun.objects.filter(pk=run.pk).update(
            progress=percent, step=run.step, heartbeat_at=run.heartbeat_at
        )

    return tick


def run(run_id: int) -> ReportRun:
    report_run = ReportRun.objects.select_related("requested_by").get(pk=run_id)
    actor = audit.Actor(report_run.requested_by, "report")
    report_run.state, report_run.error = ReportRun.State.RUNNING, ""
    report_run.heartbeat_at = timezone.now()
    audit.save(actor, report_run)
    try:
        paths = generate(
            as_of=report_run.as_of,
            codes=report_run.cluster_codes,
            lang=report_run.lang,
            formats=report_run.formats,
            output=report_run.folder,
            progress=_progress(report_run),
        )
    except Exception as error:  # the run records any failure for the person who asked
        report_run.state, report_run.error = ReportRun.State.FAILED, str(error)[:2000]
    else:
        report_run.state, report_run.progress = ReportRun.State.DONE, 100
        report_run.step = ""
        report_run.files = [p.name for p in paths]
    report_run.finished_at = timezone.now()
    audit.save(actor, report_run)
    return report_run


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.REPORT_RUN_STALE_AFTER)


def fail_stale_runs(now: datetime.datetime | None = None) -> list[ReportRun]:
    """Mark failed every running run whose worker stopped giving signs of life (killed,
    crashed, the machine restarted): its heartbeat, written at every progress step, is
    older than REPORT_RUN_STALE_AFTER. Called when the report pages are viewed and by
    `clustermonitor fail-stale-reports` (docs/deployment.md). Returns the runs marked."""
    now = now or timezone.now()
    limit = now - stale_after()
    stale = ReportRun.objects.filter(state=ReportRun.State.RUNNING).filter(
        models.Q(heartbeat_at__lt=limit) | models.Q(heartbeat_at__isnull=True, created_at__lt=limit)
    )
    marked = []
    actor = audit.Actor.system("report-watchdog")
    for report_run in stale:
        last = report_run.heartbeat_at or report_run.created_at
        report_run.state = ReportRun.State.FAILED
        report_run.error = _(
            "The report stopped at %(progress)s %% (%(step)s): its worker gave no sign of "
            "life since %(time)s, so it was stopped or crashed. Retry the report."
        ) % {
            "progress": report_run.progress,
            "step": report_run.step or "–",
            "time": timezone.localtime(last).strftime("%d/%m/%Y %H:%M"),
        }
        report_run.finished_at = now
        audit.save(actor, report_run, note="stale heartbeat")
        marked.append(report_run)
    return marked


def retry_run(user, report_run: ReportRun) -> ReportRun:
    """A new run with the same request as a failed one (the failed one stays, as it was)."""
    if not report_run.can_retry:
        raise ReportError(_("Only a failed report can be retried."))
    return request_run(
        user,
        as_of=report_run.as_of,
        codes=report_run.cluster_codes,
        lang=report_run.lang,
        formats=report_run.formats,
        retry_of=report_run,
    )


def open_file(report_run: ReportRun, fmt: str) -> Path | None:
    name = report_run.file_for(fmt)
    if not name:
        return None
    path = report_run.folder / name
    return path if path.is_file() and os.path.basename(name) == name else None
