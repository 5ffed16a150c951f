"""Importing a cluster's member list (issue 3, JOURNEYS 4)."""

import csv
import datetime
import io

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.core.tabular import TableError, read_table
from clustermonitor.members import importing
from clustermonitor.members.models import Contact, Membership
from clustermonitor.registry.models import Organisation
from tests.factories import dotted, enterprise_number, membership, organisation

pytestmark = pytest.mark.usefixtures("english")

ACTOR = audit.Actor.system("test")


DAY = datetime.date(2019, 1, 1)
HEADERS = [
    "Ondernemingsnummer",
    "Bedrijfsnaam",
    "Straat",
    "Postcode",
    "Gemeente",
    "Contactpersoon",
    "E-mail",
    "Lid sinds",
]


def _csv(rows, headers=HEADERS, delimiter=";", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def _xlsx(rows, headers=HEADERS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _row(i, **overrides):
    row = {
        "number": dotted(enterprise_number(i)),
        "name": f"Firma {i} BV",
        "street": "Kerkstraat 1",
        "postcode": "9000",
        "city": "Gent",
        "contact": f"Persoon {i}",
        "email": f"p{i}@example.org",
        "since": "01/03/2018",
    }
    row.update(overrides)
    return list(row.values())


def _plan(data, name, cluster, **kwargs):
    table = read_table(data, name)
    mapping = importing.suggest_mapping(table)
    return importing.plan(table, cluster, mapping, reference_date=DAY, **kwargs), table, mapping


def test_journey_moving_in_120_rows(cluster_b):
    """120 rows with Dutch headers, three bad numbers, one company twice."""
    rows = [_row(i) for i in range(116)]
    rows.append(_row(5))  # the same company again
    rows.append(_row(200, number="0200.000.001"))  # bad checksum
    rows.append(_row(201, number="12345"))  # too short
    rows.append(_row(202, number=""))  # missing, and Belgian
    result, table, mapping = _plan(_xlsx(rows), "leden.xlsx", cluster_b)
    assert result.counts == {"new": 116, "updated": 0, "unchanged": 0, "rejected": 4}
    reasons = {o.number: o.reason for o in result.rejected}
    assert reasons[118] == "Ondernemingsnummer: duplicate of row 7"
    assert reasons[119] == "Ondernemingsnummer: 0200.000.001: bad checksum"
    assert "wrong number of digits" in reasons[120]
    assert "missing" in reasons[121]
    assert not Organisation.objects.filter(name="Firma 1 BV").exists()  # a plan writes nothing

    importing.commit(table, cluster_b, mapping, actor=ACTOR, reference_date=DAY)
    assert Membership.objects.filter(cluster=cluster_b).count() == 116
    m = Membership.objects.get(organisation__enterprise_number=enterprise_number(3))
    assert m.start_date == datetime.date(2018, 3, 1)
    assert m.contacts.get().email == "p3@example.org"
    again, _, _ = _plan(_xlsx(rows), "leden.xlsx", cluster_b)
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 116, "rejected": 4}


def test_reimporting_the_same_file_changes_nothing(cluster_a):
    data = _csv([_row(i) for i in range(5)])
    table = read_table(data, "leden.csv")
    mapping = importing.suggest_mapping(table)
    importing.commit(table, cluster_a, mapping, actor=ACTOR, reference_date=DAY)
    entries = AuditEntry.objects.count()
    result = importing.commit(table, cluster_a, mapping, actor=ACTOR, reference_date=DAY)
    assert result.counts["unchanged"] == 5
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_it_reads_csv_in_the_usual_encodings_and_separators(encoding, delimiter):
    data = _csv(
        [_row(1, name="Société Générale d'Électricité")], delimiter=delimiter, encoding=encoding
    )
    table = read_table(data, "x.csv")
    assert table.headers == HEADERS
    assert table.rows[0][1][1] == "Société Générale d'Électricité"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("KBO-nummer", "enterprise_number"),
        ("BTW-nummer", "enterprise_number"),
        ("Numéro d'entreprise", "enterprise_number"),
        ("Enterprise number", "enterprise_number"),
        ("VAT", "enterprise_number"),
        ("Naam", "name"),
        ("Company name", "name"),
        ("ZIP", "postcode"),
        ("E-mail", "contact_email"),
        ("Code postal", "postcode"),
        ("Lid sinds", "start_date"),
    ],
)
def test_it_recognises_common_headers(header, field):
    table = read_table(_csv([["x"]], headers=[header]), "x.csv")
    assert importing.suggest_mapping(table) == {field: header}


