"""The report's renderers (docs/report.md): one document → HTML, PDF and XLSX.

Built on a small hand-made document so that each rule of the layout is checked on its
own: numbering, number formats per language, typed workbook cells, determinism, the
PDF's pages (rendered to PNG with pdftoppm and checked non-empty)."""

import datetime
import io
import itertools
import os
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from clustermonitor.core.templatetags import format as web_format
from clustermonitor.reports import render
from clustermonitor.reports.document import (
    Document,
    Figure,
    Formatter,
    Money,
    Percent,
    Section,
    Table,
)

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">'
    '<rect x="10" y="10" width="120" height="60" fill="#00529b"/></svg>'
)


def document(lang="nl") -> Document:
    reach = Section("reach", "Bereik").text("Tekst met 59,9 % kmo's.")
    reach.add(
        Table(
            "table7",
            "Leden per cluster",
            ["Cluster", "Leden", "Aandeel", "Bijdragen", "Sinds"],
            [
                ["EUKA", 57, Percent(0.599, 1), Money(Decimal("12500")), datetime.date(2017, 1, 1)],
                ["BIM", 1234, Percent(0.25), Money(3000), None],
                ["Totaal", 1291],
            ],
            notes=["* na 1 werkingsjaar"],
            total_rows=1,
        ),
        Figure("fig2", "Grootteklassen", SVG, caption="n = 1.291"),
    )
    reach.subsections.append(
        Section("reach-age", "Leeftijd").add(
            Table("table8", "Leeftijd", ["Klasse", "n"], [["<5", 3]])
        )
    )
    kpis = Section("kpis", "KPI's").add(
        Table("table9", "KPI's", ["KPI", "Waarde"], [["KPI1", 1.5]])
    )
    return Document(
        title="Evaluatie",
        subtitle="Programma",
        as_of=datetime.date(2020, 1, 31),
        lang=lang,
        cluster_codes=["BIM", "EUKA"],
        sections=[reach, kpis],
    )


def test_formatter_is_belgian_per_language():
    nl, en = Formatter("nl"), Formatter("en")
    assert nl.number(1234.5, 1) == "1.234,5"
    # English pages use Belgian English (en_BE), as the web pages do.
    with translation.override("en"):
        assert en.number(1234.5, 1) == web_format.format_number(1234.5, 1)
        assert en.percent(0.25) == web_format.format_percent(0.25)
    assert nl.percent(0.599, 1).replace("\u202f", " ").replace("\xa0", " ") == "59,9 %"
    assert nl.money(Decimal("12500")).replace("\xa0", " ") == "€ 12.500"
    assert nl.date(datetime.date(2020, 1, 31), long=True) == "31 januari 2020"
    assert nl.cell(None) == "–" and nl.cell(float("nan")) == "–"


def test_html_numbers_sections_tables_and_figures():
    html = render.render_html(document())
    assert html.startswith("<!DOCTYPE html>") or html.lstrip().startswith("{") is False
    assert '<section id="s1" class="level1">' in html
    assert '<section id="s1-1" class="level2">' in html
    assert "1.1 Leeftijd" in html and "2 KPI&#x27;s" in html
    # Tables and figures are numbered in order of appearance, across sections.
    assert "Tabel 1: Leden per cluster" in html
    assert "Tabel 2: Leeftijd" in html and "Tabel 3: KPI" in html
    assert "Figuur 1: Grootteklassen" in html
    # Cells formatted for Dutch; numeric columns right-aligned; the total row marked.
    nl = Formatter("nl")
    assert f'<td class="num">{nl.percent(0.599, 1)}</td>' in html
    assert f'<td class="num">{nl.money(12500)}</td>' in html
    assert '<td class="num">1.234</td>' in html
    assert '<tr class="total"><td>Totaal</td><td class="num">1.291</td>' in html
    # The missing cells of a short row show a dash.
    assert html.count("<td>–</td>") + html.count('<td class="num">–</td>') >= 3


def test_html_is_self_contained():
    html = render.render_html(document())
    assert "<style>" in html and SVG in html
    for outside in ("<script", "<link", 'src="http', "@import"):
        assert outside not in html


def test_html_in_english():
    html = render.render_html(document("en"))
    assert '<html lang="en">' in html
    assert "Table 1: Leden per cluster" in html and "Figure 1:" in html
    assert f'<td class="num">{Formatter("en").percent(0.599, 1)}</td>' in html


def test_html_and_xlsx_are_byte_identical_for_the_same_document():
    assert render.render_html(document()) == render.render_html(document())
    assert render.render_xlsx(document()) == render.render_xlsx(document())


