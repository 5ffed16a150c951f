"""The shipped application form (grants/data/application_form.xlsx): the script writes
the same bytes, the survey engine accepts it, and every question it asks maps to the
contract (grants/mapping.py's convention); members' names from the KBO lookup; the
finder's overlap shown to the applicant."""

import datetime
import sys
from pathlib import Path

import duckdb
import pytest
from django.urls import reverse

from clustermonitor.grants import mapping, services
from clustermonitor.programmes.models import Cluster
from clustermonitor.surveys import xlsform
from tests.conftest import CLUSTER_A
from tests.grants_helpers import ANSWERS, draft_for, open_call

ROOT = Path(__file__).resolve().parent.parent


def test_the_script_writes_the_shipped_bytes():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_application_xlsform
    finally:
        sys.path.pop(0)
    assert build_application_xlsform.build() == services.APPLICATION_XLSFORM.read_bytes()


def test_every_question_of_the_shipped_form_maps_to_the_contract():
    data = services.APPLICATION_XLSFORM.read_bytes()
    definition = xlsform.parse(data, "application_form.xlsx")
    asked = {q["name"] for q in definition["questions"] if q["type"] != "note"}
    known = (
        set(mapping.TEXT_KEYS)
        | set(mapping.TABLES)
        | {"applicant_enterprise_number", "keywords", "start_date", "term_years"}
        | {"requested_amount", "targets_due_date", "manager_name", "manager_email"}
        | {"manager_phone"}
        | {n for n in asked if n.startswith(mapping.TARGET_PREFIX)}
    )
    assert asked <= known, asked - known
    assert asked == set(ANSWERS)  # the tests' answers fill the whole form
    tables = {
        q["name"]: q["appearance"] for q in definition["questions"] if q["name"] in mapping.TABLES
    }
    assert tables == dict.fromkeys(mapping.TABLES, "multiline")


@pytest.mark.django_db
def test_a_member_without_a_name_gets_the_kbo_lookups(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    (tmp_path / "kbo").mkdir()
    duckdb.sql(
        "COPY (SELECT '0203201340' AS enterprise_number, 'Uit De KBO NV' AS name,"
        " '9000' AS postcode, DATE '2015-05-01' AS start_date, '28990' AS nace_2008,"
        f" 'uit de kbo nv' AS folded) TO '{tmp_path / 'kbo' / 'enterprises.parquet'}'"
        " (FORMAT parquet)"
    )
    from clustermonitor.registry.models import Organisation

    Organisation.objects.filter(enterprise_number="0203201340").delete()
    application = draft_for(open_call())
    result = services.check(application)
    assert result.data["members"][1] == {
        "enterprise_number": "0203.201.340",
        "name": "Uit De KBO NV",
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_the_applicant_sees_the_finders_overlap(web):
    Cluster.objects.filter(code=CLUSTER_A).update(
        end_date=datetime.date.today() + datetime.timedelta(days=365)
    )
    euka = Cluster.objects.get(code=CLUSTER_A)
    application = draft_for(
        open_call(), answers={**ANSWERS, "keywords": "drones", "domain": "drones"}
    )
    page = web("applicant").get(reverse("grants:application", args=[application.pk]))
    assert [r.code for r in page.context["overlap"]][:1] == [CLUSTER_A]
    assert euka.name in page.content.decode()
