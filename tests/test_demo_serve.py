"""The demo is served with DEBUG off and its links point where it serves (issue 16):
a 404 showed every URL pattern, and survey and mail-merge links pointed to port 8000
when the demo served elsewhere."""

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.test.utils import override_settings

from clustermonitor.demodata.management.commands import demo
from clustermonitor.surveys import invitations
from tests.test_criteria_sets import ACTOR
from tests.test_survey_waves import members, questionnaire, wave  # noqa: F401 - fixtures


@pytest.mark.parametrize(
    ("addrport", "site_url", "host"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000", "127.0.0.1"),
        ("8123", "http://127.0.0.1:8123", "127.0.0.1"),
        ("localhost:9000", "http://localhost:9000", "localhost"),
        ("demo.example:8080", "http://demo.example:8080", "demo.example"),
        ("0.0.0.0:8001", "http://127.0.0.1:8001", "*"),
        ("[::1]:8002", "http://[::1]:8002", "::1"),
    ],
)
def test_the_demo_serves_without_debug_and_links_where_it_serves(addrport, site_url, host):
    served = demo.serve_settings(addrport, environ={})
    assert served["DEBUG"] is False
    assert served["SITE_URL"] == site_url
    assert host in served["ALLOWED_HOSTS"]


def test_a_site_url_set_in_the_environment_wins():
    served = demo.serve_settings("8123", environ={"SITE_URL": "https://demo.example.org"})
    assert served["SITE_URL"] == "https://demo.example.org"


def test_a_wrong_address_is_refused():
    with pytest.raises(CommandError):
        demo.serve_settings("nergens:poort", environ={})


def test_the_command_serves_with_those_settings(monkeypatch, wave, members):  # noqa: F811
    monkeypatch.delenv("SITE_URL", raising=False)
    invitations.generate(ACTOR, wave)
    seen = {}

    def fake_call_command(name, *args, **kwargs):
        if name == "runserver":
            seen["args"] = args
            seen["debug"] = settings.DEBUG
            seen["links"] = [row[-1] for row in invitations.mail_merge_rows(wave)]

    monkeypatch.setattr(demo, "call_command", fake_call_command)
    monkeypatch.setattr(demo, "load_demo", lambda: None)
    monkeypatch.setattr(demo, "print_logins", lambda out: None)
    call_command("demo", addrport="127.0.0.1:8123")
    assert seen["args"] == ("127.0.0.1:8123",)
    assert seen["debug"] is False
    assert seen["links"] and all(
        link.startswith("http://127.0.0.1:8123/s/") for link in seen["links"]
    )
    assert settings.SITE_URL != "http://127.0.0.1:8123"  # put back when the server stops


@pytest.mark.django_db
def test_without_debug_a_404_is_the_projects_page_and_static_files_are_served():
    with override_settings(**demo.serve_settings("127.0.0.1:8123", environ={})):
        client = Client()
        missing = client.get("/gibt-es-nicht/")
        assert missing.status_code == 404
        assert "404.html" in [t.name for t in missing.templates]
        assert "URLconf" not in missing.content.decode()
        css = client.get("/static/clustermonitor/app.css")
        assert css.status_code == 200
        assert b"".join(css.streaming_content)
