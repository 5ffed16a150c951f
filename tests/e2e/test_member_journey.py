"""Member self-service, end to end (issue 18): the cluster's manager invites a member's
contact person; the invitee chooses a password from the e-mail's link, signs in, keeps
the company's contact persons and competence profile and posts a request; another member
shows interest; the poster accepts it, and the cluster has a collaboration at stage
"idea" between the two companies."""

import re

import pytest
from playwright.sync_api import expect

from clustermonitor.accounts.models import Role, User
from clustermonitor.collaborations.models import Collaboration, Stage
from clustermonitor.members.models import Contact
from clustermonitor.programmes.models import Cluster
from clustermonitor.selfservice.models import CompetenceProfile, MemberAccount
from tests.conftest import CLUSTER_A, PASSWORD
from tests.factories import membership, organisation

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Blauwe-vogel-zwemt-77!"


def test_an_invited_contact_posts_a_request_and_a_match_proposes_a_collaboration(
    page, login, mailoutbox
):
    euka = Cluster.objects.get(code=CLUSTER_A)
    own = organisation(4501, name="Inspectiedrones NV")
    own_membership = membership(own, euka)
    Contact.objects.create(
        membership=own_membership, name="Ilse Inspecteur", email="ilse@inspectiedrones.example"
    )
    fellow = organisation(4502, name="Testterreinen BV")
    membership(fellow, euka)
    other = User.objects.create_user(username="testterreinen", password=PASSWORD)
    other.role_assignments.create(role=Role.MEMBER_CONTACT)
    MemberAccount.objects.create(user=other, organisation=fellow)

    # The cluster's manager invites the contact person from the cluster's tab.
    login("cluster_manager_a")
    page.goto(f"/clusters/{CLUSTER_A}/self-service/")
    page.locator("#invitable tr", has_text="Ilse Inspecteur").get_by_role("button").click()
    expect(page.locator(".messages")).to_contain_text("Inspectiedrones NV")
    (message,) = mailoutbox
    assert message.to == ["ilse@inspectiedrones.example"]
    username = MemberAccount.objects.get(organisation=own).user.username
    assert username in message.body

    # The invitee opens the link and chooses a password, then signs in.
    page.context.clear_cookies()
    link = re.search(r"https?://\S+", message.body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    page.locator("#main form").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    login(username, NEW_PASSWORD)
    page.locator("nav.menu summary", has_text="Mijn organisatie").click()
    page.locator("nav.menu a", has_text="Mijn organisatie").click()
    expect(page.locator("h1")).to_contain_text("Inspectiedrones NV")
    expect(page.locator("#contacts")).to_contain_text("Ilse Inspecteur")

    # A second contact person.
    page.get_by_role("link", name="Een contactpersoon toevoegen").click()
    page.fill("input[name=name]", "Jan Janssens")
    page.fill("input[name=role]", "CTO")
    page.fill("input[name=email]", "jan@inspectiedrones.example")
    page.locator("#main form button[type=submit]").click()
    expect(page.locator("#contacts")).to_contain_text("Jan Janssens")

    # The competence profile, shown to fellow members.
    page.get_by_role("link", name="Het competentieprofiel bewerken").click()
    page.fill("input[name=technologies]", "drones, LiDAR")
    page.fill("textarea[name=offers]", "Inspectie van daken met drones")
    page.fill("textarea[name=seeks]", "Een testterrein")
    page.check("input[name=visibility][value=members]")
    page.locator("#main form button[type=submit]").click()
    expect(page.locator("#competence-profile")).to_contain_text("LiDAR")
    profile = CompetenceProfile.objects.get(organisation=own)
    assert profile.visibility == "members"

    # A request on the board.
    page.goto("/offers/new/")
    page.check("input[name=kind][value=request]")
    page.select_option("select[name=cluster]", str(euka.pk))
    page.fill("input[name=title]", "Gezocht: testterrein voor BVLOS")
    page.fill("textarea[name=description]", "Wie laat ons vliegen buiten zicht?")
    page.fill("input[name=technologies]", "drones")
    page.locator("#main form button[type=submit]").click()
    expect(page.locator("#posting-status")).to_contain_text("open")

    # The other member sees it (and the profile), and shows interest.
    page.context.clear_cookies()
    login("testterreinen")
    page.goto("/my-organisation/fellow-members/")
    expect(page.locator("#main")).to_contain_text("Inspectie van daken met drones")
    page.goto("/offers/")
    page.locator("#board a", has_text="Gezocht: testterrein voor BVLOS").click()
    page.fill("textarea[name=message]", "Ons terrein in Kortrijk is vrij in juni.")
    page.locator("#interest button[type=submit]").click()
    expect(page.locator("#answered")).to_be_visible()

    # The poster accepts: the cluster has a proposed collaboration at stage "idea".
    page.context.clear_cookies()
    login(username, NEW_PASSWORD)
    page.goto("/offers/")
    page.locator("#board a", has_text="Gezocht: testterrein voor BVLOS").click()
    expect(page.locator("#interests")).to_contain_text("Testterreinen BV")
    page.locator("#interests button", has_text="aanvaarden").click()
    expect(page.locator(".messages")).to_contain_text("voorgesteld")
    collaboration = Collaboration.objects.get(title="Gezocht: testterrein voor BVLOS")
    assert collaboration.stage == Stage.IDEA
    assert {p.organisation for p in collaboration.parties.all()} == {own, fellow}
    assert list(collaboration.clusters.all()) == [euka]

    # The cluster's manager sees the proposal.
    page.context.clear_cookies()
    login("cluster_manager_a")
    page.goto(f"/clusters/{CLUSTER_A}/self-service/")
    expect(page.locator("#proposals")).to_contain_text("Gezocht: testterrein voor BVLOS")
