"""Importing annual accounts (issue 20, "Data"): the CBSO's JSON documents (fixture
tests/fixtures/cbso, after the NBB's published description) and the long CSV; every
problem named with file, row and field and nothing written; re-imports that change
nothing; corrected filings; the comparison population added to the registry; the
command, the page and what the estimate reads."""

import datetime
import io
import json
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.impact import accounts_import, accounts_read
from clustermonitor.impact.accounts_import import AccountsFormatError, read_source
from clustermonitor.impact.accounts_selectors import accounts_known_on, coverage
from clustermonitor.impact.models import AccountsImport, AnnualAccounts
from clustermonitor.registry.models import Organisation
from tests import factories

FIXTURE = Path(__file__).parent / "fixtures" / "cbso"
FULL, ABBREVIATED, MICRO = "0403101811", "0435808429", "0878065378"
OTHER = "0417000030"  # a valid number, in no fixture's filing
ACTOR = audit.Actor.system("tests")
D = datetime.date


def _run(path, name=None, lookup_dir=None):
    run = AccountsImport.objects.create(source=name or Path(path).name)
    return accounts_import.run_import(run, Path(path), actor=ACTOR, lookup_dir=lookup_dir)


def _csv(tmp_path, text: str, name="accounts.csv", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _zip(tmp_path, members: dict, name="cbso.zip") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def _fixture_zip(tmp_path) -> Path:
    return _zip(tmp_path, {p.name: p.read_bytes() for p in FIXTURE.iterdir()})


def _nothing_written(before_orgs: int) -> None:
    assert AnnualAccounts.objects.count() == 0
    assert Organisation.objects.count() == before_orgs


def _problems(path, name=None):
    with pytest.raises(AccountsFormatError) as raised:
        read_source(path, name)
    return raised.value


# --- The CBSO's JSON documents ------------------------------------------------------------


def test_the_cbso_documents_give_full_abbreviated_and_micro_filings(db):
    run = _run(FIXTURE)
    assert run.state == "done" and run.format == "cbso-json"
    assert (run.filings, run.new, run.updated, run.unchanged) == (5, 5, 0, 0)
    assert run.organisations_added == 3
    assert run.ignored == 2  # 10/15 and 630 of the full filing; NM1 comparatives skipped
    full = AnnualAccounts.objects.get(
        organisation__enterprise_number=FULL, period_end=D(2022, 12, 31)
    )
    assert full.scheme == "full" and full.reference == "2023-00012345"
    assert (full.period_start, full.filed_on) == (D(2022, 1, 1), D(2023, 7, 20))
    assert full.fte == Decimal("87.50") and full.turnover == Decimal("17250000.00")
    assert full.gross_margin == Decimal("5120000.50") and full.total_assets == Decimal("14550000")
    assert full.operating_profit == Decimal("1210000") and full.source == "cbso-json"
    abbreviated = AnnualAccounts.objects.get(organisation__enterprise_number=ABBREVIATED)
    micro = AnnualAccounts.objects.get(organisation__enterprise_number=MICRO)
    assert (abbreviated.scheme, micro.scheme) == ("abbreviated", "micro")
    # no turnover in the filing: empty, never zero
    assert abbreviated.turnover is None and micro.turnover is None
    assert abbreviated.gross_margin == Decimal("1961298") and micro.fte == Decimal("3")
    # the micro document carries its own references (no references file needed for it)
    assert micro.filed_on == D(2024, 5, 30) and micro.reference == "2024-00045678"


def test_a_corrected_filing_is_kept_beside_the_first_and_known_from_its_deposit(db):
    _run(FIXTURE)
    org = Organisation.objects.get(enterprise_number=FULL)
    both = AnnualAccounts.objects.filter(organisation=org, period_end=D(2023, 12, 31))
    assert sorted(both.values_list("filed_on", flat=True)) == [D(2024, 7, 15), D(2024, 10, 2)]

    def turnover_2023(on):
        rows = [r for r in accounts_known_on(on, [org.pk]) if r["year"] == 2023]
        return [r["turnover"] for r in rows]

    assert turnover_2023(D(2024, 7, 14)) == []
    assert turnover_2023(D(2024, 9, 1)) == [Decimal("18000000.00")]
    assert turnover_2023(D(2024, 10, 2)) == [Decimal("18300000.00")]
    rows = accounts_known_on(D(2025, 1, 1))
    assert {(r["organisation_id"], r["year"]) for r in rows} == {
        (org.pk, 2022),
        (org.pk, 2023),
        (Organisation.objects.get(enterprise_number=ABBREVIATED).pk, 2023),
        (Organisation.objects.get(enterprise_number=MICRO).pk, 2023),
    }
    floats = accounts_known_on(D(2025, 1, 1), floats=True)
    assert [r["turnover"] for r in floats] == [
        None if r["turnover"] is None else float(r["turnover"]) for r in rows
    ]
    assert isinstance(floats[0]["fte"], float) and floats[0]["period_end"] == rows[0]["period_end"]
    described = ("organisation_id", "year", "period_start", "period_end", "filed_on", "scheme")
    assert set(rows[0]) == {*described, *AnnualAccounts.RUBRICS.values()}


def test_a_zip_of_the_documents_reads_as_the_folder_and_again_changes_nothing(db, tmp_path):
    first = _run(_fixture_zip(tmp_path))
    assert (first.new, first.organisations_added) == (5, 3)
    entries = AuditEntry.objects.count()
    stored = list(AnnualAccounts.objects.values())
    again = _run(FIXTURE)
    assert (again.filings, again.new, again.updated, again.unchanged) == (5, 0, 0, 5)
    assert again.organisations_added == 0
    assert list(AnnualAccounts.objects.values()) == stored
    assert AuditEntry.objects.count() == entries + 1  # the run's own summary only


def test_the_writes_are_audited(db):
    run = _run(FIXTURE)
    org = Organisation.objects.get(enterprise_number=MICRO)
    created = audit.history(org).get()
    assert created.action == "create" and created.via == "tests"
    assert created.after["enterprise_number"] == MICRO and created.after["kind"] == "company"
    summary = audit.history(run).get()
    assert summary.after["new"] == 5 and summary.after["sha256"] == run.sha256


def test_unknown_numbers_are_named_from_the_kbo_lookup(db, tmp_path):
    (tmp_path / "kbo").mkdir()
    duckdb.sql(
        f"COPY (SELECT '{FULL}' AS enterprise_number, 'Machinebouw uit de KBO' AS name,"
        " '3000' AS postcode, DATE '2001-01-01' AS start_date, '28990' AS nace_2008,"
        " 'machinebouw uit de kbo' AS folded)"
        f" TO '{tmp_path / 'kbo' / 'enterprises.parquet'}' (FORMAT parquet)"
    )
    known = factories.organisation(1, enterprise_number=MICRO, name="Al bekend BV")
    _run(FIXTURE, lookup_dir=tmp_path / "kbo")
    assert Organisation.objects.get(enterprise_number=FULL).name == "Machinebouw uit de KBO"
    # not in the lookup: the filing's own name
    assert Organisation.objects.get(enterprise_number=ABBREVIATED).name == "EXEMPLE LOGICIEL"
    known.refresh_from_db()
    assert known.name == "Al bekend BV"  # an organisation we have is matched, not renamed
    added = Organisation.objects.get(enterprise_number=FULL)
    assert added.kind == "company" and not added.memberships.exists()


def test_a_csv_filing_without_a_name_anywhere_is_named_by_its_number(db, tmp_path):
    path = _csv(tmp_path, f"enterprise_number,period_end,rubric,value\n{OTHER},2023-12-31,70,5\n")
    _run(path)
    assert Organisation.objects.get(enterprise_number=OTHER).name == "0417.000.030"


def test_document_problems_name_file_and_field(db, tmp_path):
    orgs = Organisation.objects.count()
    doc = json.loads((FIXTURE / "2024-00045678.json").read_text())
    bad = dict(doc, EnterpriseNumber="0878065379", DepositDate="31/02/2024")
    bad["Rubrics"] = [*doc["Rubrics"], {"Code": "70", "Period": "N", "Value": "=1+1"}]
    orphan = json.loads((FIXTURE / "2024-00034567.json").read_text())  # no references file
    path = _zip(tmp_path, {"micro.json": json.dumps(bad), "orphan.json": json.dumps(orphan)})
    error = _problems(path)
    found = {(p.file, p.field) for p in error.problems}
    assert ("cbso.zip/micro.json", "EnterpriseNumber") in found
    assert ("cbso.zip/micro.json", "DepositDate") in found
    assert ("cbso.zip/micro.json", "Rubrics[5].Value") in found
    assert ("cbso.zip/orphan.json", "EnterpriseNumber") in found
    assert ("cbso.zip/orphan.json", "DepositDate") in found
    with pytest.raises(AccountsFormatError):
        _run(path)
    _nothing_written(orgs)


def test_a_document_in_a_foreign_currency_is_refused(db, tmp_path):
    doc = json.loads((FIXTURE / "2024-00045678.json").read_text())
    path = _csv(tmp_path, json.dumps(dict(doc, Currency="USD")), name="usd.json")
    assert [p.field for p in _problems(path).problems] == ["Currency"]


# --- The long CSV -------------------------------------------------------------------------


HEADER = "enterprise_number,period_end,rubric,value"
CSV = (
    "enterprise_number,period_end,rubric,value\n"
    f"{FULL},2023-12-31,70,1000000.50\n"
    f"BE 0403.101.811,2023-12-31,9087,12.5\n"
    f"{FULL},2023-12-31,10/15,99\n"
    f"{MICRO},31/12/2023,9087,2\n"
    f"{MICRO},31/12/2023,20/58,300000\n"
)


def test_a_comma_separated_csv_with_the_deposit_date_rule(db, tmp_path):
    run = _run(_csv(tmp_path, "\ufeff" + CSV))
    assert (run.format, run.filings, run.new, run.ignored) == ("csv", 2, 2, 1)
    full = AnnualAccounts.objects.get(organisation__enterprise_number=FULL)
    # no filed_on: known from 1 August of the year after the year end (core.known)
    assert full.filed_on == D(2024, 8, 1) and full.scheme == ""
    assert full.turnover == Decimal("1000000.50") and full.fte == Decimal("12.5")
    assert full.gross_margin is None and full.total_assets is None
    micro = AnnualAccounts.objects.get(organisation__enterprise_number=MICRO)
    assert micro.turnover is None and micro.total_assets == Decimal("300000")
    assert accounts_known_on(D(2024, 7, 31)) == []
    assert len(accounts_known_on(D(2024, 8, 1))) == 2


def test_a_semicolon_csv_with_decimal_commas_deposit_dates_and_schemes(db, tmp_path):
    text = (
        "Enterprise_Number;Period_End;Rubric;Value;Filed_On;Scheme\n"
        f"{FULL};2023-12-31;70;1.234.567,89;2024-06-30;VOL\n"
        f"{FULL};2023-12-31;9901;-12,5;2024-06-30;VOL\n"
        f"{FULL};2023-12-31;70;1.250.000,00;2024-11-15;m02-f\n"
        f"{MICRO};2023-12-31;9900;1500;2024-05-01;micro\n"
    )
    run = _run(_csv(tmp_path, text))
    assert (run.filings, run.new) == (3, 3)
    original, corrected = AnnualAccounts.objects.filter(
        organisation__enterprise_number=FULL
    ).order_by("filed_on")
    assert original.turnover == Decimal("1234567.89") and original.operating_profit == Decimal(
        "-12.50"
    )
    assert (original.scheme, corrected.scheme) == ("full", "full")
    assert corrected.turnover == Decimal("1250000") and corrected.operating_profit is None
    assert AnnualAccounts.objects.get(organisation__enterprise_number=MICRO).scheme == "micro"


def test_a_csv_again_changes_nothing_and_a_changed_value_updates_its_filing(db, tmp_path):
    path = _csv(tmp_path, CSV)
    _run(path)
    again = _run(path)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    changed = _csv(
        tmp_path,
        f"enterprise_number,period_end,rubric,value\n{FULL},2023-12-31,70,1100000\n",
        name="changed.csv",
    )
    run = _run(changed)
    assert (run.new, run.updated, run.unchanged) == (0, 1, 0)
    full = AnnualAccounts.objects.get(organisation__enterprise_number=FULL)
    # a CSV fills what it lists: the FTE of the first file stays
    assert full.turnover == Decimal("1100000") and full.fte == Decimal("12.5")
    entry = audit.history(full).get()
    assert entry.action == "update"
    assert entry.before["turnover"] == "1000000.50" and entry.after["turnover"] == "1100000.00"


@pytest.mark.parametrize(
    ("text", "row", "field"),
    [
        ("enterprise,period_end,rubric,value\n{n},2023-12-31,70,1\n", 1, "header"),
        ("enterprise_number,period_end,rubric\n{n},2023-12-31,70\n", 1, "header"),
        ("{h},extra\n{n},2023-12-31,70,1,x\n", 1, "header"),
        ("{h}\n0403101812,2023-12-31,70,1\n", 2, "enterprise_number"),
        ("{h}\n{n},2023-12-31,70,veel\n", 2, "value"),
        ("{h}\n{n},2023-02-30,70,1\n", 2, "period_end"),
        ("{h}\n{n},boekjaar 2023,70,1\n", 2, "period_end"),
        (
            "{h}\n{n},2023-12-31,70,1\n{n},2023-12-31,70,2\n",
            3,
            "value",
        ),
        ("{h},filed_on\n{n},2023-12-31,70,1,gisteren\n", 2, "filed_on"),
        ("{h},filed_on\n{n},2023-12-31,70,1,2023-01-01\n", 2, "filed_on"),
        ("{h},scheme\n{n},2023-12-31,70,1,groot\n", 2, "scheme"),
        ("{h}\n{n},2023-12-31,70\n", 2, ""),
    ],
)  # fmt: skip
def test_each_csv_problem_names_file_row_and_field_and_writes_nothing(
    db, tmp_path, text, row, field
):
    orgs = Organisation.objects.count()
    path = _csv(tmp_path, text.format(n=FULL, h=HEADER), name="fout.csv")
    error = _problems(path)
    assert [(p.file, p.row, p.field) for p in error.problems] == [("fout.csv", row, field)]
    with pytest.raises(AccountsFormatError):
        _run(path)
    _nothing_written(orgs)
    failed = AccountsImport.objects.get()
    assert failed.state == "failed" and failed.error_count == 1
    assert failed.errors[0]["file"] == "fout.csv" and failed.errors[0]["row"] == row


def test_every_problem_is_collected_and_their_list_capped(db, tmp_path, monkeypatch):
    lines = ["enterprise_number,period_end,rubric,value"]
    lines += [f"{FULL},2023-12-31,70,x{i}" for i in range(30)]
    lines += [f"{FULL},2023-13-31,9087,1", "123,2023-12-31,9087,1"]
    path = _csv(tmp_path, "\n".join(lines) + "\n")
    error = _problems(path)
    assert error.total == 32 and len(error.problems) == 32
    monkeypatch.setattr(accounts_read, "MAX_PROBLEMS", 10)
    error = _problems(path)
    assert error.total == 32 and len(error.problems) == 10
    assert "22 more problems" in str(error)


@pytest.mark.parametrize(
    "value",
    ["=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)", "NaN", "nan", "inf", "-Infinity", "1e999",
     "9" * 17, "1" * 50, "0x10", "1 000", "", "12.3.4"],
)  # fmt: skip
def test_hostile_values_are_refused(db, tmp_path, value):
    path = _csv(
        tmp_path, f'enterprise_number,period_end,rubric,value\n{FULL},2023-12-31,70,"{value}"\n'
    )
    (problem,) = _problems(path).problems
    assert problem.field == "value" and problem.row == 2
    assert not str(problem).split(": ", 1)[1].startswith(("=", "+", "@"))


def test_amounts_are_read_exactly():
    assert accounts_read.parse_amount("1234.565") == 123457  # half up, in cents
    assert accounts_read.parse_amount("-0.5") == -50
    assert accounts_read.parse_amount("1,5", decimal_comma=True) == 150
    assert accounts_read.parse_amount("1.5E3") == 150000
    assert accounts_read.parse_amount(" 9999999999999999.99 ") == 999999999999999999
    assert accounts_read.parse_amount(12) == 1200
    for value in (float("nan"), float("inf"), True, None, [1]):
        with pytest.raises(ValueError):
            accounts_read.parse_amount(value)


def test_json_nan_and_huge_values_are_refused(db, tmp_path):
    doc = json.loads((FIXTURE / "2024-00045678.json").read_text())
    doc["Rubrics"] = [
        {"Code": "70", "Period": "N", "Value": float("nan")},
        {"Code": "9900", "Period": "N", "Value": 10**30},
    ]
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))  # json writes NaN, and reads it back as a float
    fields = [p.field for p in _problems(path).problems]
    assert fields == ["Rubrics[1].Value", "Rubrics[2].Value"]


