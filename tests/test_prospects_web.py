"""The pipeline's pages (issue 18): adding, editing, moving and the fee as a cluster
manager; hostile form values; the import of a list with its file, row and field errors;
and what the agency reads."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clustermonitor.accounts.models import User
from clustermonitor.core import audit
from clustermonitor.core.imports.models import ImportBatch
from clustermonitor.core.tabular import read_table
from clustermonitor.members.contributions import save_schedule
from clustermonitor.members.models import Contribution, Membership
from clustermonitor.programmes.models import Cluster
from clustermonitor.prospects import importing, services
from clustermonitor.prospects.models import Prospect, ProspectStep, Source
from tests.factories import dotted, enterprise_number, membership, organisation

pytestmark = pytest.mark.usefixtures("english")

NUMBER = enterprise_number(6161)


def _actor():
    return audit.Actor(User.objects.get(username="cluster_manager_a"), "web")


def _form(**changes) -> dict:
    data = {
        "enterprise_number": f"BE {dotted(NUMBER)}",
        "company_name": "Vooruitzicht NV",
        "stage": "new",
        "source": "referral",
        "owner": "",
        "contact_name": "Vera Vooruit",
        "contact_email": "vera@vooruitzicht.example",
        "contact_phone": "+32 9 123 45 67",
        "next_step": "Call back",
        "next_step_date": datetime.date.today().isoformat(),
        "note": "Met at the fair.",
    }
    return data | changes


def _create(web, **changes):
    return web("cluster_manager_a").post(
        reverse("prospects:prospect-create", args=["EUKA"]), _form(**changes)
    )


def test_a_cluster_manager_adds_a_prospect_and_sees_it_in_the_pipeline(web, cluster_a):
    owner = User.objects.get(username="cluster_manager_a")
    response = _create(web, owner=str(owner.pk))
    prospect = Prospect.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("prospects:prospect-detail", args=[prospect.pk])
    assert (prospect.enterprise_number, prospect.owner, prospect.cluster) == (
        NUMBER,
        owner,
        cluster_a,
    )
    page = web("cluster_manager_a").get(reverse("prospects:pipeline", args=["EUKA"]))
    html = page.content.decode()
    assert "Vooruitzicht NV" in html and 'id="expected-members"' in html
    detail = web("cluster_manager_a").get(reverse("prospects:prospect-detail", args=[prospect.pk]))
    assert "vera@vooruitzicht.example" in detail.content.decode()


def test_moving_joined_starts_the_membership_and_the_fee_is_confirmed(web, cluster_a):
    _create(web)
    prospect = Prospect.objects.get()
    client = web("cluster_manager_a")
    move = reverse("prospects:prospect-move", args=[prospect.pk])
    assert client.post(move, {"stage": "contacted", "note": "called"}).status_code == 302
    assert client.post(move, {"stage": "meeting"}).status_code == 302
    day = datetime.date.today()
    save_schedule(_actor(), cluster_a, day.year, {"": Decimal(750)})
    assert client.post(move, {"stage": "joined", "start_date": day.isoformat()}).status_code == 302
    prospect.refresh_from_db()
    assert prospect.stage == "joined"
    assert Membership.objects.get(cluster=cluster_a, organisation__enterprise_number=NUMBER)
    page = client.get(reverse("prospects:prospect-detail", args=[prospect.pk])).content.decode()
    assert 'id="fee-proposal"' in page and 'id="prospect-move"' not in page
    response = client.post(reverse("prospects:prospect-fee", args=[prospect.pk]), {"amount": "700"})
    assert response.status_code == 302
    contribution = Contribution.objects.get(membership=prospect.membership)
    assert (contribution.amount, contribution.status) == (700, "expected")
    steps = ProspectStep.objects.filter(prospect=prospect).order_by("at", "pk")
    assert [(s.from_stage, s.to_stage) for s in steps] == [
        ("", "new"),
        ("new", "contacted"),
        ("contacted", "meeting"),
        ("meeting", "joined"),
    ]


def test_lost_without_a_reason_is_refused(web, cluster_a):
    _create(web)
    prospect = Prospect.objects.get()
    response = web("cluster_manager_a").post(
        reverse("prospects:prospect-move", args=[prospect.pk]), {"stage": "lost"}
    )
    assert response.status_code == 400
    assert "Say why the prospect was lost." in response.content.decode()
    prospect.refresh_from_db()
    assert prospect.stage == "new"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"enterprise_number": "0123.456.789"}, "enterprise_number"),  # bad checksum
        ({"enterprise_number": "<script>alert(1)</script>"}, "enterprise_number"),
        ({"enterprise_number": "9" * 500}, "enterprise_number"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"next_step_date": "31/02/2026"}, "next_step_date"),
        ({"stage": "joined"}, "stage"),  # a prospect starts at an open stage
        ({"stage": "' OR 1=1 --"}, "stage"),
        ({"source": "portal"}, "source"),  # only the portal's join requests
        ({"owner": "999999"}, "owner"),
        ({"company_name": "x" * 301}, "company_name"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_hostile_form_values_are_refused_and_nothing_is_written(web, cluster_a, changes, field):
    response = _create(web, **changes)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Prospect.objects.exists()


def test_the_owner_must_act_for_the_cluster(web, cluster_a):
    """Every id in a form body is an access decision: another cluster's manager or an
    agency user is not offered and is refused when posted."""
    form = web("cluster_manager_a").get(reverse("prospects:prospect-create", args=["EUKA"]))
    offered = {str(pk) for pk, _label in form.context["form"].fields["owner"].choices if pk}
    a = User.objects.get(username="cluster_manager_a")
    assert offered == {str(a.pk)}
    for name in ("cluster_manager_b", "programme_manager", "member_contact"):
        other = User.objects.get(username=name)
        response = _create(web, owner=str(other.pk))
        assert "owner" in response.context["form"].errors
    assert not Prospect.objects.exists()


def test_a_number_without_a_name_takes_the_registry_name_or_asks_for_one(web, cluster_a):
    response = _create(web, company_name="")
    assert "company_name" in response.context["form"].errors
    # In the registry as another cluster's member: not where this manager may look.
    org = organisation(6161, name="Register NV")
    membership(org, Cluster.objects.get(code="BIM"), start=datetime.date(2015, 1, 1))
    response = _create(web, company_name="")
    assert "company_name" in response.context["form"].errors
    assert "Register NV" not in response.content.decode()
    # A former member of the manager's own cluster: its name is filled in.
    membership(org, cluster_a, start=datetime.date(2010, 1, 1), end=datetime.date(2012, 12, 31))
    assert _create(web, company_name="").status_code == 302
    prospect = Prospect.objects.get()
    assert prospect.company_name == "Register NV" and prospect.found_in == "registry"


def test_a_company_in_the_pipeline_twice_is_refused(web, cluster_a):
    _create(web)
    response = _create(web)
    assert "enterprise_number" in response.context["form"].errors
    assert Prospect.objects.count() == 1


def test_editing_keeps_the_stage_and_the_other_cluster_gets_404(web, cluster_a):
    _create(web)
    prospect = Prospect.objects.get()
    edit = reverse("prospects:prospect-edit", args=[prospect.pk])
    response = web("cluster_manager_a").post(
        edit, _form(next_step="Send the offer", stage="joined")
    )
    assert response.status_code == 302
    prospect.refresh_from_db()
    assert (prospect.next_step, prospect.stage) == ("Send the offer", "new")
    assert web("cluster_manager_b").post(edit, _form()).status_code == 404
    assert web("programme_manager").post(edit, _form()).status_code == 403
    move = reverse("prospects:prospect-move", args=[prospect.pk])
    assert web("account_manager").post(move, {"stage": "contacted"}).status_code == 403
    assert (
        web("evaluator").get(reverse("prospects:prospect-detail", args=[prospect.pk])).status_code
        == 404
    )


def test_the_pipeline_filters_by_stage_owner_and_due(web, cluster_a):
    today = datetime.date.today()
    owner = User.objects.get(username="cluster_manager_a")
    for i, (stage, due, who) in enumerate(
        [
            ("new", today - datetime.timedelta(days=1), owner),
            ("contacted", today + datetime.timedelta(days=3), None),
            ("meeting", today + datetime.timedelta(days=30), owner),
        ]
    ):
        services.create(
            _actor(),
            Prospect(
                cluster=cluster_a,
                stage=stage,
                enterprise_number=enterprise_number(100 + i),
                company_name=f"Filter {i}",
                next_step_date=due,
                owner=who,
            ),
        )
    url = reverse("prospects:pipeline", args=["EUKA"])
    client = web("cluster_manager_a")

    def names(query):
        page = client.get(url, query).context["page"]
        return sorted(p.company_name for p in page.object_list)

    assert names({}) == ["Filter 0", "Filter 1", "Filter 2"]
    assert names({"stage": "contacted"}) == ["Filter 1"]
    assert names({"owner": str(owner.pk)}) == ["Filter 0", "Filter 2"]
    assert names({"owner": "none"}) == ["Filter 1"]
    assert names({"due": "overdue"}) == ["Filter 0"]
    assert names({"due": "week"}) == ["Filter 0", "Filter 1"]
    # Values outside the choices are left out, never an error.
    assert names({"stage": "x' OR 1=1", "owner": "99999", "due": "<b>"}) == [
        "Filter 0",
        "Filter 1",
        "Filter 2",
    ]
    assert client.get(url, {"on": "not-a-date"}).status_code == 200


# -- Deleting and the download ------------------------------------------------------------------


def test_deleting_a_prospect_asks_first_and_is_audited(web, cluster_a):
    from clustermonitor.core.models import AuditEntry

    prospect = services.create(
        _actor(),
        Prospect(
            cluster=cluster_a,
            enterprise_number=NUMBER,
            company_name="Weg NV",
            contact_name="Vera Vooruit",
            contact_email="vera@vooruitzicht.example",
        ),
    )
    services.move(_actor(), prospect, "contacted")
    client = web("cluster_manager_a")
    detail = client.get(reverse("prospects:prospect-detail", args=[prospect.pk])).content.decode()
    assert 'id="prospect-delete"' in detail
    url = reverse("prospects:prospect-delete", args=[prospect.pk])
    asked = client.post(url)
    assert "core/confirm.html" in [t.name for t in asked.templates]
    page = asked.content.decode()
    assert "This cannot be undone." in page and "With its 2 steps." in page
    assert Prospect.objects.filter(pk=prospect.pk).exists()
    response = client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302
    assert response.url == reverse("prospects:pipeline", args=["EUKA"])
    assert not Prospect.objects.filter(pk=prospect.pk).exists()
    assert not ProspectStep.objects.filter(prospect_id=prospect.pk).exists()
    deleted = AuditEntry.objects.filter(action="delete", content_type__app_label="prospects")
    assert sorted(deleted.values_list("content_type__model", flat=True)) == [
        "prospect",
        "prospectstep",
        "prospectstep",
    ]
    entry = deleted.get(content_type__model="prospect")
    assert entry.before["company_name"] == "Weg NV"
    assert entry.before["contact_email"] == audit.pseudonym("vera@vooruitzicht.example")
    assert entry.actor.username == "cluster_manager_a"
    text = " ".join(f"{e.before} {e.object_repr}" for e in deleted)
    assert "Vera" not in text and "vooruitzicht.example" not in text


def test_a_prospect_that_joined_is_not_deleted(web, cluster_a):
    prospect = services.create(
        _actor(), Prospect(cluster=cluster_a, enterprise_number=NUMBER, company_name="Lid NV")
    )
    services.join(_actor(), prospect, datetime.date.today())
    with pytest.raises(services.WorkflowError, match="joined is kept"):
        services.delete(_actor(), prospect)
    client = web("cluster_manager_a")
    detail = client.get(reverse("prospects:prospect-detail", args=[prospect.pk])).content.decode()
    assert 'id="prospect-delete"' not in detail
    url = reverse("prospects:prospect-delete", args=[prospect.pk])
    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    assert Prospect.objects.filter(pk=prospect.pk).exists()


def test_only_the_clusters_manager_deletes(web, cluster_a):
    prospect = services.create(
        _actor(), Prospect(cluster=cluster_a, enterprise_number=NUMBER, company_name="Blijf NV")
    )
    url = reverse("prospects:prospect-delete", args=[prospect.pk])
    for who, status in (
        ("programme_manager", 403),
        ("account_manager", 403),
        ("cluster_manager_b", 404),
        ("member_contact", 404),
    ):
        assert web(who).post(url, {"confirmed": "yes"}).status_code == status, who
    assert Prospect.objects.filter(pk=prospect.pk).exists()


def test_the_pipeline_downloads_as_filtered_in_xlsx_and_csv(web, cluster_a):
    from openpyxl import load_workbook

    owner = User.objects.get(username="cluster_manager_a")
    for i, stage in enumerate(("new", "meeting")):
        services.create(
            _actor(),
            Prospect(
                cluster=cluster_a,
                stage=stage,
                enterprise_number=enterprise_number(300 + i),
                company_name=f"Download {i} NV",
                contact_name=f"Persoon {i}",
                contact_email=f"p{i}@download.example",
                next_step="Bellen",
                next_step_date=datetime.date(2030, 1, 2 + i),
                owner=owner if i else None,
            ),
        )
    url = reverse("prospects:pipeline-download", args=["EUKA"])
    client = web("programme_manager")  # the agency reads along
    page = web("cluster_manager_a").get(reverse("prospects:pipeline", args=["EUKA"]))
    assert url + "?format=xlsx" in page.content.decode()

    response = client.get(url, {"format": "csv", "stage": "meeting"})
    assert response["Content-Disposition"] == 'attachment; filename="prospects-EUKA.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Company name", "Enterprise number", "Stage"]
    assert [r[0] for r in rows[1:]] == ["Download 1 NV"]
    assert rows[1][2] == "meeting" and rows[1][6] == "p1@download.example"
    assert rows[1][9] == "2030-01-03"

    response = client.get(url)  # .xlsx by default, every stage
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Download 0 NV", "Download 1 NV"]  # the page's order: stage first
    assert sheet.cell(row=2, column=10).value == datetime.datetime(2030, 1, 2)
    assert web("cluster_manager_b").get(url).status_code == 404


# -- The import --------------------------------------------------------------------------------


def _csv(rows, headers=("Ondernemingsnummer", "Bedrijf", "Fase", "Eigenaar", "E-mail", "Datum")):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_the_import_plans_every_row_with_its_field_errors(cluster_a):
    membership(organisation(7001, name="Al Lid NV"), cluster_a, start=datetime.date(2020, 1, 1))
    good = ["contacted", "cluster_manager_a", "a@b.example", "01/03/2027"]
    rows = [
        [dotted(enterprise_number(7000)), "Goed NV", *good],
        ["0123.456.789", "Fout NV", "", "", "", ""],
        [dotted(enterprise_number(7002)), "Stadium NV", "joined", "", "", ""],
        [dotted(enterprise_number(7003)), "Eigenaar NV", "", "cluster_manager_b", "", ""],
        [dotted(enterprise_number(7004)), "Mail NV", "", "", "geen-adres", ""],
        [dotted(enterprise_number(7005)), "Datum NV", "", "", "", "31/31/2027"],
        [dotted(enterprise_number(7000)), "Dubbel NV", "", "", "", ""],
        [dotted(enterprise_number(7001)), "Al Lid NV", "", "", "", ""],
        ["", "Zonder NV", "", "", "", ""],
    ]  # fmt: skip
    table = read_table(_csv(rows), "prospects.csv")
    mapping = importing.suggest_mapping(table)
    assert mapping == {
        "enterprise_number": "Ondernemingsnummer",
        "name": "Bedrijf",
        "stage": "Fase",
        "owner": "Eigenaar",
        "contact_email": "E-mail",
        "next_step_date": "Datum",
    }
    plan = importing.plan(table, cluster_a, mapping)
    by_row = {o.number: o for o in (r.outcome for r in plan.rows)}
    assert by_row[2].status == "new"
    expected = {
        3: ("Ondernemingsnummer", "bad checksum"),
        4: ("Fase", "not an open stage"),
        5: ("Eigenaar", "does not act for EUKA"),
        6: ("E-mail", "not an e-mail address"),
        7: ("Datum", "is not a date"),
        8: ("Ondernemingsnummer", "duplicate of row 2"),
        9: ("Ondernemingsnummer", "a member of EUKA already"),
        10: ("Ondernemingsnummer", "missing"),
    }
    for number, (column, words) in expected.items():
        outcome = by_row[number]
        assert outcome.status == "rejected", number
        assert outcome.problems[0].column == column and words in outcome.problems[0].message, (
            number,
            outcome.reason,
        )
    assert plan.counts == {"new": 1, "updated": 0, "unchanged": 0, "rejected": 8}


def test_the_import_commits_once_and_again_changes_nothing(cluster_a):
    rows = [
        [dotted(enterprise_number(7100)), "Een NV", "new", "", "een@x.example", ""],
        [dotted(enterprise_number(7101)), "Twee NV", "meeting", "cluster_manager_a", "",
         "01/03/2027"],
    ]  # fmt: skip
    table = read_table(_csv(rows), "prospects.csv")
    mapping = importing.suggest_mapping(table)
    result = importing.commit(table, cluster_a, mapping, actor=_actor())
    assert result.counts == {"new": 2, "updated": 0, "unchanged": 0, "rejected": 0}
    two = Prospect.objects.get(enterprise_number=enterprise_number(7101))
    assert (two.stage, two.source, two.owner.username) == (
        "meeting",
        Source.IMPORT,
        "cluster_manager_a",
    )
    assert two.next_step_date == datetime.date(2027, 3, 1)
    again = importing.commit(table, cluster_a, mapping, actor=_actor())
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    assert Prospect.objects.count() == 2 and ProspectStep.objects.count() == 2
    rows[0][4] = "nieuw@x.example"
    changed = importing.commit(read_table(_csv(rows), "p.csv"), cluster_a, mapping, actor=_actor())
    assert changed.counts["updated"] == 1


def test_the_import_runs_through_the_web_wizard(web, cluster_a):
    client = web("cluster_manager_a")
    rows = [[dotted(enterprise_number(7200)), "Wizard NV", "", "", "", ""]]
    upload = SimpleUploadedFile("prospects.csv", _csv(rows))
    response = client.post(reverse("prospects:import-upload", args=["EUKA"]), {"file": upload})
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("imports:import-detail", args=[batch.pk])
    assert batch.kind == "prospects"
    form = client.get(reverse("imports:import-detail", args=[batch.pk])).context["form"]
    mapping = {name: field.initial or "" for name, field in form.fields.items()}
    client.post(reverse("imports:import-detail", args=[batch.pk]), mapping)
    client.post(reverse("imports:import-commit", args=[batch.pk]))
    assert Prospect.objects.get().company_name == "Wizard NV"
    # The other cluster's manager cannot reach the batch; the agency reads but may not import.
    assert (
        web("cluster_manager_b").get(reverse("imports:import-detail", args=[batch.pk])).status_code
        == 404
    )
    assert (
        web("account_manager").get(reverse("imports:import-detail", args=[batch.pk])).status_code
        == 403
    )


def test_a_file_that_is_not_a_table_is_refused_with_its_name(web, cluster_a):
    client = web("cluster_manager_a")
    upload = SimpleUploadedFile("prospects.exe", b"MZ\x00\x00")
    response = client.post(reverse("prospects:import-upload", args=["EUKA"]), {"file": upload})
    assert response.status_code == 200 and "Use an .xlsx or .csv file." in response.content.decode()
    broken = SimpleUploadedFile("prospects.xlsx", b"PK\x03\x04 not really a workbook")
    response = client.post(reverse("prospects:import-upload", args=["EUKA"]), {"file": broken})
    assert response.status_code == 200 and not ImportBatch.objects.exists()


def test_a_join_request_lost_in_the_pipeline_needs_the_message_to_the_company(
    web, cluster_a, monkeypatch
):
    from django.core import mail
    from django.utils import timezone

    from clustermonitor.portal import services_join
    from clustermonitor.portal.models import JoinRequest

    monkeypatch.setattr(services_join.transaction, "on_commit", lambda send, **kw: send())
    join = JoinRequest.objects.create(
        cluster=cluster_a,
        enterprise_number=NUMBER,
        company_name="Aanvrager NV",
        contact_name="Anna Aanvrager",
        email="anna@aanvrager.example",
        consent_text="Akkoord.",
    )
    services_join.confirm(join)
    prospect = Prospect.objects.get(join_request_id=join.pk)
    assert prospect.source == Source.PORTAL and prospect.next_step_date == timezone.localdate()
    client = web("cluster_manager_a")
    page = client.get(reverse("prospects:prospect-detail", args=[prospect.pk])).content.decode()
    assert reverse("portal:join-request-detail", args=[join.pk]) in page
    move = reverse("prospects:prospect-move", args=[prospect.pk])
    response = client.post(move, {"stage": "lost", "lost_reason": "no_fit"})
    assert response.status_code == 400 and "message" in response.context["move_form"].errors
    client.post(move, {"stage": "lost", "lost_reason": "no_fit", "message": "Niet voor ons."})
    join.refresh_from_db()
    assert join.state == JoinRequest.State.DECLINED and join.decision_message == "Niet voor ons."
    assert mail.outbox[-1].to == ["anna@aanvrager.example"]
    assert timezone.now() >= join.decided_at
