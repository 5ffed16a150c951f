"""Member self-service and offers and requests (issue 18): the invitation, a member
contact's pages narrowed to its own company (ids of other companies in URLs and form
bodies), the competence profile's visibility, offers → interest → accepted match → a
collaboration at stage "idea", the data download and the erasure request, hostile
values, and the board's query count."""

import datetime
import json
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clustermonitor.accounts.models import Role, User
from clustermonitor.activities.models import Activity, Participation
from clustermonitor.collaborations.models import Collaboration, Stage
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.members.models import Contact, Contribution
from clustermonitor.programmes.models import Cluster
from clustermonitor.selfservice.models import (
    ClusterMatching,
    CompetenceProfile,
    ErasureRequest,
    Interest,
    MemberAccount,
    Posting,
)
from tests.factories import membership, organisation

pytestmark = pytest.mark.django_db

EMAIL_1 = "an.peeters@bedrijf-een.example"
EMAIL_3 = "bert.bosmans@bedrijf-drie.example"


@pytest.fixture
def world(cluster_a, cluster_b):
    """Two members of cluster A (1, 2), one of B (3); a contact person each."""
    org1, org2, org3 = organisation(801), organisation(802), organisation(803)
    m1, m2, m3 = (
        membership(org1, cluster_a),
        membership(org2, cluster_a),
        membership(org3, cluster_b),
    )
    c1 = Contact.objects.create(membership=m1, name="An Peeters", email=EMAIL_1, phone="0470")
    c2 = Contact.objects.create(membership=m2, name="Chris Claes", email="chris@twee.example")
    c3 = Contact.objects.create(membership=m3, name="Bert Bosmans", email=EMAIL_3)
    return {"orgs": (org1, org2, org3), "memberships": (m1, m2, m3), "contacts": (c1, c2, c3)}


def member_client(org, name: str) -> tuple[Client, User]:
    user = User.objects.create_user(username=name, password="x", email=f"{name}@x.example")
    user.role_assignments.create(role=Role.MEMBER_CONTACT)
    MemberAccount.objects.create(user=user, organisation=org)
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client, User.objects.get(pk=user.pk)


def _audit_text() -> str:
    return " ".join(
        f"{e.object_repr} {e.note} {json.dumps(e.before)} {json.dumps(e.after)}"
        for e in AuditEntry.objects.all()
    )


# -- The invitation --------------------------------------------------------------------


def test_the_cluster_manager_invites_a_contact_who_sets_a_password_and_signs_in(web, world):
    c1 = world["contacts"][0]
    response = web("cluster_manager_a").post(reverse("selfservice:invite", args=[c1.pk]))
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [EMAIL_1]
    link = re.search(r"https?://\S+", message.body).group(0)
    account = MemberAccount.objects.get(organisation=world["orgs"][0])
    assert account.user.email == EMAIL_1 and account.user.role_set == {Role.MEMBER_CONTACT}
    assert account.user.username in message.body and "an" not in account.user.username.split("-")
    # The invitee opens the signed link and chooses a password.
    client = Client()
    path = link.split("testserver", 1)[-1]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0] if form.redirect_chain else path
    done = client.post(
        set_url, {"new_password1": "Zeer-geheim-42!", "new_password2": "Zeer-geheim-42!"}
    )
    assert done.status_code == 302
    signed_in = client.post(
        reverse("accounts:login"),
        {"username": account.user.username, "password": "Zeer-geheim-42!"},
    )
    assert signed_in.status_code == 302
    home = client.get(reverse("selfservice:home"))
    assert home.status_code == 200 and world["orgs"][0].name in home.content.decode()
    # The link works once.
    assert "new_password1" not in Client().get(path, follow=True).content.decode()
    # Audited, without the address or the person's name in clear.
    text = _audit_text()
    assert "invitation sent" in text and "member contact invited" in text
    assert EMAIL_1 not in text and "Peeters" not in text
    assert audit.pseudonym(EMAIL_1) in text


