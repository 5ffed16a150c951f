"""Background work of the reports (django.tasks; immediate in the demo and tests)."""

from django.tasks import task


@task
def report_task(run_id: int) -> int:
    from clustermonitor.reports import services

    return services.run(run_id).pk
