"""The same bytes from any process, on either database (issue 14; docs/report.md).

`clustermonitor report` runs as a real command in fresh processes with different
PYTHONHASHSEED on the calibrated demo, committed to a SQLite file by a process of its own:
HTML, XLSX and PDF are byte-identical. Before issue 14 sheet "T23 Makelaars onder de
clusters" differed in the last digits of the betweenness (0.0907936507936508 against
0.09079365079365082): the order of a set of nodes decided the order of the float sums.

When the suite runs on PostgreSQL the demo is also loaded into a PostgreSQL database of
its own, and its report must be the same bytes as the SQLite one.

Costly (each report takes its time), so the processes run side by side, on copies of
the session's demo (tests/demo_copies.py: loaded once per session), and their files serve
every test here: the PostgreSQL report is compared with the first SQLite one, and the
PDF's pages are rendered from it (pdftoppm)."""

import os
import re
import subprocess
import sys
import uuid

import pytest
from django.conf import settings

from tests import demo_copies
from tests.test_report_render import _pdf_tools

pytestmark = pytest.mark.demo  # reports on a copy of the session's committed demo

AS_OF = "2020-01-31"
FORMATS = "html,pdf,xlsx"


def _env(tmp, seed: str, database_url: str = "") -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": seed,
        "CLUSTERMONITOR_VAR_DIR": str(tmp / "var"),
        "SQLITE_PATH": str(tmp / "demo.sqlite3"),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _run(args, env):
    return subprocess.Popen(
        [sys.executable, "-m", "clustermonitor", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _wait(process, timeout=1500):
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err[-2000:]
    return out


def _files(folder) -> dict:
    return {p.suffix[1:]: p.read_bytes() for p in folder.iterdir()}


def _reports(tmp, envs: dict) -> dict:
    """Run one report per environment side by side; {name: {format: bytes}}."""
    running = {}
    for name, env in envs.items():
        out = tmp / f"out-{name}"
        args = ["report", "--as-of", AS_OF, "--format", FORMATS, "--output", str(out)]
        running[name] = (_run(args, env), out)
    for process, _out in running.values():
        _wait(process)
    return {name: _files(out) for name, (_process, out) in running.items()}


@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("same-bytes")
    # The session's committed demo (tests/demo_copies.py).
    demo_copies.copy_demo_sqlite(demo_copies.shared_folder(tmp_path_factory), tmp / "demo.sqlite3")
    return tmp


@pytest.fixture(scope="module")
def sqlite_reports(sqlite_demo) -> dict:
    """The report from two processes with hash seeds 1 and 2 on the SQLite demo."""
    _pdf_tools()  # the PDF needs WeasyPrint (Pango): skip without, fail in CI
    return _reports(sqlite_demo, {"1": _env(sqlite_demo, "1"), "2": _env(sqlite_demo, "2")})


def test_two_processes_with_different_hash_seeds_write_the_same_bytes(sqlite_reports):
    found = sqlite_reports
    assert set(found["1"]) == {"html", "pdf", "xlsx"}
    for kind in ("html", "xlsx", "pdf"):
        assert found["1"][kind] == found["2"][kind], kind


def test_the_pdf_pages_render_and_are_not_empty(sqlite_reports, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(sqlite_reports["1"]["pdf"])
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


#: The public calendar's feed (portal/events.py) of the demo's first 300 activities, as
#: a process of its own writes it.
FEED = """
import sys
from django.db.models import Prefetch
from clustermonitor.activities.models import Activity
from clustermonitor.portal import events
activities = Activity.objects.order_by("pk")[:300].prefetch_related(
    Prefetch("clusters", to_attr="organisers")
)
body = events.feed(activities, "Demo", lambda a: f"http://example.org/#activity-{a.pk}")
sys.stdout.write(body.decode())
"""


#: Between the feed and the open figures in the output of a process that writes both.
BETWEEN = "\n=== the open figures ===\n"


@pytest.fixture(scope="module")
def written(sqlite_demo) -> list[tuple[str, str]]:
    """The calendar feed and the open figures (`FEED`, `FIGURES`), written by two
    processes with hash seeds 1 and 2 on the SQLite demo, side by side; each process's
    (feed, figures)."""
    script = f"{FEED}\nsys.stdout.write({BETWEEN!r})\n{FIGURES}"
    running = [
        _run(["shell", "--no-imports", "-c", script], _env(sqlite_demo, seed)) for seed in "12"
    ]
    outputs = [_wait(process) for process in running]
    for output in outputs:
        assert output.count(BETWEEN) == 1
    return [tuple(output.split(BETWEEN)) for output in outputs]


def test_two_processes_write_the_same_calendar_feed(written):
    feeds = [feed for feed, _figures in written]
    assert feeds[0] == feeds[1]
    assert feeds[0].count("BEGIN:VEVENT") == 300


#: The public portal's open figures of the demo as of the evaluation's day, as CSV and
#: JSON (portal/figures.py, core/exporters.py), as a process of its own writes them.
FIGURES = """
import datetime, json, sys
from clustermonitor.core.exporters import csv_bytes
from clustermonitor.portal import figures
for figure in figures.figures(datetime.date(2020, 1, 31)):
    sys.stdout.write(csv_bytes(figure.keys, figure.table(), delimiter=",").decode("utf-8-sig"))
    sys.stdout.write(json.dumps(figures.as_json(figure), ensure_ascii=False, indent=2))
"""


def test_two_processes_write_the_same_open_figures(written):
    figures = [figures for _feed, figures in written]
    assert figures[0] == figures[1]
    from clustermonitor.portal.figures import NAMES

    assert figures[0].count('"as_of": "2020-01-31"') == len(NAMES) and '"licence"' in figures[0]


def test_sqlite_and_postgresql_with_the_same_records_write_the_same_bytes(
    sqlite_demo, sqlite_reports, tmp_path_factory
):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("runs when the suite runs on PostgreSQL (DATABASE_URL)")
    # The same demo, committed to PostgreSQL by a process of its own.
    template = demo_copies.demo_postgres_template(
        demo_copies.shared_folder(tmp_path_factory),
        demo_copies.postgres_admin,
        demo_copies.postgres_url,
        settings.DATABASES["default"]["NAME"],
    )
    name = f"cm_same_bytes_{uuid.uuid4().hex[:8]}"
    demo_copies.postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        postgres = _env(sqlite_demo, "3", demo_copies.postgres_url(name))
        found = _reports(sqlite_demo, {"postgres": postgres})
        for kind in ("html", "xlsx", "pdf"):
            assert sqlite_reports["1"][kind] == found["postgres"][kind], kind
    finally:
        demo_copies.postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