def test_a_remembered_mapping_wins_where_its_column_exists():
    table = read_table(_csv([["a", "b"]], headers=["Nummer bedrijf", "Naam"]), "x.csv")
    mapping = importing.suggest_mapping(
        table, {"enterprise_number": "Nummer bedrijf", "postcode": "gone"}
    )
    assert mapping == {"name": "Naam", "enterprise_number": "Nummer bedrijf"}


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"postcode": "9999"}, "Postcode: unknown postcode 9999"),
        ({"since": "01/01/2999"}, "Lid sinds: date in the future: 01/01/2999"),
        ({"since": "gisteren"}, "Lid sinds: 'gisteren' is not a date (use dd/mm/yyyy)"),
        ({"email": "not-an-address"}, "E-mail: not an e-mail address: not-an-address"),
    ],
)
def test_every_rejected_row_names_its_column_and_reason(cluster_a, overrides, reason):
    result, _, _ = _plan(_csv([_row(1, **overrides)]), "leden.csv", cluster_a)
    (rejected,) = result.rejected
    assert rejected.number == 2 and rejected.reason == reason


def test_old_9_digit_numbers_and_1xxx_numbers_are_accepted(cluster_a):
    nine = enterprise_number(7)[1:]
    one = enterprise_number(8, first="1")
    result, _, _ = _plan(_csv([_row(7, number=nine), _row(8, number=one)]), "x.csv", cluster_a)
    assert result.counts["new"] == 2
    assert [r.number for r in result.rows] == [enterprise_number(7), one]


def test_a_foreign_company_without_number_is_allowed_with_its_country(cluster_a):
    headers = [*HEADERS, "Land"]
    rows = [[*_row(1, number="", postcode="5611"), "Nederland"]]
    result, table, mapping = _plan(_csv(rows, headers=headers), "x.csv", cluster_a)
    assert result.counts["new"] == 1
    importing.commit(table, cluster_a, mapping, actor=ACTOR, reference_date=DAY)
    org = Organisation.objects.get(name="Firma 1 BV")
    assert org.country == "NL" and org.no_number_reason == "foreign" and org.is_foreign


def test_an_existing_organisation_is_shared_and_not_overwritten(cluster_a, cluster_b):
    org = organisation(1, name="Officiële Naam NV", street="")
    membership(org, cluster_b)
    result, table, mapping = _plan(_csv([_row(1, name="Zelfgekozen naam")]), "x.csv", cluster_a)
    assert result.counts["new"] == 1
    importing.commit(table, cluster_a, mapping, actor=ACTOR, reference_date=DAY)
    org.refresh_from_db()
    assert org.name == "Officiële Naam NV" and org.street == "Kerkstraat 1"
    assert Organisation.objects.filter(enterprise_number=enterprise_number(1)).count() == 1
    assert org.memberships.count() == 2


def test_missing_members_of_a_full_list_are_proposed_not_ended(cluster_a):
    gone = membership(organisation(50), cluster_a)
    result, table, mapping = _plan(_csv([_row(1)]), "x.csv", cluster_a, full_list=True)
    assert [m.pk for m in result.missing] == [gone.pk]
    importing.commit(table, cluster_a, mapping, actor=ACTOR, reference_date=DAY, full_list=True)
    gone.refresh_from_db()
    assert gone.end_date is None
    assert importing.end_memberships(ACTOR, [gone], datetime.date(2019, 6, 30)) == 1
    gone.refresh_from_db()
    assert gone.end_date == datetime.date(2019, 6, 30)


def test_a_new_contact_on_a_known_member_is_an_update(cluster_a):
    org = organisation(1)
    m = membership(org, cluster_a, start=datetime.date(2018, 3, 1))
    result, table, mapping = _plan(_csv([_row(1)]), "x.csv", cluster_a)
    assert result.counts["updated"] == 1
    importing.commit(table, cluster_a, mapping, actor=ACTOR, reference_date=DAY)
    assert Contact.objects.get(membership=m).name == "Persoon 1"


def test_an_invalid_website_is_rejected_in_the_dry_run_not_at_commit(cluster_a):
    headers = [*HEADERS, "Website"]
    result, table, mapping = _plan(
        _csv([[*_row(1), "not a url"]], headers=headers), "x.csv", cluster_a
    )
    assert result.rejected[0].reason.startswith("Website:")
    importing.commit(table, cluster_a, mapping, actor=ACTOR, reference_date=DAY)


