"""The economic-impact figure end to end (issue 20): from annual accounts and memberships
in the database to the estimate on the page, in the downloads, on the command line and in
the report chapter — known on D as a property, suppressed below ten firms, readable only
by whom it is for."""

import datetime
import json
import random

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from clustermonitor.impact import figures
from clustermonitor.impact.models import AnnualAccounts
from clustermonitor.members.models import Membership
from clustermonitor.programmes.models import Programme
from clustermonitor.registry.models import Organisation
from tests import factories

D = datetime.date
YEARS = range(2010, 2020)
#: The simulated effect on FTE: +1 in the year of entry, +1 more each year after.
EFFECT_PER_YEAR = 1.0


def _population(cluster_a, cluster_b, *, per_cluster=30, comparison=60, seed=7):
    """Companies entering through A and through B a year later, and companies that never
    join, with yearly accounts deposited in July of the next year."""
    rng = random.Random(seed)
    entries = [(cluster_a, max(cluster_a.start_date, D(2015, 3, 1)))] * per_cluster
    entries += [(cluster_b, max(cluster_b.start_date, D(2016, 3, 1)))] * per_cluster
    entries += [(None, None)] * comparison
    orgs = Organisation.objects.bulk_create(
        Organisation(
            enterprise_number=factories.enterprise_number(5000 + i),
            name=f"Impactbedrijf {i} NV",
            kind="company",
            country="BE",
        )
        for i in range(len(entries))
    )
    memberships, filings = [], []
    shocks = {year: rng.gauss(0, 0.5) for year in YEARS}
    for org, (cluster, start) in zip(orgs, entries, strict=True):
        level = rng.uniform(5, 40)
        if cluster is not None:
            memberships.append(Membership(organisation=org, cluster=cluster, start_date=start))
        for year in YEARS:
            effect = 0.0
            if start is not None and year >= start.year:
                effect = EFFECT_PER_YEAR * (year - start.year + 1)
            fte = level + 0.3 * (year - 2010) + shocks[year] + effect + rng.gauss(0, 0.3)
            filings.append(
                AnnualAccounts(
                    organisation=org,
                    period_end=D(year, 12, 31),
                    filed_on=D(year + 1, 7, rng.randint(1, 28)),
                    fte=round(fte, 2),
                    turnover=round(fte * 180000, 2) if year % 3 else None,
                    gross_margin=round(fte * 70000, 2),
                    scheme="full",
                    source=AnnualAccounts.Source.CSV,
                )
            )
    Membership.objects.bulk_create(memberships)
    AnnualAccounts.objects.bulk_create(filings)
    return orgs


@pytest.fixture
def programme(db):
    return Programme.objects.order_by("pk").first()


@pytest.fixture
def population(db, cluster_a, cluster_b):
    return _population(cluster_a, cluster_b)


def _dump(found) -> str:
    return json.dumps(found, sort_keys=True)


def test_the_estimate_finds_the_effect_the_records_hold(population, programme):
    found = figures.compute(programme, D(2021, 1, 1), "fte")
    # Comparison: the never-treated and, before their entry, those of B (not yet treated).
    assert found["n_treated"] == 60 and found["n_control"] == 90
    assert found["firms"]["members"] == 60 and found["firms"]["non_members"] == 60
    low, high = found["ci"]
    # The average over the years since entry of (e + 1): a few FTE, well away from zero.
    assert 1.5 < found["att"] < 6 and low < found["att"] < high and low > 0
    assert {"outcome", "method", "att", "se", "ci", "pretrend_p", "event_study"} <= set(found)
    at_entry = next(p for p in found["event_study"] if p["e"] == 0)
    assert at_entry["ci"][0] < EFFECT_PER_YEAR < at_entry["ci"][1]
    before = [p for p in found["event_study"] if p["e"] < -1 and p["att"] is not None]
    assert before and all(abs(p["att"]) < 0.6 for p in before)  # parallel before entry
    assert set(found["splits"]) == {"call", "embedding", "size_class", "intensity"}


def test_known_on_d_deleting_everything_after_the_day_changes_nothing(population, programme):
    day = D(2018, 3, 1)
    before = _dump(figures.compute(programme, day, "fte"))
    AnnualAccounts.objects.filter(filed_on__gt=day).delete()
    Membership.objects.filter(start_date__gt=day).delete()
    assert _dump(figures.compute(programme, day, "fte")) == before
    # And the records after the day do move a later figure.
    assert _dump(figures.compute(programme, D(2021, 1, 1), "fte")) != before


