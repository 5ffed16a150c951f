"""The real 2020 portfolio, loaded from the shipped reference files."""

import csv
import datetime
import shutil
from decimal import Decimal

import pytest
from django.core.management import call_command

from clustermonitor.core.models import AuditEntry
from clustermonitor.demodata.reference import load_reference
from clustermonitor.programmes.models import (
    Call,
    Cluster,
    ClusterType,
    FuturePath,
    ReportedFigure,
    Target,
)
from clustermonitor.programmes.reference import (
    REFERENCE_DIR,
    ReferenceDataError,
    read_reference,
    split_keywords,
)


def _csv(name):
    with (REFERENCE_DIR / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_it_has_the_26_clusters_of_2020(db):
    assert Cluster.objects.filter(cluster_type__code="IBN").count() == 20
    assert Cluster.objects.filter(cluster_type__code="SPC").count() == 6


@pytest.mark.parametrize("row", _csv("ibn_portfolio_2020.csv"), ids=lambda r: r["code"])
def test_it_loads_every_ibn_as_in_table_7(db, row):
    cluster = Cluster.objects.select_related("call").get(code=row["code"])
    assert cluster.name == row["name"]
    assert cluster.call.number == int(row["call"])
    assert cluster.end_date == datetime.date.fromisoformat(row["end_date"])
    assert cluster.executing_organisation == row["executing_organisation"]
    assert cluster.embedding == row["embedding"]
    assert cluster.origin == row["origin"]
    assert cluster.future_note == row["future"]
    # An IBN agreement runs three years up to its end date.
    assert cluster.duration_months == 36
    figures = {f.metric: f for f in cluster.reported_figures.all()}
    assert figures["intercluster_projects"].value == Decimal(row["intercluster_projects"])
    if row["kpi_basis"] == "target":
        targets = {t.kpi.code: t.value for t in cluster.targets.select_related("kpi")}
        assert targets == {
            "KPI1": Decimal(row["members_kpi1"]),
            "KPI3": Decimal(row["collaborations_kpi3a"]),
        }
        assert "KPI1" not in figures
    else:
        assert figures["KPI1"].value == Decimal(row["members_kpi1"])
        assert figures["KPI3"].value == Decimal(row["collaborations_kpi3a"])
        assert figures["KPI1"].basis == row["kpi_basis"]
        assert figures["KPI1"].source == "IBN-evaluatie 2020"


def test_it_takes_subsidies_and_keywords(db):
    subsidies = {r["code"]: Decimal(r["subsidy_eur"]) for r in _csv("ibn_cofinancing_2020.csv")}
    for cluster in Cluster.objects.filter(cluster_type__code="IBN"):
        assert cluster.subsidy == subsidies.get(cluster.code)
    assert Cluster.objects.get(code="FLAG").keywords == ["luchtvaartsector (bouwers; apparatuur)"]
    assert Cluster.objects.get(code="EUKA").keywords == ["drones", "aanbieders", "gebruikers"]
    assert Cluster.objects.get(code="BEACON").subsidy is None


def test_it_maps_the_future_column(db):
    bim = Cluster.objects.get(code="BIM")
    assert (bim.future_path, bim.future_organisation) == (FuturePath.INTEGRATED, "WTCB")
    assert Cluster.objects.get(code="BHIVE").future_path == FuturePath.STOPPED
    assert Cluster.objects.get(code="FHEALTH").future_path == FuturePath.AIMS_SPC


def test_it_loads_types_and_calls_with_reported_figures(db):
    ibn = ClusterType.objects.get(code="IBN")
    assert (ibn.max_annual_subsidy, ibn.max_years, ibn.cofinancing_share) == (
        150000,
        3,
        Decimal("0.5"),
    )
    spc = ClusterType.objects.get(code="SPC")
    assert (spc.max_annual_subsidy, spc.max_years) == (500000, 10)
    assert sorted(ibn.kpis.values_list("code", flat=True)) == ["KPI1", "KPI2", "KPI3"]
    call1 = Call.objects.get(number=1)
    reported = {f.metric: f.value for f in call1.reported_figures.all()}
    assert reported == {
        "applications_submitted": 25,
        "applications_funded": 14,
        "funded_amount": 4_700_000,
    }
    call2 = Call.objects.get(number=2)
    assert {f.metric: f.value for f in call2.reported_figures.all()}["applications_submitted"] == 12


def test_it_changes_nothing_when_run_again(db):
    before = (AuditEntry.objects.count(), ReportedFigure.objects.count(), Target.objects.count())
    summary = load_reference()
    assert summary.total_changed == 0
    assert (
        AuditEntry.objects.count(),
        ReportedFigure.objects.count(),
        Target.objects.count(),
    ) == before


def test_it_repairs_a_changed_record_and_audits_it(db):
    Cluster.objects.filter(code="EUKA").update(name="Something else")
    summary = load_reference()
    assert summary.changed == {"cluster": 1}
    entry = AuditEntry.objects.filter(object_repr__startswith="EUKA").first()
    assert entry.via == "load-reference"
    assert entry.before["name"] == "Something else" and entry.after["name"] == "EUKA (drones)"


@pytest.fixture
def reference_copy(tmp_path):
    target = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, target)
    return target


