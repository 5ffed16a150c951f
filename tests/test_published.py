"""Published vs computed (issue 8 item 4): every figure of the 2020 evaluation beside
the value computed from the records."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from clustermonitor.monitoring import published
from clustermonitor.programmes.models import Programme

pytestmark = pytest.mark.usefixtures("english")

URL = reverse("monitoring:published")


def _leaf_keys(data, path=""):
    """The YAML's leaves, counted independently of published.leaves."""
    if isinstance(data, dict):
        return [k for name, v in data.items() for k in _leaf_keys(v, f"{path}.{name}")]
    if isinstance(data, list) and data and all(isinstance(v, dict) for v in data):
        return [k for i, v in enumerate(data) for k in _leaf_keys(v, f"{path}[{i}]")]
    return [path.lstrip(".")]


@pytest.fixture
def rows(db):
    return {r.key: r for r in published.comparison(Programme.objects.get())}


def test_every_leaf_of_the_yaml_has_a_row(rows):
    keys = _leaf_keys(published.read())
    assert list(rows) == keys
    assert len(keys) > 100
    # Nothing silently skipped: every row is computed or says why not.
    assert all(r.is_computed or r.note.startswith("not computed: ") for r in rows.values())
    assert rows["programme.calls[0].submitted"].published == 25
    # The international cases are descriptive.
    cases = [r for k, r in rows.items() if k.startswith("international_cases.")]
    assert cases and all(r.computed is None and "descriptive" in r.note for r in cases)


def test_the_intercluster_figures_match_exactly(rows):
    for key, value in (
        ("intercluster_calls.applications_total", 15),
        ("intercluster_calls.involvements.gevestigd", 18),
        ("intercluster_calls.involvements.zelfstandig", 8),
        ("intercluster_calls.ibn_spc_applications.submitted", 5),
    ):
        assert (rows[key].published, rows[key].computed, rows[key].difference) == (value, value, 0)
        assert not rows[key].flagged
    assert rows["intercluster_calls.call_2017.matchmaking_by_agency"].computed is True


def test_table_5_is_shown_with_the_table_7_sums(rows):
    kpi1 = rows["programme_kpis.unique_active_companies.reported"]
    kpi3 = rows["programme_kpis.collaborations_min_3_parties.reported"]
    assert (kpi1.published, kpi1.reported_sum) == (1132, 1166)
    assert (kpi3.published, kpi3.reported_sum) == (176, 194)
    assert kpi1.difference == kpi1.computed - 1132
    assert rows["programme.cluster_types.IBN.count_2020"].computed == 20
    assert rows["programme.cluster_types.SPC.count_2020"].difference == 0


def test_text_figures_are_compared_through_their_number():
    assert published.parse_number("almost 0.80") == 0.8
    assert published.parse_number("> 1/3") == pytest.approx(1 / 3)
    assert published.parse_number("about 50") == 50
    assert published.parse_number("3, extendable to 5") is None
    row = published.Row("reach", "reach.x", "x", "almost 0.80", 0.7, None, "share", "")
    row.approximate_difference = -0.1
    assert row.difference is None and row.flagged


def test_figures_without_a_survey_wave_say_so(rows):
    row = rows["survey.q7_collaborative_strength_mean"]
    assert row.computed is None and "no survey wave" in row.note


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("programme_manager", 200),
        ("account_manager", 200),
        ("evaluator", 200),
        ("cluster_manager_a", 404),
        ("cluster_manager_b", 404),
        ("member_contact", 404),
    ],
)
def test_who_sees_the_page(client_for, name, status):
    response = client_for(name).get(URL)
    assert response.status_code == status
    if status == 200:
        assert b'data-key="intercluster_calls.applications_total"' in response.content


