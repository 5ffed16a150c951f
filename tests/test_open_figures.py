"""The open figures (docs/portal.md "Open figures"): the public page /portal/figures/,
its CSV and JSON downloads under CC BY 4.0, and GET /api/public/figures[/<name>]: the
workspace's own figures as of a day, suppressed (analysis/disclosure.py)."""

import csv
import datetime
import io
import json

import pandas as pd
import pytest
from django.urls import reverse

from clustermonitor.members import figures_reach
from clustermonitor.members.reach import reach_rows
from clustermonitor.monitoring import dashboard
from clustermonitor.portal import figures
from clustermonitor.programmes.models import Cluster
from clustermonitor.programmes.selectors import current_programme
from clustermonitor.registry.models import Organisation
from tests.conftest import CLUSTER_A
from tests.factories import membership, organisation

pytestmark = pytest.mark.usefixtures("english")

DAY = datetime.date(2020, 1, 31)
LATER = datetime.date(2020, 6, 1)


@pytest.fixture
def members_of_a(db):
    """Cluster A gets six companies (size unknown: no firm figures) and two knowledge
    institutions on DAY, and a seventh company after it."""
    cluster = Cluster.objects.get(code=CLUSTER_A)
    for i in range(6):
        membership(organisation(9100 + i), cluster, start=datetime.date(2019, 1, 1))
    for i in range(2):
        org = organisation(9200 + i, kind=Organisation.Kind.KNOWLEDGE)
        membership(org, cluster, start=datetime.date(2019, 1, 1))
    membership(organisation(9300), cluster, start=LATER)
    return cluster


def _row(figure, **match):
    return next(r for r in figure.rows if all(r[k] == v for k, v in match.items()))


def test_members_per_cluster_are_the_reach_figures_suppressed(members_of_a):
    members = figures.figure("members", DAY)
    row = _row(members, cluster=CLUSTER_A)
    # 2 other organisations: "< 5"; the 6 companies of unknown size beside them would
    # give the 2 away from the total of 8, so they are hidden too.
    assert row == {
        "cluster": CLUSTER_A,
        "name": members_of_a.name,
        "micro": "< 5",
        "small": "< 5",
        "medium": "< 5",
        "large": "< 5",
        "unknown": "…",
        "other_organisations": "< 5",
        "organisations": 8,
    }
    # The workspace's reach figure, the same function: 8 organisations on DAY.
    frame = figures_reach.reach_frame(reach_rows(on=DAY, programme=current_programme()))
    assert figures_reach.analyse(frame, DAY, CLUSTER_A)["n_organisations"] == 8


def test_a_figure_as_of_a_day_uses_only_what_was_known_then(members_of_a):
    # The seventh company joined after DAY: counted as of LATER only.
    assert _row(figures.figure("members", DAY), cluster=CLUSTER_A)["organisations"] == 8
    later = _row(figures.figure("members", LATER), cluster=CLUSTER_A)
    assert later["organisations"] == 9 and later["unknown"] == "…"
    sizes = figures.figure("reach-sizes", LATER)
    assert _row(sizes, size_class="total")["companies"] == 7
    assert _row(sizes, size_class="unknown")["companies"] == 7


def test_collaborations_recorded_after_the_day_are_not_in_its_figure(members_of_a):
    from tests.collaboration_helpers import _companies, _started

    before = figures.figure("collaborations", DAY).rows
    started_later = datetime.date(2020, 4, 1)  # its first step (idea) on 2 March
    for i in range(6):
        _started([members_of_a], f"Later {i}", _companies(10 * i, 3), started_later)
    assert figures.figure("collaborations", DAY).rows == before
    later = figures.figure("collaborations", LATER).rows
    assert later != before
    assert later[-1]["dimension"] == "Total" and later[-1]["collaborations"] >= 6


def test_the_kpis_are_the_dashboards_table_5(members_of_a):
    kpis = figures.figure("kpis", DAY)
    board = dashboard.dashboard(current_programme(), today=DAY, cluster_type="")
    assert [r["kpi"] for r in kpis.rows] == ["KPI1", "KPI2", "KPI3"]
    for row, total in zip(kpis.rows, board.programme_total.ordered, strict=True):
        assert row["clusters"] == total.n_clusters
        if not total.n_reported:
            assert row["reported"] is None
        else:
            assert row["reported"] == (int(total.reported) if total.reported >= 5 else "< 5")
        assert row["target"] == (int(total.target) if total.n_target else None)


#: Columns that count something other than organisations (clusters, targets, percents).
NOT_ORGANISATIONS = {"clusters", "target", "clusters_with_target", "attained_reported"}
NOT_ORGANISATIONS |= {"attained_computed"}


@pytest.mark.parametrize("day", [DAY, LATER])
def test_no_figure_shows_a_count_under_five(members_of_a, day):
    for figure in figures.figures(day):
        for row in figure.rows:
            for key, value in row.items():
                if isinstance(value, int) and key not in NOT_ORGANISATIONS:
                    assert value >= 5, (figure.name, row)
    collaborations = figures.figure("collaborations", day)
    assert {r["dimension"] for r in collaborations.rows} >= {"Stage", "Scale", "Total"}


