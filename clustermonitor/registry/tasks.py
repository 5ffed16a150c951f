"""Background work of the registry (django.tasks: immediate in the demo and the tests,
the database queue and `clustermonitor db_worker` in production)."""

from pathlib import Path

from django.tasks import task

from clustermonitor.accounts.models import User
from clustermonitor.core import audit
from clustermonitor.registry.models import KboImport


@task
def kbo_import_task(
    import_id: int, path: str, user_id: int | None = None, allow_partial: bool = False
) -> int:
    from clustermonitor.registry import kbo

    kbo_import = KboImport.objects.get(pk=import_id)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    kbo.run_import(
        kbo_import, Path(path), actor=audit.Actor(user, "kbo"), allow_partial=allow_partial
    )
    return kbo_import.pk
