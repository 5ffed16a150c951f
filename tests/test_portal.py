"""The public portal's first slice (issue 17): cluster profiles with a publication
workflow, and the public pages that show only what was published (docs/portal.md)."""

import datetime
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clustermonitor.core.models import AuditEntry
from clustermonitor.members.models import Contact, Membership
from clustermonitor.portal import figures, selectors
from clustermonitor.portal.models import ClusterProfile, ProfilePublication
from clustermonitor.programmes.models import Cluster
from tests.conftest import CLUSTER_A, CLUSTER_B
from tests.factories import membership, organisation, png

pytestmark = pytest.mark.usefixtures("english")

PROFILE = {
    "description": "Eerste beschrijving.",
    "description_en": "First description.",
    "offer": "Matchmaking.",
    "offer_en": "Matchmaking.",
    "working_groups": "",
    "working_groups_en": "",
    "website": "https://euka.example.org",
    "eccp_url": "",
    "contact_name": "Karel Kontakt",
    "contact_name_public": "on",
    "contact_role": "Clustermanager",
    "contact_email": "verborgen.adres@euka.example.org",
    "contact_phone": "+32 9 999 88 77",
}


def _edit(client, code=CLUSTER_A, **changes):
    return client.post(reverse("portal:profile-edit", args=[code]), PROFILE | changes)


def _step(client, step, code=CLUSTER_A, **data):
    return client.post(reverse(f"portal:profile-{step}", args=[code]), data)


def _published(web, **changes):
    """Cluster A's profile as its manager writes and submits it and the programme
    manager publishes it."""
    manager, pm = web("cluster_manager_a"), web("programme_manager")
    assert _edit(manager, **changes).status_code == 302
    assert _step(manager, "submit").status_code == 302
    assert _step(pm, "publish").status_code == 302
    return manager, pm


def _public(client, code=CLUSTER_A):
    return client.get(reverse("portal:cluster-detail", args=[code]))


def test_a_draft_is_never_public(web, client_for):
    manager = web("cluster_manager_a")
    assert _edit(manager).status_code == 302
    assert ClusterProfile.objects.get(cluster__code=CLUSTER_A).state == "draft"
    anonymous = client_for("anonymous")
    assert _public(anonymous).status_code == 404
    directory = anonymous.get(reverse("portal:directory"))
    assert "Eerste beschrijving" not in directory.content.decode()
    assert reverse("portal:cluster-detail", args=[CLUSTER_A]) not in directory.content.decode()
    # Submitted is not public either.
    _step(manager, "submit")
    assert _public(anonymous).status_code == 404


def test_publishing_shows_only_the_published_fields(web, client_for):
    manager, pm = _published(web)
    publication = ProfilePublication.objects.get(cluster__code=CLUSTER_A)
    assert publication.data["contact_name"] == "Karel Kontakt"
    assert "contact_email" not in publication.data
    assert "contact_phone" not in publication.data
    assert "contact_role" not in publication.data
    page = _public(client_for("anonymous")).content.decode()
    assert "First description." in page or "Eerste beschrijving." in page
    assert "Karel Kontakt" in page
    for hidden in ("verborgen.adres", "999 88 77", "Clustermanager"):
        assert hidden not in page
    # Every step left an audit entry.
    actions = AuditEntry.objects.filter(content_type__app_label="portal").values_list(
        "note", flat=True
    )
    assert {"profile edited", "profile submitted", "profile published"} <= set(actions)
    # The programme manager reads them on the profile's history.
    profile = ClusterProfile.objects.get(cluster__code=CLUSTER_A)
    history = reverse("core:object-history", args=["clusterprofile", profile.pk])
    assert history in pm.get(reverse("portal:profile", args=[CLUSTER_A])).content.decode()
    assert history not in manager.get(reverse("portal:profile", args=[CLUSTER_A])).content.decode()
    assert pm.get(history).status_code == 200


