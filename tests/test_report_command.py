"""`clustermonitor report` and the Generate-report page (docs/report.md): what a person
asks for, what they get, and bad input refused in one line with nothing written.

These run on the shared world (the real portfolio without member records), so the
chapters meet empty data; tests/test_report.py builds the report on the demo."""

import datetime
import io
import subprocess
import sys

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from clustermonitor.core.models import AuditEntry
from clustermonitor.reports import services
from clustermonitor.reports.build import ReportError, resolve
from clustermonitor.reports.models import ReportRun

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_the_command_writes_the_asked_formats(tmp_path):
    out = io.StringIO()
    call_command(
        "report",
        "--format",
        "html,xlsx",
        "--clusters",
        "EUKA,bim",
        "--as-of",
        "2020-01-31",
        "--output",
        str(tmp_path),
        stdout=out,
    )
    stem = "clustermonitor-report-2020-01-31-BIM-EUKA-nl"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{stem}.html", f"{stem}.xlsx"]
    assert out.getvalue().split() == [
        str(tmp_path / f"{stem}.html"),
        str(tmp_path / f"{stem}.xlsx"),
    ]
    html = (tmp_path / f"{stem}.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in html and "31 januari 2020" in html
    assert "BIM, EUKA" in html
    sheets = load_workbook(tmp_path / f"{stem}.xlsx").sheetnames
    assert sheets[0] == "Inhoud" and len(sheets) > 5


def test_the_command_in_english_makes_an_english_report(tmp_path):
    call_command(
        "report", "--format", "html", "--lang", "en", "--as-of", "2020-01-31",
        "--output", str(tmp_path),
    )  # fmt: skip
    html = (tmp_path / "clustermonitor-report-2020-01-31-en.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Evaluation of the cluster programme" in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "1999-12-31"], "--as-of 1999-12-31 is before the programme started"),
        (["--as-of", "31/01/2020"], "--as-of '31/01/2020' is not a date (YYYY-MM-DD)."),
        (["--clusters", "EUKA,NOPE,XX"], "Unknown cluster code(s): NOPE, XX."),
        (["--format", "html,docx"], "Unknown format(s) docx: use html, pdf and/or xlsx."),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, args, message):
    with pytest.raises(CommandError) as error:
        call_command("report", *args, "--lang", "en", "--output", str(tmp_path / "out"))
    assert message in str(error.value)
    assert "\n" not in str(error.value)
    assert not (tmp_path / "out").exists()


