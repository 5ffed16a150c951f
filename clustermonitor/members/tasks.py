"""Background work of the member figures (django.tasks: db_worker in production)."""

from django.tasks import task


@task
def table8_chart_task(programme_id: int, year: int, lang: str) -> None:
    """Keep the programme's Table 8 chart for the web workers (core.memo.memo_or_queue)."""
    from clustermonitor.members.figures_table8 import keep_table8_chart

    keep_table8_chart(programme_id, year, lang)


@task
def table8_task(programme_id: int, lang: str, year: int | None) -> None:
    """Keep the programme's Table 8 (every year) and the chart of `year` (the latest when
    None) for the web workers (core.memo.memo_or_queue)."""
    from clustermonitor.members.figures_table8 import keep_table8

    keep_table8(programme_id, lang, year)
