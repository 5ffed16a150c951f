"""The main menu in groups, a cluster's tabs and the breadcrumbs
(clustermonitor/context_processors.py, templates/base.html): who sees which group and
page, built from the same permissions the pages check."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from clustermonitor.accounts.models import User
from clustermonitor.programmes.models import Call
from tests.conftest import CLUSTER_A, CLUSTER_B, PERSONAS
from tests.matrix_routes import MATRIX

AGENCY_MEMBERS = ["organisation-list", "reach", "table8", "kpis", "programme"]
AGENCY_PROGRAMME = [
    "programme-list",
    "call-list",
    "list",  # agreements and payments (issue 19)
    "dashboard",
    "criteria-set-list",
    "ladder",
    "profiles",
]
EXPECTED_MENU = {
    "programme_manager": {
        "Programme": [*AGENCY_PROGRAMME, "programme-page-edit"],
        "Clusters": ["portfolio"],
        "Members & activities": AGENCY_MEMBERS,
        "Follow-up": ["warnings", "reports", "quality", "learning-session-list", "aftercare-list"],
        "Evaluation": ["wave-list", "effects", "benchmark", "runs"],
        "Administration": ["kbo-imports", "user-list", "audit-log"],
    },
    "account_manager": {
        "Programme": AGENCY_PROGRAMME,
        "Clusters": ["portfolio"],
        "Members & activities": AGENCY_MEMBERS,
        "Follow-up": ["warnings", "reports", "quality", "learning-session-list", "aftercare-list"],
        "Evaluation": ["effects", "benchmark", "runs"],
    },
    "evaluator": {
        "Programme": AGENCY_PROGRAMME,
        "Clusters": ["portfolio"],
        "Members & activities": AGENCY_MEMBERS,
        "Follow-up": ["reports", "quality", "aftercare-list"],
        "Evaluation": ["wave-list", "effects", "benchmark", "runs"],
    },
    # A cluster's manager: the calls, the criteria and their own cluster's page of today.
    "cluster_manager_a": {
        "Programme": ["call-list", "criteria-set-list"],
        "Clusters": ["portfolio", f"today {CLUSTER_A}"],
    },
    "cluster_manager_b": {
        "Programme": ["call-list", "criteria-set-list"],
        "Clusters": ["portfolio", f"today {CLUSTER_B}"],
    },
    "member_contact": {"Programme": ["call-list"], "Clusters": ["portfolio"]},
    "reviewer": {"Programme": ["call-list", "my-assignments"], "Clusters": ["portfolio"]},
    "applicant": {
        "Applications": ["mine"],
        "Programme": ["call-list"],
        "Clusters": ["portfolio"],
    },
}


def menu_of(response) -> dict[str, list[str]]:
    with translation.override("en"):
        return {
            str(group["label"]): [
                item["name"].split(":")[1]
                + (f" {item['label']}" if item["name"] == "monitoring:today" else "")
                for item in group["items"]
            ]
            for group in response.context["nav"]["menu"]
        }


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_each_persona_sees_the_groups_and_pages_its_role_opens(client_for, persona):
    response = client_for(persona).get(reverse("programmes:portfolio"))
    assert menu_of(response) == EXPECTED_MENU[persona]
    # Never a page the persona would be refused: every item opens (the permission matrix).
    for group in response.context["nav"]["menu"]:
        for item in group["items"]:
            if item["name"] != "monitoring:today":
                assert MATRIX[item["name"]][1][persona] == 200, (persona, item["name"])


def test_the_menu_is_a_few_groups_that_open_without_script(web):
    html = web("programme_manager").get(reverse("programmes:portfolio")).content.decode()
    menu = html[html.index('<nav class="menu"') : html.index("</nav>")]
    assert menu.count("<details") == 6 == menu.count("<summary")
    assert menu.count("<a ") == 26  # every page in a group, none loose
    # The page shown is marked, and so is its group.
    assert 'href="/portfolio/" aria-current="page"' in menu
    assert '<summary class="current">Clusters</summary>' in menu
    assert "Dashboard" in menu and "Audit log" in menu


def test_no_menu_before_the_second_step_or_without_an_account(client, db):
    assert 'class="menu"' not in client.get(reverse("accounts:login")).content.decode()
    signed_in = Client()  # password given, the authenticator's code not yet
    signed_in.force_login(User.objects.get(username="programme_manager"))
    html = signed_in.get(reverse("accounts:otp-verify")).content.decode()
    assert 'class="menu"' not in html and "Audit log" not in html


def tabs_of(response) -> list[str]:
    return [
        item["name"].split(":")[1]
        for group in response.context["nav"]["cluster_tabs"]
        for item in group["items"]
    ]


@pytest.mark.parametrize(
    "persona, account, warnings, bank",
    [
        ("programme_manager", True, True, True),
        ("account_manager", True, True, False),
        ("evaluator", False, False, False),
        ("cluster_manager_a", False, True, True),
    ],
)
def test_a_clusters_tabs_are_its_pages_in_groups(web, persona, account, warnings, bank):
    response = web(persona).get(reverse("programmes:cluster-detail", args=[CLUSTER_A]))
    with translation.override("en"):
        groups = [str(group["label"]) for group in response.context["nav"]["cluster_tabs"]]
    assert groups == ["Overview", "Members & activities", "Figures", "Future"]
    tabs = tabs_of(response)
    assert ("account" in tabs) is account and ("warnings-cluster" in tabs) is warnings
    assert ("join-requests" in tabs) is warnings  # the same people: agency, own managers
    assert ("cluster" in tabs) is warnings  # self-service (issue 18): the same people
    assert ("pipeline" in tabs) is warnings  # the prospects (issue 18): the same people
    assert ("mailing-list" in tabs) is warnings  # the same people again
    assert ("statements" in tabs) is bank  # the payers' names: the cluster's own and the PM
    assert "cluster-effects" in tabs  # the economic effects (issue 20): whoever reads records
    assert "team" in tabs and "aftercare" in tabs  # the team and aftercare (issue 21)
    assert "ladder-cluster" in tabs  # the ladder (issue 21)
    assert "cluster-benchmark" in tabs  # the benchmark (issue 21): whoever reads records
    assert len(tabs) == 25 + account + 5 * warnings + bank  # 25 with the ladder, benchmark
    for name in tabs:  # every tab opens for this persona (the permission matrix)
        route = next(key for key in MATRIX if key.endswith(f":{name}"))
        assert MATRIX[route][1][persona] == 200, (persona, name)
    html = response.content.decode()
    tabs_html = html[html.index('<nav class="tabs"') :]
    assert 'href="/clusters/EUKA/" aria-current="page">Profile</a>' in tabs_html
    assert f'href="/clusters/{CLUSTER_A}/kpis/">KPI 1 &amp; 2</a>' in tabs_html
    assert '<summary class="current">Clusters</summary>' in html  # a cluster's page


@pytest.mark.parametrize("persona", ["cluster_manager_b", "member_contact"])
def test_no_tabs_for_whom_the_clusters_records_are_closed(web, persona):
    response = web(persona).get(reverse("programmes:cluster-detail", args=[CLUSTER_A]))
    assert response.status_code == 200
    assert response.context["nav"]["cluster_tabs"] == []
    assert 'class="tabs"' not in response.content.decode()
    assert reverse("members:member-list", args=[CLUSTER_A]) not in response.content.decode()


def crumbs_of(response) -> list[tuple[str, str | None]]:
    with translation.override("en"):
        return [(str(c["label"]), c.get("url")) for c in response.context["nav"]["crumbs"]]


def test_breadcrumbs_lead_from_the_top_to_the_page(web):
    client = web("programme_manager")
    portfolio = ("Portfolio", "/portfolio/")
    cluster = (CLUSTER_A, f"/clusters/{CLUSTER_A}/")
    # The home page and a page of the menu are the top: no trail.
    assert crumbs_of(client.get(reverse("programmes:home"))) == []
    assert crumbs_of(client.get(reverse("programmes:portfolio"))) == []
    assert crumbs_of(client.get(reverse("programmes:call-list"))) == []
    # Below a page of the menu: its group and the page.
    call = Call.objects.get(number=1)
    response = client.get(reverse("programmes:call-detail", args=[call.pk]))
    assert crumbs_of(response) == [("Programme", None), ("Calls", "/calls/")]
    # A cluster's pages: the portfolio, the cluster, and the tab they lie below.
    detail = client.get(reverse("programmes:cluster-detail", args=[CLUSTER_A]))
    assert crumbs_of(detail) == [portfolio, (CLUSTER_A, None)]
    members = client.get(reverse("members:member-list", args=[CLUSTER_A]))
    assert crumbs_of(members) == [portfolio, cluster]
    adding = client.get(reverse("members:member-add", args=[CLUSTER_A]))
    assert crumbs_of(adding) == [portfolio, cluster, ("Members", f"/clusters/{CLUSTER_A}/members/")]
    html = adding.content.decode()
    assert '<nav class="crumbs" aria-label="Breadcrumb">' in html
    # Anywhere else: back to the portfolio.
    assert crumbs_of(client.get(reverse("accounts:profile"))) == [portfolio]


@pytest.mark.parametrize(
    "persona, code", [("cluster_manager_b", CLUSTER_A), ("programme_manager", "NOSUCH")]
)
def test_a_refused_or_unknown_clusters_page_shows_no_tabs_and_no_trail(web, persona, code):
    response = web(persona).get(reverse("members:member-list", args=[code]))
    assert response.status_code == 404
    html = response.content.decode()
    assert 'class="tabs"' not in html and 'class="crumbs"' not in html
    assert f"/clusters/{code}/" not in html


def test_a_records_own_page_leads_to_its_cluster_with_its_tabs(web):
    """An activity's page has no cluster code in its address: its view hands the cluster
    to the template, and the trail and the tabs come from there."""
    from tests import matrix_objects as objects

    url = reverse("activities:activity-detail", args=[objects.activity().pk])
    response = web("cluster_manager_a").get(url)
    html = response.content.decode()
    assert '<nav class="tabs"' in html and "/clusters/EUKA/account/" not in html
    trail = html[html.index('<nav class="crumbs"') : html.index("</nav>", html.index("crumbs"))]
    assert trail.count("<li>") == 3
    assert 'href="/clusters/EUKA/activities/">Activities</a>' in trail
    # Whoever may not read the cluster's records gets no page here, and no tabs anywhere.
    assert web("cluster_manager_b").get(url).status_code == 404


def test_a_programme_kpis_form_is_not_below_the_members_kpi_page(web):
    from clustermonitor.programmes.models import KPI

    response = web("programme_manager").get(
        reverse("programmes:kpi-edit", args=[KPI.objects.first().pk])
    )
    assert crumbs_of(response) == [("Portfolio", "/portfolio/")]