def test_a_publication_is_never_changed(db):
    publication = ProfilePublication(
        cluster=Cluster.objects.get(code=CLUSTER_A),
        data={},
        published_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    publication.save()
    publication.data = {"description": "changed"}
    with pytest.raises(ValueError):
        publication.save()


def test_a_returned_profile_keeps_the_published_one_public(web, client_for):
    manager, pm = _published(web)
    _edit(manager, description_en="Second description, not yet approved.")
    _step(manager, "submit")
    assert _step(pm, "return", comment="Shorter, please.").status_code == 302
    profile = ClusterProfile.objects.get(cluster__code=CLUSTER_A)
    assert profile.state == "draft"
    assert profile.return_comment == "Shorter, please."
    anonymous = client_for("anonymous")
    anonymous.cookies["django_language"] = "en"
    page = _public(anonymous).content.decode()
    assert "First description." in page
    assert "not yet approved" not in page
    assert (
        "Shorter, please."
        in manager.get(reverse("portal:profile", args=[CLUSTER_A])).content.decode()
    )


def test_a_return_needs_a_comment(web):
    manager, pm = _published(web)
    _edit(manager, description="Nieuw.")
    _step(manager, "submit")
    _step(pm, "return", comment="")
    assert ClusterProfile.objects.get(cluster__code=CLUSTER_A).state == "submitted"


def test_the_diff_shows_the_changed_fields_in_both_languages(web):
    manager, pm = _published(web)
    _edit(manager, description_en="A new English text.", contact_email_public="on")
    _step(manager, "submit")
    page = pm.get(reverse("portal:profile", args=[CLUSTER_A])).content.decode()
    changed = [
        label.strip()
        for cls, label in re.findall(r'<tr( class="changed")?>\s*<th scope="row">([^<]*)', page)
        if cls
    ]
    assert changed == ["Description (English)", "Contact e-mail"]
    assert "A new English text." in page and "First description." in page
    assert 'action="/clusters/EUKA/profile/publish/"' in page
    # The manager sees the same comparison but no publish button.
    own = manager.get(reverse("portal:profile", args=[CLUSTER_A])).content.decode()
    assert "A new English text." in own and "/profile/publish/" not in own


def test_a_submitted_profile_cannot_be_edited(web):
    manager = web("cluster_manager_a")
    _edit(manager)
    _step(manager, "submit")
    _edit(manager, description="Sneaky change.")
    assert ClusterProfile.objects.get(cluster__code=CLUSTER_A).description == "Eerste beschrijving."


def test_cluster_manager_b_cannot_touch_as_profile(web, client_for):
    _published(web)
    before = ClusterProfile.objects.get(cluster__code=CLUSTER_A)
    other = web("cluster_manager_b")
    assert _edit(other, description="Overgenomen.").status_code == 404
    for step in ("submit", "publish", "return"):
        assert _step(other, step, comment="x").status_code == 404
    assert other.get(reverse("portal:profile", args=[CLUSTER_A])).status_code == 404
    # A's id in the body of B's own form changes nothing of A's (the cluster is the URL's).
    a = Cluster.objects.get(code=CLUSTER_A)
    response = _edit(other, code=CLUSTER_B, cluster=a.pk, description="Van B.")
    assert response.status_code == 302
    after = ClusterProfile.objects.get(cluster__code=CLUSTER_A)
    assert (after.description, after.state, after.publication_id) == (
        before.description,
        before.state,
        before.publication_id,
    )
    assert ClusterProfile.objects.get(cluster__code=CLUSTER_B).description == "Van B."
    # A cluster manager does not publish, not even their own.
    manager = web("cluster_manager_a")
    _edit(manager, description="Zelf gepubliceerd?")
    _step(manager, "submit")
    assert _step(manager, "publish").status_code == 403


def test_the_logo_is_a_small_picture_and_the_public_gets_the_published_one(web, client_for):
    manager = web("cluster_manager_a")
    for name, content, error in (
        ("logo.png", b"<svg onload=alert(1)>", "is not a PNG, JPEG or WebP picture"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "is not a PNG"),
        ("logo.png", png() + b"\0" * (1024 * 1024), "is larger than 1 MB"),
        ("big.png", png(4001, 10), "is larger than 4000 pixels a side"),
    ):
        response = _edit(manager, logo=SimpleUploadedFile(name, content))
        assert response.status_code == 200
        assert error in response.content.decode()
    assert not ClusterProfile.objects.filter(cluster__code=CLUSTER_A).exists()
    first = png(8, 8)
    _published(web, logo=SimpleUploadedFile("first.png", first))
    stored = ClusterProfile.objects.get(cluster__code=CLUSTER_A).logo.name
    assert re.fullmatch(r"portal/logos/EUKA/[0-9a-f]{24}\.png", stored)
    anonymous = client_for("anonymous")
    url = reverse("portal:cluster-logo-file", args=[CLUSTER_A])
    served = anonymous.get(url)
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == first
    # A new logo in the working copy is not served until it is published.
    _edit(manager, logo=SimpleUploadedFile("second.png", png(9, 9)))
    assert b"".join(anonymous.get(url).streaming_content) == first


def test_slash_shows_a_visitor_the_portal_and_a_user_the_workspace(client_for):
    visitor = client_for("anonymous").get("/")
    assert visitor.status_code == 200
    assert reverse("portal:directory") in visitor.content.decode()
    assert visitor.templates[0].name == "portal/front.html"
    logged_in = client_for("cluster_manager_a").get("/")
    assert logged_in.templates[0].name == "monitoring/home.html"


def test_a_profile_speaks_the_language_of_its_address(web, client_for):
    _published(web)
    anonymous = client_for("anonymous")  # Dutch by default
    url = reverse("portal:cluster-detail", args=[CLUSTER_A])
    english = anonymous.get(url + "?lang=en").content.decode()
    dutch = anonymous.get(url + "?lang=nl").content.decode()
    assert "First description." in english and "Eerste beschrijving." not in english
    assert "Eerste beschrijving." in dutch and "First description." not in dutch
    assert "About the cluster" in english and "Over de cluster" in dutch
    assert "shown as &lt; 5." in english  # the mark is escaped, never a stray "<"


def test_the_public_pages_name_their_languages(client_for):
    page = client_for("anonymous").get(reverse("portal:directory") + "?lang=en")
    html = page.content.decode()
    assert page["Content-Language"] == "en"
    assert '<html lang="en">' in html
    assert 'hreflang="nl" href="http://testserver/portal/clusters/?lang=nl"' in html
    assert '<link rel="canonical" href="http://testserver/portal/clusters/?lang=en">' in html


def test_the_directory_filters_by_type_province_domain_and_search(web, client_for):
    _published(web)
    a = Cluster.objects.get(code=CLUSTER_A)
    gent = organisation(881, name="Gentse Leden NV", postcode="9000")
    gent.locate()
    gent.save()
    membership(gent, a, start=a.start_date)
    province = gent.municipality.province.nis

    def listed(query):
        page = client_for("anonymous").get(reverse("portal:directory") + "?" + query)
        return reverse("portal:cluster-detail", args=[CLUSTER_A]) in page.content.decode()

    assert listed("")
    assert listed(f"type={a.cluster_type.code}")
    other_types = [t for t, _l in selectors.type_choices() if t != a.cluster_type.code]
    assert not listed(f"type={other_types[0]}")
    assert listed(f"province={province}")
    others = [nis for nis, _n in selectors.province_choices() if nis != province]
    assert not listed(f"province={others[0]}")
    assert listed("q=first+description")
    assert not listed("q=zzzz")
    a.domain = "lucht- en ruimtevaart"
    a.save()
    assert listed("domain=ruimtevaart")
    assert not listed("domain=zzzz")
    # EUKA's term ended in 2019: listed and marked as past, left out of the running ones.
    assert a.end_date < datetime.date.today()
    page = client_for("anonymous").get(reverse("portal:directory")).content.decode()
    assert re.search(
        r'/portal/clusters/EUKA/">[^<]*</a> <span class="badge">afgelopen</span>', page
    )
    assert not listed("running=on")
    assert "Gentse Leden" not in page


def test_members_by_size_hide_small_cells(cluster_a, monkeypatch):
    day = datetime.date(2019, 6, 30)
    orgs = [organisation(900 + i, name=f"Grootte {i} NV") for i in range(19)]
    sizes = {}
    monkeypatch.setattr(selectors, "size_classes", lambda ids, year: {i: sizes[i] for i in ids})

    def cells(counts):
        sizes.clear()
        Membership.objects.filter(cluster=cluster_a).delete()
        it = iter(orgs)
        for size, n in counts.items():
            for org in [next(it) for _ in range(n)]:
                membership(org, cluster_a, start=datetime.date(2018, 1, 1))
                sizes[org.pk] = size
        result = selectors.members_by_size(cluster_a, day)
        return {row["size"]: row["value"] for row in result["rows"]}, result["total"]

    # Two cells under five, one of them empty: both "< 5"; with the total, 7 and 5 would
    # say that the two hold one member together, so the next smallest goes too
    # (analysis/disclosure.py, as the survey).
    assert cells({"micro": 7, "small": 5, "large": 1}) == (
        {"micro": 7, "small": selectors.HIDDEN, "medium": "< 5", "large": "< 5"},
        13,
    )
    # Two small cells with members hide each other.
    assert cells({"micro": 7, "small": 5, "medium": 2, "large": 1}) == (
        {"micro": 7, "small": 5, "medium": "< 5", "large": "< 5"},
        15,
    )
    # One cell under five alone would follow from the total: the smallest other is
    # hidden too (micro, the first of the two sixes).
    assert cells({"micro": 6, "small": 6, "medium": 1, "large": 6}) == (
        {"micro": selectors.HIDDEN, "small": 6, "medium": "< 5", "large": 6},
        19,
    )
    # Under five in all: the total too.
    assert cells({"small": 3}) == (
        {"micro": "< 5", "small": "< 5", "medium": "< 5", "large": "< 5"},
        "< 5",
    )


# -- The demo: every public page, anonymously ---------------------------------------------


def _fingerprint() -> list:
    return sorted(
        (p.cluster.code, p.state, sorted(p.public_data().items()), p.contact_email, p.contact_phone)
        for p in ClusterProfile.objects.select_related("cluster")
    )


def test_no_public_page_of_the_demo_shows_a_member_or_an_unpublished_contact(
    calibrated_demo, client_for, settings
):
    from clustermonitor.demodata import profiles
    from clustermonitor.reports import render
    from clustermonitor.reports.build import build_document

    assert profiles.load()["profiles"] == Cluster.objects.count()
    # Deterministic: the same seed writes the same profiles.
    first = _fingerprint()
    ClusterProfile.objects.all().delete()
    ProfilePublication.objects.all().delete()
    profiles.load()
    assert _fingerprint() == first
    assert profiles.load()["profiles"] == 0  # a second run writes nothing
    # No figure reads the profiles: building the 2020 report reads no table of theirs, so
    # its bytes cannot depend on them (one build, its every query looked at, instead of
    # two builds compared).
    profile_tables = {ClusterProfile._meta.db_table, ProfilePublication._meta.db_table}
    with CaptureQueriesContext(connection) as queries:
        render.render_html(build_document(as_of=datetime.date(2020, 1, 31)))
    assert len(queries) > 50
    read = {t for q in queries for t in profile_tables if re.search(rf'\b"?{t}"?\b', q["sql"])}
    assert read == set()
    # The pages' figures kept by what they are computed from, as in production: the
    # question is what the pages show, which the same figures in two languages, the API
    # and the downloads would otherwise compute again each time.
    settings.CLUSTERMONITOR_MEMO = True
    anonymous = client_for("anonymous")
    urls = ["/", reverse("portal:front"), reverse("portal:directory"),
            reverse("portal:directory") + "?past=on"]  # fmt: skip
    published = ClusterProfile.objects.select_related("cluster")
    urls += [reverse("portal:cluster-detail", args=[p.cluster.code]) for p in published]
    urls.append(reverse("portal:figures"))  # the open figures: every table, both languages
    # The calendar, to come and past (the participants are members).
    urls += [reverse("portal:events"), reverse("portal:events") + "?when=past"]
    pages = {}
    for url in urls:
        for language in ("nl", "en"):
            response = anonymous.get(url + ("&" if "?" in url else "?") + f"lang={language}")
            assert response.status_code == 200, url
            pages[url, language] = response.content.decode()
    # Every answer of the open figures' API and every figure's CSV (the JSON download is
    # the API's answer, tests/test_open_figures.py), in one language: the rows are the
    # same in both.
    urls = [reverse("api:public_figures")]
    urls += [reverse("api:public_figure", args=[name]) for name in figures.NAMES]
    urls += [reverse("portal:figure-csv", args=[name]) for name in figures.NAMES]
    # The calendar feeds, of all and of each cluster; what crawlers read.
    urls += [reverse("portal:events-feed"), reverse("portal:sitemap")]
    urls += [reverse("portal:cluster-events-feed", args=[p.cluster.code]) for p in published]
    for url in urls:
        response = anonymous.get(url, {"lang": "en"})
        assert response.status_code == 200, url
        if url.startswith("/api/"):  # names as written, not \u-escaped
            pages[url, "en"] = json.dumps(response.json(), ensure_ascii=False)
        else:
            pages[url, "en"] = response.content.decode("utf-8-sig")
    text = "\n".join(pages.values())
    cluster_names = {c.name for c in Cluster.objects.all()} | {
        c.executing_organisation for c in Cluster.objects.all()
    }
    members = (
        set(Membership.objects.values_list("organisation__name", flat=True).distinct())
        - cluster_names
    )
    assert len(members) > 100
    shown = sorted(name for name in members if name in text)
    assert shown == []
    contacts = Contact.objects.exclude(email="").values_list("email", flat=True)
    assert not [e for e in contacts if e in text]
    hidden = [p.contact_email for p in published if not p.contact_email_public]
    hidden += [p.contact_phone for p in published if not p.contact_phone_public]
    assert hidden and not [h for h in hidden if h in text]
    shown_contacts = [p.contact_email for p in published if p.contact_email_public]
    assert shown_contacts and all(e in text for e in shown_contacts)
    # The directory lists every cluster with a profile, the past ones marked.
    today = datetime.date.today()
    directory = pages[reverse("portal:directory"), "nl"]
    assert all(
        reverse("portal:cluster-detail", args=[p.cluster.code]) in directory for p in published
    )
    past = [p for p in published if p.cluster.end_date < today]
    assert past and directory.count('<span class="badge">afgelopen</span>') == len(past)
    assert len(past) < len(published)  # some run today (the spearheads, the present's)


def test_the_same_logo_uploaded_again_is_kept_once(web):
    """Logos are named by their content: a second upload of the same picture (by another
    edit, or after a publication) points at the stored file, never at a renamed copy."""
    picture = png(9, 9)
    _published(web, logo=SimpleUploadedFile("one.png", picture))
    first = ClusterProfile.objects.get(cluster__code=CLUSTER_A).logo.name
    edited = _edit(
        web("cluster_manager_a"),
        description="Een nieuwe beschrijving.",
        logo=SimpleUploadedFile("two.png", picture),
    )
    assert edited.status_code == 302
    profile = ClusterProfile.objects.get(cluster__code=CLUSTER_A)
    assert profile.state == ClusterProfile.State.DRAFT  # the edit was saved
    again = profile.logo.name
    assert again == first
    assert re.fullmatch(r"portal/logos/EUKA/[0-9a-f]{24}\.png", again)


def test_search_engines_may_read_the_public_pages_and_find_the_published_profiles(web, db):
    anonymous = web("anonymous")
    robots = anonymous.get(reverse("portal:robots"))
    assert robots["Content-Type"].startswith("text/plain")
    lines = robots.content.decode().splitlines()
    assert "Allow: /portal/" in lines and "Allow: /finder/" in lines
    assert "Disallow: /" in lines and lines[-1].endswith("/sitemap.xml")

    profile = reverse("portal:cluster-detail", args=[CLUSTER_A])
    assert profile not in anonymous.get(reverse("portal:sitemap")).content.decode()
    _edit(web("cluster_manager_a"))  # a draft is not listed
    assert profile not in anonymous.get(reverse("portal:sitemap")).content.decode()
    _step(web("cluster_manager_a"), "submit")
    _step(web("programme_manager"), "publish")
    sitemap = anonymous.get(reverse("portal:sitemap"))
    assert sitemap["Content-Type"].startswith("application/xml")
    text = sitemap.content.decode()
    for language in ("nl", "en"):
        assert f"<loc>http://testserver{profile}?lang={language}</loc>" in text
        assert f'hreflang="{language}" href="http://testserver{profile}?lang={language}"' in text
    import xml.dom.minidom

    xml.dom.minidom.parseString(sitemap.content)  # well-formed


def test_a_profile_carries_open_graph_and_schema_org_with_published_fields_only(web, db):
    _published(
        web,
        description="Drones </script><script>alert(1)</script> & meer.",
        description_en="Drones </script><script>alert(1)</script> & more.",
        eccp_url="https://clustercollaboration.eu/cluster-organisations/euka",
    )
    html = web("anonymous").get(reverse("portal:cluster-detail", args=[CLUSTER_A])).content
    html = html.decode()
    assert '<meta property="og:title" content="' in html
    assert '<meta property="og:description" content="Drones &lt;/script&gt;' in html
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found and "</script><script>" not in found.group(1)
    data = json.loads(found.group(1))
    assert data["@type"] == "Organization" and data["name"] == "EUKA (drones)"
    assert data["description"] == "Drones </script><script>alert(1)</script> & more."
    assert data["sameAs"] == ["https://clustercollaboration.eu/cluster-organisations/euka"]
    # The e-mail and phone were not published: neither is in the page.
    assert "email" not in data and "telephone" not in data
    assert "verborgen.adres" not in html and "999 88 77" not in html