# --- Hostile files ------------------------------------------------------------------------


def test_a_zip_with_a_path_traversal_name_is_refused(db, tmp_path):
    doc = (FIXTURE / "2024-00045678.json").read_bytes()
    for name in ("../../etc/evil.json", "/abs/evil.json", "C:/evil.json"):
        path = _zip(tmp_path, {"ok.json": doc, name: doc})
        (problem,) = _problems(path).problems
        assert "unsafe file name" in problem.message
    assert not (tmp_path.parent / "etc").exists()


def test_a_zip_bomb_is_stopped(db, tmp_path, monkeypatch):
    content = b"enterprise_number,period_end,rubric,value\n" + b"0" * 5_000_000
    bomb = _zip(tmp_path, {"big.csv": content})
    assert bomb.stat().st_size < 100_000
    monkeypatch.setattr(accounts_read, "MAX_UNPACKED_BYTES", 1_000_000)
    (problem,) = _problems(bomb).problems
    assert "unpacks to more than" in problem.message
    # a zip whose directory lies about the sizes is stopped while reading
    lying = tmp_path / "lying.zip"
    size = len(content).to_bytes(4, "little")
    assert bomb.read_bytes().count(size) == 2  # the local header and the directory
    data = bomb.read_bytes().replace(size, (10).to_bytes(4, "little"))
    lying.write_bytes(data)
    (problem,) = _problems(lying).problems
    assert "larger than allowed" in problem.message or "damaged" in problem.message