def test_unreadable_files_are_refused_with_the_file_name():
    with pytest.raises(TableError, match=r"leden.pdf: use an .xlsx or .csv file"):
        read_table(b"%PDF", "leden.pdf")
    with pytest.raises(TableError, match=r"leden\.xlsx: not a readable Excel file"):
        read_table(b"not a zip", "leden.xlsx")
    with pytest.raises(TableError, match=r"leeg\.csv: the file is empty"):
        read_table(b"\n\n", "leeg.csv")


cell = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(cell, min_size=8, max_size=8), min_size=1, max_size=6))
def test_any_cell_values_give_a_verdict_per_row_and_never_crash(cluster_a, rows):
    result, table, mapping = _plan(_csv(rows), "x.csv", cluster_a)
    nonblank = [r for r in rows if any(c.strip() for c in r)]
    assert len(result.rows) <= len(rows)
    for row in result.rows:
        assert row.outcome.status in {"new", "updated", "unchanged", "rejected"}
        if row.outcome.status == "rejected":
            assert row.outcome.problems
    assert len(result.rows) >= len(nonblank) - sum(1 for r in nonblank if not "".join(r).strip())
    importing.commit(table, cluster_a, mapping, actor=ACTOR, reference_date=DAY)


def test_the_command_reports_and_dry_runs(cluster_a, tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "leden.csv"
    path.write_bytes(_csv([_row(1), _row(2, number="0200.000.001")]))
    call_command("import-members", str(path), "--cluster", "EUKA", "--dry-run")
    out = capsys.readouterr().out
    assert "leden.csv, row 3: Ondernemingsnummer: 0200.000.001: bad checksum" in out
    assert "Dry run: 1 new, 0 updated, 0 unchanged, 1 rejected." in out
    assert not Membership.objects.filter(cluster=cluster_a).exists()
    call_command("import-members", str(path), "--cluster", "EUKA", "--date", "2018-01-01")
    assert Membership.objects.filter(cluster=cluster_a).count() == 1
    call_command("import-members", str(path), "--cluster", "EUKA")
    assert "Imported: 0 new, 0 updated, 1 unchanged, 1 rejected." in capsys.readouterr().out


def test_the_command_takes_a_mapping_and_refuses_unknown_columns(cluster_a, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "lijst.csv"
    path.write_bytes(_csv([["Firma X", enterprise_number(3)]], headers=["Wie", "Nummer"]))
    with pytest.raises(CommandError, match=r"lijst\.csv has no column 'Num'"):
        call_command(
            "import-members", str(path), "--cluster", "EUKA", "--map", "enterprise_number=Num"
        )
    call_command(
        "import-members",
        str(path),
        "--cluster",
        "EUKA",
        "--map",
        "enterprise_number=Nummer",
        "--map",
        "name=Wie",
    )
    assert Organisation.objects.get(enterprise_number=enterprise_number(3)).name == "Firma X"


def test_imported_members_are_placed_on_the_map(cluster_a):
    _result, table, mapping = _plan(_csv([_row(1, postcode="9000")]), "x.csv", cluster_a)
    importing.commit(table, cluster_a, mapping, actor=ACTOR, reference_date=DAY)
    org = Organisation.objects.get(enterprise_number=enterprise_number(1))
    assert org.municipality.name_nl == "Gent" and org.latitude is not None


def test_a_headcount_column_fills_the_figures_of_the_reference_year(cluster_a):
    from clustermonitor.registry.models import FirmFigures

    headers = [*HEADERS, "Aantal werknemers"]
    rows = [[*_row(1), "12"], [*_row(2), "1.250"], [*_row(3), "veel"]]
    result, table, mapping = _plan(_csv(rows, headers=headers), "x.csv", cluster_a)
    assert mapping["employees"] == "Aantal werknemers"
    assert result.rejected[0].reason == "Aantal werknemers: 'veel' is not an amount"
    importing.commit(table, cluster_a, mapping, actor=ACTOR, reference_date=DAY)
    figures = FirmFigures.objects.get(organisation__enterprise_number=enterprise_number(2))
    assert (figures.year, figures.employees, figures.source) == (2019, 1250, "ledenlijst EUKA")
    again, _, _ = _plan(_csv(rows, headers=headers), "x.csv", cluster_a)
    assert again.counts["unchanged"] == 2
