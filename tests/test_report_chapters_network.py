"""Report chapters (issue 8): collaborations, intercluster projects, exit and maturity,
the methods annex and published vs computed — values from known records, the report's
date and cluster selection respected, deterministic output, query counts independent of
the number of records. The survey chapter: test_report_chapters_survey.py."""

import datetime
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from clustermonitor.collaborations import selectors
from clustermonitor.maturity import criteria
from clustermonitor.maturity.models import (
    Answer,
    Assessment,
    CriteriaSet,
    Criterion,
    ExitPath,
    ExitPlan,
)
from clustermonitor.reports.build import resolve
from clustermonitor.reports.document import Figure, Table
from clustermonitor.reports.sections import (
    collaborations,
    intercluster,
    maturity,
    methods,
    published,
)
from tests.collaboration_helpers import _companies, _started, _university

pytestmark = pytest.mark.usefixtures("english")

D = datetime.date
DOCS = Path(__file__).resolve().parent.parent / "docs" / "definitions.md"


def _ctx(as_of, codes=None):
    return resolve(as_of, codes, "en")


def _blocks(section, kind):
    found = [b for b in section.blocks if isinstance(b, kind)]
    for sub in section.subsections:
        found += _blocks(sub, kind)
    return found


def _table(section, key) -> Table:
    tables = [t for t in _blocks(section, Table) if t.key == key]
    assert len(tables) == 1, key
    return tables[0]


def _texts(section) -> str:
    parts = [b.text for b in section.blocks if hasattr(b, "text")]
    return " ".join(parts + [_texts(s) for s in section.subsections])


def _row(table: Table, first) -> list:
    rows = [r for r in table.rows if r[0] == first]
    assert len(rows) == 1, (first, table.rows)
    return rows[0]


@pytest.fixture
def records(cluster_a, cluster_b):
    """EUKA: A (3 companies, started 1/3/2018: counts), B (2 companies and a university,
    started 1/4/2018: too few companies). EUKA with BIM: C (3 companies, started
    1/5/2018: counts for both). Each was an idea 30 days before it started."""
    a = _started([cluster_a], "A drones", _companies(0, 3), D(2018, 3, 1))
    b = _started([cluster_a], "B drones", [*_companies(3, 2), _university()], D(2018, 4, 1))
    c = _started([cluster_a, cluster_b], "C drones", _companies(5, 3), D(2018, 5, 1))
    return a, b, c


# -- Collaborations ----------------------------------------------------------------------


def test_kpi3_per_cluster_with_the_verdicts(records):
    section = collaborations.build(_ctx(D(2018, 12, 31), ["EUKA", "BIM"]))
    table = _table(section, "kpi3")
    few = table.columns.index(selectors.reason_label("few_companies"))
    considered = table.columns.index("Collaborations considered")
    euka, bim = _row(table, "EUKA"), _row(table, "BIM")
    assert (euka[2], euka[few], euka[considered]) == (2, 1, 3)
    assert (bim[2], bim[few], bim[considered]) == (1, 0, 1)
    # Known on D (issue 14): Table 7 (reported, published 31/01/2020) is not known yet.
    assert euka[-1] is None and bim[-1] is None
    assert _row(table, "Programme (sum over clusters)")[2] == 3
    assert _row(table, "Programme (each collaboration once)")[2] == 2
    assert table.total_rows == 2
    published = _table(collaborations.build(_ctx(D(2020, 1, 31), ["EUKA", "BIM"])), "kpi3")
    assert _row(published, "EUKA")[-1] == 20 and _row(published, "BIM")[-1] == 11
    years = _table(section, "kpi3_years")
    assert years.columns[1:-1] == ["2018"]
    assert "2 collaborations count for KPI 3" in _texts(section)


def test_the_typology_counts_each_collaboration_once(records):
    section = collaborations.build(_ctx(D(2018, 12, 31), ["EUKA", "BIM"]))
    rows = {(r[0], r[1]): r[2] for r in _table(section, "typology").rows}
    assert rows[("Scale", selectors.SCALE_LABELS["multilateral"][1])] == 2
    assert rows[("Scale", selectors.SCALE_LABELS["bilateral"][1])] == 1
    assert rows[("Knowledge institution among the parties", "yes")] == 1
    assert rows[("Intercluster", "yes")] == 1
    assert rows[("Stage", "started")] == 3


def test_the_report_date_limits_what_existed_and_its_stage(records):
    section = collaborations.build(_ctx(D(2018, 3, 15), ["EUKA", "BIM"]))
    euka = _row(_table(section, "kpi3"), "EUKA")
    assert euka[2] == 1  # only A had started
    rows = {(r[0], r[1]): r[2] for r in _table(section, "typology").rows}
    # C was not an idea yet; B was one (started later)
    assert rows[("Stage", "started")] == 1 and rows[("Stage", "idea")] == 1
    assert sum(n for (dim, _v), n in rows.items() if dim == "Stage") == 2


