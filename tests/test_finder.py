"""The public finder (docs/finder.md): the page /finder/ and GET /api/public/finder, for
anonymous visitors, in Dutch and English, on hostile input; never a member's name."""

import datetime

import duckdb
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clustermonitor.members import finder
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry.models import NaceCode, Organisation
from tests.factories import enterprise_number, membership, organisation

API = "/api/public/finder"
SINCE = datetime.date(2020, 1, 1)


def _nace(code: str) -> NaceCode:
    return NaceCode.objects.get(version=2008, code=code)


@pytest.fixture
def members(db):
    """SIM (running): 3 members in 28.99 in Leuven (3000), 1 in 28.11 in Gent; VIL
    (running): 2 in 52.10 in Antwerpen; EUKA (ended in 2019): 5 in 28.99 in Leuven."""
    sim, vil, euka = (Cluster.objects.get(code=c) for c in ("SIM", "VIL", "EUKA"))
    made = []

    def member(i, cluster, nace, postcode):
        org = organisation(i, name=f"Geheime Leden {i} NV", postcode=postcode)
        org.nace_2008 = _nace(nace)
        org.locate()
        org.save()
        membership(org, cluster, start=SINCE)
        made.append(org)

    for i in range(3):
        member(i, sim, "28990", "3000")
    member(3, sim, "28110", "9000")
    member(4, vil, "52100", "2000")
    member(5, vil, "52100", "2000")
    for i in range(6, 11):
        member(i, euka, "28990", "3000")
    return made


def _api(client=None, **params):
    return (client or Client()).get(API, params)


def test_nace_and_postcode_rank_the_running_clusters_with_reasons_in_dutch(members):
    response = _api(nace="28.99", postcode="3000")
    assert response.status_code == 200
    body = response.json()
    assert body["language"] == "nl"
    assert body["query"]["municipality"] == "Leuven"
    assert body["query"]["nace"] == "28.99"
    codes = [r["code"] for r in body["results"]]
    assert codes[0] == "SIM" and "EUKA" not in codes  # EUKA's agreement ended in 2019
    sim = body["results"][0]
    assert [r["text"] for r in sim["reasons"]] == [
        "3 leden in NACE 28.99",
        "4 leden in NACE-afdeling 28",
        "3 leden binnen 20 km",
    ]
    assert set(sim["factors"]) == {"sector", "proximity"}


def test_the_language_follows_lang_then_accept_language(members):
    english = _api(nace="28.99", postcode="3000", lang="en").json()
    assert english["language"] == "en"
    assert english["results"][0]["reasons"][0]["text"] == "3 members in NACE 28.99"
    accepted = Client(headers={"Accept-Language": "en-GB,en;q=0.8"}).get(
        API, {"nace": "2899", "postcode": "3000"}
    )
    assert accepted.json()["results"][0]["reasons"][-1]["text"] == "3 members within 20 km"


def test_keywords_alone_find_the_domain(db):
    body = _api(q="Logistiek en havens").json()
    assert body["results"][0]["code"] == "VIL"
    assert body["results"][0]["reasons"][0]["text"] == "werkt rond logistiek"
    assert body["results"][0]["factors"] == {"keywords": 0.5}  # logist of logist, havens


@pytest.mark.parametrize(
    ("params", "nl", "en"),
    [
        (
            {"enterprise_number": "0412.345.679"},
            "is geen geldig ondernemingsnummer: controlecijfer klopt niet",
            "is not a valid enterprise number: bad checksum",
        ),
        ({"postcode": "0000"}, "0000 is geen Belgische postcode.", "is not a Belgian postcode."),
        ({"postcode": "Gent"}, "Gent is geen Belgische postcode.", "is not a Belgian postcode."),
        ({"nace": "12.34"}, "12.34 is geen NACE-BEL 2008-code.", "is not a NACE-BEL 2008 code."),
        ({}, "Geef een ondernemingsnummer", "Give an enterprise number"),
        (
            {"enterprise_number": enterprise_number(999)},
            "kennen we niet",
            "is not known to us",
        ),
    ],
)
def test_bad_input_gets_422_with_the_reason_in_the_language(db, params, nl, en):
    dutch = _api(**params)
    assert dutch.status_code == 422
    assert nl in dutch.json()["detail"]
    english = _api(**params, lang="en")
    assert english.status_code == 422 and en in english.json()["detail"]


def test_an_enterprise_number_from_the_registry_gives_its_sector_and_place(members):
    org = members[0]  # a member itself: its name and membership stay unsaid
    response = _api(enterprise_number=org.enterprise_number_display, lang="en")
    body = response.json()
    assert body["query"]["nace"] == "28.990" and body["query"]["postcode"] == "3000"
    assert body["results"][0]["code"] == "SIM"
    assert "Geheime" not in response.content.decode()


