"""The registrant's e-mails, in the language they registered in: the confirmation (with
the event as an .ics and, for a place, the personal QR ticket), and the message that a
place became free. Sent by the services once their write is committed."""

import datetime
import io
from email.message import MIMEPart
from urllib.parse import urlsplit

import segno
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

#: The Content-ID of the QR code in the HTML part.
QR_CID = "ticket@clustermonitor"


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def cancel_link(registration) -> str:
    return site_url(reverse("registrations:cancel", args=[registration.token]))


def qr_png(token: str, scale: int = 8) -> bytes:
    """The ticket: a QR code of the registration's token (what the check-in page's
    scanner reads)."""
    out = io.BytesIO()
    segno.make(token, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "clustermonitor"


def ics(registration) -> bytes:
    """The event as one all-day iCalendar event. Its UID is the activity's in the public
    feeds (portal/events.py), so a calendar that has both keeps one event."""
    import icalendar  # with the first e-mail, not the module (the registration's URLs)

    activity = registration.activity
    cal = icalendar.Calendar()
    cal.add("prodid", "-//clustermonitor//event registration//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"activity-{activity.pk}@{_host()}")
    event.add("dtstamp", registration.created_at.astimezone(datetime.UTC).replace(microsecond=0))
    event.add("dtstart", activity.date)
    event.add("dtend", activity.last_day + datetime.timedelta(days=1))
    event.add("summary", activity.title)
    if activity.location:
        event.add("location", activity.location)
    if activity.description:
        event.add("description", activity.description)
    cal.add_component(event)
    return cal.to_ical()


def _qr_part(registration) -> MIMEPart:
    part = MIMEPart()
    part.set_content(
        qr_png(registration.token),
        maintype="image",
        subtype="png",
        disposition="inline",
        filename="ticket.png",
        cid=f"<{QR_CID}>",
    )
    return part


def _send(registration, template: str, *, ticket: bool) -> None:
    if not registration.email:
        return
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "activity": registration.activity,
            "cancel_link": cancel_link(registration),
            "ticket": ticket,
            "qr_cid": QR_CID,
        }
        text = render_to_string(f"registrations/{template}.txt", context)
        subject, _blank, body = text.partition("\n\n")
        html = render_to_string(f"registrations/{template}.html", context) if ticket else None
    message = EmailMultiAlternatives(
        subject.strip(), body, settings.DEFAULT_FROM_EMAIL, [registration.email]
    )
    if ticket:
        message.attach_alternative(html, "text/html")
        message.attach("event.ics", ics(registration), "text/calendar")
        message.attach(_qr_part(registration))
    message.send()


def confirmation(registration) -> None:
    """A place (with the .ics and the QR ticket), or a place on the waiting list."""
    placed = registration.status == registration.Status.REGISTERED
    _send(registration, "confirmation_email" if placed else "waitlisted_email", ticket=placed)


def moved_up(registration) -> None:
    _send(registration, "moved_up_email", ticket=True)
