"""Issue 13, vulnerability 2: a small upload must not exhaust memory or time.

The hostile files are built here, small on disk; every one is refused with a message
that names the file and the limit (or the row and field), the reader stops early, and
nothing is written. The web upload views answer with the form and its error, never 500.
"""

import csv
import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook

from clustermonitor.core import tabular
from clustermonitor.core.imports.models import ImportBatch
from clustermonitor.core.tabular import TableError, read_table
from clustermonitor.registry.models import KboImport
from clustermonitor.surveys.models import Questionnaire
from tests import matrix_objects as objects
from tests.factories import dotted, enterprise_number, png

pytestmark = pytest.mark.usefixtures("english")


# -- Hostile files -------------------------------------------------------------------


def wide_csv(columns: int, rows: int) -> bytes:
    """The finding's CSV in small: a very wide header, then one-cell rows."""
    header = ",".join(f"c{i}" for i in range(columns))
    return (header + "\n" + "x\n" * rows).encode()


def xlsx_parts(sheet_xml: bytes, extra: dict | None = None) -> bytes:
    """A minimal .xlsx written by hand, so that a sheet of a million rows costs a second
    and stays a few hundred kilobytes on disk."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buffer.getvalue()


def sheet_xml(rows, dimension: str | None = None) -> bytes:
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    if dimension:
        head += f'<dimension ref="{dimension}"/>'.encode()
    return head + b"<sheetData>" + b"".join(rows) + b"</sheetData></worksheet>"


def long_xlsx(rows: int, dimension: bool = True) -> bytes:
    """The finding's 348 KB xlsx in small: one column, many rows."""
    header = b'<row r="1"><c r="A1" t="inlineStr"><is><t>naam</t></is></c></row>'
    body = (f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>'.encode() for i in range(2, rows + 1))
    return xlsx_parts(sheet_xml([header, *body], f"A1:A{rows}" if dimension else None))


def empty_rows_xlsx(rows: int) -> bytes:
    """The finding's 439 KB xlsx in small: rows of nothing, each reaching column XFD."""
    header = b'<row r="1"><c r="A1" t="inlineStr"><is><t>naam</t></is></c></row>'
    body = (f'<row r="{i}"><c r="XFD{i}"/></row>'.encode() for i in range(2, rows + 1))
    return xlsx_parts(sheet_xml([header, *body], f"A1:XFD{rows}"))


def bomb_xlsx(megabytes: int) -> bytes:
    """A sheet that unpacks to far more than it weighs: one cell, then padding."""
    header = b'<row r="1"><c r="A1" t="inlineStr"><is><t>naam</t></is></c></row>'
    padding = b"<!--" + b" " * (megabytes * 1024 * 1024) + b"-->"
    return xlsx_parts(sheet_xml([header, padding], "A1:A1"))


def good_csv(rows=3) -> bytes:
    return ("naam;postcode\n" + "".join(f"Firma {i};9000\n" for i in range(rows))).encode()


# -- The reader ---------------------------------------------------------------------


def test_a_header_wider_than_the_limit_is_refused_at_the_header():
    data = wide_csv(5_000, 5_000)
    assert len(data) < 50_000
    tracemalloc.start()
    try:
        with pytest.raises(TableError) as refused:
            read_table(data, "breed.csv")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(refused.value)
    assert "breed.csv" in message and "5000 columns" in message
    assert "UPLOAD_MAX_COLUMNS" in message and "1000" in message
    # Padding 5,000 rows to 5,000 columns held 25 M cells (hundreds of MB).
    assert peak < 20 * 1024 * 1024


@override_settings(UPLOAD_MAX_COLUMNS=10_000, UPLOAD_MAX_CELLS=100_000)
def test_rows_times_columns_over_the_cell_limit_are_refused_while_reading():
    with pytest.raises(TableError) as refused:
        read_table(wide_csv(2_000, 5_000), "breed.csv")
    message = str(refused.value)
    assert "UPLOAD_MAX_CELLS" in message and "100000" in message
    # stopped at the row that crossed the limit: 2,000 columns × 50 rows, plus the header
    assert "line 51" in message


@override_settings(UPLOAD_MAX_ROWS=1_000)
def test_a_csv_with_too_many_rows_stops_at_the_limit():
    with pytest.raises(TableError) as refused:
        read_table(good_csv(5_000), "lang.csv")
    message = str(refused.value)
    assert "lang.csv" in message and "UPLOAD_MAX_ROWS" in message and "1000" in message
    assert "line 1002" in message  # the header and 1,000 rows were read, not 5,000


def test_an_xlsx_declaring_more_rows_than_the_limit_is_refused_before_parsing(monkeypatch):
    data = long_xlsx(150_000)
    assert len(data) < 1_000_000
    parsed = []
    real = tabular.iter_xlsx_rows
    monkeypatch.setattr(
        tabular, "iter_xlsx_rows", lambda *a, **k: (parsed.append(r) or r for r in real(*a, **k))
    )
    with pytest.raises(TableError) as refused:
        read_table(data, "lang.xlsx")
    message = str(refused.value)
    assert "lang.xlsx" in message and "UPLOAD_MAX_ROWS" in message and "100000" in message
    assert parsed == []  # the sheet's dimension said it all: not one row was read


@override_settings(UPLOAD_MAX_ROWS=1_000)
def test_an_xlsx_without_dimension_stops_counting_at_the_limit():
    with pytest.raises(TableError) as refused:
        read_table(long_xlsx(5_000, dimension=False), "lang.xlsx")
    message = str(refused.value)
    assert "UPLOAD_MAX_ROWS" in message and "row 1002" in message


def test_an_xlsx_of_empty_rows_reaching_column_xfd_is_refused():
    data = empty_rows_xlsx(2_000)
    tracemalloc.start()
    try:
        with pytest.raises(TableError) as refused:
            read_table(data, "leeg.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(refused.value)
    assert "leeg.xlsx" in message and "16384 columns" in message
    assert "UPLOAD_MAX_COLUMNS" in message
    assert peak < 20 * 1024 * 1024


@override_settings(UPLOAD_MAX_UNPACKED_BYTES=5 * 1024 * 1024)
def test_an_xlsx_that_unpacks_beyond_the_limit_is_refused_before_parsing():
    data = bomb_xlsx(20)
    assert len(data) < 200_000
    with pytest.raises(TableError) as refused:
        read_table(data, "bom.xlsx")
    message = str(refused.value)
    assert "bom.xlsx" in message and "UPLOAD_MAX_UNPACKED_BYTES" in message
    assert "5 MB" in message


@override_settings(UPLOAD_MAX_CELLS=1_000)
def test_an_xlsx_with_too_many_shared_strings_is_refused_before_loading_them():
    strings = "".join(f"<si><t>s{i}</t></si>" for i in range(5_000))
    shared = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{strings}</sst>"
    )
    header = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    data = xlsx_parts(sheet_xml([header], "A1:A1"), {"xl/sharedStrings.xml": shared})
    with pytest.raises(TableError) as refused:
        read_table(data, "teksten.xlsx")
    assert "UPLOAD_MAX_CELLS" in str(refused.value)


def test_a_damaged_xlsx_is_refused_not_a_500():
    data = bytearray(long_xlsx(1_000))
    shared = xlsx_parts(sheet_xml([], "A1:A1"), {"xl/sharedStrings.xml": "<sst>" + "x" * 5000})
    start = shared.find(b"sharedStrings.xml") + len("sharedStrings.xml")
    broken = (
        shared[:start] + bytes(b ^ 0xFF for b in shared[start : start + 40]) + shared[start + 40 :]
    )
    for damaged in (bytes(data[: len(data) // 2]), broken, b"not a zip"):
        with pytest.raises(TableError) as refused:
            read_table(damaged, "kapot.xlsx")
        assert "kapot.xlsx" in str(refused.value)


def test_a_normal_xlsx_still_reads_with_its_values():
    workbook = Workbook()
    workbook.active.append(["naam", "postcode"])
    workbook.active.append(["Firma", 9000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "leden.xlsx")
    assert table.headers == ["naam", "postcode"] and table.rows == [(2, ["Firma", "9000"])]


def test_a_csv_field_over_the_field_limit_names_file_line_and_field():
    data = ("naam;omschrijving\nFirma;" + "x" * 140_000 + "\n").encode()
    with pytest.raises(TableError) as refused:
        read_table(data, "lang-veld.csv")
    message = str(refused.value)
    assert "lang-veld.csv" in message and "line 2" in message and "131072" in message


def test_a_nul_byte_is_refused_with_its_line():
    data = b"naam;postcode\nFirma;9000\nFir\x00ma;9000\n"
    with pytest.raises(TableError) as refused:
        read_table(data, "nul.csv")
    message = str(refused.value)
    assert "nul.csv" in message and "NUL" in message and "line 3" in message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_refused_not_read_as_garbage(encoding):
    data = "naam;postcode\nSociété Générale;1000\n".encode(encoding)
    with pytest.raises(TableError) as refused:
        read_table(data, "unicode.csv")
    message = str(refused.value)
    assert "unicode.csv" in message and "UTF-16" in message and "UTF-8" in message


def test_shift_jis_is_refused_not_read_as_windows_1252_garbage():
    rows = ["会社名;住所", "株式会社東京;山田太郎", "トヨタ;中村", "日本;名前"]
    data = "\n".join(["naam;contact", *rows[1:]]).encode("shift_jis")
    data.decode("cp1252")  # it does decode, to garbage: that is the trap
    with pytest.raises(TableError) as refused:
        read_table(data, "japans.csv")
    message = str(refused.value)
    assert "japans.csv" in message and "Windows-1252" in message and "line 2" in message


def test_western_windows_1252_still_reads():
    text = (
        "naam;plaats;noot\n"
        "Société Générale;Liège;“Goed” – zéér\n"
        "Müller & Söhne;Eupen;€ 1.250,50 — déjà vu\n"
        "Brasserie Ëlla;Brugge;«Très» bien… ça va\n"
        "Grüße GmbH;Eupen;Müßig – “Straße”\n"
    )
    table = read_table(text.encode("cp1252"), "west.csv")
    assert table.encoding == "cp1252"
    assert table.rows[1][1][0] == "Müller & Söhne"


def test_the_parsed_table_round_trips():
    table = read_table(good_csv(3), "leden.csv")
    again = tabular.load_parsed(tabular.dump_parsed(table))
    assert again == table


# -- Through the web ------------------------------------------------------------------


def _upload(name: str, data: bytes):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _media_files(settings, folder: str) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / folder
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


HOSTILE = [
    ("breed.csv", lambda: wide_csv(5_000, 5_000), "UPLOAD_MAX_COLUMNS"),
    ("lang.xlsx", lambda: long_xlsx(150_000), "UPLOAD_MAX_ROWS"),
    ("leeg.xlsx", lambda: empty_rows_xlsx(2_000), "UPLOAD_MAX_COLUMNS"),
    ("nul.csv", lambda: b"naam\nA\x00\n", "NUL"),
    ("unicode.csv", lambda: "naam\nA\n".encode("utf-16"), "UTF-16"),
]


@pytest.fixture(scope="module")
def hostile_files():
    return {name: (make(), expected) for name, make, expected in HOSTILE}


def _batch_routes():
    return {
        "members": lambda: reverse("members:import-upload", args=["EUKA"]),
        "contributions": lambda: reverse("members:contribution-import", args=["EUKA"]),
        "attendees": lambda: reverse("activities:attendee-import", args=[objects.activity().pk]),
        "collaborations": lambda: reverse("collaborations:collaboration-import", args=["EUKA"]),
    }


@pytest.mark.parametrize("kind", ["members", "contributions", "attendees", "collaborations"])
@pytest.mark.parametrize("name", [h[0] for h in HOSTILE])
def test_every_import_upload_refuses_hostile_files_and_writes_nothing(
    web, settings, kind, name, hostile_files
):
    data, expected = hostile_files[name]
    before = ImportBatch.objects.count(), _media_files(settings, "imports")
    fields = {"reference_date": "2019-01-01", "activity": objects.activity().pk}
    response = web("cluster_manager_a").post(
        _batch_routes()[kind](), {"file": _upload(name, data), **fields}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(name in e and expected in e for e in errors), errors
    assert (ImportBatch.objects.count(), _media_files(settings, "imports")) == before


@pytest.mark.parametrize("name", [h[0] for h in HOSTILE])
def test_the_survey_response_import_refuses_hostile_files_and_writes_nothing(
    web, settings, name, hostile_files
):
    data, expected = hostile_files[name]
    wave = objects.wave()
    before = _media_files(settings, f"surveys/imports/{wave.pk}")
    response = web("evaluator").post(
        reverse("surveys:response-import", args=[wave.pk]), {"file": _upload(name, data)}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(name in e and expected in e for e in errors), errors
    assert _media_files(settings, f"surveys/imports/{wave.pk}") == before


def _member_lines(n):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Ondernemingsnummer", "Naam", "Postcode", "Contactpersoon", "E-mail"])
    for i in range(n):
        number = dotted(enterprise_number(900 + i)) if i else "0200.000.001"  # one rejected
        writer.writerow([number, f"Firma {i}", "9000", f"Persoon {i}", f"p{i}@example.org"])
    return buffer.getvalue().encode()


def test_the_import_wizard_parses_the_file_once(web, monkeypatch):
    """Upload parses it; preview, mapping, dry run, rejected rows and commit read the
    parsed result kept with the batch, not the file again."""
    client = web("cluster_manager_a")
    response = client.post(
        reverse("members:import-upload", args=["EUKA"]),
        {"file": _upload("leden.csv", _member_lines(5)), "reference_date": "2019-01-01"},
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("pk")
    calls = []
    real = tabular._read_csv
    monkeypatch.setattr(tabular, "_read_csv", lambda *a, **k: calls.append(a) or real(*a, **k))
    detail = reverse("members:import-detail", args=[batch.pk])
    for _ in range(3):
        assert client.get(detail).status_code == 200
    form = client.get(detail).context["form"]
    mapping = {name: field.initial or "" for name, field in form.fields.items()}
    mapped = client.post(detail, mapping)
    assert mapped.status_code == 302, mapped.context["form"].errors
    assert client.get(detail).context["result"].counts
    assert client.get(reverse("members:import-rejected", args=[batch.pk])).status_code == 200
    assert client.post(reverse("members:import-commit", args=[batch.pk])).status_code == 302
    assert calls == []


def test_the_survey_import_parses_the_file_once(web, monkeypatch):
    wave = objects.wave()
    client = web("evaluator")
    data = b"id,submitdate,q2\n1,2020-01-10 10:00:00,3\n"
    response = client.post(
        reverse("surveys:response-import", args=[wave.pk]),
        {"file": _upload("lime.csv", data), "source": "limesurvey"},
    )
    assert response.status_code == 302, response.context["form"].errors
    calls = []
    real = tabular._read_csv
    monkeypatch.setattr(tabular, "_read_csv", lambda *a, **k: calls.append(a) or real(*a, **k))
    for _ in range(3):
        assert client.get(response["Location"]).status_code == 200
    assert calls == []


# -- XLSForm -------------------------------------------------------------------------


@override_settings(XLSFORM_MAX_ROWS=500)
def test_a_huge_xlsform_is_refused_before_pyxform_reads_it(web, monkeypatch):
    import pyxform.xls2json_backends as backends

    monkeypatch.setattr(
        backends, "get_xlsform", lambda **k: pytest.fail("pyxform read a refused file")
    )
    before = Questionnaire.objects.count()
    response = web("programme_manager").post(
        reverse("surveys:questionnaire-upload"),
        {
            "programme": objects.wave().questionnaire.programme.pk,
            "xlsform": _upload("enorm.xlsx", long_xlsx(5_000, dimension=False)),
        },
    )
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "enorm.xlsx" in html and "XLSFORM_MAX_ROWS" in html and "500" in html
    assert Questionnaire.objects.count() == before


def test_an_xlsform_of_empty_rows_to_column_xfd_is_refused(web):
    response = web("programme_manager").post(
        reverse("surveys:questionnaire-upload"),
        {
            "programme": objects.wave().questionnaire.programme.pk,
            "xlsform": _upload("leeg.xlsx", empty_rows_xlsx(2_000)),
        },
    )
    assert response.status_code in (200, 400)
    assert "UPLOAD_MAX_COLUMNS" in response.content.decode()


# -- KBO -------------------------------------------------------------------------------


def _kbo_zip_bomb(megabytes: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("meta.csv", "Variable,Value\n")
        archive.writestr("enterprise_insert.csv", b"0" * (megabytes * 1024 * 1024))
    return buffer.getvalue()


@pytest.fixture
def kbo_var(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path / "kbo" / "uploads"


@override_settings(KBO_UPLOAD_MAX_UNPACKED_BYTES=5 * 1024 * 1024)
def test_a_kbo_zip_that_unpacks_beyond_the_limit_is_refused_and_removed(web, kbo_var):
    before = KboImport.objects.count()
    response = web("programme_manager").post(
        reverse("registry:kbo-imports"), {"upload": _upload("update.zip", _kbo_zip_bomb(20))}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "update.zip" in html and "KBO_UPLOAD_MAX_UNPACKED_BYTES" in html
    assert str(kbo_var) not in html and "kbo/uploads" not in html
    assert KboImport.objects.count() == before
    assert not kbo_var.exists() or list(kbo_var.iterdir()) == []


def test_a_refused_kbo_zip_is_removed_and_its_error_shows_no_server_path(web, kbo_var):
    response = web("programme_manager").post(
        reverse("registry:kbo-imports"), {"upload": _upload("update.zip", b"not a zip at all")}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "update.zip" in html
    assert str(kbo_var) not in html and "/kbo/uploads" not in html
    assert not kbo_var.exists() or list(kbo_var.iterdir()) == []


@override_settings(KBO_UPLOAD_MAX_BYTES=1000)
def test_a_kbo_upload_over_the_size_limit_is_refused_before_it_is_stored(web, kbo_var):
    response = web("programme_manager").post(
        reverse("registry:kbo-imports"), {"upload": _upload("update.zip", b"x" * 5000)}
    )
    assert response.status_code == 200
    assert "KBO_UPLOAD_MAX_BYTES" in response.content.decode()
    assert not kbo_var.exists() or list(kbo_var.iterdir()) == []


def test_a_zip_that_is_no_kbo_extract_is_removed_and_named_by_its_own_name(web, kbo_var):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("leden.csv", "naam\nA\n")
    response = web("programme_manager").post(
        reverse("registry:kbo-imports"), {"upload": _upload("update.zip", buffer.getvalue())}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "missing from update.zip" in html and ".zip: not" not in html
    assert str(kbo_var) not in html and "/kbo/uploads" not in html
    assert list(kbo_var.iterdir()) == []  # stored to be inspected, then removed


def test_a_kbo_header_line_of_gigabytes_is_read_only_so_far(tmp_path):
    from clustermonitor.registry import kbo

    path = tmp_path / "update.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("meta.csv", "Variable,Value\n")
        archive.writestr("code.csv", b"C" * (30 * 1024 * 1024))  # one line, no newline
    tracemalloc.start()
    try:
        with pytest.raises(kbo.KboFormatError):
            kbo.inspect_source(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * 1024 * 1024


def test_an_xlsform_over_the_size_limit_is_refused_unread(web, monkeypatch):
    from clustermonitor.surveys import views_forms

    monkeypatch.setattr(views_forms.UploadForm, "MAX_BYTES", 2 * 1024 * 1024, raising=False)
    response = web("programme_manager").post(
        reverse("surveys:questionnaire-upload"),
        {
            "programme": objects.wave().questionnaire.programme.pk,
            "xlsform": _upload("groot.xlsx", b"x" * (3 * 1024 * 1024)),
        },
    )
    assert response.status_code == 200
    assert "larger than 2 MB" in response.content.decode()


def test_the_refusal_is_in_the_users_language(client_for):
    response = client_for("cluster_manager_a").post(  # Dutch, the default
        reverse("members:import-upload", args=["EUKA"]),
        {"file": _upload("breed.csv", wide_csv(5_000, 10)), "reference_date": "2019-01-01"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "breed.csv, regel 1: 5000 kolommen; de limiet is 1000 (instelling UPLOAD_MAX_COLUMNS)"
        in html
    )


def test_opening_an_xlsx_without_dimension_does_not_parse_the_whole_sheet(monkeypatch):
    """openpyxl looked for the optional <dimension> until the end of the data: a million
    rows parsed while the workbook opened, before the first could be counted."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    read = []
    real = ReadOnlyWorksheet._get_source

    class Counted(io.RawIOBase):
        def __init__(self, source):
            self.source = source

        def readable(self):
            return True

        def readinto(self, buffer):
            chunk = self.source.read(len(buffer))
            buffer[: len(chunk)] = chunk
            read.append(len(chunk))
            return len(chunk)

        def close(self):
            self.source.close()
            super().close()

    monkeypatch.setattr(ReadOnlyWorksheet, "_get_source", lambda self: Counted(real(self)))
    data = long_xlsx(50_000, dimension=False)
    unpacked = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml").file_size
    workbook = tabular.open_xlsx(data, "lang.xlsx")
    assert workbook.worksheets[0].max_row is None  # no dimension, and none made up
    workbook.close()
    assert sum(read) < unpacked / 10


# -- A cluster's logo (the public portal, issue 17) ------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    import struct
    import zlib

    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes whose header declares width × height pixels."""
    import struct
    import zlib

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + _png_chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("name", "build", "error"),
    [
        # 100,000 × 100,000 pixels declared: refused on the header, never decoded.
        ("bom.png", lambda: png_declaring(100_000, 100_000), "larger than 4000 pixels a side"),
        ("breed.png", lambda: png_declaring(5_000, 10), "larger than 4000 pixels a side"),
        # A picture cut off halfway: the whole file is checked, not only its header.
        ("half.png", lambda: png(64, 64)[:-30], "is not a PNG, JPEG or WebP picture"),
        ("script.png", lambda: b"<svg onload=alert(1)>", "is not a PNG, JPEG or WebP picture"),
        ("groot.png", lambda: png() + b"\0" * (1024 * 1024), "is larger than 1 MB"),
    ],
)
def test_a_logo_that_is_not_a_small_picture_is_refused_and_nothing_written(web, name, build, error):
    from clustermonitor.portal.models import ClusterProfile

    response = web("cluster_manager_a").post(
        reverse("portal:profile-edit", args=["EUKA"]),
        {"description": "Beschrijving.", "logo": SimpleUploadedFile(name, build())},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert name in text and error in text
    assert not ClusterProfile.objects.exists()