def test_an_enterprise_number_from_the_kbo_lookup(members, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    (tmp_path / "kbo").mkdir()
    number = enterprise_number(777)
    duckdb.sql(
        f"COPY (SELECT '{number}' AS enterprise_number, 'Buiten NV' AS name, '3000' AS postcode,"
        " DATE '2001-01-01' AS start_date, '28990' AS nace_2008, 'buiten nv' AS folded)"
        f" TO '{tmp_path / 'kbo' / 'enterprises.parquet'}' (FORMAT parquet)"
    )
    assert not Organisation.objects.filter(enterprise_number=number).exists()
    body = _api(enterprise_number=f"BE{number}").json()
    assert body["query"]["nace"] == "28.990" and body["query"]["municipality"] == "Leuven"
    assert body["results"][0]["code"] == "SIM"


def test_the_clusters_cost_three_queries_whatever_the_members(members, django_assert_num_queries):
    search = finder.search(nace="28.99", postcode="3000")
    with django_assert_num_queries(3):
        few = finder.find(search)
    sim = Cluster.objects.get(code="SIM")
    for i in range(20, 60):
        org = organisation(i, postcode="8500")
        membership(org, sim, start=SINCE)
    with django_assert_num_queries(3):
        many = finder.find(search)
    assert [r.code for r in few][:1] == [r.code for r in many][:1] == ["SIM"]


def test_the_page_works_without_login_and_without_javascript(members):
    response = Client().get(reverse("portal:finder"), {"nace": "28.99", "postcode": "3000"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form method="get"' in html
    assert "3 leden in NACE 28.99" in html and "3 leden binnen 20 km" in html
    assert "Geheime" not in html


def test_the_page_shows_the_reason_next_to_the_field(db):
    response = Client().get(reverse("portal:finder"), {"enterprise_number": "123"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "123 is geen geldig ondernemingsnummer: verkeerd aantal cijfers." in html


@pytest.mark.parametrize(
    "params",
    [
        {"q": "drones " * 5000},
        {"q": "'; DROP TABLE registry_organisation; --"},
        {"q": "énergie 💡 ẞtraße \u202e\u0000"},
        {"nace": "28.99' OR '1'='1", "postcode": "3000"},
        {"postcode": "\u0663\u0660\u0660\u0660"},  # Arabic-Indic digits
        {"enterprise_number": "٠٤١٢٣٤٥٦٧٨"},
    ],
)
def test_hostile_input_is_answered_not_crashed(db, params):
    page = Client().get(reverse("portal:finder"), params)
    assert page.status_code == 200
    api = _api(**params)
    assert api.status_code in (200, 422)
    assert isinstance(api.json()["detail" if api.status_code == 422 else "results"], list | str)


def test_the_schema_documents_the_public_route_without_a_token(db):
    schema = Client().get("/api/openapi.json").json()
    operation = schema["paths"][API]["get"]
    assert "security" not in operation or operation["security"] in ([], [{}])
    assert set(operation["responses"]) == {"200", "422"}
    out = schema["components"]["schemas"]["FinderOut"]
    assert out["examples"][0]["results"][0]["reasons"][0]["kind"] == "keywords"


def test_a_registry_number_without_activity_or_address_reads_as_unknown(db):
    known_but_empty = organisation(901, postcode="", country="BE")
    unknown = enterprise_number(902)
    answers = [
        _api(enterprise_number=number).json()["detail"].replace(dotted, "N")
        for number, dotted in (
            (known_but_empty.enterprise_number, known_but_empty.enterprise_number_display),
            (unknown, f"{unknown[:4]}.{unknown[4:7]}.{unknown[7:]}"),
        )
    ]
    assert (
        answers[0]
        == answers[1]
        == ("Ondernemingsnummer N kennen we niet; geef in de plaats een NACE-code en een postcode.")
    )


def test_kept_profiles_serve_until_a_membership_changes(members, settings):
    settings.CLUSTERMONITOR_MEMO = True
    cache.clear()
    search = finder.search(nace="28.99", postcode="3000")
    first = finder.find(search)
    with CaptureQueriesContext(connection) as queries:
        assert finder.find(search) == first
    assert len(queries) == 1  # the data version only
    for i in range(30, 40):  # ten more in 28.99 in Leuven for VIL
        org = organisation(i, postcode="3000")
        org.nace_2008 = _nace("28990")
        org.locate()
        org.save()
        membership(org, Cluster.objects.get(code="VIL"), start=SINCE)
    assert finder.find(search)[0].code == "VIL"


def test_the_answer_varies_with_the_language_asked(db):
    response = _api(q="logistiek", lang="en")
    assert response["Content-Language"] == "en"
    assert "Accept-Language" in response["Vary"]


def test_every_input_that_cannot_be_used_gets_its_reason(db):
    params = {"enterprise_number": "0412.345.679", "nace": "12.34", "postcode": "0000"}
    html = Client().get(reverse("portal:finder"), params).content.decode()
    for reason in (
        "0412.345.679 is geen geldig ondernemingsnummer: controlecijfer klopt niet.",
        "12.34 is geen NACE-BEL 2008-code.",
        "0000 is geen Belgische postcode.",
    ):
        assert reason in html
    detail = _api(**params, lang="en").json()["detail"]
    assert detail.count("is not") == 3


def test_what_the_number_brings_and_our_tables_lack_is_left_out(db):
    org = organisation(903, postcode="9999")  # no such postcode; no NACE code
    org.nace_2008 = _nace("28990")
    org.save()
    body = _api(enterprise_number=org.enterprise_number).json()
    assert body["query"]["nace"] == "28.990" and body["query"]["postcode"] == ""


def test_a_result_links_to_the_clusters_public_profile_once_it_is_published(members):
    from clustermonitor.core import audit
    from clustermonitor.portal import services

    params = {"nace": "28.99", "postcode": "3000"}
    profile = reverse("portal:cluster-detail", args=["SIM"])
    assert (
        f'href="{profile}"' not in Client().get(reverse("portal:finder"), params).content.decode()
    )
    actor = audit.Actor.system("tests")
    draft = services.profile_of(Cluster.objects.get(code="SIM"))
    draft.description = "Simulatie en modellering."
    services.save_draft(actor, draft)
    services.submit(actor, draft)
    assert (
        f'href="{profile}"' not in Client().get(reverse("portal:finder"), params).content.decode()
    )
    services.publish(actor, draft)
    html = Client().get(reverse("portal:finder"), params).content.decode()
    assert f'href="{profile}"' in html
    assert Client().get(profile).status_code == 200
