"""KBO open-data enrichment (issue 3, item 4) on small files in the real format."""

import ast
import datetime
import zipfile
from pathlib import Path

import duckdb
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.registry import kbo
from clustermonitor.registry.models import KboImport, LegalForm, Organisation, Postcode
from tests import kbo_files as kf
from tests.kbo_files import Address, Entity
from tests.source_tree import parsed

ALPHA = kf.valid_number(4123456)  # a company in Elsene, names in Dutch and French
BETA = kf.valid_number(10001234)  # a number starting with 1, French name only
GAMMA = kf.valid_number(7654321)  # a natural person: no registered office in the files
ABROAD = kf.valid_number(3333333)  # registered office in France
CEASED = kf.valid_number(5555555)  # found in an earlier extract, missing from this one
UNKNOWN = kf.valid_number(6666666)  # valid, but never in KBO
OMEGA = kf.valid_number(8888888)  # in KBO, not one of ours
NEW = kf.valid_number(9999999)  # arrives with the update
ACTOR = audit.Actor.system("tests")
EXTRACT_DATE = datetime.date(2025, 7, 4)
ACTIVITY_HEADER = "EntityNumber,ActivityGroup,NaceVersion,NaceCode,Classification"


def extract() -> list[Entity]:
    alpha = Entity(
        ALPHA,
        names=[("1", "001", "Société Alpha"), ("2", "001", "Alpha"), ("2", "002", "ALF"),
               ("2", "003", "Alpha Software")],
        form="015", form_cac="610", start="15-03-2012",
        addresses=[Address("1050", "Elsene", "Ixelles", "Eikstraat", "Rue du Chêne", "16", "b2")],
        activities=[("006", "2008", "70220", "MAIN"), ("001", "2003", "72220", "MAIN"),
                    ("001", "2008", "62020", "SECO"), ("001", "2008", "62010", "MAIN"),
                    ("001", "2025", "62100", "MAIN"), ("001", "2025", "62200", "SECO")],
        contacts=[("WEB", "www.alpha.example"), ("EMAIL", "info@alpha.example")],
        establishments=[kf.Establishment(
            "2100000339", "01-04-2015",
            Address("9000", "Gent", "Gand", "Kouter", "Kouter", "5", type="BAET"),
            [("001", "2008", "46900", "MAIN")],
        )],
    )  # fmt: skip
    beta = Entity(
        BETA, names=[("1", "001", "Bêta SRL")], form="003", start="02-01-2024",
        addresses=[Address("9000", "Gent", "Gand", "Veldstraat", "Veldstraat", "1")],
        activities=[("006", "2008", "46900", "MAIN"), ("006", "2025", "46900", "MAIN")],
    )  # fmt: skip
    gamma = Entity(
        GAMMA, names=[("0", "001", "Voorbeeld, Piet")], type="1", form=None, start="01-09-1999",
        activities=[("001", "2008", "71121", "MAIN")],
        establishments=[kf.Establishment(
            "2200000131", "01-09-1999",
            Address("3000", "Leuven", "Louvain", "Naamsestraat", "Naamsestraat", "3", type="BAET"),
        )],
    )  # fmt: skip
    abroad = Entity(
        ABROAD, names=[("1", "001", "Gamma Lointaine SA")], form="030",
        addresses=[Address("62000", "Arras", "Arras", "Rue des Jongleurs", "Rue des Jongleurs",
                           "2", country_nl="Frankrijk", country_fr="France")],
        branches=[("9000006626", "01-09-1995")],
    )  # fmt: skip
    omega = Entity(
        OMEGA, names=[("2", "001", "Omega Bouw"), ("1", "001", "Oméga Construction")],
        addresses=[Address("8500", "Kortrijk", "Courtrai", "Budastraat", "Budastraat", "37",
                           struck_off="13-11-2023")],
        activities=[("001", "2008", "41101", "MAIN")],
    )  # fmt: skip
    return [alpha, beta, gamma, abroad, omega]


@pytest.fixture
def orgs(db) -> dict[str, Organisation]:
    made = {
        "alpha": Organisation(enterprise_number=ALPHA, name="alpha (as typed)"),
        "beta": Organisation(enterprise_number=BETA, name="Beta"),
        "gamma": Organisation(
            enterprise_number=GAMMA, name="Piet", street="Dorp", house_number="1",
            postcode="9000", city="Gent",
        ),
        "abroad": Organisation(enterprise_number=ABROAD, name="Gamma"),
        "ceased": Organisation(
            enterprise_number=CEASED, name="Old Firm", status=Organisation.Status.ACTIVE,
            kbo_seen_at=datetime.date(2025, 6, 6),
        ),
        "unknown": Organisation(enterprise_number=UNKNOWN, name="Typo Ltd"),
        "foreign": Organisation(name="Fraunhofer", no_number_reason="foreign", country="DE"),
    }  # fmt: skip
    for org in made.values():
        org.save()
    return made


