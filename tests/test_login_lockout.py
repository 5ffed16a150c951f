"""Login throttling and lockout (issue 13, hardening): 300 wrong passwords and then the
right one logged in. Now a username (from any address) or an address (for any username)
is locked after LOGIN_FAILURE_LIMIT failures for LOGIN_COOLOFF_MINUTES; the page says so
in the visitor's language without telling whether the account exists; the lock is in the
audit log and the programme manager can lift it."""

import base64
import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from clustermonitor.accounts.models import User
from clustermonitor.core.models import AuditEntry
from tests.conftest import PASSWORD

LOGIN = reverse("accounts:login")
DUTCH = "Te veel mislukte aanmeldpogingen"
ENGLISH = "Too many failed sign-in attempts"


def _client(address="10.1.1.1", **extra) -> Client:
    return Client(REMOTE_ADDR=address, **extra)


def _try(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _alert(response) -> str:
    return re.search(r'role="alert"[^>]*>(.*?)</p>', response.content.decode(), re.S).group(1)


def test_300_wrong_passwords_then_the_right_one_is_refused(db):
    client = _client()
    statuses = [_try(client, "evaluator", f"guess-{i}").status_code for i in range(300)]
    limit = settings.AXES_FAILURE_LIMIT
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the form again, "did not match"
    assert set(statuses[limit - 1 :]) == {429}  # locked from the limit on
    response = _try(client, "evaluator", PASSWORD)
    assert response.status_code == 429 and not _logged_in(client)
    assert DUTCH in response.content.decode()


def test_the_lock_follows_the_account_across_addresses(db):
    for i in range(settings.AXES_FAILURE_LIMIT):
        _try(_client(f"10.2.0.{i + 1}"), "evaluator", "wrong")
    client = _client("10.2.1.1")
    assert _try(client, "evaluator", PASSWORD).status_code == 429 and not _logged_in(client)
    # Another account from that fresh address is not affected.
    other = _client("10.2.1.1")
    assert _try(other, "cluster_manager_a", PASSWORD).status_code == 302


def test_one_address_is_locked_across_usernames(db):
    names = ["nobody", "evaluator", "admin", "root", "programme_manager", "x"]
    for name in names[: settings.AXES_FAILURE_LIMIT]:
        _try(_client("10.3.0.1"), name, "wrong")
    locked = _client("10.3.0.1")
    assert _try(locked, "cluster_manager_b", PASSWORD).status_code == 429
    assert not _logged_in(locked)
    elsewhere = _client("10.3.0.2")
    assert _try(elsewhere, "cluster_manager_b", PASSWORD).status_code == 302


def test_the_message_does_not_tell_whether_the_account_exists(db):
    responses = {}
    for name, address in (("evaluator", "10.4.0.1"), ("no.such.person", "10.4.0.2")):
        client = _client(address)
        for _ in range(settings.AXES_FAILURE_LIMIT):
            response = _try(client, name, "wrong")
        responses[name] = response
    known, unknown = responses["evaluator"], responses["no.such.person"]
    assert known.status_code == unknown.status_code == 429
    assert _alert(known) == _alert(unknown) and DUTCH in _alert(known)
    assert "no.such.person" not in unknown.content.decode().split("<form")[0]


def test_the_message_is_in_the_visitors_language(db):
    client = _client("10.5.0.1")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _try(client, "evaluator", "wrong")
    assert ENGLISH in response.content.decode() and DUTCH not in response.content.decode()
    assert "15 minutes" in _alert(response)


def test_the_lock_ends_after_the_cool_off(db):
    client = _client("10.6.0.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(client, "evaluator", "wrong")
    # Tries during the lock, even with the right password, neither count nor extend it.
    assert _try(client, "evaluator", PASSWORD).status_code == 429
    almost = settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - almost)
    assert _try(client, "evaluator", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - datetime.timedelta(minutes=2)
    )
    response = _try(client, "evaluator", PASSWORD)
    assert response.status_code == 302 and _logged_in(client)


def test_the_start_of_a_lock_is_in_the_audit_log_once(db):
    client = _client("10.7.0.1")
    for _ in range(settings.AXES_FAILURE_LIMIT + 10):
        _try(client, "evaluator", "wrong")
    entries = AuditEntry.objects.filter(note__startswith="sign-in locked")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.via == "login" and entry.actor is None
    assert entry.object_repr == "evaluator" and "10.7.0.1" in entry.note
    assert PASSWORD not in entry.note and "wrong" not in entry.note
    # The counters keep no password either.
    assert not AccessAttempt.objects.filter(post_data__contains="wrong").exists()


def test_a_lock_of_an_unknown_username_is_audited_too(db):
    client = _client("10.7.1.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(client, "no.such.person", "wrong")
    entry = AuditEntry.objects.get(note__startswith="sign-in locked")
    assert "no.such.person" in entry.note and "10.7.1.1" in entry.note


def test_the_programme_manager_sees_and_lifts_a_lock(client_for):
    client = _client("10.8.0.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(client, "evaluator", "wrong")
    manager = client_for("programme_manager")
    page = manager.get(reverse("accounts:lockout-list")).content.decode()
    assert "evaluator" in page and "10.8.0.1" in page
    evaluator = User.objects.get(username="evaluator")
    detail = manager.get(reverse("accounts:user-detail", args=[evaluator.pk])).content.decode()
    assert 'id="unlock"' in detail

    response = manager.post(
        reverse("accounts:lockout-unlock"), {"username": "evaluator", "back": "user"}
    )
    assert response.status_code == 302 and str(evaluator.pk) in response["Location"]
    entry = AuditEntry.objects.get(note__startswith="sign-in unlocked")
    assert entry.actor.username == "programme_manager" and entry.object_repr == "evaluator"
    fresh = _client("10.8.0.2")
    assert _try(fresh, "evaluator", PASSWORD).status_code == 302 and _logged_in(fresh)


def test_the_programme_manager_lifts_an_address_lock(client_for):
    for name in ["a", "b", "c", "d", "e", "f"][: settings.AXES_FAILURE_LIMIT]:
        _try(_client("10.8.1.1"), name, "wrong")
    manager = client_for("programme_manager")
    manager.post(reverse("accounts:lockout-unlock"), {"address": "10.8.1.1"})
    assert AuditEntry.objects.filter(note="sign-in unlocked (address 10.8.1.1)").exists()
    assert _try(_client("10.8.1.1"), "evaluator", PASSWORD).status_code == 302


@pytest.mark.parametrize(("name", "status"), [("account_manager", 403), ("cluster_manager_a", 404)])
def test_only_the_programme_manager_unlocks(client_for, name, status):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(_client("10.9.0.1"), "evaluator", "wrong")
    response = client_for(name).post(reverse("accounts:lockout-unlock"), {"username": "evaluator"})
    assert response.status_code == status
    assert AccessAttempt.objects.filter(username="evaluator").exists()
    assert not AuditEntry.objects.filter(note__startswith="sign-in unlocked").exists()


def test_the_api_takes_no_password_so_it_is_no_way_around(db):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(_client("10.10.0.1"), "evaluator", "wrong")
    basic = base64.b64encode(f"evaluator:{PASSWORD}".encode()).decode()
    response = _client("10.10.0.2").get(
        reverse("api:list_clusters"), HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert response.status_code == 401
    response = _client("10.10.0.2").get(
        reverse("api:list_clusters"), HTTP_AUTHORIZATION=f"Bearer {PASSWORD}"
    )
    assert response.status_code == 401


def test_a_password_reset_does_not_log_in_nor_lift_the_lock(db, mailoutbox):
    client = _client("10.11.0.1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(client, "evaluator", "wrong")
    User.objects.filter(username="evaluator").update(email="evaluator@example.org")
    client.post(reverse("accounts:password-reset"), {"email": "evaluator@example.org"})
    link = re.search(r"https?://\S+", mailoutbox[-1].body).group(0)
    page = client.get(link, follow=True)
    new = "een-nieuw-lang-wachtwoord-13"
    done = client.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and not _logged_in(client)
    assert _try(client, "evaluator", new).status_code == 429 and not _logged_in(client)


def test_behind_a_trusted_proxy_the_forwarded_address_counts(db, settings):
    settings.TRUSTED_PROXIES = 1
    proxy = "192.168.0.10"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(_client(proxy, HTTP_X_FORWARDED_FOR="203.0.113.7"), "x", "wrong")
    # Another visitor behind the same proxy is not locked by that address.
    other = _client(proxy, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert _try(other, "evaluator", PASSWORD).status_code == 302
    # A forged extra entry on the left does not change the address that counts.
    forged = _client(proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert _try(forged, "cluster_manager_a", PASSWORD).status_code == 429


def test_without_a_trusted_proxy_a_forged_header_changes_nothing(db):
    for i in range(settings.AXES_FAILURE_LIMIT):
        _try(_client("10.12.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}"), f"n{i}", "wrong")
    client = _client("10.12.0.1", HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert _try(client, "evaluator", PASSWORD).status_code == 429


def test_the_command_line_lists_and_lifts_a_lock(db):
    import io

    from django.core.management import call_command

    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(_client("10.13.0.1"), "programme_manager", "wrong")
    out = io.StringIO()
    call_command("unlock", stdout=out)
    assert "programme_manager" in out.getvalue() and "10.13.0.1" in out.getvalue()
    call_command("unlock", "programme_manager", stdout=io.StringIO())
    assert AuditEntry.objects.get(note__startswith="sign-in unlocked").via == "cli"
    assert _try(_client("10.13.0.2"), "programme_manager", PASSWORD).status_code == 302
