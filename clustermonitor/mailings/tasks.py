"""Background work of the mailings (django.tasks: the database worker in production,
immediate in the demo's own process and the tests)."""

from django.tasks import task


@task
def send_task(mailing_id: int) -> int:
    from clustermonitor.mailings import services

    return services.send(mailing_id).pk