def test_a_zip_with_too_many_members_is_refused(db, tmp_path, monkeypatch):
    monkeypatch.setattr(accounts_read, "MAX_MEMBERS", 3)
    path = _zip(tmp_path, {f"{i}.json": b"{}" for i in range(4)})
    (problem,) = _problems(path).problems
    assert "more than 3 files" in problem.message


def test_a_file_that_is_none_of_the_formats_is_refused(db, tmp_path):
    path = tmp_path / "accounts.xlsx"
    path.write_bytes(b"PK not really")
    assert "not a .csv, .json or .zip" in _problems(path).problems[0].message
    empty = _zip(tmp_path, {"readme.txt": b"nothing"})
    assert "no .csv or .json" in _problems(empty).problems[0].message
    notjson = tmp_path / "broken.json"
    notjson.write_bytes(b"{not json")
    assert _problems(notjson).problems[0].message == "not a JSON document"
    latin = _csv(tmp_path, CSV + f"{FULL},2022-12-31,70,1\n# café\n", encoding="latin-1")
    latin.write_bytes(latin.read_bytes().replace("café".encode("latin-1"), b"caf\xe9"))
    assert any("UTF-8" in p.message for p in _problems(latin).problems)


# --- Command, page, coverage --------------------------------------------------------------


def test_the_command_imports_and_prints_the_counts(db, capsys):
    call_command("import-accounts", str(FIXTURE))
    out = capsys.readouterr().out
    assert "5 filings: 5 new, 0 updated, 0 unchanged; 3 organisations added" in out
    assert AccountsImport.objects.get().via == "cli"
    call_command("import-accounts", str(FIXTURE))
    assert "0 new, 0 updated, 5 unchanged" in capsys.readouterr().out


