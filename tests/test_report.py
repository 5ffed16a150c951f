"""The evaluation report on the calibrated demo (issue 8; docs/report.md): the whole
report is built from the records, reproduces the 2020 figures the demo is calibrated
to, is byte-identical when built twice, and its PDF pages render (pdftoppm).

The demo is loaded once for the module inside a transaction rolled back at the end
(as in tests/test_demo_data.py); progress reports only for two clusters, to keep it
quick."""

import datetime
import io
import re
import subprocess

import pytest
from django.db import transaction
from django.utils import translation
from openpyxl import load_workbook

from clustermonitor import demodata
from clustermonitor.reports import render
from clustermonitor.reports.build import CHAPTERS, build_document
from clustermonitor.reports.document import Figure, Table
from tests.test_report_render import _pdf_tools

AS_OF = datetime.date(2020, 1, 31)


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        demodata.load(workflow=("EUKA", "MAAS"))
        steps = []
        first = build_document(as_of=AS_OF, progress=lambda p, s: steps.append((p, s)))
        second = build_document(as_of=AS_OF)
        yield {
            "document": first,
            "steps": steps,
            "html": (render.render_html(first), render.render_html(second)),
            "xlsx": (render.render_xlsx(first), render.render_xlsx(second)),
            "pdf": render.render_pdf(first),
        }
        transaction.set_rollback(True)


@pytest.fixture
def report(built, db):
    return built


def _table(document, key) -> Table:
    return next(t for t in document.tables() if t.key == key)


def _figure(document, key) -> Figure:
    return next(f for f in document.figures() if f.key == key)


def test_html_and_xlsx_are_byte_identical_for_the_same_data_and_date(report):
    first, second = report["html"]
    assert first == second
    first, second = report["xlsx"]
    assert first == second


def test_every_chapter_is_there_in_the_evaluations_order(report):
    document = report["document"]
    assert len(document.sections) == len(CHAPTERS)
    html = report["html"][0]
    titles = re.findall(r'<li class="level1"><a href="#s\d+">\d+ ([^<]+)</a>', html)
    assert titles[:4] == [
        "Samenvatting",
        "Context en portefeuille",
        "Bereik van het ledenbestand",
        "KPI&#x27;s van het programma",
    ]
    # Progress is reported after every chapter, ending at 90 % (the files follow).
    assert [step for _p, step in report["steps"]] == CHAPTERS
    assert report["steps"][-1][0] == 90


def test_the_seed_reports_tables_and_figures_are_computed(report):
    document = report["document"]
    keys = {t.key for t in document.tables()} | {f.key for f in document.figures()}
    expected = {
        "table1", "table3", "table4",  # context and portfolio
        "fig2", "fig3", "fig4", "fig5",  # reach
        "table5", "table7",  # KPIs
        "table8",  # co-financing
        "kpi3", "typology",  # collaborations
        "table10", "fig_network",  # intercluster projects
        "survey_response", "fig6", "fig7a", "fig7b", "q7_q10_means", "nonresponse",  # survey
        "exit_plans",  # exit and maturity (readiness: no criteria set published by 2020)
        "definitions", "published",  # annexes
    }  # fmt: skip
    assert expected <= keys, expected - keys
    for figure in document.figures():
        assert figure.svg.startswith("<svg"), figure.key


def test_table_7_carries_the_members_the_demo_is_calibrated_to(report):
    from clustermonitor.demodata.calibrate import cluster_specs

    table = _table(report["document"], "table7")
    codes = [row[0] for row in table.rows[: -table.total_rows or None]]
    reported = [s.code for s in cluster_specs() if s.reported]
    assert set(reported) <= set(codes)


def test_the_survey_chapter_shows_the_2020_response(report):
    with translation.override("nl"):
        table = _table(report["document"], "survey_response")
    flat = [cell for row in table.rows for cell in row]
    assert 1065 in flat and 328 in flat and 269 in flat
    html = report["html"][0]
    assert "1.065" in html and "269" in html
    # The summary states the same response as the chapter.
    summary = " ".join(b.text for b in report["document"].sections[0].blocks)
    assert "1.065" in summary and "328" in summary and "269" in summary