def test_xlsx_has_contents_and_one_sheet_per_table_with_typed_cells():
    workbook = load_workbook(io.BytesIO(render.render_xlsx(document())))
    assert workbook.sheetnames == [
        "Inhoud",
        "T01 Leden per cluster",
        "T02 Leeftijd",
        "T03 KPI's",
    ]
    contents = workbook["Inhoud"]
    assert [c.value for c in contents[2]] == [
        1,
        "Leden per cluster",
        "1 Bereik",
        "T01 Leden per cluster",
    ]
    sheet = workbook["T01 Leden per cluster"]
    assert [c.value for c in sheet[1]] == ["Cluster", "Leden", "Aandeel", "Bijdragen", "Sinds"]
    euka = [c.value for c in sheet[2]]
    assert euka[:4] == ["EUKA", 57, 0.599, 12500]
    assert euka[4].date() == datetime.date(2017, 1, 1)
    assert sheet["C2"].number_format == "0.0%"
    assert sheet["D2"].number_format == '"€" #,##0'
    notes = [row[0].value for row in sheet.iter_rows(min_row=5)]
    assert "Tabel 1: Leden per cluster" in notes and "* na 1 werkingsjaar" in notes


def test_sheet_names_are_valid_and_short():
    long = Section("x", "X").add(Table("t", "Co-financing: members/budget [per year]?", ["a"], []))
    doc = document()
    doc.sections.append(long)
    names = load_workbook(io.BytesIO(render.render_xlsx(doc))).sheetnames
    assert names[-1] == "T04 Co-financing  members budge"
    assert all(len(n) <= 31 for n in names)


def test_write_renames_into_place_and_leaves_no_part_files(tmp_path):
    paths = render.write(document(), ["html", "xlsx"], tmp_path, "report")
    assert [p.name for p in paths] == ["report.html", "report.xlsx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.xlsx"]


def test_a_failing_format_writes_nothing(tmp_path, monkeypatch):
    def broken(document):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(render, "render_pdf", broken)
    with pytest.raises(RuntimeError):
        render.write(document(), ["html", "pdf", "xlsx"], tmp_path, "report")
    assert list(tmp_path.iterdir()) == []


REQUIRE_PDF = bool(os.environ.get("CLUSTERMONITOR_REQUIRE_BROWSER"))


def _pdf_tools():
    missing = []
    try:
        import weasyprint  # noqa: F401
    except OSError as error:  # Pango missing
        missing.append(f"WeasyPrint ({error})")
    if shutil.which("pdftoppm") is None:
        missing.append("pdftoppm (poppler-utils)")
    if missing and REQUIRE_PDF:
        pytest.fail("needed for the PDF test: " + ", ".join(missing))
    if missing:
        pytest.skip("needs " + ", ".join(missing))


def test_pdf_is_a4_with_title_contents_and_non_empty_pages(tmp_path):
    _pdf_tools()
    pdf = render.render_pdf(document())
    assert pdf.startswith(b"%PDF-")
    assert b"/CreationDate" not in pdf and render.render_pdf(document()) == pdf  # reproducible
    (tmp_path / "r.pdf").write_bytes(pdf)
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "r.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "595.276 x 841.89 pts (A4)" in info or "595.28 x 841.89 pts (A4)" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    # Title page, contents, then each chapter on a new page.
    assert pages >= 4
    subprocess.run(
        ["pdftoppm", "-png", "-r", "20", str(tmp_path / "r.pdf"), str(tmp_path / "page")],
        check=True,
    )
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    from PIL import Image

    for image in images:
        with Image.open(image) as picture:
            extrema = picture.convert("L").getextrema()
            assert extrema[0] < extrema[1], f"{image.name} is blank"
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Inhoud" in text and "Tabel 1: Leden per cluster" in text
    assert re.search(rf"\b2\s*/\s*{pages}\b", text)  # page numbers "n / total"


def test_long_tables_show_their_first_rows_and_say_how_many_more(monkeypatch):
    monkeypatch.setattr(render, "DISPLAY_ROWS", 2)
    doc = document()
    html = render.render_html(doc)
    assert "… en nog 1 rij in de werkmap (.xlsx)." in html  # Table 1 has 3 rows
    assert "Totaal" not in html  # the total row is the one left out
    everything = Table("all", "All", ["n"], [[1], [2], [3]], display_rows=3)
    doc.sections.append(Section("x", "X").add(everything))
    assert html.count("… en nog") == render.render_html(doc).count("… en nog")
    sheet = load_workbook(io.BytesIO(render.render_xlsx(doc)))["T01 Leden per cluster"]
    assert sheet["A4"].value == "Totaal"  # the workbook keeps every row


@pytest.mark.any_database
def test_pdf_bytes_do_not_depend_on_the_clock_when_fonts_are_subset_by_fonttools(monkeypatch):
    """Without libharfbuzz-subset WeasyPrint subsets fonts with fontTools, which stamped
    each subset with the time of the run: the same report written a second later was
    other bytes (seen in test_same_bytes on a machine without the library)."""
    _pdf_tools()
    from fontTools.misc import timeTools
    from weasyprint.pdf import fonts

    monkeypatch.setattr(fonts, "harfbuzz_subset", None)  # the fontTools path
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    clock = itertools.count(1_700_000_000.0, 1_000.0)  # every reading 1,000 s later
    monkeypatch.setattr(timeTools.time, "time", lambda: next(clock))
    first, second = render.render_pdf(document()), render.render_pdf(document())
    assert first == second
    assert "SOURCE_DATE_EPOCH" not in os.environ  # set for the render only