def run(path: Path, lookup: Path, **kwargs) -> KboImport:
    return kbo.run_import(
        KboImport.objects.create(source=str(path), kind="full"),
        path, actor=ACTOR, lookup_dir=lookup, **kwargs,
    )  # fmt: skip


def read_lookup(folder: Path) -> list[dict]:
    rows = duckdb.sql(f"SELECT * FROM read_parquet('{folder / kbo.LOOKUP_NAME}')")
    return [dict(zip(rows.columns, row, strict=True)) for row in rows.fetchall()]


def fresh(org: Organisation) -> Organisation:
    return Organisation.objects.select_related("legal_form", "municipality").get(pk=org.pk)


def test_valid_numbers_for_the_files():
    from stdnum.be import vat

    assert kf.valid_number(2000657) == "0200065765"
    assert all(vat.is_valid(n) for n in (ALPHA, BETA, GAMMA, NEW)) and BETA.startswith("1")
    assert kf.dotted(ALPHA) == f"{ALPHA[:4]}.{ALPHA[4:7]}.{ALPHA[7:]}"
    assert kf.dotted("2100000339") == "2.100.000.339"


def test_inspect_source_reads_the_meta_file(tmp_path):
    full = kf.write_full(tmp_path / "KboOpenData_0140_2025_07_Full.zip", extract(), as_zip=True)
    info = kbo.inspect_source(full)
    assert info["kind"] == "full" and info["extract_date"] == EXTRACT_DATE
    assert info["extract_number"] == "140" and len(info["files"]) == 9
    update = kf.write_update(tmp_path / "update.zip", deleted={}, inserted={})
    info = kbo.inspect_source(update)
    assert info["kind"] == "update" and info["extract_date"] == datetime.date(2025, 8, 1)
    assert "activity_delete.csv" in info["files"] and len(info["files"]) == 16


def test_a_full_extract_enriches_our_organisations(orgs, tmp_path):
    source = kf.write_full(tmp_path / "full", extract())
    done = run(source, tmp_path / "lookup")
    assert (done.state, done.progress, done.extract_date) == ("done", 100, EXTRACT_DATE)
    assert (done.matched, done.not_found, done.ceased, done.updated) == (4, 1, 1, 5)
    assert done.finished_at is not None and done.kind == "full" and done.extract_number == "140"

    alpha = fresh(orgs["alpha"])
    assert alpha.name == "Alpha"  # type 001 in Dutch: not the French name, nor ALF
    assert alpha.legal_form.code == "610"  # JuridicalFormCAC before JuridicalForm 015
    assert alpha.start_date == datetime.date(2012, 3, 15)
    assert (alpha.status, alpha.kbo_seen_at) == ("active", EXTRACT_DATE)
    assert alpha.nace_2008.code == "62010"  # MAIN of group 001 (VAT), not 006 nor SECO
    assert alpha.nace_2025.code == "62100"
    assert (alpha.street, alpha.house_number, alpha.box) == ("Eikstraat", "16", "b2")
    assert (alpha.postcode, alpha.city, alpha.country) == ("1050", "Elsene", "BE")
    # 1050 lies in Brussel and Elsene: the municipality named in the address wins.
    assert alpha.municipality.nis == "21009"
    pc = Postcode.objects.get(code="1050", municipality=alpha.municipality)
    assert (alpha.latitude, alpha.longitude) == (pc.latitude, pc.longitude)

    beta = fresh(orgs["beta"])
    assert beta.name == "Bêta SRL"  # no Dutch name: the French one
    assert beta.legal_form.code == "003"  # missing from our table: made from code.csv
    assert LegalForm.objects.get(code="003").label_nl == "BTW-eenheid"
    assert beta.nace_2008.code == "46900" and beta.municipality.name_nl == "Gent"

    gamma = fresh(orgs["gamma"])
    assert gamma.name == "Voorbeeld, Piet" and gamma.legal_form is None
    assert (gamma.street, gamma.postcode) == ("Dorp", "9000")  # no seat address: ours stays
    abroad = fresh(orgs["abroad"])
    assert abroad.name == "Gamma Lointaine SA" and abroad.street == ""  # office abroad: left

    assert fresh(orgs["ceased"]).status == "ceased"
    unknown = fresh(orgs["unknown"])
    assert (unknown.status, unknown.kbo_seen_at, unknown.name) == ("unknown", None, "Typo Ltd")
    entries = AuditEntry.objects.filter(via="tests", object_id=str(orgs["alpha"].pk))
    assert entries.filter(note__startswith="KBO full extract 140").count() == 1