def test_an_unwritable_folder_is_refused_before_the_report_is_built(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(CommandError, match=r"^Cannot write to .*a-file/out: "):
        call_command("report", "--format", "html", "--lang", "en", "--output", str(blocker / "out"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "docx", "--lang", "en"], "Unknown format(s) docx"),
        (["--format", "docx"], "Onbekend(e) formaat/formaten docx"),
        (["--clusters", "NOPE"], "De databank is niet klaar (no such table"),
    ],
)
@pytest.mark.slow
def test_the_command_line_exits_non_zero_with_one_line(tmp_path, args, message):
    """The real process, on an empty database: one line on stderr, exit code 1."""
    result = subprocess.run(
        [sys.executable, "-m", "clustermonitor", "report", *args, "--output", str(tmp_path)],
        capture_output=True, text=True, env={"CLUSTERMONITOR_VAR_DIR": str(tmp_path / "var"),
                                             "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )  # fmt: skip
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("CommandError: ") and message in lines[0]


def test_resolve_defaults_to_today_and_every_cluster():
    ctx = resolve(None, None, "nl")
    assert ctx.as_of == datetime.date.today()
    assert [c.code for c in ctx.clusters] == sorted(c.code for c in ctx.clusters)
    assert len(ctx.ibns) == 20 and len(ctx.spcs) == 6
    assert not ctx.selected


def test_unknown_language_is_refused():
    with pytest.raises(ReportError, match="Unknown language fr"):
        resolve(None, None, "fr")


def test_codes_and_formats_are_normalised():
    assert services.parse_codes("euka; bim ,EUKA") == ["BIM", "EUKA"]
    assert services.parse_formats("XLSX,html") == ["html", "xlsx"]


# -- the web page ---------------------------------------------------------------------


def test_generate_report_from_the_page(web, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    client = web("evaluator")
    page = client.get(reverse("reports:runs"))
    assert page.status_code == 200
    assert b'id="generate-report"' in page.content
    response = client.post(
        reverse("reports:runs"),
        {"as_of": "2020-01-31", "clusters": ["EUKA"], "lang": "nl", "formats": ["html", "xlsx"]},
    )
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:run-detail", args=[run.pk])
    # The tests run tasks immediately (the demo too); production queues them for db_worker.
    assert run.state == "done" and run.progress == 100
    assert run.files == [
        "clustermonitor-report-2020-01-31-EUKA-nl.html",
        "clustermonitor-report-2020-01-31-EUKA-nl.xlsx",
    ]
    assert run.requested_by.username == "evaluator"
    detail = client.get(reverse("reports:run-detail", args=[run.pk]))
    assert b"clustermonitor-report-2020-01-31-EUKA-nl.xlsx" in detail.content
    assert b"hx-trigger" not in detail.content  # done: the page stops polling
    html = client.get(reverse("reports:run-file", args=[run.pk, "html"]))
    assert html["Content-Type"].startswith("text/html")
    assert "script-src" not in html["Content-Security-Policy"]
    assert "default-src 'none'" in html["Content-Security-Policy"]
    download = client.get(reverse("reports:run-file", args=[run.pk, "xlsx"]))
    assert download["Content-Disposition"].startswith("attachment;")
    assert client.get(reverse("reports:run-file", args=[run.pk, "pdf"])).status_code == 404
    listing = client.get(reverse("reports:runs"))
    assert f'data-run="{run.pk}"'.encode() in listing.content
    actions = list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(ReportRun), object_id=str(run.pk)
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[0] == "create" and len(actions) >= 3  # asked, started, finished


def test_the_page_refuses_a_date_before_the_programme(web):
    client = web("programme_manager")
    response = client.post(
        reverse("reports:runs"), {"as_of": "1990-01-01", "lang": "nl", "formats": ["html"]}
    )
    assert response.status_code == 200
    assert b"is before the programme started" in response.content
    assert not ReportRun.objects.exists()


def test_a_failed_run_shows_its_error(web, tmp_path, settings, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    from clustermonitor.reports import render

    def broken(document):
        raise RuntimeError("Pango is not installed")

    monkeypatch.setattr(render, "render_pdf", broken)
    client = web("evaluator")
    client.post(reverse("reports:runs"), {"as_of": "2020-01-31", "lang": "nl", "formats": ["pdf"]})
    run = ReportRun.objects.get()
    assert run.state == "failed" and run.files == []
    assert "Pango is not installed" in run.error
    assert (
        b"Pango is not installed"
        in client.get(reverse("reports:run-detail", args=[run.pk])).content
    )
    assert list(tmp_path.rglob("*.pdf")) == [] and list(tmp_path.rglob("*.part")) == []


def test_a_running_run_polls_its_progress(web):
    run = ReportRun.objects.create(
        as_of=datetime.date(2020, 1, 31),
        formats=["html"],
        state="running",
        progress=40,
        step="reach",
    )
    detail = web("evaluator").get(
        reverse("reports:run-detail", args=[run.pk]), HTTP_HX_REQUEST="true"
    )
    assert b'hx-trigger="every 2s"' in detail.content and b'value="40"' in detail.content
    assert b"<html" not in detail.content  # only the card, for htmx to swap


@pytest.mark.parametrize(
    ("files", "opened"),
    [
        (["r.html", "r.pdf", "r.xlsx"], ("html", "")),
        (["r.xlsx"], ("xlsx", "?download=1")),
    ],
)
def test_a_run_that_finishes_while_the_page_waits_opens_its_report(web, files, opened):
    """Issue 16: the page polls while the run works; the poll that finds it done sends
    the browser to the report (the HTML one, else the first file as a download)."""
    run = ReportRun.objects.create(
        as_of=datetime.date(2020, 1, 31), formats=["html"], state="done", progress=100, files=files
    )
    url = reverse("reports:run-detail", args=[run.pk])
    poll = web("evaluator").get(url, HTTP_HX_REQUEST="true")
    fmt, query = opened
    assert poll["HX-Redirect"] == reverse("reports:run-file", args=[run.pk, fmt]) + query
    page = web("evaluator").get(url)  # opened later, without waiting: the list of files
    assert page.status_code == 200 and "HX-Redirect" not in page and b"report-files" in page.content
