"""Background work of the programme dashboard (django.tasks: db_worker in production)."""

from django.tasks import task


@task
def dashboard_task(
    programme_id: int, year: int | None, today: str, cluster_type: str, language: str
) -> None:
    """Keep the programme dashboard's tables for the web workers (core.memo.memo_or_queue)."""
    from clustermonitor.monitoring.dashboard import keep_dashboard

    keep_dashboard(programme_id, year, today, cluster_type, language)
