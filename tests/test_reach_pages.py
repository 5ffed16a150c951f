"""The reach pages: the analysis on the registry's records, per cluster and programme."""

import datetime
import io

import openpyxl
from django.urls import reverse

from clustermonitor.registry.models import FirmFigures
from tests.factories import membership, organisation

ON = datetime.date(2019, 6, 30)


def _members(cluster_a, cluster_b):
    specs = [  # employees, turnover, start year, postcode
        (5, None, 2017, "9000"),
        (30, 2_000_000, 2000, "9000"),
        (120, 60_000_000, 1990, "2000"),
        (300, None, 1960, "3000"),
        (None, None, None, "8500"),
    ]
    for i, (employees, turnover, started, postcode) in enumerate(specs):
        org = organisation(
            i, postcode=postcode, start_date=datetime.date(started, 1, 1) if started else None
        )
        org.full_clean()
        org.save()
        if employees is not None:
            FirmFigures.objects.create(
                organisation=org, year=2017, employees=employees, turnover=turnover, source="test"
            )
        membership(org, cluster_a)
        if i < 2:
            membership(org, cluster_b)


def test_the_cluster_page_computes_the_figures(client_for, cluster_a, cluster_b):
    _members(cluster_a, cluster_b)
    page = client_for("cluster_manager_a").get(
        reverse("members:reach-cluster", args=["EUKA"]), {"on": ON.isoformat()}
    )
    result = page.context["result"]
    assert result["n_companies"] == 5
    sizes = {r["size_class"]: r["n"] for r in page.context["sizes"]}
    assert sizes == {"micro": 1, "small": 1, "medium": 1, "large": 1, "unknown": 1}
    # 120 employees with turnover 60M and no balance total known: not an SME.
    assert result["sme"]["sme"] == 2 and result["sme"]["basis_counts"]["headcount_only"] == 2
    assert result["age"]["share_startups"] == 0.25  # 1 of the 4 with a start date
    memberships = {r["memberships"]: r["total"] for r in page.context["memberships"]}
    assert memberships["2"] == 2 and memberships["1"] == 3
    html = page.content.decode()
    assert html.count("<svg") == 5 and 'id="map"' in html


def test_the_reference_date_decides_who_counts(client_for, cluster_a, cluster_b):
    _members(cluster_a, cluster_b)
    before = client_for("programme_manager").get(reverse("members:reach"), {"on": "2016-12-31"})
    assert before.context["result"]["n_companies"] == 0
    assert "<svg" not in before.content.decode()


def test_the_xlsx_has_a_sheet_per_table(client_for, cluster_a, cluster_b):
    _members(cluster_a, cluster_b)
    response = client_for("evaluator").get(
        reverse("members:reach"), {"on": ON.isoformat(), "format": "xlsx"}
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 6
    summary = dict(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert summary["companies"] == 5


def test_the_reach_page_needs_a_fixed_number_of_queries(
    client_for, cluster_a, cluster_b, django_assert_max_num_queries
):
    _members(cluster_a, cluster_b)
    client = client_for("programme_manager")
    client.get(reverse("members:reach"))
    with django_assert_max_num_queries(10):
        client.get(reverse("members:reach"), {"on": ON.isoformat()})


def test_the_page_names_what_each_count_counts(client_for, cluster_a, cluster_b):
    """Issue 14: companies and their memberships apart from the memberships of all
    organisations (a knowledge institution is a member, not a company)."""
    from clustermonitor.registry.models import Organisation

    _members(cluster_a, cluster_b)
    university = organisation(90, kind=Organisation.Kind.KNOWLEDGE, name="Universiteit")
    membership(university, cluster_a)
    page = client_for("programme_manager").get(reverse("members:reach"), {"on": ON.isoformat()})
    html = page.content.decode()
    assert "5 bedrijven met 7 lidmaatschappen; 8 lidmaatschappen van alle organisaties" in html
    assert "(6 organisaties)" in html
    response = client_for("evaluator").get(
        reverse("members:reach"), {"on": ON.isoformat(), "format": "xlsx"}
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    summary = dict(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert summary["companies"] == 5 and summary["company_memberships"] == 7
    assert summary["memberships_all_organisations"] == 8 and summary["organisations"] == 6
