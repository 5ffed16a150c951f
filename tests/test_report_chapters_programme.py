"""The report's programme chapters (summary, portfolio, reach, KPIs, co-financing):
computed values against known records, the report's date, the cluster selection and
determinism. The world is the 2020 reference portfolio (conftest) plus a few members."""

import datetime
import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from clustermonitor.members.models import Contribution
from clustermonitor.programmes.models import Cluster, ClusterType
from clustermonitor.registry.models import FirmFigures
from clustermonitor.reports.build import resolve
from clustermonitor.reports.document import Figure, Money, Paragraph, Percent, Table
from tests.factories import membership, organisation

ON = datetime.date(2019, 6, 30)
CHAPTERS = ("summary", "portfolio", "reach", "kpis", "cofinancing")


def build(name, as_of=ON, codes=None, lang="en"):
    with translation.override(lang):
        ctx = resolve(as_of, codes, lang)
        module = importlib.import_module(f"clustermonitor.reports.sections.{name}")
        return module.build(ctx)


def table(section, key) -> Table:
    found = [b for b in section.blocks if isinstance(b, Table) and b.key == key]
    assert found, f"no table {key} in {section.key}"
    return found[0]


def figure_keys(section) -> list[str]:
    return [b.key for b in section.blocks if isinstance(b, Figure)]


def text(section) -> str:
    return " ".join(b.text for b in section.blocks if isinstance(b, Paragraph))


def row(tbl: Table, first) -> list:
    found = [r for r in tbl.rows if r and r[0] == first]
    assert len(found) == 1, f"{first} not once in {tbl.key}"
    return found[0]


def column(tbl: Table, name: str) -> int:
    return tbl.columns.index(name)


# Five EUKA companies (one of them also in BIM), with size, age and fees; one more EUKA
# member joins after ON; one BIM-only company.
SPECS = [  # employees, turnover, founded, fee
    (5, None, 2017, 100),
    (30, 2_000_000, 2000, 500),
    (120, 60_000_000, 1990, 2000),
    (300, None, 1960, 20000),
    (None, None, None, 100),
]


@pytest.fixture
def members(cluster_a, cluster_b):
    orgs = []
    for i, (employees, turnover, founded, fee) in enumerate(SPECS):
        org = organisation(9100 + i, start_date=datetime.date(founded, 1, 1) if founded else None)
        if employees is not None:
            FirmFigures.objects.create(
                organisation=org, year=2017, employees=employees, turnover=turnover, source="t"
            )
        m = membership(org, cluster_a, start=datetime.date(2017, 1, 1))
        for year in (2017, 2018):
            Contribution.objects.create(
                membership=m,
                year=year,
                amount=fee,
                status="paid",
                paid_on=datetime.date(year, 3, 1),
            )
        orgs.append(org)
    both = membership(orgs[0], cluster_b, start=datetime.date(2018, 1, 1))
    Contribution.objects.create(
        membership=both, year=2018, amount=2900, status="paid", paid_on=datetime.date(2018, 3, 1)
    )
    late = membership(organisation(9200), cluster_a, start=datetime.date(2019, 9, 1))
    Contribution.objects.create(membership=late, year=2019, amount=999, status="invoiced")
    bim_only = membership(organisation(9201), cluster_b, start=datetime.date(2017, 6, 1))
    Contribution.objects.create(
        membership=bim_only,
        year=2018,
        amount=2900,
        status="paid",
        paid_on=datetime.date(2018, 3, 1),
    )
    return orgs


# Portfolio --------------------------------------------------------------------------------


def test_table_1_comes_from_the_cluster_type_rules(db):
    section = build("portfolio")
    t1 = table(section, "table1")
    ibn = ClusterType.objects.get(code="IBN")
    r = row(t1, "IBN")
    assert r[column(t1, "Clusters")] == Cluster.objects.filter(cluster_type=ibn).count() == 20
    assert r[column(t1, "Maximum subsidy a year")] == Money(ibn.max_annual_subsidy)
    assert r[column(t1, "Maximum duration (years)")] == 3
    assert r[column(t1, "Co-financing by the members")] == Percent(0.5, 0)
    assert row(t1, "SPC")[column(t1, "Clusters")] == 6
    # Table 2 is policy text: left out, and the chapter says so.
    assert "Table 2" in text(section)
    assert "table2" not in [b.key for b in section.blocks if isinstance(b, Table)]
    embedding = table(section, "types_embedding")
    assert embedding.rows[-1][-1] == 26 and embedding.total_rows == 1


def test_table_3_and_4_list_the_clusters_with_their_records(db):
    section = build("portfolio")
    t3, t4 = table(section, "table3"), table(section, "table4")
    assert len(t3.rows) == Cluster.objects.count() == 26
    euka = Cluster.objects.get(code="EUKA")
    r = row(t3, "EUKA")
    assert r[column(t3, "End")] == euka.end_date
    assert r[column(t3, "Subsidy")] == Money(euka.subsidy)
    assert r[column(t3, "Call")] == euka.call.number
    assert len(t4.rows) == 20  # IBNs only
    assert row(t4, "EUKA")[3] == "; ".join(euka.keywords)


