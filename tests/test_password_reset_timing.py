"""Forgot password in equal time for known and unknown addresses (issue 13, hardening).

Timings are noisy, so the test is structural: the request does exactly the same work for
both (one queued task with the same arguments, the same queries, no token made and no mail
sent in the request); the task does the lookup and the mail. bench/password_reset/measure.py
times it."""

from unittest import mock

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clustermonitor.accounts import tasks
from clustermonitor.accounts.models import User
from clustermonitor.accounts.reset import send_reset_mails

KNOWN = "els@example.org"
UNKNOWN = "nobody@example.org"


@pytest.fixture
def els(db):
    User.objects.filter(username="evaluator").update(email=KNOWN)


def _request(email):
    """POST the form with the task queue and the token generator watched."""
    made = mock.Mock(wraps=default_token_generator.make_token)
    with (
        mock.patch.object(tasks, "password_reset_task") as task,
        mock.patch.object(default_token_generator, "make_token", made),
        CaptureQueriesContext(connection) as queries,
    ):
        response = Client().post(reverse("accounts:password-reset"), {"email": email})
    return response, task.enqueue.call_args_list, made.call_count, [q["sql"] for q in queries]


def test_the_request_does_the_same_work_for_known_and_unknown_addresses(els):
    known, known_calls, known_tokens, known_sql = _request(KNOWN)
    unknown, unknown_calls, unknown_tokens, unknown_sql = _request(UNKNOWN)
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert known_calls == [mock.call(KNOWN, "testserver", False, "nl")]
    assert unknown_calls == [mock.call(UNKNOWN, "testserver", False, "nl")]
    assert known_tokens == unknown_tokens == 0  # no token (HMAC) made on the request path
    assert known_sql == unknown_sql  # the same queries, the address as a parameter only
    assert mail.outbox == []  # the mail goes out from the task


def test_the_task_mails_a_known_address_and_nothing_for_an_unknown_one(els):
    assert send_reset_mails(UNKNOWN, "cm.example.org", True, "en") == 0
    assert mail.outbox == []
    assert send_reset_mails(KNOWN, "cm.example.org", True, "en") == 1
    (message,) = mail.outbox
    assert message.to == [KNOWN]
    assert "https://cm.example.org/" in message.body
    assert "Someone asked for a new password" in message.body  # in the asked language


def test_the_link_from_the_queued_mail_sets_a_password(els):
    # With the immediate backend of the tests the task runs inline: the whole journey.
    Client().post(reverse("accounts:password-reset"), {"email": KNOWN})
    (message,) = mail.outbox
    link = next(word for word in message.body.split() if word.startswith("http://testserver/"))
    client = Client()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "a much longer passphrase 42",
            "new_password2": "a much longer passphrase 42",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="evaluator").check_password("a much longer passphrase 42")
