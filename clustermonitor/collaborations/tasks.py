"""Background work of the collaborations (django.tasks: db_worker in production)."""

from django.tasks import task


@task
def network_figures_task(programme_id: int, lang: str) -> None:
    """Keep the programme's network figures for the web workers (core.memo.memo_or_queue)."""
    from clustermonitor.collaborations.figures_network import keep_network_figures

    keep_network_figures(programme_id, lang)