def test_anonymous_goes_to_the_login_page(client_for):
    response = client_for("anonymous").get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_downloads_as_xlsx(client_for):
    response = client_for("evaluator").get(URL, {"format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    header, body = values[0], values[1:]
    assert len(body) == len(_leaf_keys(published.read()))
    row = next(r for r in body if r[1] == "programme_kpis.unique_active_companies.reported")
    assert (row[4], row[5]) == (1132, 1166)  # published, reported sum over clusters
    assert len(header) == len(row) == 11


def test_every_figure_has_a_name_in_both_languages():
    """The rows are named, not shown by their YAML path ("unique active companies ·
    pct"): every figure of the file has a label of its own, in Dutch and in English."""
    from django.utils import translation

    from clustermonitor.monitoring import published_labels

    keys = _leaf_keys(published.read())
    assert not [key for key in keys if published_labels.named(key) is None]
    with translation.override("nl"):
        dutch = {key: published.label_of(key) for key in keys}
    with translation.override("en"):
        english = {key: published.label_of(key) for key in keys}
    assert len(set(dutch.values())) == len(keys)  # no two figures share a name
    assert not [key for key in keys if dutch[key] == english[key]]
    key = "programme_kpis.unique_active_companies.pct"
    assert dutch[key] == "KPI 1, unieke actieve bedrijven: percentage van de streefwaarde behaald"
    assert english[key] == "KPI 1, unique active companies: percentage of the target attained"
    assert dutch["programme.calls[1].funded"] == "Oproep 2: gefinancierde aanvragen"
    assert dutch["survey.q7_by_profile.ingebed"] == (
        "V7 samenwerkingskracht: gemiddelde, gevestigde (ingebedde) IBN's"
    )
    # A figure the file gains later shows its path until it is named.
    assert published_labels.label("programme.calls[5].refused") == "calls[5] · refused"


def test_the_dutch_page_and_download_name_the_figures_in_dutch(client_for):
    from django.conf import settings

    client = client_for("programme_manager")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    html = client.get(URL).content.decode()
    assert "KPI 1, unieke actieve bedrijven: gerapporteerd" in html
    assert "Gemiddelde leeftijd van de bedrijven (jaren)" in html
    assert "unique active companies · reported" not in html
    assert "<td>aantal</td>" in html and "<td>count</td>" not in html  # the unit
    body = list(
        load_workbook(io.BytesIO(client.get(URL, {"format": "xlsx"}).content)).active.values
    )
    row = next(r for r in body if r[1] == "reach.mean_company_age_years")
    assert row[2:4] == ("Gemiddelde leeftijd van de bedrijven (jaren)", "jaren")


def test_the_figures_are_kept_for_every_session_until_a_write(client_for, settings, monkeypatch):
    """With results kept (core.memo, as in the demo and production): computed once for
    every session and language and date, and again after any write."""
    import datetime

    from django.core.cache import cache

    from clustermonitor.core import audit
    from clustermonitor.programmes.models import Application, Call

    settings.CLUSTERMONITOR_MEMO = True
    cache.clear()
    computed = []
    comparison = published.comparison
    monkeypatch.setattr(
        published, "comparison", lambda *a, **k: computed.append(a) or comparison(*a, **k)
    )
    key = b'data-key="programme.calls[0].submitted"'
    try:
        first = client_for("evaluator").get(URL)
        again = client_for("programme_manager").get(URL)  # another session and person
        assert len(computed) == 1 and key in first.content
        assert "X-Kept-Page" not in again and _submitted(again) == _submitted(first)
        client_for("evaluator").get(URL, {"on": "2019-12-31"})  # another date
        assert computed[-1][1] == datetime.date(2019, 12, 31) and len(computed) == 2
        call = Call.objects.get(
            programme=Programme.objects.get(), number=1, cluster_type__code="IBN"
        )
        application = Application(call=call, applicant="Kept vzw", title="Kept", status="submitted")
        audit.save(audit.Actor.system("tests"), application)
        after = client_for("evaluator").get(URL)
        assert _submitted(first) is None  # no application recorded in the test world
        assert len(computed) == 3 and _submitted(after) == 1
    finally:
        cache.clear()


def _submitted(response) -> int:
    """The computed number of applications to IBN call 1 on the page."""
    rows = [row for _key, _label, rows in response.context["sections"] for row in rows]
    return next(r.computed for r in rows if r.key == "programme.calls[0].submitted")


def test_the_dutch_page_writes_dates_and_numbers_the_dutch_way(client_for):
    """The notes say "tot en met 31 januari 2020", not an ISO date; numbers of four
    digits and more carry the thousands separator (1.132, not 1132)."""
    import re

    from django.conf import settings

    client = client_for("programme_manager")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    html = client.get(URL, {"on": "2020-01-31"}).content.decode()
    notes = re.findall(r'<td class="small">(.*?)</td>', html, re.S)
    assert notes and not [n for n in notes if re.search(r"\b\d{4}-\d{2}-\d{2}\b", n)]
    assert any("31 januari 2020" in n for n in notes)
    numbers = re.findall(r'<td class="num">(?:≈ )?(-?[\d.,]+)</td>', html)
    assert numbers and not [n for n in numbers if re.fullmatch(r"-?\d{4,}(,\d+)?", n)]
