"""Background work of the economic-impact page (django.tasks: db_worker in production)."""

from django.tasks import task


@task
def impact_task(
    programme_id: int, on: str, outcome: str, method: str | None, cluster_ids: list[int]
) -> None:
    """Compute and keep an estimate for the web workers (core.memo.memo_or_queue): the same
    inputs, so the same key, as the page asks for."""
    import datetime

    from clustermonitor.impact import figures
    from clustermonitor.programmes.models import Cluster, Programme

    programme = Programme.objects.get(pk=programme_id)
    clusters = list(Cluster.objects.filter(pk__in=cluster_ids).order_by("code")) or None
    figures.result(
        programme, datetime.date.fromisoformat(on), outcome, method=method, clusters=clusters
    )