def test_portfolio_follows_the_selection(db):
    section = build("portfolio", codes=["euka", "FLUX50"])
    assert [r[0] for r in table(section, "table3").rows] == ["EUKA", "FLUX50"]
    assert [r[0] for r in table(section, "table4").rows] == ["EUKA"]
    only_spc = build("portfolio", codes=["FLUX50"])
    assert "table4" not in [b.key for b in only_spc.blocks if isinstance(b, Table)]
    assert "No IBN is selected" in text(only_spc)


# Reach ------------------------------------------------------------------------------------


def test_reach_counts_the_members_on_the_date(members):
    section = build("reach", codes=["EUKA"])
    assert figure_keys(section) == ["fig2", "fig3", "fig4", "fig5", "nace"]
    sizes = {r[0]: r[1] for r in table(section, "fig2_data").rows}
    assert list(sizes.values()) == [1, 1, 1, 1, 1]  # micro, small, medium, large, unknown
    ages = table(section, "fig3_data").rows
    assert [r[1] for r in ages] == [1, 0, 1, 1, 1, 1]  # 0-4, 5-9, 10-19, 20-49, 50+, unknown
    assert ages[0][2] == Percent(0.25, 1)  # 1 start-up of the 4 with a start date
    # One EUKA member is also in BIM: memberships are counted over all IBNs.
    by_memberships = {r[0]: r[-1] for r in table(section, "fig5_data").rows}
    assert by_memberships == {"1": 4, "2": 1, "3": 0, "4+": 0}
    assert "5 companies with 5 memberships; 5 memberships of all organisations" in text(section)


def test_reach_names_what_each_count_counts(members, cluster_a, cluster_b):
    """Issue 14: "838 bedrijven in 956 lidmaatschappen" put the memberships of
    knowledge institutions and federations beside a count of companies."""
    from clustermonitor.registry.models import Organisation

    university = organisation(9300, kind=Organisation.Kind.KNOWLEDGE, name="Universiteit")
    membership(university, cluster_a, start=datetime.date(2017, 1, 1))
    membership(university, cluster_b, start=datetime.date(2017, 1, 1))
    section = build("reach", codes=["EUKA", "BIM"])
    assert (
        "6 companies with 7 memberships; 9 memberships of all organisations "
        "(7 organisations: companies, knowledge institutions, federations and others) "
        "in 2 IBNs"
    ) in text(section)
    dutch = build("reach", codes=["EUKA", "BIM"], lang="nl")
    assert "6 bedrijven met 7 lidmaatschappen; 9 lidmaatschappen van alle organisaties" in (
        text(dutch)
    )
    summary = build("summary", codes=["EUKA", "BIM"])
    assert "6 member companies (with 7 memberships)" in text(summary)


def test_reach_respects_the_date_and_the_selection(members):
    later = build("reach", as_of=datetime.date(2019, 12, 31), codes=["EUKA"])
    assert "6 companies" in text(later)  # the member who joined on 1/9/2019
    both = build("reach", codes=["EUKA", "BIM"])
    assert "6 companies with 7 memberships; 7 memberships of all organisations" in text(both)
    before = build("reach", as_of=datetime.date(2017, 3, 1), codes=["BIM"])
    assert "0 companies" in text(before) and not figure_keys(before)
    nothing = build("reach", codes=["FLUX50"])
    assert figure_keys(nothing) == [] and "No IBN is selected" in text(nothing)


# KPIs -------------------------------------------------------------------------------------


def test_table_7_puts_computed_beside_reported(members):
    section = build("kpis", as_of=datetime.date(2018, 12, 31), codes=["EUKA", "BIM"])
    t7 = table(section, "table7")
    euka = row(t7, "EUKA")
    assert euka[column(t7, "Members on the date")] == 5
    assert euka[column(t7, "KPI1 computed")] == 5  # five paying companies
    assert euka[column(t7, "KPI2 computed")] == 5  # all joined at the agreement's start
    bim = row(t7, "BIM")
    assert bim[column(t7, "KPI1 computed")] == 2
    assert bim[column(t7, "KPI2 computed")] == 2  # both joined after 1/10/2016
    assert t7.rows[-1][column(t7, "KPI1 computed")] == 7 and t7.total_rows == 1
    t5 = table(section, "table5")
    kpi1 = next(r for r in t5.rows if r[0].startswith("KPI1"))
    assert kpi1[column(t5, "Computed from the records (sum)")] == 7
    assert kpi1[column(t5, "Computed, each counted once")] == 6  # one company in both


