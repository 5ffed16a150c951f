"""Cache-Control and Permissions-Policy (issue 13, hardening).

Signed-in users' pages and downloads carry `Cache-Control: no-store` (records must not stay
in a browser's or proxy's cache); static files and anonymous pages keep their caching.
Every response, static files included, carries a Permissions-Policy that denies the
browser's powerful features; PERMISSIONS_POLICY_SELF allows one for the site itself."""

import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from clustermonitor.core.middleware import permissions_policy_header
from tests.conftest import CLUSTER_A

pytestmark = pytest.mark.django_db

STATIC = "/static/clustermonitor/app.css"
DENIED = ("camera", "microphone", "geolocation", "payment", "usb")


def _policy(response) -> dict[str, str]:
    header = response["Permissions-Policy"]
    return dict(item.strip().split("=", 1) for item in header.split(","))


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "persona", ["anonymous", "programme_manager", "cluster_manager_a", "member_contact"]
)
@pytest.mark.parametrize(
    "url",
    [reverse("accounts:login"), reverse("programmes:portfolio"), STATIC, "/no-such-page/"],
)
def test_every_response_denies_the_powerful_features(client_for, persona, url):
    response = client_for(persona).get(url)
    policy = _policy(response)
    assert all(policy[feature] == "()" for feature in DENIED), (url, policy)


def test_a_signed_in_users_pages_and_downloads_are_not_stored(client_for):
    client = client_for("cluster_manager_a")
    for url in [
        reverse("programmes:portfolio"),
        reverse("members:member-list", args=[CLUSTER_A]),
        reverse("members:member-list-xlsx", args=[CLUSTER_A]),
        reverse("accounts:profile"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), (url, response.get("Cache-Control"))
        assert "private" in response["Cache-Control"]


def test_kept_pages_are_not_stored_either(client_for, settings):
    settings.CLUSTERMONITOR_MEMO = True
    cache.clear()
    client = client_for("programme_manager")
    url = reverse("members:member-list", args=[CLUSTER_A])
    first, second = client.get(url), client.get(url)
    cache.clear()
    assert second["X-Kept-Page"] == "1"  # served from core.pagecache
    assert second.content == first.content
    assert _no_store(first) and _no_store(second)


def test_static_files_and_anonymous_pages_keep_their_caching(client_for):
    signed_in = client_for("programme_manager").get(STATIC)
    assert signed_in.status_code == 200
    assert not _no_store(signed_in)
    # (Django's login page is never cached by its own decorator; the schema is public.)
    public = Client().get(reverse("api:openapi-json"))
    assert public.status_code == 200
    assert not _no_store(public)


def test_the_response_after_signing_in_is_not_stored(db):
    from tests.conftest import PASSWORD

    response = Client().post(
        reverse("accounts:login"), {"username": "evaluator", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert _no_store(response)


def test_a_feature_can_be_allowed_for_the_site_itself(settings):
    assert permissions_policy_header({"camera": ["self"], "usb": []}) == "camera=(self), usb=()"
    settings.PERMISSIONS_POLICY = {**settings.PERMISSIONS_POLICY, "camera": ["self"]}
    policy = _policy(Client().get(reverse("accounts:login")))
    assert policy["camera"] == "(self)" and policy["microphone"] == "()"


def _settings_with(**extra):
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(extra)
    code = (
        "from django.conf import settings;"
        "print(settings.PERMISSIONS_POLICY['camera'], settings.PERMISSIONS_POLICY['usb'])"
    )
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os;"
            "os.environ['DJANGO_SETTINGS_MODULE']='clustermonitor.settings';django.setup();" + code,
        ],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def test_permissions_policy_self_is_read_from_the_environment(tmp_path):
    allowed = _settings_with(PERMISSIONS_POLICY_SELF="camera", CLUSTERMONITOR_VAR_DIR=str(tmp_path))
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.split() == ["['self']", "[]"]
    unknown = _settings_with(
        PERMISSIONS_POLICY_SELF="teleport", CLUSTERMONITOR_VAR_DIR=str(tmp_path)
    )
    assert unknown.returncode != 0 and "teleport" in unknown.stderr