def _rewrite(path, old, new):
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_it_names_file_line_and_field_of_a_malformed_row(reference_copy):
    _rewrite(
        reference_copy / "ibn_portfolio_2020.csv", "2019-12-31,EUKA vzw", "2019-31-12,EUKA vzw"
    )
    with pytest.raises(ReferenceDataError) as error:
        read_reference(reference_copy)
    assert error.value.problems == [
        "ibn_portfolio_2020.csv, line 9, field end_date: '2019-31-12' is not a date (YYYY-MM-DD)"
    ]


def test_it_reports_every_problem_at_once(reference_copy):
    _rewrite(
        reference_copy / "ibn_portfolio_2020.csv", ",zelfstandig,Nieuw (VOKA", ",alone,Nieuw (VOKA"
    )
    _rewrite(reference_copy / "spc_portfolio_2020.csv", "2017-01-01,2026-12-31", "soon,2026-12-31")
    (reference_copy / "ibn_keywords_2020.csv").unlink()
    with pytest.raises(ReferenceDataError) as error:
        read_reference(reference_copy)
    text = "\n".join(error.value.problems)
    assert "ibn_portfolio_2020.csv, line 2, field embedding: 'alone' is not one of" in text
    assert "spc_portfolio_2020.csv, line 2, field start_date: 'soon' is not a date" in text
    assert "ibn_keywords_2020.csv, field -: file is missing" in text


def test_it_refuses_a_changed_header(reference_copy):
    _rewrite(reference_copy / "spc_portfolio_2020.csv", "code,name,domain", "code,naam,domain")
    with pytest.raises(ReferenceDataError, match=r"spc_portfolio_2020.csv, line 1, field name"):
        read_reference(reference_copy)


def test_it_writes_nothing_when_a_row_is_bad(db, reference_copy):
    # A new, valid cluster first in the file, then a bad row: neither may land.
    path = reference_copy / "ibn_portfolio_2020.csv"
    lines = path.read_text("utf-8").splitlines()
    lines.insert(
        1, "NEWIBN,New one,2,2022-06-30,X vzw,zelfstandig,Nieuw,10,1,reported_1y,0,Onduidelijk"
    )
    lines.append("BAD,Bad one,2,2022-06-30,X vzw,zelfstandig,Nieuw,-3,1,reported_1y,0,Onduidelijk")
    path.write_text("\n".join(lines) + "\n", "utf-8")
    before = AuditEntry.objects.count()
    with pytest.raises(ReferenceDataError, match="line 23, field members_kpi1: -3 is negative"):
        load_reference(reference_copy)
    assert not Cluster.objects.filter(code="NEWIBN").exists()
    assert AuditEntry.objects.count() == before


def test_the_command_reports_problems_without_a_traceback(db, reference_copy, capsys):
    from django.core.management.base import CommandError

    _rewrite(
        reference_copy / "ibn_portfolio_2020.csv",
        "ACB,Air Cargo Belgium,1",
        "ACB,Air Cargo Belgium,x",
    )
    with pytest.raises(CommandError, match=r"ibn_portfolio_2020\.csv, line 2, field call"):
        call_command("load-reference", "--dir", str(reference_copy))


def test_the_command_prints_a_summary(db, capsys):
    call_command("load-reference")
    out = capsys.readouterr().out
    assert "Reference data loaded: 0 rows written." in out
    assert "cluster               0 written,   26 unchanged" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("drones; aanbieders; gebruikers", ["drones", "aanbieders", "gebruikers"]),
        ("luchtvaartsector (bouwers; apparatuur)", ["luchtvaartsector (bouwers; apparatuur)"]),
        ("a;; b ;", ["a", "b"]),
        ("", []),
    ],
)
def test_it_splits_keywords_outside_parentheses(text, expected):
    assert split_keywords(text) == expected