def test_only_the_clusters_manager_invites_and_one_account_acts_for_one_company(web, world):
    c1, _c2, c3 = world["contacts"]
    assert (
        web("cluster_manager_b").post(reverse("selfservice:invite", args=[c1.pk])).status_code
        == 404
    )
    assert (
        web("member_contact").post(reverse("selfservice:invite", args=[c1.pk])).status_code == 404
    )
    assert (
        web("account_manager").post(reverse("selfservice:invite", args=[c1.pk])).status_code == 403
    )
    assert not MemberAccount.objects.exists() and not mail.outbox
    # The same address at another company: refused, no second account.
    web("cluster_manager_b").post(reverse("selfservice:invite", args=[c3.pk]))
    Contact.objects.filter(pk=c1.pk).update(email=EMAIL_3)
    response = web("cluster_manager_a").post(
        reverse("selfservice:invite", args=[c1.pk]), follow=True
    )
    assert "does not act for this company" in response.content.decode()
    assert MemberAccount.objects.count() == 1


# -- Own company only ----------------------------------------------------------------------


def test_a_member_contact_sees_and_changes_only_its_own_company(world, cluster_b):
    org1, _org2, _org3 = world["orgs"]
    m1, m2, m3 = world["memberships"]
    c1, c2, c3 = world["contacts"]
    client, _user = member_client(org1, "m1")
    home = client.get(reverse("selfservice:home")).content.decode()
    assert "An Peeters" in home and "Chris Claes" not in home and "Bert Bosmans" not in home
    # Another company's contact by URL: 404, GET and POST.
    for other in (c2, c3):
        assert client.get(reverse("selfservice:contact-edit", args=[other.pk])).status_code == 404
        assert (
            client.post(
                reverse("selfservice:contact-delete", args=[other.pk]), {"confirmed": "yes"}
            ).status_code
            == 404
        )
    # Another company's membership in the form body: a form error, nothing saved.
    for junk in (m2.pk, m3.pk, "x", "-1", "99999999999999999999999"):
        response = client.post(
            reverse("selfservice:contact-create"),
            {"membership": junk, "name": "Indringer", "email": "i@x.example"},
        )
        assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    # Moving its own contact to another company's membership: refused too.
    response = client.post(
        reverse("selfservice:contact-edit", args=[c1.pk]),
        {"membership": m3.pk, "name": "An Peeters", "email": EMAIL_1},
    )
    assert response.status_code == 200
    assert not Contact.objects.filter(name="Indringer").exists()
    assert Contact.objects.get(pk=c1.pk).membership == m1
    # Its own: added, edited, removed.
    client.post(
        reverse("selfservice:contact-create"),
        {"membership": m1.pk, "name": "Dirk Dewulf", "role": "CTO", "email": "d@een.example"},
    )
    dirk = Contact.objects.get(name="Dirk Dewulf", membership=m1)
    client.post(
        reverse("selfservice:contact-edit", args=[dirk.pk]),
        {"membership": m1.pk, "name": "Dirk Dewulf", "role": "CEO", "email": "d@een.example"},
    )
    assert Contact.objects.get(pk=dirk.pk).role == "CEO"
    client.post(reverse("selfservice:contact-delete", args=[dirk.pk]), {"confirmed": "yes"})
    assert not Contact.objects.filter(pk=dirk.pk).exists()
    assert "d@een.example" not in _audit_text() and "Dewulf" not in _audit_text()
    # Posting in a cluster it is not a member of: refused.
    response = client.post(
        reverse("selfservice:posting-create"),
        {
            "kind": "offer",
            "cluster": cluster_b.pk,
            "title": "T",
            "description": "D",
            "reach": "cluster",
        },
    )
    assert response.status_code == 200 and not Posting.objects.exists()


@pytest.mark.parametrize(
    "persona", ["anonymous", "programme_manager", "cluster_manager_a", "member_contact"]
)
def test_without_a_member_account_the_pages_are_not_there(client_for, persona, world):
    response = client_for(persona).get(reverse("selfservice:home"))
    assert response.status_code == (302 if persona == "anonymous" else 404)


# -- The competence profile ------------------------------------------------------------------