def test_a_zip_gives_the_same_and_leaves_no_temporary_files(orgs, tmp_path):
    source = kf.write_full(tmp_path / "KboOpenData_0140_2025_07_Full.zip", extract(), as_zip=True)
    seen = []
    done = run(source, tmp_path / "lookup", progress=lambda pct, step: seen.append((pct, step)))
    assert (done.matched, done.not_found, done.ceased) == (4, 1, 1)
    assert fresh(orgs["alpha"]).name == "Alpha"
    assert [p.name for p in (tmp_path / "lookup").iterdir()] == ["enterprises.parquet"]
    percents = [pct for pct, _ in seen]
    assert percents == sorted(percents) and seen[-1] == (100, "done")
    assert any(step == "reading activity.csv" for _, step in seen)


def test_a_second_run_writes_nothing(orgs, tmp_path):
    source = kf.write_full(tmp_path / "full", extract())
    run(source, tmp_path / "lookup")
    entries = AuditEntry.objects.count()
    again = run(source, tmp_path / "lookup")
    assert (again.matched, again.ceased, again.updated) == (4, 1, 0)
    assert AuditEntry.objects.count() == entries


def test_an_update_deletes_first_then_inserts(orgs, tmp_path):
    entities = {e.number: e for e in extract()}
    run(kf.write_full(tmp_path / "full", list(entities.values())), tmp_path / "lookup")
    moved = Entity(ALPHA, names=[], addresses=[Address("9000", "Gent", "Gand", "Kouter", "Kouter",
                                                       "7")])  # fmt: skip
    renamed = Entity(GAMMA, names=[("2", "001", "Voorbeeld-Jansen, Piet")])
    new = Entity(
        NEW, names=[("2", "001", "Nieuw Bedrijf")], start="01-07-2025",
        addresses=[Address("2000", "Antwerpen", "Anvers", "Meir", "Meir", "1")],
        activities=[("001", "2008", "62010", "MAIN")],
    )  # fmt: skip
    update = kf.write_update(
        tmp_path / "KboOpenData_0141_2025_08_Update.zip",
        deleted={"enterprise": [BETA], "address": [ALPHA, BETA], "denomination": [GAMMA, BETA],
                 "activity": [OMEGA, BETA]},
        inserted={"address": [moved, new], "denomination": [renamed, new], "enterprise": [new],
                  "activity": [new]},
    )  # fmt: skip
    done = run(update, tmp_path / "lookup")
    assert done.kind == "update" and done.extract_date == datetime.date(2025, 8, 1)
    # alpha, gamma (touched), abroad (untouched, still there); beta left; eps never found
    assert (done.matched, done.ceased, done.not_found) == (3, 2, 1)
    alpha = fresh(orgs["alpha"])
    # The address was deleted and inserted again: applied in the other order it would be gone.
    assert (alpha.street, alpha.house_number, alpha.postcode) == ("Kouter", "7", "9000")
    assert alpha.name == "Alpha" and alpha.nace_2008.code == "62010"  # untouched: kept
    assert fresh(orgs["gamma"]).name == "Voorbeeld-Jansen, Piet"
    assert fresh(orgs["beta"]).status == "ceased"
    assert fresh(orgs["abroad"]).kbo_seen_at == datetime.date(2025, 8, 1)

    lookup = {r["enterprise_number"]: r for r in read_lookup(tmp_path / "lookup")}
    assert BETA not in lookup and lookup[NEW]["name"] == "Nieuw Bedrijf"
    assert lookup[ALPHA]["postcode"] == "9000" and lookup[OMEGA]["nace_2008"] is None
    assert lookup[GAMMA]["name"] == "Voorbeeld-Jansen, Piet"
    found = kbo.search_lookup("jansen", lookup_dir=tmp_path / "lookup")
    assert [r["enterprise_number"] for r in found] == [GAMMA]