def test_the_page_shows_every_figure_with_its_downloads_and_licence(client_for):
    anonymous = client_for("anonymous")
    for language in ("nl", "en"):
        response = anonymous.get(reverse("portal:figures"), {"lang": language})
        assert response.status_code == 200 and response["Content-Language"] == language
        page = response.content.decode()
        canonical = f"http://testserver/portal/figures/?lang={language}"
        assert f'<link rel="canonical" href="{canonical}">' in page
        assert 'hreflang="nl"' in page and 'hreflang="en"' in page
        assert figures.LICENCE_URL in page and 'rel="license"' in page
        for name in figures.NAMES:
            assert f'id="figure-{name}"' in page
            for route in ("portal:figure-csv", "portal:figure-json", "portal:figure-csv-metadata"):
                assert reverse(route, args=[name]) + f"?lang={language}&amp;as_of=" in page
    dutch = anonymous.get(reverse("portal:figures"), {"lang": "nl"}).content.decode()
    assert "<h1>Open cijfers</h1>" in dutch and "Leden per cluster" in dutch
    assert reverse("portal:figures") in anonymous.get(reverse("portal:front")).content.decode()
    sitemap = anonymous.get(reverse("portal:sitemap")).content.decode()
    assert "/portal/figures/?lang=nl" in sitemap and "/portal/figures/?lang=en" in sitemap


def test_the_csv_carries_the_figure_and_its_metadata_the_licence(client_for, members_of_a):
    anonymous = client_for("anonymous")
    params = {"lang": "en", "as_of": DAY.isoformat()}
    response = anonymous.get(reverse("portal:figure-csv", args=["members"]), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="members-2020-01-31.csv"'
    assert f'<{figures.LICENCE_URL}>; rel="license"' in response["Link"]
    assert 'rel="describedby"' in response["Link"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == figures.figure("members", DAY).keys
    ours = next(r for r in rows if r[0] == CLUSTER_A)
    assert ours[2:] == ["< 5", "< 5", "< 5", "< 5", "…", "< 5", "8"]
    # The same bytes again.
    again = anonymous.get(reverse("portal:figure-csv", args=["members"]), params)
    assert again.content == response.content
    metadata = anonymous.get(reverse("portal:figure-csv-metadata", args=["members"]), params)
    assert metadata["Content-Type"] == "application/csvm+json"
    described = json.loads(metadata.content)
    assert described["dc:license"] == {"@id": figures.LICENCE_URL}
    assert described["dc:temporal"] == "2020-01-31"
    assert "clustermonitor" in described["dc:bibliographicCitation"]
    assert [c["name"] for c in described["tableSchema"]["columns"]] == rows[0]
    assert described["url"].startswith("http://testserver/portal/figures/members.csv?")
    assert anonymous.get(reverse("portal:figure-csv", args=["nothing"])).status_code == 404


def test_the_json_download_is_the_apis_answer(client_for, members_of_a):
    anonymous = client_for("anonymous")
    params = {"lang": "en", "as_of": DAY.isoformat()}
    download = anonymous.get(reverse("portal:figure-json", args=["members"]), params)
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="members-2020-01-31.json"'
    data = json.loads(download.content)
    api = anonymous.get(reverse("api:public_figure", args=["members"]), params)
    assert api.status_code == 200 and api.json() == data
    assert data["licence"]["name"] == "CC BY 4.0" and data["licence"]["url"] == figures.LICENCE_URL
    assert data["as_of"] == "2020-01-31" and data["suppression"]["min_organisations"] == 5
    assert data["rows"] == figures.figure("members", DAY).rows
    assert anonymous.get(reverse("portal:figure-json", args=["members"]), params).content == (
        download.content
    )


def test_the_api_lists_the_figures_and_refuses_a_day_to_come(client_for):
    anonymous = client_for("anonymous")
    listing = anonymous.get(reverse("api:public_figures"), {"lang": "nl"})
    assert listing.status_code == 200
    body = listing.json()
    assert [f["name"] for f in body["figures"]] == list(figures.NAMES)
    assert body["as_of"] == datetime.date.today().isoformat() and body["language"] == "nl"
    assert body["licence"]["url"] == figures.LICENCE_URL
    for entry in body["figures"]:
        assert anonymous.get(entry["url"]).status_code == 200
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    refused = anonymous.get(reverse("api:public_figures"), {"as_of": tomorrow.isoformat()})
    assert refused.status_code == 422 and "after today" in refused.json()["detail"]
    unknown = anonymous.get("/api/public/figures/members-by-name")
    assert unknown.status_code == 422
    bad = anonymous.get(reverse("api:public_figure", args=["kpis"]), {"as_of": "31/01/2020"})
    assert bad.status_code == 422


def test_the_openapi_schema_documents_the_figures(client_for):
    schema = client_for("anonymous").get(reverse("api:openapi-json")).json()
    one = schema["paths"]["/api/public/figures/{name}"]["get"]
    assert one["tags"] == ["public"] and "security" not in one
    assert set(one["responses"]) == {"200", "422"}
    name = next(p for p in one["parameters"] if p["name"] == "name")
    assert name["schema"]["enum"] == list(figures.NAMES)
    assert {"as_of", "lang"} <= {p["name"] for p in one["parameters"]}
    assert "/api/public/figures" in schema["paths"]


def test_numbers_are_plain_and_the_rows_keep_their_order():
    from decimal import Decimal

    assert figures.plain(Decimal("1132.00")) == 1132
    assert figures.plain(Decimal("12.345")) == 12.35
    assert figures.plain(2.0) == 2 and figures.plain(1 / 3) == 0.33
    assert figures.plain("< 5") == "< 5" and figures.plain(None) is None
    frame = pd.DataFrame({"n": [1]})
    assert figures.plain(frame["n"].iloc[0]) == 1