def test_the_competence_profile_is_shown_to_fellow_members_only_when_it_says_so(world):
    org1, org2, org3 = world["orgs"]
    client1, _ = member_client(org1, "m1")
    client2, _ = member_client(org2, "m2")
    client3, _ = member_client(org3, "m3")
    data = {
        "technologies": "Drones, computer vision,  drones , <b>LiDAR</b>",
        "offers": "Inspectie met drones",
        "seeks": "Een partner in AI",
        "visibility": "private",
    }
    assert client1.post(reverse("selfservice:profile-edit"), data).status_code == 302
    profile = CompetenceProfile.objects.get(organisation=org1)
    assert sorted(t.name for t in profile.technologies.all()) == [
        "<b>LiDAR</b>",
        "Drones",
        "computer vision",
    ]
    assert (
        "Inspectie met drones" not in client2.get(reverse("selfservice:directory")).content.decode()
    )
    client1.post(reverse("selfservice:profile-edit"), {**data, "visibility": "members"})
    page2 = client2.get(reverse("selfservice:directory")).content.decode()
    assert "Inspectie met drones" in page2 and "&lt;b&gt;LiDAR&lt;/b&gt;" in page2
    assert "<b>LiDAR</b>" not in page2
    # A member of another cluster never sees it.
    assert (
        "Inspectie met drones" not in client3.get(reverse("selfservice:directory")).content.decode()
    )
    # Too many or too long technologies: refused with the reason.
    response = client1.post(reverse("selfservice:profile-edit"), {**data, "technologies": "x" * 61})
    assert "longer than 60" in response.content.decode()
    many = ", ".join(f"t{i}" for i in range(21))
    response = client1.post(reverse("selfservice:profile-edit"), {**data, "technologies": many})
    assert "At most 20" in response.content.decode()


# -- Offers and requests ----------------------------------------------------------------------


