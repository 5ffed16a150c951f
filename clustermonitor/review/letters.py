"""The decision letter to the applicant (issue 19): a Dutch A4 PDF (WeasyPrint, as the
invoices are) saying the application is approved with its amount, or rejected, with the
jury's motivation; mailed to the applicant's account."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from clustermonitor.review.models import Decision


def context(decision: Decision) -> dict:
    application = decision.application
    return {
        "decision": decision,
        "application": application,
        "call": application.call,
        "programme": application.call.programme,
        "funded": decision.outcome == Decision.Outcome.FUNDED,
    }


def render_html(decision: Decision) -> str:
    with translation.override("nl"):
        return render_to_string("review/letter_pdf.html", context(decision))


def render(decision: Decision) -> bytes:
    """The PDF (WeasyPrint imported here, so the rest runs without Pango)."""
    import weasyprint

    return weasyprint.HTML(string=render_html(decision), base_url=None).write_pdf()


def filename(decision: Decision) -> str:
    return f"beslissing-aanvraag-{decision.application_id}.pdf"


def mail(decision: Decision, email: str) -> None:
    with translation.override("nl"):
        ctx = context(decision)
        subject = render_to_string("review/letter_subject.txt", ctx).strip()
        body = render_to_string("review/letter_email.txt", ctx)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
    message.attach(filename(decision), render(decision), "application/pdf")
    message.send()
