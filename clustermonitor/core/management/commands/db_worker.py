"""`clustermonitor db_worker`: django-tasks-db's worker, made to survive the database.

The stock worker exits when the database answers with an error it does not expect: a
lock held longer than the busy timeout while it records a result, or a lost PostgreSQL
connection (issue 13: it exited twice on a lock error and the queue stalled). This one
waits with a growing pause (1 s, 2 s, 4 s ... at most a minute), logs it and carries on.
A supervisor restarts it if it dies anyway (deploy/systemd/clustermonitor-worker.service,
docs/deployment.md); a report run whose worker died is marked failed by its heartbeat
(reports.services.fail_stale_runs) and can be retried."""

import logging
import time

from django.db import close_old_connections, connections
from django.db.utils import InterfaceError, OperationalError
from django_tasks_db.management.commands import db_worker as base

logger = logging.getLogger("clustermonitor.worker")

FIRST_PAUSE, LONGEST_PAUSE = 1.0, 60.0


#: Recording a task's result is retried this many times (pauses of 1, 2, 4 ... 60 s)
#: before the worker gives up on that result: a finished task is not reported failed
#: because the database was busy for a while.
RECORD_ATTEMPTS = 10


def _patiently(record):
    def attempt(*args, **kwargs):
        pause = FIRST_PAUSE
        for number in range(1, RECORD_ATTEMPTS + 1):
            try:
                return record(*args, **kwargs)
            except (OperationalError, InterfaceError) as error:
                if number == RECORD_ATTEMPTS:
                    raise
                logger.warning("Recording a task result: %s; again in %.0f s.", error, pause)
                close_old_connections()
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)
        return None

    return attempt


class ResilientWorker(base.Worker):
    def run_task(self, db_task_result) -> None:
        db_task_result.set_successful = _patiently(db_task_result.set_successful)
        db_task_result.set_failed = _patiently(db_task_result.set_failed)
        super().run_task(db_task_result)

    def run(self) -> None:
        pause = FIRST_PAUSE
        while True:
            try:
                return super().run()
            except (OperationalError, InterfaceError) as error:
                if not self.running:
                    return None
                logger.warning(
                    "Worker %s: database error (%s); carrying on in %.0f s.",
                    self.worker_id,
                    error,
                    pause,
                )
                for connection in connections.all(initialized_only=True):
                    connection.close_if_unusable_or_obsolete()
                close_old_connections()
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)


class Command(base.Command):
    help = (
        "Run the background worker (KBO imports, reports). Survives a locked or lost "
        "database: it waits and carries on."
    )

    def handle(self, *args, **options) -> None:
        original, base.Worker = base.Worker, ResilientWorker
        try:
            super().handle(*args, **options)
        finally:
            base.Worker = original