def test_a_cluster_selection_shows_only_those_clusters(records):
    section = collaborations.build(_ctx(D(2018, 12, 31), ["BIM"]))
    table = _table(section, "kpi3")
    assert [r[0] for r in table.rows[:-2]] == ["BIM"]
    rows = {(r[0], r[1]): r[2] for r in _table(section, "typology").rows}
    assert sum(n for (dim, _v), n in rows.items() if dim == "Stage") == 1


def test_nothing_recorded_says_so(db):
    section = collaborations.build(_ctx(D(2017, 1, 2), ["EUKA"]))
    assert "No collaboration of the selected clusters was recorded" in _texts(section)


# -- Intercluster ------------------------------------------------------------------------


def test_table10_and_the_comparisons_match_the_intercluster_page(db):
    ctx = _ctx(D(2020, 6, 30))
    section = intercluster.build(ctx)
    overview = selectors.intercluster_overview(ctx.programme)
    table10 = _table(section, "table10")
    assert len(table10.rows) == len(overview.projects) == 15
    title = "Drones als hulpmiddel: inzichten in de nieuwe werkprocessen op de bouwwerf"
    drones = _row(table10, title)
    assert drones[1] == "IBN BIM, IBN BOUWIND, IBN EUKA" and drones[3] == "submitted"
    comparison = {r[0]: r[1:] for r in _table(section, "ic_comparison").rows}
    assert comparison["Applications"][0] == overview.applications == 15
    gevestigd = comparison["Involvements of hosted (gevestigde) IBNs"]
    zelfstandig = comparison["Involvements of independent (zelfstandige) IBNs"]
    assert gevestigd[0] == overview.involvements["gevestigd"] == gevestigd[1] == 18
    assert zelfstandig[0] == overview.involvements["zelfstandig"] == zelfstandig[1] == 8
    ibn_spc = comparison["IBN–SPC applications"]
    assert ibn_spc[0] == overview.ibn_spc_applications == 5
    calls = _table(section, "ic_calls")
    recorded = [c.recorded_applications for c in sorted(overview.calls, key=lambda c: c.year)]
    assert [r[2] for r in calls.rows] == recorded
    assert [(r[0], r[4]) for r in calls.rows] == [(2017, 11), (2018, 4)]  # as reported


def test_intercluster_for_one_cluster_and_before_the_projects_were_recorded(db):
    section = intercluster.build(_ctx(D(2020, 6, 30), ["EUKA"]))
    assert len(_table(section, "table10").rows) == 2
    comparison = {r[0]: r[1] for r in _table(section, "ic_comparison").rows}
    assert comparison["Applications"] == 2
    assert comparison["Involvements of independent (zelfstandige) IBNs"] == 2
    assert comparison["Involvements of hosted (gevestigde) IBNs"] == 0
    assert _row(_table(section, "ic_clusters"), "EUKA")[3:] == [2, 2]
    before = intercluster.build(_ctx(D(2019, 12, 31)))
    assert not [t for t in _blocks(before, Table) if t.key == "table10"]
    assert "No intercluster project of the selected clusters" in _texts(before)


def test_the_network_links_clusters_by_shared_projects(records):
    section = intercluster.build(_ctx(D(2018, 12, 31), ["EUKA", "BIM", "BOUWIND"]))
    links = _table(section, "ic_links")
    assert links.rows == [["BIM", "EUKA", 1, 0]]
    figure = next(f for f in _blocks(section, Figure) if f.key == "fig_network")
    assert figure.svg.startswith("<svg")
    brokers = _table(section, "ic_brokers")
    assert brokers.rows == []  # three separate cliques: nobody lies between others


def test_collaboration_chapters_are_deterministic(records):
    for module in (collaborations, intercluster):
        first = module.build(_ctx(D(2018, 12, 31), ["EUKA", "BIM"]))
        second = module.build(_ctx(D(2018, 12, 31), ["EUKA", "BIM"]))
        assert first == second


def _queries(build, as_of, codes) -> int:
    ctx = _ctx(as_of, codes)
    with CaptureQueriesContext(connection) as queries:
        build(ctx)
    return len(queries)


def test_query_counts_do_not_grow_with_the_records(records, cluster_a, cluster_b):
    as_of, codes = D(2018, 12, 31), ["EUKA", "BIM"]
    counts = [_queries(m.build, as_of, codes) for m in (collaborations, intercluster)]
    for i in range(4):
        _started([cluster_a, cluster_b], f"More {i}", _companies(20 + 3 * i, 3), D(2018, 6, 1))
    assert [_queries(m.build, as_of, codes) for m in (collaborations, intercluster)] == counts


# -- Exit and maturity -------------------------------------------------------------------


@pytest.fixture
def exit_plan(cluster_a):
    return ExitPlan.objects.create(
        cluster=cluster_a,
        path=ExitPath.INDEPENDENT,
        status=ExitPlan.Status.FILED,
        filed_on=D(2019, 6, 1),
    )


