"""Background work of the accounts (django.tasks; immediate in the demo and tests)."""

from django.tasks import task


@task
def password_reset_task(email: str, domain: str, use_https: bool, lang: str) -> int:
    """Look the address up and mail a reset link to each active account that has it."""
    from clustermonitor.accounts.reset import send_reset_mails

    return send_reset_mails(email, domain, use_https, lang)