def test_the_command_dry_run_writes_nothing(db, capsys):
    orgs = Organisation.objects.count()
    call_command("import-accounts", str(FIXTURE), "--dry-run")
    assert "Dry run, nothing written. 5 filings: 5 new" in capsys.readouterr().out
    _nothing_written(orgs)
    assert not AccountsImport.objects.exists()


def test_the_command_lists_every_problem_and_fails(db, tmp_path, capsys):
    orgs = Organisation.objects.count()
    path = _csv(
        tmp_path,
        "enterprise_number,period_end,rubric,value\n"
        f"{FULL},2023-12-31,70,abc\n0000000001,2023-12-31,70,1\n",
    )
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import-accounts", str(path))
    err = capsys.readouterr().err
    assert "accounts.csv, row 2, value: 'abc': not a number" in err
    assert "accounts.csv, row 3, enterprise_number:" in err
    _nothing_written(orgs)
    assert not AccountsImport.objects.exists()


def test_the_programme_manager_uploads_a_csv(client_for, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    client = client_for("programme_manager")
    upload = SimpleUploadedFile("jaarrekeningen.csv", CSV.encode(), content_type="text/csv")
    response = client.post(reverse("impact:accounts-imports"), {"upload": upload})
    run = AccountsImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("impact:accounts-import-detail", args=[run.pk])
    assert run.state == "done" and run.new == 2 and run.via == "web"
    assert run.started_by.username == "programme_manager" and run.source == "jaarrekeningen.csv"
    assert AnnualAccounts.objects.count() == 2
    page = client.get(reverse("impact:accounts-imports")).content.decode()
    assert "jaarrekeningen.csv" in page and 'id="accounts-coverage"' in page
    assert not list((tmp_path / "impact" / "uploads").iterdir())  # read, then deleted


def test_an_upload_with_problems_shows_them_and_writes_nothing(client_for, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    orgs = Organisation.objects.count()
    client = client_for("programme_manager")
    upload = SimpleUploadedFile(
        "fout.csv",
        f"enterprise_number,period_end,rubric,value\n{FULL},2023-12-31,70,=1+1\n".encode(),
    )
    response = client.post(reverse("impact:accounts-imports"), {"upload": upload}, follow=True)
    page = response.content.decode()
    assert "fout.csv" in page and "&#x27;=1+1&#x27;: not a number" in page
    _nothing_written(orgs)
    assert AccountsImport.objects.get().state == "failed"
    assert not list((tmp_path / "impact" / "uploads").iterdir())  # the upload is not kept


def test_a_large_upload_runs_as_a_task(client_for, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.ACCOUNTS_SYNC_MAX_BYTES = 10
    upload = SimpleUploadedFile("cbso.zip", _fixture_zip(tmp_path).read_bytes())
    client_for("programme_manager").post(reverse("impact:accounts-imports"), {"upload": upload})
    run = AccountsImport.objects.get()  # the tests' task backend runs it at once
    assert run.state == "done" and run.new == 5
    assert not list((tmp_path / "impact" / "uploads").iterdir())


def test_the_upload_form_refuses_other_files_and_too_large_ones(client_for, settings):
    client = client_for("programme_manager")
    url = reverse("impact:accounts-imports")
    response = client.post(url, {"upload": SimpleUploadedFile("a.xlsx", b"x")})
    assert (
        response.status_code == 200
        and "Laad een .csv-, .json- of .zip-bestand op." in response.content.decode()
    )
    settings.ACCOUNTS_UPLOAD_MAX_BYTES = 5
    response = client.post(url, {"upload": SimpleUploadedFile("a.csv", b"0123456789")})
    assert "is meer dan de limiet van" in response.content.decode()
    assert not AccountsImport.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("account_manager", 403), ("evaluator", 403), ("cluster_manager_a", 404),
     ("member_contact", 404), ("reviewer", 404), ("applicant", 404)],
)  # fmt: skip
def test_only_the_programme_manager_uploads(client_for, persona, status):
    upload = SimpleUploadedFile("a.csv", CSV.encode())
    response = client_for(persona).post(reverse("impact:accounts-imports"), {"upload": upload})
    assert response.status_code == status
    assert not AccountsImport.objects.exists() and not AnnualAccounts.objects.exists()


def test_readers_see_the_imports_without_the_form(client_for):
    page = client_for("evaluator").get(reverse("impact:accounts-imports")).content.decode()
    assert 'id="accounts-imports"' in page and 'name="upload"' not in page
    page = client_for("programme_manager").get(reverse("impact:accounts-imports")).content.decode()
    assert 'name="upload"' in page


def test_coverage_counts_members_and_the_others(db, cluster_a):
    _run(FIXTURE)
    member = Organisation.objects.get(enterprise_number=MICRO)
    factories.membership(member, cluster_a, start=D(2020, 1, 1))
    gone = Organisation.objects.get(enterprise_number=ABBREVIATED)
    factories.membership(gone, cluster_a, start=D(2020, 1, 1), end=D(2022, 6, 30))
    by_year = {row["year"]: row for row in coverage()}
    assert by_year[2023]["filings"] == 4 and by_year[2023]["firms"] == 3
    assert by_year[2023]["member_firms"] == 1 and by_year[2023]["other_firms"] == 2
    assert by_year[2023]["with_turnover"] == 1
    assert by_year[2022] == {
        "year": 2022,
        "filings": 1,
        "firms": 1,
        "member_firms": 0,
        "other_firms": 1,
        "with_turnover": 1,
        "with_fte": 1,
    }


def test_the_fixture_is_the_documented_layout():
    # the references list as /legalEntity/{number}/references answers it, documents as
    # /deposit/{reference}/accountingData: nothing else is needed to read them
    refs = json.loads((FIXTURE / "references.json").read_text())
    assert {"ReferenceNumber", "DepositDate", "ExerciseDates", "ModelType"} <= set(refs[0])
    doc = json.loads((FIXTURE / "2024-00023456.json").read_text())
    assert "DepositDate" not in doc and {"Code", "Period", "Value"} == set(doc["Rubrics"][0])
    copy = io.BytesIO()
    shutil.copyfileobj(io.BytesIO(json.dumps(doc).encode()), copy)
    assert copy.getvalue()