def test_an_update_without_a_lookup_still_enriches(orgs, tmp_path):
    orgs["alpha"].kbo_seen_at = EXTRACT_DATE
    orgs["alpha"].save()
    update = kf.write_update(
        tmp_path / "update.zip", deleted={}, inserted={"enterprise": extract()}
    )
    done = run(update, tmp_path / "lookup")
    # 4 inserted, and "ceased" (seen before, not deleted by this update) is still there
    assert fresh(orgs["alpha"]).legal_form.code == "610" and done.matched == 5
    assert not (tmp_path / "lookup" / "enterprises.parquet").exists()


def test_the_lookup_finds_enterprises_by_name_and_number(orgs, tmp_path):
    lookup = tmp_path / "lookup"
    assert kbo.search_lookup("alpha", lookup_dir=lookup) == []  # none built yet
    run(kf.write_full(tmp_path / "full", extract()), lookup)

    def find(query):
        return [r["enterprise_number"] for r in kbo.search_lookup(query, lookup_dir=lookup)]

    assert find("ALPHA") == [ALPHA] and find("omega b") == [OMEGA]
    assert find("beta") == [BETA]  # accents ignored: Bêta
    for notation in (ALPHA, kf.dotted(ALPHA), f"BE {kf.dotted(ALPHA)}", ALPHA[1:]):
        assert find(notation) == [ALPHA], notation
    assert find(BETA[:6]) == [BETA] and find("nothing like it") == [] and find("%") == []
    (hit,) = kbo.search_lookup(OMEGA, lookup_dir=lookup)
    assert hit == {"enterprise_number": OMEGA, "name": "Omega Bouw", "postcode": "8500",
                   "start_date": datetime.date(2010, 1, 1), "nace_2008": "41101"}  # fmt: skip


def _missing(folder: Path):
    (folder / "activity.csv").unlink()


def _renamed(folder: Path):
    (folder / "activity.csv").rename(folder / "activities.csv")


def _changed_header(folder: Path):
    path = folder / "activity.csv"
    path.write_text(path.read_text("utf-8").replace('"NaceCode"', '"Code"', 1), "utf-8")


@pytest.mark.parametrize("damage", [_missing, _renamed, _changed_header])
@pytest.mark.parametrize("as_zip", [False, True])
def test_a_damaged_extract_is_refused_before_anything_is_written(orgs, tmp_path, damage, as_zip):
    folder = kf.write_full(tmp_path / "full", extract())
    damage(folder)
    source = folder
    if as_zip:
        source = tmp_path / "full.zip"
        with zipfile.ZipFile(source, "w") as archive:
            for path in folder.iterdir():
                archive.write(path, path.name)
    before = list(Organisation.objects.order_by("pk").values())
    entries = AuditEntry.objects.count()
    with pytest.raises(kbo.KboFormatError) as refused:
        run(source, tmp_path / "lookup")
    assert "activity.csv" in str(refused.value) and ACTIVITY_HEADER in str(refused.value)
    if damage is _renamed:
        assert "activities.csv" in str(refused.value)
    assert list(Organisation.objects.order_by("pk").values()) == before
    assert AuditEntry.objects.count() == entries
    assert not (tmp_path / "lookup" / "enterprises.parquet").exists()
    failed = KboImport.objects.latest("pk")
    assert failed.state == "failed" and ACTIVITY_HEADER in failed.error


def test_the_command_shows_progress_and_a_summary(orgs, tmp_path, capsys):
    source = kf.write_full(tmp_path / "full.zip", extract(), as_zip=True)
    call_command("import-kbo", str(source), "--lookup-dir", str(tmp_path / "lookup"))
    out = capsys.readouterr().out
    assert "KBO full extract 140 of 04-07-2025" in out
    assert "] 100% done" in out and "\r[" in out
    assert "matched 4, not found 1, ceased 1, updated 5" in out
    assert KboImport.objects.latest("pk").state == "done"


def test_the_command_refuses_a_changed_header_and_writes_nothing(orgs, tmp_path):
    folder = kf.write_full(tmp_path / "full", extract())
    _changed_header(folder)
    runs, entries = KboImport.objects.count(), AuditEntry.objects.count()
    with pytest.raises(CommandError, match=f"activity.csv: expected header {ACTIVITY_HEADER}"):
        call_command("import-kbo", str(folder), "--lookup-dir", str(tmp_path / "lookup"))
    assert (KboImport.objects.count(), AuditEntry.objects.count()) == (runs, entries)