def test_a_cluster_s_estimate_is_of_the_companies_that_entered_through_it(
    population, programme, cluster_a
):
    found = figures.compute(programme, D(2021, 1, 1), "fte", clusters=[cluster_a])
    assert found["n_treated"] == 30 and found["clusters"] == [cluster_a.code]
    assert found["left_out"] == {"entered through another cluster": 30}


def test_below_ten_firms_nothing_is_shown(db, programme, cluster_a, cluster_b):
    _population(cluster_a, cluster_b, per_cluster=4, comparison=30)
    found = figures.compute(programme, D(2021, 1, 1), "fte")
    assert found["suppressed"] and found["att"] is None and found["splits"] == {}


def test_an_unknown_outcome_or_method_is_refused(db, programme):
    with pytest.raises(ValueError, match="unknown outcome"):
        figures.compute(programme, D(2021, 1, 1), "profit")
    with pytest.raises(ValueError, match="unknown method"):
        figures.compute(programme, D(2021, 1, 1), "fte", method="ols")


# -- The page ----------------------------------------------------------------------------


def test_the_programme_page_and_its_downloads(population, web):
    client = web("programme_manager")
    page = client.get(reverse("impact:effects"), {"on": "2021-01-01"})
    assert page.status_code == 200
    assert 'id="impact-estimate"' in page.text and "<svg" in page.text
    assert 'data-figure="n_treated">60<' in page.text
    download = client.get(reverse("impact:effects"), {"on": "2021-01-01", "format": "json"})
    document = json.loads(download.content)
    assert document["n_treated"] == 60 and document["as_of"] == "2021-01-01"
    xlsx = client.get(reverse("impact:effects"), {"on": "2021-01-01", "format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    svg = client.get(reverse("impact:effects"), {"on": "2021-01-01", "format": "svg"})
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.startswith(b"<svg")


def test_hostile_parameters_fall_back_to_the_defaults(population, web):
    page = web("evaluator").get(
        reverse("impact:effects"),
        {"on": "<script>", "outcome": "'; DROP TABLE", "method": "../../x", "type": "<b>"},
    )
    assert page.status_code == 200 and "<script>" not in page.text
    assert 'value="fte" selected' in page.text


def test_a_cluster_manager_reads_their_own_cluster_only(population, web, cluster_a, cluster_b):
    own = web("cluster_manager_a").get(reverse("impact:cluster-effects", args=[cluster_a.code]))
    assert own.status_code == 200 and 'id="impact-estimate"' in own.text
    assert (
        web("cluster_manager_a")
        .get(reverse("impact:cluster-effects", args=[cluster_b.code]))
        .status_code
        == 404
    )
    assert web("cluster_manager_a").get(reverse("impact:effects")).status_code == 404
    assert (
        web("cluster_manager_a")
        .get(reverse("impact:cluster-effects", args=[cluster_a.code]), {"format": "json"})
        .status_code
        == 200
    )


def test_the_page_says_when_there_are_too_few_firms(db, web, cluster_a, cluster_b):
    _population(cluster_a, cluster_b, per_cluster=4, comparison=30)
    page = web("programme_manager").get(reverse("impact:effects"))
    assert "Not enough firms for an estimate" in page.text
    assert 'id="impact-estimate"' not in page.text


def test_the_home_tile_shows_a_kept_estimate(population, web, settings):
    settings.CLUSTERMONITOR_MEMO = True
    client = web("programme_manager")
    assert "Open the page to compute the estimate." in client.get(reverse("programmes:home")).text
    client.get(reverse("impact:effects"))  # computes and keeps today's estimate
    home = client.get(reverse("programmes:home")).text
    assert 'id="tile-impact"' in home and "FTE" in home


# -- The command line and the report ----------------------------------------------------------


def test_the_command_writes_json_xlsx_and_svg(population, tmp_path, capsys):
    call_command("impact", outcome="fte", as_of="2021-01-01", output=str(tmp_path))
    document = json.loads((tmp_path / "impact-fte.json").read_text("utf-8"))
    for key in ("outcome", "method", "att", "se", "ci", "n_treated", "n_control",
                "pretrend_p", "event_study"):  # fmt: skip
        assert key in document
    assert all({"e", "att", "ci"} <= set(p) for p in document["event_study"])
    assert (tmp_path / "impact-fte.xlsx").read_bytes()[:2] == b"PK"
    assert (tmp_path / "impact-fte.svg").read_text("utf-8").startswith("<svg")
    assert "ATT" in capsys.readouterr().out
    first = (tmp_path / "impact-fte.json").read_bytes()
    call_command("impact", outcome="fte", as_of="2021-01-01", output=str(tmp_path))
    assert (tmp_path / "impact-fte.json").read_bytes() == first


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"as_of": "2021-13-01"}, "is not a date"),
        ({"as_of": "2999-01-01"}, "in the future"),
        ({"clusters": "NOPE"}, "Unknown cluster code"),
    ],
)
def test_the_command_refuses_bad_input(db, tmp_path, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("impact", outcome="fte", output=str(tmp_path), **options)
    assert not list(tmp_path.iterdir())


def test_the_report_chapter(population):
    from clustermonitor.reports.build import resolve
    from clustermonitor.reports.document import Figure, Table
    from clustermonitor.reports.sections import impact

    with translation.override("en"):
        section = impact.build(resolve(D(2021, 1, 1), None, "en"))
    tables = {b.key: b for b in section.blocks if isinstance(b, Table)}
    estimates = tables["impact_estimates"]
    assert [r[0] for r in estimates.rows][:3] == [
        "jobs (average FTE)",
        "turnover (log)",
        "gross margin (log)",
    ]
    assert estimates.rows[0][4] == 60 and estimates.rows[0][5] == 90 and estimates.rows[0][1] > 0
    assert any(isinstance(b, Figure) and b.key == "impact_event_study" for b in section.blocks)
    assert "impact_splits" in tables
    texts = " ".join(b.text for b in section.blocks if hasattr(b, "text"))
    assert "parallel trends" in texts and "not a proof of cause" in texts


def test_the_report_chapter_without_accounts(db):
    from clustermonitor.reports.build import resolve
    from clustermonitor.reports.sections import impact

    with translation.override("en"):
        section = impact.build(resolve(D(2020, 1, 31), None, "en"))
    assert "No annual accounts deposited by" in section.blocks[-1].text


def test_the_api_gives_the_same_document(population, web, cluster_a):
    manager = web("programme_manager")
    answer = manager.get(reverse("api:programme_impact", args=["fte"]), {"on": "2021-01-01"})
    assert answer.status_code == 200, answer.content
    page = manager.get(reverse("impact:effects"), {"on": "2021-01-01", "format": "json"})
    assert answer.json()["att"] == json.loads(page.content)["att"]
    assert answer.json()["n_treated"] == 60
    assert manager.get(reverse("api:programme_impact", args=["profit"])).status_code == 422
    future = manager.get(reverse("api:programme_impact", args=["fte"]), {"on": "2999-01-01"})
    assert future.status_code == 422
    own = web("cluster_manager_a").get(reverse("api:cluster_impact", args=[cluster_a.code, "fte"]))
    assert own.status_code == 200 and own.json()["clusters"] == [cluster_a.code]
    assert (
        web("cluster_manager_a").get(reverse("api:programme_impact", args=["fte"])).status_code
        == 404
    )


def test_the_intensity_per_year_of_the_member_companies(population, programme, cluster_a):
    from clustermonitor.activities.models import Activity, Participation

    member = Membership.objects.filter(cluster=cluster_a).order_by("pk").first()
    activity = Activity.objects.create(title="Werkgroep", kind="working_group", date=D(2019, 5, 2))
    activity.clusters.add(cluster_a)
    Participation.objects.create(activity=activity, organisation=member.organisation)
    found = figures.compute(programme, D(2020, 1, 1), "fte", splits=False)
    by_year = {r["year"]: r for r in found["intensity"]}
    assert by_year[2019]["activities"] == 1 and by_year[2019]["members"] == 60
    first = min(by_year)  # the year cluster A's companies entered; B's came a year later
    assert by_year[first]["members"] == 30 and by_year[first]["activities"] == 0