def _post(client, cluster, **values):
    data = {
        "kind": "request",
        "cluster": cluster.pk,
        "title": "Zoekt partner voor dronetests",
        "description": "Wie heeft een testterrein?",
        "technologies": "drones",
        "reach": "cluster",
        **values,
    }
    response = client.post(reverse("selfservice:posting-create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Posting.objects.latest("pk")


def test_a_request_answered_and_accepted_proposes_a_collaboration_idea(world, cluster_a, web):
    org1, org2, org3 = world["orgs"]
    client1, _ = member_client(org1, "m1")
    client2, _ = member_client(org2, "m2")
    client3, _ = member_client(org3, "m3")
    posting = _post(client1, cluster_a)
    # Members of A see it; B's member does not (not even by its id).
    assert posting.title in client2.get(reverse("selfservice:board")).content.decode()
    assert posting.title not in client3.get(reverse("selfservice:board")).content.decode()
    detail = reverse("selfservice:posting-detail", args=[posting.pk])
    assert client3.get(detail).status_code == 404
    assert client3.post(detail, {"cluster": cluster_a.pk, "message": "Ik!"}).status_code == 404
    # Org 2 answers; a second answer is refused; the poster cannot answer its own.
    client2.post(detail, {"cluster": cluster_a.pk, "message": "Wij hebben een terrein."})
    client2.post(detail, {"cluster": cluster_a.pk, "message": "Nog eens"})
    client1.post(detail, {"cluster": cluster_a.pk, "message": "Zelf"})
    interest = Interest.objects.get()
    assert interest.organisation == org2 and interest.message == "Wij hebben een terrein."
    # Only the poster accepts: org 2 and org 3 get 404 for the same id.
    accept = reverse("selfservice:interest-accept", args=[interest.pk])
    assert client2.post(accept).status_code == 404
    assert client3.post(accept).status_code == 404
    assert web("cluster_manager_a").post(accept).status_code == 404
    client1.post(accept)
    interest.refresh_from_db()
    posting.refresh_from_db()
    collaboration = interest.collaboration
    assert interest.status == Interest.Status.ACCEPTED and posting.status == Posting.Status.MATCHED
    assert collaboration.stage == Stage.IDEA
    assert list(collaboration.clusters.all()) == [cluster_a]
    assert collaboration.stage_changes.get().stage == Stage.IDEA
    parties = {p.organisation: p.role for p in collaboration.parties.all()}
    assert parties == {org1: "lead", org2: "partner"}
    # Accepting twice changes nothing.
    client1.post(accept)
    assert Collaboration.objects.filter(title=posting.title).count() == 1
    # The cluster's manager sees the proposal, on the self-service page and in the
    # cluster's collaborations; B's manager sees neither.
    page = web("cluster_manager_a").get(reverse("selfservice:cluster", args=["EUKA"]))
    assert posting.title in page.content.decode()
    assert (
        web("cluster_manager_a")
        .get(reverse("collaborations:collaboration-detail", args=[collaboration.pk]))
        .status_code
        == 200
    )
    assert (
        web("cluster_manager_b").get(reverse("selfservice:cluster", args=["EUKA"])).status_code
        == 404
    )
    # The member's home page lists the collaboration.
    assert posting.title in client2.get(reverse("selfservice:home")).content.decode()


def test_across_clusters_only_when_both_allow(world, cluster_a, cluster_b, web):
    org1, _org2, org3 = world["orgs"]
    client1, _ = member_client(org1, "m1")
    client3, _ = member_client(org3, "m3")
    posting = _post(client1, cluster_a, reach="all", kind="offer", title="Testterrein te huur")
    board3 = reverse("selfservice:board")
    assert posting.title not in client3.get(board3).content.decode()
    # A allows it, B not yet: still hidden.
    web("cluster_manager_a").post(
        reverse("selfservice:matching", args=["EUKA"]), {"allow_cross_cluster": "on"}
    )
    assert posting.title not in client3.get(board3).content.decode()
    # B's manager cannot change A's setting; a member contact neither.
    assert (
        web("cluster_manager_b")
        .post(reverse("selfservice:matching", args=["EUKA"]), {})
        .status_code
        == 404
    )
    web("cluster_manager_b").post(
        reverse("selfservice:matching", args=["BIM"]), {"allow_cross_cluster": "on"}
    )
    assert ClusterMatching.objects.filter(allow_cross_cluster=True).count() == 2
    assert posting.title in client3.get(board3).content.decode()
    # Answered through B (A is not the member's to name): an intercluster idea.
    detail = reverse("selfservice:posting-detail", args=[posting.pk])
    response = client3.post(detail, {"cluster": cluster_a.pk, "message": "Via A?"})
    assert not Interest.objects.exists()
    client3.post(detail, {"cluster": cluster_b.pk, "message": "Interesse"})
    interest = Interest.objects.get()
    client1.post(reverse("selfservice:interest-accept", args=[interest.pk]))
    collaboration = Interest.objects.get().collaboration
    assert sorted(c.code for c in collaboration.clusters.all()) == ["BIM", "EUKA"]
    # A posting for its own cluster only stays there.
    local = _post(client1, cluster_a, title="Alleen voor EUKA")
    assert local.title not in client3.get(board3).content.decode()
    assert response.status_code == 200


def test_hostile_values_are_shown_as_text(world, cluster_a):
    org1, org2, _ = world["orgs"]
    client1, _ = member_client(org1, "m1")
    client2, _ = member_client(org2, "m2")
    hostile = '<script>alert("x")</script>'
    _post(client1, cluster_a, title=hostile, description=hostile, technologies=hostile)
    for page in (
        client2.get(reverse("selfservice:board")),
        client2.get(reverse("selfservice:posting-detail", args=[Posting.objects.get().pk])),
    ):
        assert hostile not in page.content.decode()
        assert "&lt;script&gt;" in page.content.decode()
    # The technology filter takes anything and finds nothing.
    response = client2.get(reverse("selfservice:board"), {"technology": hostile * 10, "kind": "x"})
    assert response.status_code == 200
    # Too long a title: refused.
    response = client1.post(
        reverse("selfservice:posting-create"),
        {
            "kind": "offer",
            "cluster": cluster_a.pk,
            "title": "x" * 201,
            "description": "d",
            "reach": "cluster",
        },
    )
    assert response.status_code == 200 and Posting.objects.count() == 1


def test_the_board_reads_a_fixed_number_of_queries(world, cluster_a):
    org1, org2, _ = world["orgs"]
    client1, _ = member_client(org1, "m1")
    client2, _ = member_client(org2, "m2")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client2.get(reverse("selfservice:board")).status_code == 200
        return len(queries)

    _post(client1, cluster_a, technologies="a, b")
    count()  # warm: the session's and the site's first reads
    first = count()
    for i in range(6):
        _post(client1, cluster_a, title=f"T{i}", technologies=f"c{i}, d{i}, e")
    assert count() == first


# -- Personal data ---------------------------------------------------------------------------


@pytest.fixture
def invited(world, web):
    """Contact 1 invited by A's manager, signed in; it took part in an activity."""
    c1 = world["contacts"][0]
    web("cluster_manager_a").post(reverse("selfservice:invite", args=[c1.pk]))
    user = MemberAccount.objects.get().user
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    activity = Activity.objects.create(title="Dronedag", kind="workshop", date="2024-05-01")
    activity.clusters.add(c1.membership.cluster)
    Participation.objects.create(
        activity=activity, organisation=c1.membership.organisation, contact=c1, name="An Peeters"
    )
    Contribution.objects.create(membership=c1.membership, year=2024, amount=500)
    return client, user


def test_download_my_data_holds_what_is_kept_about_the_person(invited, world):
    client, _user = invited
    c1 = world["contacts"][0]
    # An edit of its contact record is in the log, by pseudonym.
    client.post(
        reverse("selfservice:contact-edit", args=[c1.pk]),
        {"membership": c1.membership.pk, "name": "An Peeters", "email": EMAIL_1, "phone": "0480"},
    )
    response = client.get(reverse("selfservice:personal-data-download"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["account"]["email"] == EMAIL_1 and data["account"]["roles"] == ["member_contact"]
    assert data["organisation"]["name"] == world["orgs"][0].name
    (record,) = data["contact_records"]
    assert record["name"] == "An Peeters" and record["phone"] == "0480"
    assert record["attended"] == [{"activity": "Dronedag", "date": "2024-05-01"}]
    log = data["audit_log"]
    assert any(e["record"] == "contact" and e["by_you"] for e in log)
    assert any(e["record"] == "user" and not e["by_you"] for e in log)
    assert EMAIL_1 not in json.dumps(log) and audit.pseudonym(EMAIL_1) in json.dumps(log)
    # A join request asked with the same address (the portal registered it).
    from clustermonitor.portal.models import JoinRequest

    JoinRequest.objects.create(
        cluster=c1.membership.cluster,
        enterprise_number="0200065765",
        company_name="Bedrijf een",
        contact_name="An Peeters",
        email=EMAIL_1.upper(),
        consent_text="ja",
    )
    data = json.loads(client.get(reverse("selfservice:personal-data-download")).content)
    assert [j["company_name"] for j in data["join_requests"]] == ["Bedrijf een"]
    JoinRequest.objects.all().delete()
    # Nothing of the other companies' people.
    text = response.content.decode()
    assert "Chris Claes" not in text and "Bert Bosmans" not in text and EMAIL_3 not in text
    # Same bytes twice.
    assert client.get(reverse("selfservice:personal-data-download")).content == response.content


def test_erasure_removes_the_person_and_keeps_what_the_law_requires(invited, world, web):
    client, user = invited
    c1 = world["contacts"][0]
    page = client.get(reverse("selfservice:personal-data")).content.decode()
    assert "III.88" in page and "kept, because the law requires it" in page
    client.cookies["django_language"] = "nl"
    page = client.get(reverse("selfservice:personal-data")).content.decode()
    assert "III.88" in page and "bewaard, omdat de wet het vraagt" in page
    client.cookies["django_language"] = "en"
    from clustermonitor.portal.models import JoinRequest

    join = JoinRequest.objects.create(
        cluster=c1.membership.cluster,
        enterprise_number="0200065765",
        company_name="Bedrijf een",
        contact_name="An Peeters",
        email=EMAIL_1,
        message="Bel An op 0470",
        consent_text="ja",
    )
    client.post(reverse("selfservice:personal-data"), {"confirmed": "yes"})
    client.post(reverse("selfservice:personal-data"), {"confirmed": "yes"})
    erasure = ErasureRequest.objects.get()
    assert erasure.subject == audit.pseudonym(EMAIL_1)
    # It waits in A's inbox and on A's self-service page; B's manager cannot carry it out.
    assert (
        "Erasure requests"
        in web("cluster_manager_a").get(reverse("programmes:home")).content.decode()
    )
    carry = reverse("selfservice:erasure-carry-out", args=[erasure.pk])
    assert web("cluster_manager_b").post(carry, {"confirmed": "yes"}).status_code == 404
    assert client.post(carry, {"confirmed": "yes"}).status_code == 404
    web("cluster_manager_a").post(carry, {"confirmed": "yes"})
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.DONE
    assert erasure.outcome == {
        "contacts": 1,
        "attendance_names": 1,
        "account": True,
        "join_requests": 1,  # the portal's eraser (core.panels.register_eraser)
        "registrations": 0,  # event registration's eraser (tests/test_registrations.py)
        "mailings": 0,  # the mailings' eraser (tests/test_wiring_selfservice.py)
    }
    join.refresh_from_db()
    assert join.company_name == "Bedrijf een" and join.contact_name == join.message == ""
    assert EMAIL_1 not in join.email
    # Removed: the contact record, the name on the attendance, the account's details.
    assert not Contact.objects.filter(pk=c1.pk).exists()
    participation = Participation.objects.get(activity__title="Dronedag")
    assert "Peeters" not in participation.name and participation.organisation == world["orgs"][0]
    user.refresh_from_db()
    assert not user.is_active and user.email == "" and user.first_name == ""
    assert not user.has_usable_password() and not MemberAccount.objects.exists()
    assert client.get(reverse("selfservice:home")).status_code in (302, 404)
    # Kept: the fee, the other companies' contacts, the audit log (by pseudonym only).
    assert Contribution.objects.filter(membership=c1.membership, year=2024).exists()
    assert Contact.objects.filter(name="Chris Claes").exists()
    text = _audit_text()
    assert EMAIL_1 not in text and "An Peeters" not in text
    assert "erasure carried out" in text
    # Carried out once.
    web("cluster_manager_a").post(carry, {"confirmed": "yes"})
    assert AuditEntry.objects.filter(note="erasure carried out").count() == 1


def test_the_demo_links_member_euka_to_a_member_of_euka2_once(cluster_a):
    from clustermonitor.demodata import selfservice as demo

    euka2 = Cluster.objects.create(
        programme=cluster_a.programme,
        code="EUKA2",
        name="EUKA 2",
        cluster_type=cluster_a.cluster_type,
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    first, second = organisation(901, name="Aa Drones NV"), organisation(902, name="Bb Beeld NV")
    membership(first, euka2), membership(second, euka2)
    user = User.objects.create_user(username=demo.USERNAME, password="x")
    user.role_assignments.create(role=Role.MEMBER_CONTACT)
    assert demo.load()["written"] == 4
    account = MemberAccount.objects.get(user=user)
    assert account.organisation == first
    assert CompetenceProfile.objects.get(organisation=first).visibility == "members"
    assert Posting.objects.filter(organisation=first, kind="offer", status="open").exists()
    assert Posting.objects.filter(organisation=second, kind="request").exists()
    entries = AuditEntry.objects.count()
    assert demo.load() == {"written": 0}
    assert AuditEntry.objects.count() == entries
    # No contact person, activity or collaboration: no figure reads it.
    assert not Contact.objects.filter(membership__cluster=euka2).exists()
    assert not Collaboration.objects.filter(clusters=euka2).exists()


def test_the_menu_offers_my_organisation_only_to_a_contact_with_a_company(world, web):
    client, _user = member_client(world["orgs"][0], "m1")
    menu = client.get(reverse("selfservice:board")).context["nav"]["menu"]
    items = [item["name"] for group in menu for item in group["items"]]
    assert items[:3] == ["selfservice:home", "selfservice:board", "selfservice:personal-data"]
    for persona in ("member_contact", "cluster_manager_a"):
        menu = web(persona).get(reverse("programmes:portfolio")).context["nav"]["menu"]
        assert not any(item["name"].startswith("selfservice:") for g in menu for item in g["items"])
