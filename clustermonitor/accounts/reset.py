"""Forgot password, in equal time for known and unknown addresses (issue 13).

The request does the same work whatever the address: it validates the form and queues one
task with the address, the site and the language. Looking the address up, making the
token, rendering and sending the mail happen in the task, off the request path (on the
`db_worker` in production; inline with the immediate backend of the demo and the tests).
So the response time says nothing about whether an account exists.
"""

from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.utils import translation

SUBJECT_TEMPLATE = "accounts/password_reset_subject.txt"
EMAIL_TEMPLATE = "accounts/password_reset_email.txt"


class PasswordResetForm(DjangoPasswordResetForm):
    def save(self, request=None, use_https=False, **kwargs):
        from clustermonitor.accounts.tasks import password_reset_task

        password_reset_task.enqueue(
            self.cleaned_data["email"],
            request.get_host(),
            bool(use_https),
            translation.get_language() or "nl",
        )


def send_reset_mails(email: str, domain: str, use_https: bool, lang: str) -> int:
    """Django's own reset mail (token, templates) for each account with this address;
    returns how many were sent (0 for an unknown address)."""
    form = DjangoPasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    users = list(form.get_users(email))
    with translation.override(lang):
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name=SUBJECT_TEMPLATE,
            email_template_name=EMAIL_TEMPLATE,
        )
    return len(users)
