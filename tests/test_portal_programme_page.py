"""The programme's public page (issue 17; docs/portal.md "The programme page"): the front
page's texts and the agency's contact, written by the programme manager in the product
(audited), today's texts until then; the calls with their state, closing date and
budget."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.portal.models import ProgrammePage
from clustermonitor.programmes.models import Call, ClusterType, Programme

URL = "portal:programme-page-edit"

PAGE = {
    "introduction": "Clusters brengen bedrijven samen.",
    "introduction_en": "Clusters bring companies together.",
    "how_to_apply": "Dien uw voorstel in via het e-loket.",
    "how_to_apply_en": "",
    "contact_name": "Team Clusters",
    "contact_email": "clusters@agency.example.org",
    "contact_phone": "+32 2 000 00 00",
    "contact_address": "Koning Albert II-laan 35\n1030 Brussel",
}


def _front(client, language):
    response = client.get(reverse("portal:front") + f"?lang={language}")
    assert response.status_code == 200
    return response.content.decode()


def test_a_fresh_install_shows_todays_texts_in_both_languages(client_for, db):
    assert not ProgrammePage.objects.exists()
    anonymous = client_for("anonymous")
    english, dutch = _front(anonymous, "en"), _front(anonymous, "nl")
    assert "A cluster brings companies, research centres" in english
    assert "How to apply" in english and "submit it to the agency before the call closes" in english
    assert "Een cluster brengt" in dutch or "brengt bedrijven" in dutch
    assert "A cluster brings companies" not in dutch
    agency = Programme.objects.order_by("pk").first().agency
    assert agency in english and agency in dutch
    # The form starts from the same texts (nothing saved yet).
    form = client_for("programme_manager").get(reverse(URL))
    assert form.status_code == 200
    assert form.context["form"]["introduction_en"].value().startswith("A cluster brings")


def test_the_programme_manager_edits_the_page_audited(web, client_for, db):
    pm = web("programme_manager")
    response = pm.post(reverse(URL), PAGE)
    assert response.status_code == 302
    page = ProgrammePage.objects.get()
    assert page.contact_name == "Team Clusters"
    entry = AuditEntry.objects.get(content_type__model="programmepage")
    assert entry.note == "programme page edited" and entry.actor.username == "programme_manager"
    anonymous = client_for("anonymous")
    english, dutch = _front(anonymous, "en"), _front(anonymous, "nl")
    assert "Clusters bring companies together." in english
    assert "Clusters brengen bedrijven samen." in dutch
    # An empty English text shows the Dutch one.
    assert "Dien uw voorstel in via het e-loket." in english
    for text in (english, dutch):
        assert "clusters@agency.example.org" in text and "1030 Brussel" in text
    # Saving the same again writes nothing.
    pm.post(reverse(URL), PAGE)
    assert AuditEntry.objects.filter(content_type__model="programmepage").count() == 1
    # Its history, for whoever reads the audit log.
    history = reverse("core:object-history", args=["programmepage", page.pk])
    assert history in pm.get(reverse(URL)).content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("account_manager", 403),
        ("evaluator", 403),
        ("cluster_manager_a", 404),
        ("cluster_manager_b", 404),
        ("member_contact", 404),
    ],
)
def test_only_the_programme_manager_edits_the_page(web, persona, status):
    client = web(persona)
    assert client.get(reverse(URL)).status_code == status
    assert client.post(reverse(URL), PAGE).status_code == status
    assert not ProgrammePage.objects.exists()


def test_a_visitor_is_sent_to_log_in(client_for, db):
    response = client_for("anonymous").post(reverse(URL), PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ProgrammePage.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"contact_email": "javascript:alert(1)"}, "contact_email"),
        ({"contact_email": "a@b.c\r\nBcc: x@y.z"}, "contact_email"),
        ({"introduction": ""}, "introduction"),
        ({"contact_name": ""}, "contact_name"),
        ({"introduction": "x" * 4001}, "introduction"),
        ({"contact_phone": "9" * 41}, "contact_phone"),
        ({"contact_address": "x" * 501}, "contact_address"),
    ],
)
def test_hostile_values_are_refused_with_the_reason(web, changes, field):
    response = web("programme_manager").post(reverse(URL), PAGE | changes)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ProgrammePage.objects.exists()


def test_markup_in_the_texts_is_shown_as_text(web, client_for):
    script = '<script>alert("x")</script><a href="javascript:x">y</a>'
    assert (
        web("programme_manager")
        .post(reverse(URL), PAGE | {"introduction_en": script, "contact_name": script})
        .status_code
        == 302
    )
    english = _front(client_for("anonymous"), "en")
    assert "<script>alert" not in english and 'href="javascript:' not in english
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in english


def test_the_front_page_lists_the_calls_with_state_closing_date_and_budget(client_for, db):
    programme = Programme.objects.order_by("pk").first()
    ibn = ClusterType.objects.get(programme=programme, code="IBN")
    today = datetime.date.today()
    audit.save(
        audit.Actor.system("test"),
        Call(
            programme=programme,
            cluster_type=ibn,
            number=99,
            name="Oproep open",
            opens_on=today - datetime.timedelta(days=10),
            closes_on=today + datetime.timedelta(days=40),
            budget=Decimal("2500000"),
        ),
    )
    english = _front(client_for("anonymous"), "en")
    table = english[english.index('id="calls"') :]
    table = table[: table.index("</table>")]
    rows = table.split("<tr>")[2:]
    assert "Oproep open" in rows[0]  # the open call first
    assert "open" in rows[0] and "2,500,000" in rows[0]
    closing = (today + datetime.timedelta(days=40)).strftime("%d/%m/%Y")
    assert closing in rows[0]
    assert len(rows) == Call.objects.filter(programme=programme).count()
