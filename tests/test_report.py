"""The evaluation report on the calibrated demo (issue 8; docs/report.md): the whole
report is built from the records, reproduces the 2020 figures the demo is calibrated
to and is byte-identical when built twice (its PDF, from a process of its own, is
tests/test_same_bytes.py's, where its pages are rendered with pdftoppm).

The demo is the session's shared one (`calibrated_demo`, tests/conftest.py: progress
reports only for two clusters, to keep it quick); the report is built once for the module
inside a transaction rolled back at the end."""

import datetime
import io
import re

import pytest
from django.db import transaction
from django.utils import translation
from openpyxl import load_workbook

from clustermonitor.reports import render
from clustermonitor.reports.build import CHAPTERS, build_document
from clustermonitor.reports.document import Figure, Table

AS_OF = datetime.date(2020, 1, 31)


@pytest.fixture(scope="module")
def built(calibrated_demo, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        steps = []
        first = build_document(as_of=AS_OF, progress=lambda p, s: steps.append((p, s)))
        second = build_document(as_of=AS_OF)
        yield {
            "document": first,
            "steps": steps,
            "html": (render.render_html(first), render.render_html(second)),
            "xlsx": (render.render_xlsx(first), render.render_xlsx(second)),
        }
        transaction.set_rollback(True)


@pytest.fixture
def report(built, db):
    return built


def _table(document, key) -> Table:
    return next(t for t in document.tables() if t.key == key)


def _figure(document, key) -> Figure:
    return next(f for f in document.figures() if f.key == key)


def test_html_and_xlsx_are_byte_identical_for_the_same_data_and_date(report):
    first, second = report["html"]
    assert first == second
    first, second = report["xlsx"]
    assert first == second


def test_every_chapter_is_there_in_the_evaluations_order(report):
    document = report["document"]
    assert len(document.sections) == len(CHAPTERS)
    html = report["html"][0]
    titles = re.findall(r'<li class="level1"><a href="#s\d+">\d+ ([^<]+)</a>', html)
    assert titles[:4] == [
        "Samenvatting",
        "Context en portefeuille",
        "Bereik van het ledenbestand",
        "KPI&#x27;s van het programma",
    ]
    # Progress is reported after every chapter, ending at 90 % (the files follow).
    assert [step for _p, step in report["steps"]] == CHAPTERS
    assert report["steps"][-1][0] == 90


def test_the_seed_reports_tables_and_figures_are_computed(report):
    document = report["document"]
    keys = {t.key for t in document.tables()} | {f.key for f in document.figures()}
    expected = {
        "table1", "table3", "table4",  # context and portfolio
        "fig2", "fig3", "fig4", "fig5",  # reach
        "table5", "table7",  # KPIs
        "table8",  # co-financing
        "kpi3", "typology",  # collaborations
        "table10", "fig_network",  # intercluster projects
        "survey_response", "fig6", "fig7a", "fig7b", "q7_q10_means", "nonresponse",  # survey
        "exit_plans",  # exit and maturity (readiness: no criteria set published by 2020)
        "definitions", "published",  # annexes
    }  # fmt: skip
    assert expected <= keys, expected - keys
    for figure in document.figures():
        assert figure.svg.startswith("<svg"), figure.key


def test_table_7_carries_the_members_the_demo_is_calibrated_to(report):
    from clustermonitor.demodata.calibrate import cluster_specs

    table = _table(report["document"], "table7")
    codes = [row[0] for row in table.rows[: -table.total_rows or None]]
    reported = [s.code for s in cluster_specs() if s.reported]
    assert set(reported) <= set(codes)


def test_the_survey_chapter_shows_the_2020_response(report):
    with translation.override("nl"):
        table = _table(report["document"], "survey_response")
    flat = [cell for row in table.rows for cell in row]
    assert 1065 in flat and 328 in flat and 269 in flat
    html = report["html"][0]
    assert "1.065" in html and "269" in html
    # The summary states the same response as the chapter.
    summary = " ".join(b.text for b in report["document"].sections[0].blocks)
    assert "1.065" in summary and "328" in summary and "269" in summary


def test_the_published_annex_lists_every_published_figure(report):
    from clustermonitor.monitoring import published

    table = _table(report["document"], "published")
    rows = published.comparison(_programme(), AS_OF)
    assert len(rows) > 100
    assert len(table.rows) == len(rows)
    # The demo's survey gives the published means (Q7 pools its five statements).
    by_key = {r.key: r for r in rows}
    assert round(by_key["survey.q2_relevance_mean"].computed, 2) == 3.01
    assert round(by_key["survey.q7_collaborative_strength_mean"].computed, 2) == 2.82
    assert by_key["survey.completed"].computed == 269


def _programme():
    from clustermonitor.programmes.models import Programme

    return Programme.objects.order_by("pk").first()


def test_the_workbook_has_one_sheet_per_table(report):
    workbook = load_workbook(io.BytesIO(report["xlsx"][0]))
    tables = report["document"].tables()
    assert len(workbook.sheetnames) == 1 + len(tables)
    assert workbook.sheetnames[0] == "Inhoud"
    contents = [row[1].value for row in workbook["Inhoud"].iter_rows(min_row=2)]
    assert contents == [t.title for t in tables]


def test_records_dated_after_the_date_leave_the_report_unchanged_byte_for_byte(report):
    """Known on D (issue 14): a call created now (opening after the report's date) with a
    call-3 cluster that starts after the date, with members, targets, payments, an activity
    and a collaboration; a company that joins an existing cluster and pays after the date;
    a figure for 2019 approved after the date; a target of an existing cluster changed now
    (audit log): the report as of the date is the same bytes, HTML and workbook."""
    from clustermonitor.members.models import Contribution, Membership
    from clustermonitor.programmes.models import KPI, Call, Cluster, Target
    from clustermonitor.registry.models import Organisation
    from tests import factories

    later = AS_OF + datetime.timedelta(days=1)
    with transaction.atomic():
        euka = Cluster.objects.get(code="EUKA")
        call = Call.objects.create(
            programme=euka.programme, cluster_type=euka.cluster_type, number=3,
            opens_on=later,
        )  # fmt: skip
        future = Cluster.objects.create(
            programme=euka.programme, code="CALL3", name="Call 3 cluster",
            cluster_type=euka.cluster_type, call=call, embedding=euka.embedding,
            start_date=datetime.date(2027, 1, 1), end_date=datetime.date(2029, 12, 31),
        )  # fmt: skip
        for code in ("KPI1", "KPI2", "KPI3"):
            kpi = KPI.objects.get(programme=euka.programme, code=code)
            Target.objects.create(
                cluster=future, kpi=kpi, due_date=datetime.date(2029, 12, 31), value=300
            )
        for i, (cluster, start) in enumerate(
            [(future, datetime.date(2027, 1, 1))] * 3 + [(euka, later)]
        ):
            org = factories.organisation(900_000 + i, kind=Organisation.Kind.COMPANY)
            membership = Membership.objects.create(
                organisation=org, cluster=cluster, start_date=start
            )
            Contribution.objects.create(
                membership=membership, year=start.year, amount=1000,
                status=Contribution.Status.PAID, paid_on=start + datetime.timedelta(days=30),
            )  # fmt: skip
        from clustermonitor.activities.models import Activity
        from clustermonitor.collaborations.models import Collaboration, Stage, StageChange
        from clustermonitor.core import audit
        from clustermonitor.programmes.models import ReportedFigure

        activity = Activity.objects.create(title="Later", kind="event", date=later)
        activity.clusters.set([future, euka])
        collaboration = Collaboration.objects.create(programme=euka.programme, title="Later")
        collaboration.clusters.set([future, euka])
        StageChange.objects.create(collaboration=collaboration, stage=Stage.IDEA, date=later)
        ReportedFigure.objects.create(
            metric="KPI1", value=999, cluster=euka, basis=ReportedFigure.Basis.REPORTED,
            period_end=datetime.date(2019, 12, 31), source="progress report 2019 (late)",
            source_date=later,
        )  # fmt: skip
        for target in Target.objects.exclude(cluster=future):
            target.value += 1000
            audit.save(audit.Actor.system("web"), target)
        document = build_document(as_of=AS_OF)
        html, xlsx = render.render_html(document), render.render_xlsx(document)
        transaction.set_rollback(True)
    assert html == report["html"][0]
    assert xlsx == report["xlsx"][0]


def test_the_annex_computes_what_the_demo_records_support(report):
    """Issue 14: the survey figures the annex marked "not computed" are computed from
    the demo's wave (calibrated to the 2020 survey), the reach figures over the 2020
    population, Table 5's end-of-year-2 figures at each IBN's end of year 2."""
    from clustermonitor.monitoring import published

    with translation.override("en"):
        rows = {r.key: r for r in published.comparison(_programme(), AS_OF)}
    survey = [k for k in rows if k.startswith("survey.")]
    not_computed = sorted(k for k in survey if not rows[k].is_computed)
    assert not_computed == ["survey.profile_variables", "survey.relevance_lower_when_members_over"]
    assert not any(rows[k].flagged for k in survey)
    rounded = {
        k: round(rows[k].computed, 2)
        for k in (
            "survey.share_active",
            "survey.share_relevant_or_very_relevant",
            "survey.mean_completion_minutes",
            "survey.q7_by_profile.active",
            "survey.q8_benefits_by_profile.non_active",
            "survey.q9_expect_competitiveness_gain_within_3y",
            "survey.q9_by_activity.non_active",
        )
    }
    assert rounded == {
        "survey.share_active": 0.8,
        "survey.share_relevant_or_very_relevant": 0.76,
        "survey.mean_completion_minutes": 8.0,
        "survey.q7_by_profile.active": 3.01,
        "survey.q8_benefits_by_profile.non_active": 2.28,
        "survey.q9_expect_competitiveness_gain_within_3y": 0.62,
        "survey.q9_by_activity.non_active": 0.31,
    }
    assert "without BEACON" in rows["reach.share_sme_eu_definition"].note
    embedding = "programme_kpis.by_embedding_end_of_year_2."
    assert "end of its year 2" in rows[embedding + "zelfstandig.active_members"].note
    table = _table(report["document"], "published")
    assert any("The Beacon" in note for note in table.notes)


def test_the_reach_chapter_names_what_each_count_counts(report):
    html = report["html"][0]
    assert re.search(
        r"[\d.]+ bedrijven met [\d.]+ lidmaatschappen; [\d.]+ lidmaatschappen van alle "
        r"organisaties \([\d.]+ organisaties",
        html,
    )