def test_reported_figures_count_once_given_for_a_period_ended(members):
    """Known on D (issue 14): a reported figure counts from its source date (the
    evaluation's publication, a progress report's approval), for a period ended by then."""
    euka = Cluster.objects.get(code="EUKA")
    figures = sorted(
        (f for f in euka.reported_figures.filter(metric="KPI1")), key=lambda f: f.period_end
    )
    assert figures, "the reference loads Table 7's KPI 1"
    first = figures[0]
    assert first.period_end < first.source_date
    the_day_before = first.source_date - datetime.timedelta(days=1)
    before = table(build("kpis", as_of=the_day_before, codes=["EUKA"]), "table7")
    on = table(build("kpis", as_of=first.source_date, codes=["EUKA"]), "table7")
    assert row(before, "EUKA")[column(before, "KPI1 reported")] is None
    assert row(on, "EUKA")[column(on, "KPI1 reported")] == first.value


def test_table_5_shows_the_published_figures_only_for_all_ibns(db):
    everything = table(build("kpis", as_of=datetime.date(2020, 6, 30)), "table5")
    assert "Published (2020 evaluation)" in everything.columns
    kpi1 = next(r for r in everything.rows if r[0].startswith("KPI1"))
    assert kpi1[column(everything, "Published (2020 evaluation)")] == 1132
    # Before the evaluation appeared, and for a selection, it is not shown.
    early = table(build("kpis", as_of=datetime.date(2019, 6, 30)), "table5")
    assert "Published (2020 evaluation)" not in early.columns
    some = table(build("kpis", as_of=datetime.date(2020, 6, 30), codes=["EUKA"]), "table5")
    assert "Published (2020 evaluation)" not in some.columns


def test_kpis_without_an_ibn(db):
    section = build("kpis", codes=["FLUX50"])
    assert not [b for b in section.blocks if isinstance(b, Table)]
    assert "No IBN is selected" in text(section)


# Co-financing -----------------------------------------------------------------------------


def test_table_8_from_the_fees(members):
    section = build("cofinancing", as_of=datetime.date(2019, 12, 31), codes=["EUKA", "BIM"])
    t8 = table(section, "table8")
    euka = row(t8, "EUKA")
    # 2019 is complete but holds only the late member's invoiced fee: 2019 is shown.
    assert euka[column(t8, "Year")] == "2019"
    assert euka[column(t8, "Contributions")] == 1
    early = table(build("cofinancing", as_of=datetime.date(2018, 12, 31), codes=["EUKA"]), "table8")
    euka = row(early, "EUKA")
    assert euka[column(early, "Year")] == "2018"
    assert euka[column(early, "Contributions")] == 5
    assert euka[column(early, "Largest annual fee")] == Money(20000.0)
    assert euka[column(early, "Smallest annual fee")] == Money(100.0)
    assert euka[column(early, "Median")] == Money(500.0)
    assert euka[column(early, "Maximum contributions")] == 1
    assert euka[column(early, "Contributions reaching 50 %")] == "1 of 5 (20%)"


def test_cofinancing_counts_years_up_to_the_date(members):
    section = build("cofinancing", as_of=datetime.date(2017, 12, 31), codes=["EUKA"])
    euka = row(table(section, "table8"), "EUKA")
    assert euka[3] == "2017"
    assert "€ 22.700" in text(section)  # 2017's fees; 2018's are not counted yet


# Summary and the whole ---------------------------------------------------------------------


def test_the_summary_repeats_the_chapters_figures(members):
    section = build("summary", codes=["EUKA", "BIM"])
    words = text(section)
    assert "2 clusters" in words
    assert "6 member companies (with 7 memberships)" in words
    dutch = build("summary", codes=["EUKA", "BIM"], lang="nl")
    assert "clusters" in text(dutch)  # formatted for Dutch without error


def test_the_summary_without_an_ibn(db):
    section = build("summary", codes=["FLUX50"])
    assert "No IBN is selected" in text(section)


@pytest.mark.parametrize("name", CHAPTERS)
def test_building_twice_gives_the_same_section(members, name):
    assert build(name, codes=["EUKA", "BIM"]) == build(name, codes=["EUKA", "BIM"])


def test_queries_do_not_grow_with_the_records(members, cluster_a):
    def count():
        with translation.override("nl"):
            ctx = resolve(ON, None, "nl")
            with CaptureQueriesContext(connection) as queries:
                for name in CHAPTERS:
                    importlib.import_module(f"clustermonitor.reports.sections.{name}").build(ctx)
        return len(queries)

    before = count()
    for i in range(8):
        m = membership(organisation(9300 + i), cluster_a, start=datetime.date(2017, 1, 1))
        Contribution.objects.create(
            membership=m, year=2018, amount=300, status="paid", paid_on=datetime.date(2018, 3, 1)
        )
    assert count() == before
