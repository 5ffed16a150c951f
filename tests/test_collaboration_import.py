"""The collaboration import wizard as a cluster manager meets it: a Dutch `;` file, the
dry run with row-level refusals, the commit, re-imports (issue 5 §8)."""

import csv
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clustermonitor.collaborations.models import Collaboration, Stage
from clustermonitor.core.imports.models import ImportBatch
from clustermonitor.core.models import AuditEntry
from tests.collaboration_helpers import (
    HEADERS,
    _audited,
    _companies,
    _number,
    _row_with,
    _said,
    _university,
    _workbook,
)
from tests.factories import dotted, membership

# 5. The import wizard --------------------------------------------------------------------


def _csv(rows, name="samenwerkingen.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"))


def _row(title, parties="", stage="", since="", start="", purpose="", instrument="", clusters=""):
    return [title, parties, stage, since, start, purpose, instrument, clusters, ""]


def _dry_run(client, rows, name="samenwerkingen.csv"):
    """Upload, accept the suggested mapping, and return the batch and the dry run."""
    response = client.post(
        reverse("collaborations:collaboration-import", args=["EUKA"]), {"file": _csv(rows, name)}
    )
    batch = ImportBatch.objects.filter(kind="collaborations").latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("members:import-detail", args=[batch.pk])
    form = client.get(reverse("members:import-detail", args=[batch.pk])).context["form"]
    mapping = {name: field.initial or "" for name, field in form.fields.items()}
    checked = client.post(reverse("members:import-detail", args=[batch.pk]), mapping)
    assert checked.status_code == 302
    page = client.get(reverse("members:import-detail", args=[batch.pk]))
    return batch, page


def _reasons(result) -> dict[int, str]:
    return {o.number: o.reason for o in result.rejected}


def test_journey_import_a_list_of_collaborations(web, cluster_a, cluster_b):
    client = web("cluster_manager_a")
    lead, partner, third = _companies(10, 3)
    for company in (lead, partner, third):  # parties EUKA's manager may name: its members
        membership(company, cluster_a)
    university = _university()  # a knowledge institution: any cluster may name it
    unknown = dotted(_number(99))  # valid, but no organisation of the registry
    parties = (
        f"{dotted(lead.enterprise_number)} (trekker); {dotted(partner.enterprise_number)}; "
        f"{dotted(third.enterprise_number)}; {dotted(university.enterprise_number)} (kennispartner)"
    )
    stopped = _row("Gestopte verkenning", stage="gestopt", since="01/06/2018")
    stopped[-1] = "gebrek aan financiering"
    no_reason = _row("Stop zonder reden", stage="gestopt", since="01/06/2018")
    rows = [
        # 2: started, with three companies and a university
        _row(
            "Drone-inspectie van windturbines",
            parties,
            "gestart",
            "01/03/2018",
            "01/03/2018",
            "pilot",
            "COOCK",
        ),
        # 3: intercluster, with BIM
        _row(
            "Dronedata voor BIM-modellen",
            dotted(partner.enterprise_number),
            "ingediend",
            "15/02/2018",
            clusters="BIM",
        ),
        # 4: an idea, no stage given
        _row("Opleiding dronepiloot", purpose="opleiding"),
        # 5: stopped with its reason
        stopped,
        # 6-12: rejected
        _row("Onbekende partner", f"{unknown} (partner)"),
        _row("Met een onbekende cluster", clusters="NOPE"),
        no_reason,
        _row("Slechte datum", stage="verkenning", since="31/02/2018"),
        _row("Vaag doel", purpose="vaag"),
        _row("Drone-inspectie van windturbines", stage="idee"),
        _row("Slecht nummer", "0200.000.001"),
    ]
    batch, page = _dry_run(client, rows)
    result = page.context["result"]
    assert result.counts == {"new": 4, "updated": 0, "unchanged": 0, "rejected": 7}
    assert list(result.extra_counts.values()) == [1, 5]  # intercluster, parties
    assert _reasons(result) == {
        6: f"Partijen: {unknown} is no organisation in the registry",
        7: "Clusters: NOPE is no cluster",
        8: "Reden stop: Say why the collaboration stopped.",
        9: "Sinds: '31/02/2018' is not a date (use dd/mm/yyyy)",
        10: "Doel: vaag is not one of: research, testing, market, competence, standards, "
        "roadmap, other",
        11: "Titel: duplicate of row 2",
        12: "Partijen: 0200.000.001: bad checksum",
    }
    rejected_table = _row_with(page.content.decode(), "NOPE is no cluster")
    assert "<td>7</td>" in rejected_table
    assert not Collaboration.objects.filter(title="Opleiding dronepiloot").exists()  # a dry run

    download = client.get(reverse("members:import-rejected", args=[batch.pk]))
    sheet = _workbook(download).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0] == (*HEADERS, "reason")
    assert [r[0] for r in table[1:]] == [rows[i][0] for i in range(4, 11)]
    assert table[2][-1] == "Clusters: NOPE is no cluster"

    committed = client.post(reverse("members:import-commit", args=[batch.pk]), follow=True)
    assert _said(committed) == ["Imported: 4 new, 0 updated, 0 unchanged, 7 rejected."]
    turbines = Collaboration.objects.get(title="Drone-inspectie van windturbines")
    assert turbines.stage == Stage.STARTED and turbines.start_date == datetime.date(2018, 3, 1)
    assert (turbines.purpose, turbines.instrument) == ("testing", "coock")
    assert dict(turbines.parties.values_list("organisation", "role")) == {
        lead.pk: "lead",
        partner.pk: "partner",
        third.pk: "partner",
        university.pk: "knowledge",
    }
    bim = Collaboration.objects.get(title="Dronedata voor BIM-modellen")
    assert {c.code for c in bim.clusters.all()} == {"EUKA", "BIM"}
    assert bim.stage == Stage.SUBMITTED
    assert Collaboration.objects.get(title="Opleiding dronepiloot").stage == Stage.IDEA
    stop = Collaboration.objects.get(title="Gestopte verkenning")
    assert (stop.stage, stop.stop_reason) == (Stage.STOPPED, "finance")
    assert _audited(turbines, action="create", via="web").exists()
    batch.refresh_from_db()
    assert batch.state == "committed" and len(batch.report["rejected"]) == 7
    after_commit = _workbook(client.get(reverse("members:import-rejected", args=[batch.pk])))
    assert after_commit.active.max_row == 8 and after_commit.active.cell(1, 10).value == "reason"

    # The same file again: every good row unchanged, and nothing is written.
    entries = AuditEntry.objects.count()
    again, page = _dry_run(client, rows)
    counts = page.context["result"].counts
    assert counts == {"new": 0, "updated": 0, "unchanged": 4, "rejected": 7}
    client.post(reverse("members:import-commit", args=[again.pk]))
    assert AuditEntry.objects.count() == entries

    # A file that moves a collaboration back is refused for that row: do it on its page.
    back, page = _dry_run(
        client, [_row("Drone-inspectie van windturbines", stage="idee")], name="terug.csv"
    )
    assert _reasons(page.context["result"]) == {
        2: "Stadium: Going back from “started” to “idea” needs a note saying why."
    }
    client.post(reverse("members:import-commit", args=[back.pk]))
    turbines.refresh_from_db()
    assert turbines.stage == Stage.STARTED


