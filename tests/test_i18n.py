"""Dutch first, English on request; the Dutch catalogue is complete and compiled."""

import gettext

from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse

LOCALE = settings.BASE_DIR / "locale" / "nl" / "LC_MESSAGES"


def _catalogue():
    with (LOCALE / "django.po").open("rb") as handle:
        return read_po(handle)


def test_every_message_has_a_dutch_translation():
    untranslated = [
        m.id
        for m in _catalogue()
        if m.id and (m.fuzzy or not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert not untranslated, f"translate these in django.po (make messages): {untranslated}"


def test_the_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in _catalogue():
        if not message.id or isinstance(message.id, tuple):
            continue
        found = (
            compiled.pgettext(message.context, message.id)
            if message.context
            else compiled.gettext(message.id)
        )
        assert found == message.string, (
            f"django.mo is stale for {message.id!r}: run `make messages`"
        )


def test_pages_are_dutch_by_default_whatever_the_browser_asks(client_for):
    response = client_for("evaluator").get("/portfolio/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert '<html lang="nl">' in html and "Portefeuille" in html


def test_the_switch_makes_them_english_and_it_sticks(client_for):
    client = client_for("evaluator")
    response = client.post(reverse("set_language"), {"language": "en", "next": "/calls/"})
    assert response.status_code == 302 and response["Location"] == "/calls/"
    html = client.get("/portfolio/").content.decode()
    assert '<html lang="en">' in html and "Portfolio" in html and "Portefeuille" not in html


def test_numbers_and_dates_are_written_the_belgian_way(client_for):
    html = (
        client_for("programme_manager")
        .get(reverse("programmes:cluster-detail", args=["ACB"]))
        .content.decode()
    )
    assert "€ 450.000" in html and "30/09/2019" in html


def test_missing_numbers_show_as_a_dash():
    from clustermonitor.core.templatetags.format import format_number, format_percent

    assert format_percent(float("nan")) == "–" and format_number(None) == "–"
    assert format_percent(0.35) == "35 %"
