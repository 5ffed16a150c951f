"""A mailing delivered over SMTP (Django's SMTP backend, as in production) to a local
server (aiosmtpd): the messages arrive with their RFC 8058 headers, and the
unsubscribe link they carry works."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.test import Client, TestCase

from clustermonitor.core import audit
from clustermonitor.mailings import services
from clustermonitor.mailings.models import Mailing, Suppression
from clustermonitor.members.models import Contact
from tests.factories import membership, organisation


class Inbox:
    def __init__(self):
        self.received = []  # (envelope recipients, message bytes)

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 10},
        }
    }
    try:
        yield inbox
    finally:
        controller.stop()


def test_a_mailing_over_smtp_and_its_unsubscribe_link(smtp_server, cluster_a):
    addresses = ["anna@lid1.be", "bert@lid2.be", "nobody@lid3.be"]
    for i, address in enumerate(addresses, 1):
        ship = membership(organisation(800 + i, name=f"Lid {i} NV", postcode="9000"), cluster_a)
        Contact.objects.create(membership=ship, name=f"Persoon {i}", email=address)
    mailing = Mailing.objects.create(
        cluster=cluster_a,
        segment="members",
        subject_nl="Nieuwsbrief december",
        body_nl="Beste lid,\n\nDit is **nieuws**.",
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.queue(audit.Actor.system("tests"), mailing)
    mailing.refresh_from_db()
    assert (mailing.status, mailing.n_sent, mailing.n_failed) == ("sent", 2, 1)
    assert mailing.deliveries.get(email="nobody@lid3.be").error.startswith("{'nobody@")
    assert mail.outbox == []  # through SMTP, not the test outbox
    assert sorted(rcpt for rcpts, _raw in smtp_server.received for rcpt in rcpts) == [
        "anna@lid1.be",
        "bert@lid2.be",
    ]
    raw = next(raw for rcpts, raw in smtp_server.received if rcpts == ["anna@lid1.be"])
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Subject"] == "Nieuwsbrief december"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = (part.strip(" <>") for part in str(message["List-Unsubscribe"]).split(","))
    assert mailto.startswith("mailto:")
    html = message.get_body(("html",)).get_content()
    assert "<strong>nieuws</strong>" in html and https in html
    # The mail client's one-click POST to the link, as RFC 8058 describes it.
    path = https[https.index("/u/") :]
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Suppression.objects.filter(cluster=cluster_a, email="anna@lid1.be").exists()
    # The next mailing skips her.
    smtp_server.received.clear()
    second = Mailing.objects.create(
        cluster=cluster_a, segment="members", subject_nl="Januari", body_nl="Nieuwjaar"
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.queue(audit.Actor.system("tests"), second)
    second.refresh_from_db()
    assert (second.n_sent, second.n_suppressed) == (1, 1)
    assert [rcpts for rcpts, _raw in smtp_server.received] == [["bert@lid2.be"]]
