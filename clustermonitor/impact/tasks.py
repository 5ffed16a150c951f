"""Background work of the impact app (django.tasks: immediate in the demo and the tests,
the database queue and `clustermonitor db_worker` in production): a large annual-accounts
import, and an estimate the page asked for (core.memo.memo_or_queue)."""

import datetime
from pathlib import Path

from django.tasks import task

from clustermonitor.accounts.models import User
from clustermonitor.core import audit
from clustermonitor.impact.models import AccountsImport


@task
def accounts_import_task(import_id: int, path: str, user_id: int | None = None) -> int:
    from clustermonitor.impact.accounts_import import AccountsFormatError, run_import

    run = AccountsImport.objects.get(pk=import_id)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        run_import(run, Path(path), actor=audit.Actor(user, "web"))
    except AccountsFormatError:
        pass  # recorded on the run, shown on its page
    finally:
        Path(path).unlink(missing_ok=True)
    return run.pk


@task
def impact_task(
    programme_id: int, on: str, outcome: str, method: str | None, cluster_ids: list[int]
) -> None:
    """Compute and keep an estimate for the web workers: the same inputs, so the same key,
    as the page asks for."""
    from clustermonitor.impact import figures
    from clustermonitor.programmes.models import Cluster, Programme

    programme = Programme.objects.get(pk=programme_id)
    clusters = list(Cluster.objects.filter(pk__in=cluster_ids).order_by("code")) or None
    figures.result(
        programme, datetime.date.fromisoformat(on), outcome, method=method, clusters=clusters
    )