def test_exit_plans_with_their_status_on_the_report_date(exit_plan):
    before = maturity.build(_ctx(D(2019, 3, 1), ["EUKA", "BIM"]))
    table = _table(before, "exit_plans")
    status = table.columns.index("Status")
    assert _row(table, "EUKA")[status] == "draft"
    assert _row(table, "BIM")[status] == "no exit plan"
    assert _row(table, "EUKA")[3].startswith("Integratie Flanders Make")
    after = _table(maturity.build(_ctx(D(2019, 7, 1), ["EUKA", "BIM"])), "exit_plans")
    euka = _row(after, "EUKA")
    assert euka[status] == "filed" and euka[5] == "continues independently"
    assert euka[after.columns.index("Filed on")] == D(2019, 6, 1)
    # BIM ends 30/9/2019: due 30/3/2019, nothing filed by 1/7/2019
    assert _row(after, "BIM")[after.columns.index("Overdue")] is True


@pytest.fixture
def criteria_set(cluster_b):
    published_set = CriteriaSet.objects.create(
        programme=cluster_b.programme,
        name="Ready for SPC",
        status=CriteriaSet.Status.PUBLISHED,
        published_on=D(2019, 1, 1),
    )
    computed = Criterion.objects.create(
        criteria_set=published_set,
        order=1,
        text="At least one KPI 3 collaboration",
        kind="computed",
        metric="kpi3",
        operator=">=",
        threshold=1,
    )
    evidence = Criterion.objects.create(
        criteria_set=published_set, order=2, text="A business plan", kind="evidence"
    )
    assessment = Assessment.objects.create(
        cluster=cluster_b, criteria_set=published_set, assessed_on=D(2020, 1, 10)
    )
    Answer.objects.create(
        assessment=assessment, criterion=computed, value=5, status=Answer.Status.COMPUTED
    )
    Answer.objects.create(assessment=assessment, criterion=evidence, status=Answer.Status.ACCEPTED)
    return published_set


def test_readiness_uses_assessments_on_or_before_the_date(records, criteria_set):
    section = maturity.build(_ctx(D(2019, 7, 1), ["BIM", "EUKA"]))
    summary = _table(section, "readiness")
    bim = _row(summary, "BIM")
    assert bim[2].startswith("computed on")
    assert bim[3:] == [1, 0, 1, str(criteria.OUTCOME_LABELS[criteria.UNKNOWN])]
    details = [r for r in _table(section, "readiness_criteria").rows if r[0] == "BIM"]
    assert details[0][4] == 1  # C counts for BIM's KPI 3 on the date
    later = _table(maturity.build(_ctx(D(2020, 6, 30), ["BIM"])), "readiness")
    assert _row(later, "BIM")[2].startswith("assessment of")
    assert _row(later, "BIM")[3:] == [2, 0, 0, "pass"]
    none = maturity.build(_ctx(D(2018, 12, 31), ["BIM"]))
    assert "No criteria set was published by" in _texts(none)


# -- Methods and published -----------------------------------------------------------------


def _doc_terms() -> set[str]:
    return set(re.findall(r"^- \*\*(.+?)\*\*", DOCS.read_text("utf-8"), re.MULTILINE))


def test_the_definitions_cover_the_docs_and_the_figures_used(records, exit_plan, criteria_set):
    data = methods.read()
    assert _doc_terms() <= {d.get("doc") for d in data["definitions"]}
    for entry in data["definitions"] + data["sources"]:
        for field in ("term", "text", "name", "licence"):
            if field in entry:
                assert entry[field]["nl"] and entry[field]["en"], entry["key"]
    covered = {key for d in data["definitions"] for key in d["figures"]}
    ctx = _ctx(D(2020, 6, 30))
    used = set()
    for module in (collaborations, intercluster, maturity, published):
        section = module.build(ctx)
        used |= {b.key for b in _blocks(section, Table) + _blocks(section, Figure)}
    assert used and used <= covered, used - covered


def test_the_methods_annex_in_both_languages(db):
    section = methods.build(_ctx(D(2020, 6, 30), ["EUKA"]))
    definitions = _table(section, "definitions")
    assert ["Active member", definitions.rows[5][1]] == definitions.rows[5]
    assert any("CC BY 4.0" in r[2] for r in _table(section, "sources").rows)
    assert "limited to these clusters: EUKA" in _texts(section)
    assert "No survey wave" in _texts(section)
    with translation.override("nl"):
        dutch = methods.build(resolve(D(2020, 6, 30), None, "nl"))
    assert _table(dutch, "definitions").rows[5][0] == "Actief lid (deelnamegraad)"


def test_published_vs_computed_is_the_page_as_a_table(db):
    from clustermonitor.monitoring.published import comparison

    ctx = _ctx(D(2020, 6, 30))
    section = published.build(ctx)
    table = _table(section, "published")
    rows = comparison(ctx.programme, ctx.as_of)
    assert len(table.rows) == len(rows)
    applications = next(
        i for i, r in enumerate(rows) if r.key == "intercluster_calls.applications_total"
    )
    assert table.rows[applications][2:5] == [15, 15, 0]
    assert published.build(_ctx(D(2020, 6, 30))) == section
