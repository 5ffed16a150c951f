"""The column chooser of wide tables (core/templatetags/columns.py): the control renders
with the table's own column labels, in the reader's language, before the table it acts
on; group headers (colspan, rowspan) are laid out on the header's grid. The browser side
is tests/e2e/test_columns.py."""

import re

import pytest
from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse

from clustermonitor.core.templatetags.columns import header_columns
from tests.conftest import CLUSTER_A

CHOOSER = re.compile(
    r'(?s)<details class="column-chooser" data-columns-for="([^"]+)" hidden>.*?</details>'
)


def _dutch(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return client


def _choosers(html: str) -> dict[str, tuple[list[str], list[str]]]:
    """id → (the labels of the columns always shown, those of the boxes to tick)."""
    found = {}
    for match in CHOOSER.finditer(html):
        items = re.findall(r"(?s)<li><label>(<input[^>]*>)(.*?)</label></li>", match.group(0))
        text = [(box, " ".join(re.sub(r"<[^>]+>", "", label).split())) for box, label in items]
        kept = [label.removesuffix(" (altijd getoond)") for box, label in text if "disabled" in box]
        chosen = [label for box, label in text if "disabled" not in box]
        found[match.group(1)] = (kept, chosen)
    return found


def test_groups_and_spanning_headers_are_laid_out_on_the_grid():
    thead = """<thead>
      <tr><th rowspan="2">Cluster</th><th colspan="2" class="group">KPI1 <span>members</span></th>
          <th rowspan="2"><a href="?sort=x">Future ▲</a></th><th rowspan="2"></th></tr>
      <tr><th>reported</th><th>%</th></tr></thead>"""
    assert header_columns(thead) == [
        "Cluster",
        "KPI1 members · reported",
        "KPI1 members · %",
        "Future",
        "",
    ]
    # Two cells that read the same are two cells.
    same = "<thead><tr><th>Total</th><th>2019</th></tr><tr><th>Total</th><th>%</th></tr></thead>"
    assert header_columns(same) == ["Total · Total", "2019 · %"]


def test_the_tag_marks_the_table_and_offers_every_column_but_the_kept_and_the_unnamed():
    html = Template(
        '{% load columns %}{% choosecolumns "things" keep=2 %}'
        '<div class="table-wrap"><table class="data">'
        "<thead><tr><th>Select</th><th>Name</th><th>Amount</th><th></th></tr></thead>"
        "<tbody></tbody></table></div>{% endchoosecolumns %}"
    ).render(Context())
    assert '<table data-columns="things" data-columns-keep="2" class="data">' in html
    assert _choosers(html) == {"things": (["Select", "Name"], ["Amount"])}
    assert 'value="2"' in html and 'value="3"' not in html
    assert "<script" not in html and "style=" not in html  # the CSP allows neither
    with pytest.raises(TemplateSyntaxError):
        Template(
            '{% load columns %}{% choosecolumns "Bad id" %}<table></table>{% endchoosecolumns %}'
        ).render(Context())


def test_the_wide_tables_have_a_chooser_with_their_column_labels_in_dutch(client_for):
    manager = _dutch(client_for("programme_manager"))
    portfolio = _choosers(manager.get(reverse("programmes:portfolio")).content.decode())
    assert portfolio == {
        "portfolio": (
            ["Cluster"],
            [
                "Type",
                "Oproep",
                "Einddatum",
                "Uitvoerende organisatie",
                "Inbedding",
                "Oorsprong",
                "Leden (KPI 1)",
                "Samenwerkingen (KPI 3)",
                "Interclusterprojecten",
                "Toekomst?",
            ],
        )
    }
    dashboard = manager.get(reverse("monitoring:dashboard")).content.decode()
    choosers = _choosers(dashboard)
    assert set(choosers) == {"dashboard-table5", "dashboard-table7"}
    # Table 5 in three parts, one control; Table 7's KPI columns under their group.
    assert dashboard.count('data-columns="dashboard-table5"') == 3
    assert choosers["dashboard-table5"][1][:3] == [
        "KPI",
        "Clusters",
        "Gerapporteerd (som over de clusters)",
    ]
    table7 = choosers["dashboard-table7"][1]
    assert "KPI1 Unieke actieve bedrijven · gerapporteerd" in table7
    assert "KPI3 Samenwerkingen met minstens 3 bedrijven · %" in table7
    assert len(table7) == 5 + 12 + 2  # the trajectory links have no header: always shown
    published = manager.get(reverse("monitoring:published")).content.decode()
    assert published.count('data-columns="published"') == 6  # one table a section
    assert _choosers(published) == {
        "published": (
            ["Cijfer"],
            [
                "Gepubliceerd",
                "Gerapporteerd (som over de clusters)",
                "Berekend",
                "Verschil",
                "Eenheid",
                "Hoe het berekend wordt",
            ],
        )
    }
    assert "Downloads (.xlsx) bevatten altijd alle kolommen." in published


def test_a_clusters_members_and_contributions_have_a_chooser(client_for):
    manager = _dutch(client_for("cluster_manager_a"))
    members = _choosers(
        manager.get(reverse("members:member-list", args=[CLUSTER_A])).content.decode()
    )
    assert members["members"][0] == ["Naam"]
    assert members["members"][1][:2] == ["Ondernemingsnummer", "Soort"]
    url = reverse("members:contribution-list", args=[CLUSTER_A])
    # The selection box and the member stay; the payment buttons have no header.
    assert _choosers(manager.get(url).content.decode())["contributions"] == (
        ["Selecteren", "Lid"],
        ["Bedrag", "Status", "Gefactureerd op", "Betaald op", "Betaald door"],
    )