def test_the_reader_needs_no_django_settings():
    # The benchmark and notebooks call read_enterprises on a plain list of numbers.
    tree = parsed(Path(kbo.__file__))
    top = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    modules = {a.name for n in top if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module for n in top if isinstance(n, ast.ImportFrom) and n.module}
    assert not {m for m in modules if m.startswith(("django", "clustermonitor.registry.models"))}


# A "full" file that is clearly no full extract (issue 16) ------------------------------


def _many_more_of_ours(n: int = 12) -> None:
    for i in range(n):
        Organisation.objects.create(enterprise_number=kf.valid_number(2000000 + i), name=f"Lid {i}")


def _snapshot() -> list:
    return list(
        Organisation.objects.order_by("pk").values_list(
            "pk", "name", "status", "kbo_seen_at", "enterprise_number"
        )
    )


def test_a_full_file_with_far_fewer_enterprises_than_the_registry_is_refused(orgs, tmp_path):
    """The tester's 5-company "full" file marked 1,474 organisations not found."""
    _many_more_of_ours()  # 18 of ours with a number, 5 enterprises in the file
    source = kf.write_full(tmp_path / "KboOpenData_0999_2025_07_Full.zip", extract(), as_zip=True)
    before, entries = _snapshot(), AuditEntry.objects.count()
    with pytest.raises(kbo.KboFormatError, match=r"KboOpenData_0999_2025_07_Full\.zip") as refused:
        run(source, tmp_path / "lookup")
    assert "only 5 enterprises" in str(refused.value) and "18 organisations" in str(refused.value)
    assert _snapshot() == before and AuditEntry.objects.count() == entries
    failed = KboImport.objects.latest("pk")
    assert failed.state == "failed" and failed.not_found == 0
    # Confirmed on purpose, it runs.
    done = run(source, tmp_path / "lookup", allow_partial=True)
    assert done.state == "done" and done.matched == 4


def test_the_command_refuses_a_partial_full_file_unless_allowed(orgs, tmp_path):
    _many_more_of_ours()
    source = kf.write_full(tmp_path / "klein.zip", extract(), as_zip=True)
    runs, entries = KboImport.objects.count(), AuditEntry.objects.count()
    with pytest.raises(CommandError, match=r"klein\.zip: a full extract with only 5"):
        call_command("import-kbo", str(source), "--lookup-dir", str(tmp_path / "lookup"))
    assert (KboImport.objects.count(), AuditEntry.objects.count()) == (runs, entries)
    call_command(
        "import-kbo", str(source), "--lookup-dir", str(tmp_path / "lookup"), "--allow-partial"
    )
    assert KboImport.objects.latest("pk").state == "done"


def _upload(path: Path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/zip")


def test_the_page_refuses_a_partial_full_upload_then_runs_it_confirmed_under_its_name(
    orgs, tmp_path, web, settings
):
    from django.urls import reverse

    settings.VAR_DIR = tmp_path / "var"
    _many_more_of_ours()
    source = kf.write_full(tmp_path / "KboOpenData_0140_2025_07_Full.zip", extract(), as_zip=True)
    client = web("programme_manager")
    url = reverse("registry:kbo-imports")
    before = _snapshot()
    refused = client.post(url, {"upload": _upload(source)})
    assert refused.status_code == 200
    assert "KboOpenData_0140_2025_07_Full.zip: a full extract with only 5" in str(
        refused.context["form"].errors["confirm_partial"]
    )
    assert not KboImport.objects.exists() and _snapshot() == before
    assert not list((tmp_path / "var" / "kbo" / "uploads").iterdir())  # not kept
    done = client.post(url, {"upload": _upload(source), "confirm_partial": "on"}, follow=True)
    run_ = KboImport.objects.get()
    assert run_.state == "done" and run_.source == "KboOpenData_0140_2025_07_Full.zip"
    listed = client.get(url).content.decode()
    assert "KboOpenData_0140_2025_07_Full.zip" in listed and "tmp" not in run_.source
    assert done.status_code == 200


def test_an_uploaded_update_is_listed_under_its_own_name(orgs, tmp_path, web, settings):
    from django.urls import reverse

    settings.VAR_DIR = tmp_path / "var"
    update = kf.write_update(
        tmp_path / "KboOpenData_0141_2025_08_Update.zip", deleted={}, inserted={}
    )
    client = web("programme_manager")
    client.post(reverse("registry:kbo-imports"), {"upload": _upload(update)})
    assert KboImport.objects.get().source == "KboOpenData_0141_2025_08_Update.zip"
    page = client.get(reverse("registry:kbo-imports")).content.decode()
    assert "KboOpenData_0141_2025_08_Update.zip" in page
