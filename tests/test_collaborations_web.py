"""Collaborations as their users meet them (issue 5, JOURNEYS): through the web client and
the read API. The services only arrange the starting point; what a user does goes through
the pages.

Creating a collaboration, its lifecycle, parties and links, who may write, the import
wizard with a Dutch `;` file, the figure pages (KPI 3, programme totals, Table 10, the
network, matchmaking) and the API. Pages are asked for in English (the language cookie)
so that the assertions read the messages as written in the code.

Organisation numbers come from enterprise_number(i) with i ≥ 8000 (other tests use lower
ones); every test runs in a transaction on the shared session world.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from clustermonitor.accounts import services as account_services
from clustermonitor.accounts.models import User
from clustermonitor.collaborations import services
from clustermonitor.collaborations.models import Collaboration, Link, Party, Stage, StageChange
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry.models import NaceCode, Organisation
from tests.collaboration_helpers import (
    ACTOR,
    _api,
    _audited,
    _cells,
    _collaboration,
    _companies,
    _detail,
    _number,
    _org,
    _row_with,
    _said,
    _started,
    _university,
    _workbook,
)
from tests.factories import dotted, membership


@pytest.fixture
def token_for(db):
    def make(username: str) -> str:
        user = User.objects.get(username=username)
        return account_services.create_token(audit.Actor(user, "test"), user, "test")[1]

    return make


# 1. Creating a collaboration ------------------------------------------------------------


def test_a_cluster_manager_creates_an_intercluster_collaboration(web, cluster_a, cluster_b):
    client = web("cluster_manager_a")
    response = client.post(
        reverse("collaborations:collaboration-create", args=["EUKA"]),
        {
            "title": "Drones voor dakinspectie",
            "description": "Dakwerkers en dronepiloten samen",
            "clusters": [cluster_b.pk],  # EUKA itself is always one of them
            "nature": "project",
            "value_chain": "outside",
            "purpose": "testing",
            "instrument": "coock",
            "stage": "exploring",
            "stage_date": "2018-02-01",
        },
    )
    collaboration = Collaboration.objects.get(title="Drones voor dakinspectie")
    assert response.status_code == 302 and response["Location"] == _detail(collaboration.pk)
    assert {c.code for c in collaboration.clusters.all()} == {"EUKA", "BIM"}
    assert collaboration.stage == Stage.EXPLORING and collaboration.start_date is None
    assert list(collaboration.stage_changes.values_list("stage", "date")) == [
        ("exploring", datetime.date(2018, 2, 1))
    ]

    listing = client.get(reverse("collaborations:collaboration-list", args=["EUKA"]))
    row = _row_with(listing.content.decode(), "Drones voor dakinspectie")
    assert '<span class="badge">intercluster</span>' in row
    assert "testing and validation" in row

    page = client.get(_detail(collaboration.pk))
    html = page.content.decode()
    assert page.status_code == 200 and page.context["can_change"]
    assert "intercluster project" in html and "COOCK" in html
    assert "outside the partners&#x27; own value chain" in html

    created = _audited(collaboration, action="create", via="web")
    assert created.get().actor.username == "cluster_manager_a"
    assert _audited(collaboration.stage_changes.get(), action="create").exists()


def test_created_as_started_without_a_start_date_it_takes_the_stage_date(web, cluster_a):
    client = web("cluster_manager_a")
    response = client.post(
        reverse("collaborations:collaboration-create", args=["EUKA"]),
        {
            "title": "Dronevluchten boven de Schelde",
            "clusters": [cluster_a.pk],
            "stage": "started",
            "stage_date": "2018-03-01",
        },
    )
    assert response.status_code == 302
    collaboration = Collaboration.objects.get(title="Dronevluchten boven de Schelde")
    assert collaboration.stage == Stage.STARTED
    assert collaboration.start_date == datetime.date(2018, 3, 1)


def test_a_stage_date_in_the_future_is_refused_on_the_form(web, cluster_a):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    response = web("cluster_manager_a").post(
        reverse("collaborations:collaboration-create", args=["EUKA"]),
        {"title": "Later", "clusters": [cluster_a.pk], "stage": "idea", "stage_date": tomorrow},
    )
    assert response.status_code == 200
    assert "cannot lie in the future" in str(response.context["form"].errors["stage_date"])
    assert not Collaboration.objects.filter(title="Later").exists()


# 2. The lifecycle ------------------------------------------------------------------------


def _change(client, collaboration, **data):
    data.setdefault("date", "2017-06-01")
    return client.post(
        reverse("collaborations:stage-change", args=[collaboration.pk]), data, follow=True
    )


def test_a_step_forward_may_skip_stages(web, cluster_a):
    collaboration = _collaboration([cluster_a])
    response = _change(web("cluster_manager_a"), collaboration, stage="submitted")
    assert response.redirect_chain == [(_detail(collaboration.pk), 302)]
    assert _said(response) == ["Stage changed to “submitted”."]
    collaboration.refresh_from_db()
    assert collaboration.stage == Stage.SUBMITTED
    assert collaboration.stage_changes.last().recorded_by.username == "cluster_manager_a"


def test_going_back_needs_a_note_and_a_refusal_writes_nothing(web, cluster_a):
    client = web("cluster_manager_a")
    collaboration = _collaboration([cluster_a])
    _change(client, collaboration, stage="defined", date="2017-03-01")
    steps, entries = StageChange.objects.count(), AuditEntry.objects.count()

    refused = _change(client, collaboration, stage="exploring", date="2017-04-01")
    assert _said(refused) == ["Going back from “defined” to “exploring” needs a note saying why."]
    assert (StageChange.objects.count(), AuditEntry.objects.count()) == (steps, entries)
    collaboration.refresh_from_db()
    assert collaboration.stage == Stage.DEFINED

    done = _change(
        client, collaboration, stage="exploring", date="2017-04-01", note="trekker haakte af"
    )
    assert _said(done) == ["Stage changed to “exploring”."]
    collaboration.refresh_from_db()
    assert collaboration.stage == Stage.EXPLORING
    assert "<em>trekker haakte af</em>" in done.content.decode()


def test_a_stop_needs_its_reason_and_shows_it(web, cluster_a):
    client = web("cluster_manager_a")
    collaboration = _collaboration([cluster_a])
    refused = _change(client, collaboration, stage="stopped")
    assert _said(refused) == ["Say why the collaboration stopped."]
    collaboration.refresh_from_db()
    assert collaboration.stage == Stage.IDEA

    done = _change(client, collaboration, stage="stopped", reason="finance")
    collaboration.refresh_from_db()
    assert collaboration.stage == Stage.STOPPED and collaboration.stop_reason == "finance"
    html = done.content.decode()
    stopped = '<span class="status tone-muted" data-state="stopped">stopped</span>'
    assert f"<small>{stopped} (lack of finance)</small>" in html
    assert "— lack of finance" in html  # in the stage history


def test_a_reason_without_a_stop_and_a_missing_date_are_refused(web, cluster_a):
    client = web("cluster_manager_a")
    collaboration = _collaboration([cluster_a])
    assert _said(_change(client, collaboration, stage="exploring", reason="finance")) == [
        "Only a stop has a reason for stopping."
    ]
    assert _said(_change(client, collaboration, stage="exploring", date="")) == [
        "This field is required."
    ]
    assert collaboration.stage_changes.count() == 1


def test_completing_before_the_start_date_is_refused_with_a_message(web, cluster_a):
    collaboration = _collaboration([cluster_a], start_date=datetime.date(2018, 6, 1))
    response = _change(
        web("cluster_manager_a"), collaboration, stage="completed", date="2018-01-01"
    )
    assert response.status_code == 200 and len(_said(response)) == 1
    collaboration.refresh_from_db()
    assert collaboration.stage == Stage.IDEA and collaboration.end_date is None


def test_creating_a_started_collaboration_that_ended_before_is_refused_on_the_form(web, cluster_a):
    response = web("cluster_manager_a").post(
        reverse("collaborations:collaboration-create", args=["EUKA"]),
        {
            "title": "Eindigt voor de start",
            "clusters": [cluster_a.pk],
            "end_date": "2017-12-31",
            "stage": "started",
            "stage_date": "2018-03-01",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not Collaboration.objects.filter(title="Eindigt voor de start").exists()


# 3. Parties and links --------------------------------------------------------------------


def _add_party(client, collaboration, **data):
    return client.post(
        reverse("collaborations:party-add", args=[collaboration.pk]), data, follow=True
    )


def test_parties_are_members_or_registry_organisations_by_number(web, cluster_a):
    client = web("cluster_manager_a")
    collaboration = _collaboration([cluster_a])
    member = _org(1, name="Lid Drones NV")
    membership(member, cluster_a)
    university = _university()

    page = client.get(_detail(collaboration.pk))
    assert list(page.context["party_form"].fields["organisation"].queryset) == [member]

    by_choice = _add_party(client, collaboration, organisation=member.pk, role="lead")
    assert _said(by_choice) == ["Party saved."]
    by_number = _add_party(
        client,
        collaboration,
        enterprise_number=dotted(university.enterprise_number),
        role="knowledge",
    )
    assert _said(by_number) == ["Party saved."]
    assert {(p.organisation, p.role) for p in collaboration.parties.all()} == {
        (member, "lead"),
        (university, "knowledge"),
    }
    assert by_number.context["derived"].has_knowledge
    html = by_number.content.decode()
    assert "Lid Drones NV" in html and "Universiteit Drone-onderzoek" in html

    # A valid number that is no organisation of the registry, and a bad checksum.
    unknown = dotted(_number(91))
    refused = _add_party(client, collaboration, enterprise_number=unknown, role="partner")
    assert f"{unknown} is not among the organisations you can name" in _said(refused)[0]
    bad = _add_party(client, collaboration, enterprise_number="0200.000.001", role="partner")
    assert _said(bad) == ["bad checksum"]
    neither = _add_party(client, collaboration, role="partner")
    assert _said(neither) == ["Choose a member or give an enterprise number."]
    assert collaboration.parties.count() == 2
    assert not Organisation.objects.filter(enterprise_number=_number(91)).exists()

    party = collaboration.parties.get(organisation=member)
    removed = client.post(
        reverse("collaborations:party-delete", args=[party.pk]), {"confirmed": "yes"}, follow=True
    )
    assert _said(removed) == ["Party removed."]
    assert list(collaboration.parties.values_list("organisation", flat=True)) == [university.pk]
    assert _audited(party, action="delete", via="web").exists()


def test_setting_a_party_again_changes_its_role(web, cluster_a):
    client = web("cluster_manager_a")
    collaboration = _collaboration([cluster_a])
    number = dotted(_university().enterprise_number)
    _add_party(client, collaboration, enterprise_number=number, role="partner")
    _add_party(client, collaboration, enterprise_number=number, role="knowledge")
    assert list(collaboration.parties.values_list("role", flat=True)) == ["knowledge"]


def test_links_are_added_and_removed(web, cluster_a):
    client = web("cluster_manager_a")
    collaboration = _collaboration([cluster_a])
    url = reverse("collaborations:link-add", args=[collaboration.pk])
    added = client.post(
        url, {"title": "Projectfiche", "url": "https://example.org/fiche.pdf"}, follow=True
    )
    assert _said(added) == ["Link added."]
    assert '<a href="https://example.org/fiche.pdf" rel="noopener noreferrer">Projectfiche</a>' in (
        added.content.decode()
    )
    refused = client.post(url, {"title": "Script", "url": "javascript:alert(1)"}, follow=True)
    assert _said(refused) == ["Enter a valid URL."]
    link = collaboration.links.get()
    removed = client.post(
        reverse("collaborations:link-delete", args=[link.pk]), {"confirmed": "yes"}, follow=True
    )
    assert _said(removed) == ["Link removed."]
    assert not Link.objects.filter(collaboration=collaboration).exists()


# 4. Who may write ---------------------------------------------------------------------

WRITES = {
    "stage-change": {"stage": "exploring", "date": "2017-03-01"},
    "party-add": {"role": "knowledge"},  # plus the university's number
    "link-add": {"title": "Projectfiche", "url": "https://example.org/fiche.pdf"},
}


def _written(collaboration) -> tuple[int, int, int]:
    return (
        collaboration.stage_changes.count(),
        collaboration.parties.count(),
        collaboration.links.count(),
    )


@pytest.mark.parametrize("route", list(WRITES))
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),  # to the login page
        ("member_contact", 404),
        ("cluster_manager_b", 404),
        ("evaluator", 403),
        ("account_manager", 403),
        ("programme_manager", 302),
        ("cluster_manager_a", 302),
    ],
)
def test_who_may_write_to_a_collaboration_of_cluster_a(
    web, client_for, cluster_a, persona, route, status
):
    collaboration = _collaboration([cluster_a])
    data = dict(WRITES[route])
    if route == "party-add":
        data["enterprise_number"] = _university().enterprise_number
    client = client_for("anonymous") if persona == "anonymous" else web(persona)
    before = _written(collaboration)
    response = client.post(reverse(f"collaborations:{route}", args=[collaboration.pk]), data)
    assert response.status_code == status
    allowed = persona in ("programme_manager", "cluster_manager_a")
    if persona == "anonymous":
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    if allowed:
        assert response["Location"] == _detail(collaboration.pk)
        assert sum(_written(collaboration)) == sum(before) + 1
    else:
        assert _written(collaboration) == before


@pytest.mark.parametrize(("persona", "status"), [("cluster_manager_b", 404), ("evaluator", 403)])
def test_others_cannot_remove_parties_or_links(web, cluster_a, persona, status):
    collaboration = _collaboration([cluster_a])
    party = services.set_party(ACTOR, collaboration, _university(), Party.Role.KNOWLEDGE)
    link = services.add_link(ACTOR, collaboration, "Fiche", "https://example.org/f")
    client = web(persona)
    yes = {"confirmed": "yes"}
    assert client.post(
        reverse("collaborations:party-delete", args=[party.pk]), yes
    ).status_code == (status)
    assert (
        client.post(reverse("collaborations:link-delete", args=[link.pk]), yes).status_code
        == status
    )
    assert _written(collaboration) == (1, 1, 1)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("cluster_manager_b", 404), ("member_contact", 404), ("evaluator", 403)],
)
@pytest.mark.parametrize("route", ["collaboration-create", "collaboration-import"])
def test_others_cannot_create_or_import_for_cluster_a(web, cluster_a, persona, status, route):
    url = reverse(f"collaborations:{route}", args=["EUKA"])
    data = {
        "title": "Ingebroken",
        "clusters": [cluster_a.pk],
        "stage": "idea",
        "stage_date": "2018-01-01",
    }
    assert web(persona).post(url, data).status_code == status
    assert not Collaboration.objects.filter(title="Ingebroken").exists()


def test_an_intercluster_project_is_seen_and_changed_by_both_managers(web, cluster_a, cluster_b):
    manager_a, manager_b = web("cluster_manager_a"), web("cluster_manager_b")
    manager_a.post(
        reverse("collaborations:collaboration-create", args=["EUKA"]),
        {
            "title": "Drones op de bouwwerf 2",
            "clusters": [cluster_b.pk],
            "stage": "idea",
            "stage_date": "2018-01-10",
        },
    )
    collaboration = Collaboration.objects.get(title="Drones op de bouwwerf 2")
    bim_member = _org(2, name="BIM-lid NV")
    membership(bim_member, cluster_b)

    listing = manager_b.get(reverse("collaborations:collaboration-list", args=["BIM"]))
    assert collaboration in listing.context["collaborations"]
    page = manager_b.get(_detail(collaboration.pk))
    assert page.status_code == 200 and page.context["can_change"]
    assert bim_member in page.context["party_form"].fields["organisation"].queryset
    assert _said(_change(manager_b, collaboration, stage="defined", date="2018-02-01")) == [
        "Stage changed to “defined”."
    ]
    _add_party(manager_b, collaboration, organisation=bim_member.pk, role="lead")
    seen_by_a = manager_a.get(_detail(collaboration.pk))
    assert "BIM-lid NV" in seen_by_a.content.decode()
    assert seen_by_a.context["collaboration"].stage == Stage.DEFINED
    # The KPI 3 verdict of both clusters shows for each manager that sees them.
    assert [code for code, _label in seen_by_a.context["verdict_rows"]] == ["EUKA"]
    assert {code for code, _label in page.context["verdict_rows"]} == {"BIM"}


# 6. The figure pages ---------------------------------------------------------------------


def test_kpi3_of_a_cluster_shows_the_verdicts_and_downloads(web, cluster_a):
    counted = _started(
        [cluster_a], "Drone-inspectie KPI", _companies(20, 3), datetime.date(2018, 3, 1)
    )
    _started([cluster_a], "Te klein", _companies(30, 2), datetime.date(2018, 3, 1))
    client = web("evaluator")
    url = reverse("collaborations:kpi3-cluster", args=["EUKA"])
    page = client.get(url, {"on": "2019-12-31"})
    assert page.context["kpi3"].value == 1 and page.context["kpi3"].by_year == {2018: 1}
    html = page.content.decode()
    assert "<strong>counted</strong>" in _row_with(html, "Drone-inspectie KPI")
    assert "fewer than 3 companies" in _row_with(html, "Te klein")

    download = client.get(url, {"on": "2019-12-31", "format": "xlsx"})
    assert download["Content-Disposition"] == 'attachment; filename="kpi3-EUKA-2019-12-31.xlsx"'
    cells = _cells(_workbook(download))
    row = next(r for r in cells if r[0] == counted.title)
    assert row[-1] == "counted" and row[2] == 3
    assert [2018, 1] in cells


def test_the_programme_counts_an_intercluster_project_per_cluster_and_once(web):
    clusters = list(Cluster.objects.filter(code__in=["EUKA", "BOUWIND", "BIM"]))
    latest_start = max(c.start_date for c in clusters)  # BOUWIND and EUKA: 1 January 2017
    on = latest_start + datetime.timedelta(days=60)
    _started(clusters, "Drones op de bouwwerf (programma)", _companies(40, 3), on)
    client = web("account_manager")
    url = reverse("collaborations:programme")
    page = client.get(url, {"on": "2019-06-30"})
    result = page.context["result"]
    assert (result.sum_over_clusters, result.distinct, result.double_counted) == (3, 1, 2)
    values = {r["cluster"].code: r["value"] for r in page.context["rows"]}
    assert {code for code, n in values.items() if n} == {"EUKA", "BOUWIND", "BIM"}
    html = page.content.decode()
    assert re.search(r"Programme \(sum over clusters\)</th><th class=\"num\">3</th>", html)
    assert re.search(r"Programme \(each collaboration once\)</th><th class=\"num\">1</th>", html)
    assert "2 counts in the sum come from intercluster projects" in html

    cells = _cells(_workbook(client.get(url, {"on": "2019-06-30", "format": "xlsx"})))
    totals = {r[0]: r[1] for r in cells if r and str(r[0]).startswith("Programme (")}
    assert totals == {"Programme (sum over clusters)": 3, "Programme (each collaboration once)": 1}


def test_the_intercluster_page_shows_table_10_and_the_published_comparison(web):
    page = web("evaluator").get(reverse("collaborations:intercluster"))
    assert page.status_code == 200
    assert len(page.context["overview"].projects) == 15
    comparisons = {
        str(label): (computed, published)
        for label, computed, published in (page.context["comparisons"])
    }
    assert comparisons["Involvements of hosted (gevestigde) IBNs"] == (18, 18)
    assert comparisons["Involvements of independent (zelfstandige) IBNs"] == (8, 8)
    assert comparisons["Applications"][0] == 15
    html = page.content.decode()
    assert "Drones als hulpmiddel" in html and "Mass Customization of Cooling" in html
    assert "5 of 15 applications" in html


@pytest.mark.parametrize("persona", ["cluster_manager_a", "member_contact"])
def test_programme_pages_are_for_the_agency_and_evaluators(web, persona):
    for name in ("programme", "intercluster", "network"):
        assert web(persona).get(reverse(f"collaborations:{name}")).status_code == 404


def test_the_programme_network_links_clusters_by_shared_projects(web):
    page = web("programme_manager").get(reverse("collaborations:network"))
    assert "<svg" in page.content.decode()
    links = {
        frozenset((a, b)): (projects, members)
        for a, b, projects, members in (page.context["edges"])
    }
    assert links[frozenset(("EUKA", "BIM"))] == (2, 0)  # the two drone projects of Table 10
    assert links[frozenset(("BIM", "SBIU"))] == (1, 0)
    assert re.search(
        r"<td>(EUKA|BIM)</td><td>(EUKA|BIM)</td><td class=\"num\">2</td>", page.content.decode()
    )


def test_the_cluster_network_lists_new_ties_since_joining(web, cluster_a):
    early, late, supplier, old_friend = (
        _org(50, name="Vroeg lid NV"),
        _org(51, name="Laat lid NV"),
        _org(52, name="Leverancier BV"),
        _org(53, name="Oude vriend BV"),
    )
    membership(early, cluster_a, start=datetime.date(2017, 1, 1))
    membership(late, cluster_a, start=datetime.date(2019, 1, 1))
    _started([cluster_a], "Samen vliegen", [early, late, supplier], datetime.date(2018, 3, 1))
    _started([cluster_a], "Van voor de cluster", [early, old_friend], datetime.date(2016, 6, 1))
    page = web("cluster_manager_a").get(reverse("collaborations:cluster-network", args=["EUKA"]))
    html = page.content.decode()
    assert "<svg" in html
    ties = {(t["organisation"], t["partner"]) for t in page.context["ties"]}
    # The early member's ties of 2018 are new; the late member had them before joining;
    # the tie of 2016 predates the membership.
    assert ties == {("Vroeg lid NV", "Laat lid NV"), ("Vroeg lid NV", "Leverancier BV")}
    new_ties = html.split('id="new-ties"')[1].split("</section>")[0]
    assert "<td>Vroeg lid NV</td><td>Leverancier BV</td>" in new_ties
    assert "Oude vriend BV" not in new_ties
    assert "1 member formed new ties." in new_ties


def test_matchmaking_ranks_partner_clusters_with_reasons(web, cluster_a):
    software = NaceCode.objects.filter(version=2008, code__startswith="62").order_by("code").last()
    sdf = Cluster.objects.get(code="SDF")
    for i in range(2):
        membership(_org(60 + i, nace_2008=software), cluster_a)
    membership(_org(62, nace_2008=software), sdf)
    shared = _org(63)
    membership(shared, cluster_a)
    membership(shared, Cluster.objects.get(code="BIM"))
    page = web("cluster_manager_a").get(reverse("collaborations:matchmaking", args=["EUKA"]))
    rows = {r["code"]: r for r in page.context["rows"]}
    assert rows["SDF"]["reasons"] == ["similar member activities (NACE 62)"]
    assert rows["BIM"]["reasons"] == ["1 member in common"]
    scores = [r["score"] for r in page.context["rows"]]
    assert scores == sorted(scores, reverse=True)
    assert "drones" in page.context["target"].keywords  # from the reference data
    assert "similar member activities (NACE 62)" in page.content.decode()


# 7. The API --------------------------------------------------------------------------------


def test_the_api_gives_collaborations_with_derived_fields(web, token_for, cluster_a, cluster_b):
    mine = _started(
        [cluster_a], "Drone-API", [*_companies(70, 3), _university()], datetime.date(2018, 3, 1)
    )
    shared = _collaboration([cluster_a, cluster_b], title="Drone-API met BIM")
    token = token_for("cluster_manager_a")

    listed = _api("/api/collaborations?cluster=EUKA", token).json()
    by_title = {c["title"]: c for c in listed}
    assert {"Drone-API", "Drone-API met BIM"} <= set(by_title)
    one = by_title["Drone-API"]
    assert (one["n_companies"], one["scale"], one["knowledge_institution"]) == (
        3,
        "multilateral",
        True,
    )
    assert one["intercluster"] is False and one["clusters"] == ["EUKA"]
    assert [(h["stage"], h["date"]) for h in one["history"]] == [
        ("idea", "2018-01-30"),
        ("started", "2018-03-01"),
    ]
    assert {p["kind"] for p in one["parties"]} == {"company", "knowledge"}

    intercluster = _api("/api/collaborations?cluster=EUKA&intercluster=true", token).json()
    assert "Drone-API met BIM" in {c["title"] for c in intercluster}
    assert all(c["intercluster"] for c in intercluster)
    assert "Drone-API" not in {c["title"] for c in intercluster}

    detail = _api(f"/api/collaborations/{shared.pk}", token).json()
    assert detail["clusters"] == ["BIM", "EUKA"] and detail["intercluster"] is True

    kpi3 = _api("/api/clusters/EUKA/kpi3?until=2019-12-31", token).json()
    assert kpi3["value"] == 1 and kpi3["counted"] == [mine.pk]
    assert kpi3["by_year"] == {"2018": 1}
    assert kpi3["not_counted"][str(shared.pk)] == "few_companies"


def test_the_api_hides_a_cluster_only_collaboration_from_the_other_manager(
    token_for, cluster_a, cluster_b
):
    own = _collaboration([cluster_a], title="Alleen EUKA")
    shared = _collaboration([cluster_a, cluster_b], title="EUKA en BIM")
    token = token_for("cluster_manager_b")
    titles = {c["title"] for c in _api("/api/collaborations", token).json()}
    assert "EUKA en BIM" in titles and "Alleen EUKA" not in titles
    assert "Alleen EUKA" not in {
        c["title"] for c in _api("/api/collaborations?cluster=EUKA", token).json()
    }
    assert _api(f"/api/collaborations/{own.pk}", token).status_code == 404
    assert _api(f"/api/collaborations/{shared.pk}", token).status_code == 200
    assert _api("/api/clusters/EUKA/kpi3", token).status_code == 404
    everything = _api("/api/collaborations", token_for("evaluator")).json()
    assert {"Alleen EUKA", "EUKA en BIM"} <= {c["title"] for c in everything}


# A university as a party (issue 16: KU Leuven, 0419.052.173, could not be added) -------

KU_LEUVEN = "0419052173"


def _kbo_lookup(folder, rows) -> None:
    """A KBO lookup (registry.kbo's parquet file) holding `rows`."""
    import duckdb

    from clustermonitor.registry import kbo

    folder.mkdir(parents=True, exist_ok=True)
    values = ", ".join(
        f"('{n}', '{name}', '{pc}', DATE '1970-01-01', '{nace}', '{name.lower()}')"
        for n, name, pc, nace in rows
    )
    duckdb.sql(
        f"COPY (SELECT * FROM (VALUES {values}) AS t(enterprise_number, name, postcode, "
        f"start_date, nace_2008, folded)) TO '{folder / kbo.LOOKUP_NAME}' (FORMAT parquet)"
    )


def test_a_university_the_registry_holds_as_a_company_can_be_a_party(web, cluster_a, cluster_b):
    """Added once by hand as a member of another cluster (the default kind: company), KU
    Leuven was no public partner for EUKA's manager: its activity (tertiary education)
    makes it one."""
    leuven = Organisation.objects.create(
        enterprise_number=KU_LEUVEN,
        name="KU Leuven",
        nace_2008=NaceCode.objects.get(version=2008, code="85421"),
    )
    membership(leuven, cluster_b)
    collaboration = _collaboration([cluster_a])
    added = _add_party(
        web("cluster_manager_a"), collaboration, enterprise_number="0419.052.173", role="knowledge"
    )
    assert _said(added) == ["Party saved."]
    assert list(collaboration.parties.values_list("organisation", flat=True)) == [leuven.pk]


def test_a_university_missing_from_the_registry_is_added_from_the_kbo_lookup(
    web, cluster_a, cluster_b, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    supplier = _number(95)  # a company of the KBO, not in the registry
    hidden = _org(96, name="Geheim BIM-lid NV")  # another cluster's member
    membership(hidden, cluster_b)
    _kbo_lookup(
        tmp_path / "kbo",
        [
            (KU_LEUVEN, "KU Leuven", "3000", "85421"),
            (supplier, "Leverancier NV", "9000", "46900"),
            (hidden.enterprise_number, "Geheim BIM-lid NV", "9000", "46900"),
        ],
    )
    collaboration = _collaboration([cluster_a])
    client = web("cluster_manager_a")
    added = _add_party(client, collaboration, enterprise_number="0419.052.173", role="knowledge")
    assert _said(added) == ["Party saved."]
    leuven = Organisation.objects.get(enterprise_number=KU_LEUVEN)
    assert (leuven.name, leuven.kind, leuven.nace_2008.code) == ("KU Leuven", "knowledge", "85421")
    assert leuven.municipality is not None
    assert AuditEntry.objects.filter(
        content_type__model="organisation", object_id=str(leuven.pk), action="create"
    ).exists()
    assert collaboration.parties.get().organisation == leuven
    # A company: neither the one the registry lacks nor another cluster's member, and
    # both answered alike.
    for number in (supplier, hidden.enterprise_number):
        refused = _add_party(
            client, collaboration, enterprise_number=dotted(number), role="partner"
        )
        assert "is not among the organisations you can name" in _said(refused)[0]
        assert "Geheim" not in refused.content.decode()
    assert not Organisation.objects.filter(enterprise_number=supplier).exists()
    assert collaboration.parties.count() == 1
    # The programme manager may add any enterprise of the lookup.
    by_pm = _add_party(
        web("programme_manager"), collaboration, enterprise_number=dotted(supplier), role="partner"
    )
    assert _said(by_pm) == ["Party saved."]
    assert Organisation.objects.get(enterprise_number=supplier).kind == "company"


def test_the_programme_manager_adds_a_party_neither_registry_nor_lookup_knows(
    web, cluster_a, settings, tmp_path
):
    """Without a KBO lookup (no full import yet, or the demo) a university the registry
    lacks is added by the programme manager with its name and kind; a cluster manager's
    typed name makes nothing (whether the registry holds a number must not show)."""
    settings.VAR_DIR = tmp_path  # no lookup there
    collaboration = _collaboration([cluster_a])
    data = {
        "enterprise_number": "0419.052.173",
        "name": "KU Leuven",
        "kind": "knowledge",
        "role": "knowledge",
    }
    page = web("cluster_manager_a").get(_detail(collaboration.pk))
    assert "name" not in page.context["party_form"].fields
    refused = _add_party(web("cluster_manager_a"), collaboration, **data)
    assert "is not among the organisations you can name" in _said(refused)[0]
    assert not Organisation.objects.filter(enterprise_number=KU_LEUVEN).exists()
    added = _add_party(web("programme_manager"), collaboration, **data)
    assert _said(added) == ["Party saved."]
    leuven = Organisation.objects.get(enterprise_number=KU_LEUVEN)
    assert (leuven.name, leuven.kind) == ("KU Leuven", "knowledge")
    assert collaboration.parties.get().organisation == leuven
    # Now a knowledge institution of the registry: EUKA's manager names it too.
    other = _collaboration([cluster_a], title="Tweede project")
    again = _add_party(
        web("cluster_manager_a"), other, enterprise_number="0419.052.173", role="knowledge"
    )
    assert _said(again) == ["Party saved."]


def test_the_cluster_network_is_drawn_once_until_its_collaborations_change(
    web, cluster_a, settings, monkeypatch
):
    """With results kept (core.memo, as in the demo and production) the drawing is made
    once for every session, and again when a party joins."""
    from django.core.cache import cache

    from clustermonitor.analysis import network

    first, second, third = _org(70, name="Eerste NV"), _org(71, name="Tweede NV"), _org(72)
    collaboration = _started([cluster_a], "Getekend", [first, second], datetime.date(2018, 3, 1))
    settings.CLUSTERMONITOR_MEMO = True
    cache.clear()
    drawn = []
    draw = network.network_svg
    monkeypatch.setattr(network, "network_svg", lambda *a, **k: drawn.append(1) or draw(*a, **k))
    url = reverse("collaborations:cluster-network", args=["EUKA"])
    try:
        before = web("cluster_manager_a").get(url).context["svg"]
        assert web("programme_manager").get(url).context["svg"] == before and len(drawn) == 1
        services.set_party(ACTOR, collaboration, third, Party.Role.PARTNER)
        after = web("cluster_manager_a").get(url).context["svg"]
        assert len(drawn) == 2 and after != before
    finally:
        cache.clear()