def test_an_import_needs_a_dry_run_and_the_other_manager_cannot_see_the_batch(web, cluster_a):
    client = web("cluster_manager_a")
    client.post(
        reverse("collaborations:collaboration-import", args=["EUKA"]),
        {"file": _csv([_row("Eén idee")])},
    )
    batch = ImportBatch.objects.filter(kind="collaborations").latest("pk")
    refused = client.post(reverse("members:import-commit", args=[batch.pk]), follow=True)
    assert _said(refused) == ["Check the file (dry run) before importing it."]
    assert not Collaboration.objects.filter(title="Eén idee").exists()
    other = web("cluster_manager_b")
    assert other.get(reverse("members:import-detail", args=[batch.pk])).status_code == 404
    assert other.post(reverse("members:import-commit", args=[batch.pk])).status_code == 404


def test_a_started_row_without_any_date_is_refused(web, cluster_a):
    _batch, page = _dry_run(
        web("cluster_manager_a"), [_row("Gestart zonder datum", stage="gestart")]
    )
    reasons = _reasons(page.context["result"])
    assert list(reasons) == [2] and "start date" in reasons[2]


def test_reimporting_a_started_row_with_only_a_stage_date_changes_nothing(web, cluster_a):
    client = web("cluster_manager_a")
    rows = [_row("Gestart met alleen Sinds", stage="gestart", since="01/03/2018")]
    first, _page = _dry_run(client, rows)
    client.post(reverse("members:import-commit", args=[first.pk]))
    started = Collaboration.objects.get(title="Gestart met alleen Sinds")
    assert started.start_date == datetime.date(2018, 3, 1)
    again, page = _dry_run(client, rows)
    assert page.context["result"].counts["unchanged"] == 1
    client.post(reverse("members:import-commit", args=[again.pk]))
    started.refresh_from_db()
    assert started.start_date == datetime.date(2018, 3, 1)


def test_a_new_stop_reason_in_a_file_is_applied_or_refused_not_promised(web, cluster_a):
    client = web("cluster_manager_a")
    stopped = _row("Gestopt wegens geld", stage="gestopt", since="01/06/2018")
    stopped[-1] = "financiering"
    first, _page = _dry_run(client, [stopped])
    client.post(reverse("members:import-commit", args=[first.pk]))
    stopped[-1] = "engagement"  # lack of commitment after all
    changed, page = _dry_run(client, [stopped])
    client.post(reverse("members:import-commit", args=[changed.pk]))
    collaboration = Collaboration.objects.get(title="Gestopt wegens geld")
    # Either fix passes: apply the new reason, or refuse the row (then it is no update).
    if page.context["result"].counts["updated"]:
        assert collaboration.stop_reason == "commitment"
    _again, page = _dry_run(client, [stopped])
    assert page.context["result"].counts["updated"] == 0