def test_the_published_annex_lists_every_published_figure(report):
    from clustermonitor.monitoring import published

    table = _table(report["document"], "published")
    rows = published.comparison(_programme(), AS_OF)
    assert len(rows) > 100
    assert len(table.rows) == len(rows)
    # The demo's survey gives the published means (Q7 pools its five statements).
    by_key = {r.key: r for r in rows}
    assert round(by_key["survey.q2_relevance_mean"].computed, 2) == 3.01
    assert round(by_key["survey.q7_collaborative_strength_mean"].computed, 2) == 2.82
    assert by_key["survey.completed"].computed == 269


def _programme():
    from clustermonitor.programmes.models import Programme

    return Programme.objects.order_by("pk").first()


def test_the_workbook_has_one_sheet_per_table(report):
    workbook = load_workbook(io.BytesIO(report["xlsx"][0]))
    tables = report["document"].tables()
    assert len(workbook.sheetnames) == 1 + len(tables)
    assert workbook.sheetnames[0] == "Inhoud"
    contents = [row[1].value for row in workbook["Inhoud"].iter_rows(min_row=2)]
    assert contents == [t.title for t in tables]


def test_the_pdf_pages_render_and_are_not_empty(report, tmp_path):
    _pdf_tools()
    path = tmp_path / "report.pdf"
    path.write_bytes(report["pdf"])
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    assert pages > 20
    subprocess.run(["pdftoppm", "-png", "-r", "12", str(path), str(tmp_path / "p")], check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == pages
    from PIL import Image

    for image in images:
        with Image.open(image) as picture:
            low, high = picture.convert("L").getextrema()
            assert low < high, f"{image.name} is blank"
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    # The table of contents carries page numbers; landscape pages hold the wide tables.
    assert re.search(r"Samenvatting\s*\.[ .]*\d+", text)
    assert "(A4)" in info.stdout


# -- the same bytes from any process (issue 14) -------------------------------------------


def _snapshot(path) -> None:
    """Copy the test database (the demo, inside the module's open transaction) to a SQLite
    file that another process can open."""
    import sqlite3

    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the snapshot copies a SQLite database; tests/test_same_bytes.py covers both")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def _report_in_a_process(tmp_path, database, seed: str, formats: str) -> dict:
    import os
    import sys

    out = tmp_path / f"out-{seed}"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": seed,
        "CLUSTERMONITOR_VAR_DIR": str(tmp_path / "var"),
        "SQLITE_PATH": str(database),
        "DJANGO_SETTINGS_MODULE": "clustermonitor.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "clustermonitor", "report", "--as-of", AS_OF.isoformat(),
         "--format", formats, "--output", str(out)],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return {p.suffix[1:]: p.read_bytes() for p in out.iterdir()}


def test_two_processes_with_different_hash_seeds_write_the_same_bytes(report, tmp_path):
    """`clustermonitor report` in two fresh processes (PYTHONHASHSEED 1 and 2) on the same
    records writes the same HTML, XLSX and PDF as each other and as this process. Before
    issue 14 sheet "T23 Makelaars onder de clusters" differed in the last digits of the
    betweenness (the order of a set of nodes decided the order of the float additions)."""
    database = tmp_path / "demo.sqlite3"
    _snapshot(database)
    one = _report_in_a_process(tmp_path, database, "1", "html,pdf,xlsx")
    two = _report_in_a_process(tmp_path, database, "2", "html,xlsx")
    assert one["xlsx"] == two["xlsx"]
    assert one["html"] == two["html"]
    assert one["xlsx"] == report["xlsx"][0]
    assert one["html"] == report["html"][0]
    assert one["pdf"] == report["pdf"]
