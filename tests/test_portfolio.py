"""The programme overview: the report's Table 7."""

import io

import openpyxl
import pytest
from django.urls import reverse

from clustermonitor.programmes.models import Cluster

URL = reverse("programmes:portfolio")


def _codes(response):
    return [r["code"] for r in response.context["rows"]]


def test_it_shows_all_26_clusters_with_the_table_7_columns(client_for):
    response = client_for("programme_manager").get(URL)
    assert len(response.context["rows"]) == 26
    acb = next(r for r in response.context["rows"] if r["code"] == "ACB")
    assert acb["members"].value == 140 and acb["members"].marker == ""
    assert acb["collaborations"].value == 23
    assert acb["intercluster"].value == 1
    assert acb["executing_organisation"] == "ACB vzw"
    assert acb["future"] == "Zelfstandig o.b.v. eigen inkomsten"
    html = response.content.decode()
    assert "Air Cargo Belgium" in html and "ACB vzw" in html


def test_it_marks_figures_after_one_year_and_targets_as_the_report_does(client_for):
    rows = {r["code"]: r for r in client_for("evaluator").get(URL).context["rows"]}
    assert rows["MAAS"]["collaborations"].marker == "*"
    assert rows["BEACON"]["members"].value == 57 and rows["BEACON"]["members"].marker == "**"
    assert rows["SIM"]["members"].value is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"type": "IBN"}, 20),
        ({"type": "SPC"}, 6),
        ({"call": "2"}, 6),
        ({"call": "1", "embedding": "zelfstandig"}, 7),
        ({"embedding": "gevestigd"}, 11),
        ({"call": "nonsense"}, 0),
        ({"embedding": "nonsense"}, 26),
    ],
)
def test_it_filters_by_type_call_and_embedding(client_for, query, expected):
    response = client_for("programme_manager").get(URL, query)
    assert len(response.context["rows"]) == expected


def test_it_sorts_both_ways(client_for):
    client = client_for("programme_manager")
    by_members = _codes(client.get(URL, {"sort": "-members", "type": "IBN"}))
    assert by_members[:3] == ["EUKA", "ACB", "BHIVE"]
    by_end = client.get(URL, {"sort": "end_date", "type": "IBN"}).context["rows"]
    assert [r["end_date"] for r in by_end] == sorted(r["end_date"] for r in by_end)
    assert _codes(client.get(URL, {"sort": "no-such-column"}))  # falls back, no error


def test_htmx_gets_only_the_table(client_for):
    response = client_for("programme_manager").get(URL, {"type": "SPC"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and html.count("data-code=") == 6


def test_a_cluster_manager_sees_only_public_columns(client_for):
    response = client_for("cluster_manager_a").get(URL)
    html = response.content.decode()
    assert not response.context["full"]
    assert "ACB vzw" not in html  # executing organisation is not public
    assert "drones; aanbieders; gebruikers" in html  # the domain is
    assert len(response.context["rows"]) == 26


def test_it_downloads_table_7_as_xlsx(client_for):
    response = client_for("programme_manager").get(
        reverse("programmes:portfolio-xlsx"), {"type": "IBN", "sort": "code"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 21
    acb = next(r for r in rows if r[0] == "ACB")
    assert acb[8] == 140 and acb[12] == 1 and acb[5] == "ACB vzw"


def test_the_xlsx_is_the_same_bytes_each_time(client_for):
    client = client_for("programme_manager")
    url = reverse("programmes:portfolio-xlsx")
    assert client.get(url).content == client.get(url).content


def test_a_cluster_managers_xlsx_has_only_public_columns(client_for):
    response = client_for("cluster_manager_b").get(reverse("programmes:portfolio-xlsx"))
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert len(rows[0]) == 5 and len(rows) == 27
    assert not any("vzw" in str(cell) for row in rows for cell in row if cell)


def test_the_portfolio_needs_a_fixed_number_of_queries(client_for, django_assert_max_num_queries):
    client = client_for("programme_manager")
    client.get(URL)  # warm the session
    with django_assert_max_num_queries(12):
        client.get(URL)


def test_the_cluster_page_shows_public_facts_to_others_and_records_to_insiders(client_for):
    url = reverse("programmes:cluster-detail", args=["EUKA"])
    insider = client_for("cluster_manager_a").get(url).content.decode()
    outsider = client_for("cluster_manager_b").get(url).content.decode()
    assert 'id="agreement"' in insider and "EUKA vzw" in insider and "196" in insider
    assert 'id="public"' in outsider and 'id="agreement"' not in outsider
    assert "EUKA vzw" not in outsider and "196" not in outsider
    assert "31/12/2019" in outsider  # the end date is public


def test_an_unknown_cluster_is_404(client_for):
    assert (
        client_for("programme_manager")
        .get(reverse("programmes:cluster-detail", args=["NOPE"]))
        .status_code
        == 404
    )


def test_the_count_of_ibns_per_embedding_matches_the_reference(db):
    import csv

    from clustermonitor.programmes.reference import REFERENCE_DIR

    with (REFERENCE_DIR / "ibn_portfolio_2020.csv").open(encoding="utf-8") as handle:
        hosted = sum(row["embedding"] == "gevestigd" for row in csv.DictReader(handle))
    assert Cluster.objects.filter(embedding="gevestigd").count() == hosted == 11


def test_the_htmx_fragment_carries_the_download_and_sort_for_its_filters(client_for):
    response = client_for("programme_manager").get(
        URL, {"type": "IBN", "sort": "-members"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'portfolio.xlsx?type=IBN&amp;sort=-members"' in html
    assert 'id="portfolio-sort"' in html and 'value="-members"' in html


def test_the_xlsx_carries_no_save_time(client_for, monkeypatch):
    import datetime as dt

    import openpyxl.writer.excel as excel

    client = client_for("programme_manager")
    url = reverse("programmes:portfolio-xlsx")
    first = client.get(url).content

    class Later(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2031, 5, 5, 12, 0, tzinfo=tz)

    import types

    # Only openpyxl's writer sees the later clock.
    monkeypatch.setattr(
        excel, "datetime", types.SimpleNamespace(datetime=Later, timezone=dt.timezone)
    )
    assert client.get(url).content == first


def test_each_row_says_whether_its_agreement_runs(client_for, settings):
    """Issue 16: status badges on lists. The reference portfolio's agreements ended long
    ago; a cluster whose agreement starts later says when."""
    import datetime

    from clustermonitor.programmes.models import Cluster

    later = Cluster.objects.order_by("code").first()
    later.start_date = datetime.date.today() + datetime.timedelta(days=30)
    later.end_date = later.start_date + datetime.timedelta(days=1000)
    later.save()
    client = client_for("programme_manager")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    html = client.get(URL).content.decode()
    row = html[html.index(f'data-code="{later.code}"') :]
    row = row[: row.index("</tr>")]
    assert f"start {later.start_date.strftime('%d/%m/%Y')}" in row
    today = datetime.date.today()
    ended = Cluster.objects.filter(end_date__lt=today).count()
    running = Cluster.objects.filter(start_date__lte=today, end_date__gte=today).count()
    ended_badge = '<span class="status tone-muted" data-state="ended">afgelopen</span>'
    assert html.count(ended_badge) == ended > 0
    assert html.count('<span class="status tone-ok" data-state="running">loopt</span>') == running
