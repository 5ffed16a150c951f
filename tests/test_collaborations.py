"""Collaborations (issue 5): typology, lifecycle, KPI 3, intercluster projects, import,
web and API."""

import datetime

import pytest

from clustermonitor.collaborations import lifecycle, selectors, services
from clustermonitor.collaborations.importing import parse_choice
from clustermonitor.collaborations.models import Collaboration, Stage
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry.models import Organisation
from tests.factories import organisation

pytestmark = pytest.mark.usefixtures("english")

ACTOR = audit.Actor.system("test")


DAY = datetime.timedelta(days=1)


def _collaboration(clusters, title="Drone pilot", on=datetime.date(2015, 1, 2), **values):
    collaboration = Collaboration(programme=clusters[0].programme, title=title, **values)
    return services.create(ACTOR, collaboration, clusters, stage=Stage.IDEA, on=on)


def _verdicts(cluster, until, titles=("Drone pilot",)):
    kpi3 = selectors.cluster_kpi3(cluster, until)
    return [v for v in kpi3.verdicts if v.collaboration.title in titles]


def _parties(collaboration, organisations):
    for org in organisations:
        services.set_party(ACTOR, collaboration, org, "partner")


def _start(collaboration, on):
    services.change_stage(ACTOR, collaboration, Stage.STARTED, on=on)


def _companies(start, n):
    return [organisation(7000 + start + i, name=f"Bedrijf {start + i}") for i in range(n)]


# KPI 3 worked examples (DESIGN §4) ----------------------------------------------------


def test_two_companies_and_a_university_do_not_count(cluster_a):
    c = _collaboration([cluster_a])
    university = organisation(7900, name="Universiteit Gent", kind=Organisation.Kind.KNOWLEDGE)
    _parties(c, [*_companies(1, 2), university])
    _start(c, cluster_a.start_date + DAY)
    assert [v.reason for v in _verdicts(cluster_a, cluster_a.end_date)] == ["few_companies"]
    derived = selectors.with_derived(Collaboration.objects.filter(pk=c.pk)).get()
    assert derived.n_companies == 2 and derived.n_parties == 3 and derived.has_knowledge
    assert selectors.scale(derived.n_companies) == "bilateral"


def test_three_companies_started_within_the_agreement_count(cluster_a):
    c = _collaboration([cluster_a])
    _parties(c, _companies(1, 3))
    _start(c, cluster_a.start_date + DAY)
    kpi3 = selectors.cluster_kpi3(cluster_a, cluster_a.end_date)
    assert kpi3.value == 1  # the Table 10 projects of EUKA have no parties recorded
    assert kpi3.by_year == {(cluster_a.start_date + DAY).year: 1}


def test_started_before_the_agreement_does_not_count(cluster_a):
    c = _collaboration([cluster_a], start_date=cluster_a.start_date - DAY)
    _parties(c, _companies(1, 4))
    services.change_stage(ACTOR, c, Stage.STARTED, on=cluster_a.start_date - DAY)
    assert [v.reason for v in _verdicts(cluster_a, cluster_a.end_date)] == ["before_agreement"]


def test_not_yet_started_and_after_the_reporting_date_do_not_count(cluster_a):
    companies = _companies(1, 3)
    waiting = _collaboration([cluster_a], title="Submitted")
    _parties(waiting, companies)
    services.change_stage(ACTOR, waiting, Stage.SUBMITTED, on=cluster_a.start_date + DAY)
    later = _collaboration([cluster_a], title="Later")
    _parties(later, companies)
    _start(later, cluster_a.start_date + 100 * DAY)
    verdicts = _verdicts(cluster_a, cluster_a.start_date + 50 * DAY, ("Submitted", "Later"))
    # Known on D (issue 14): on the reporting date "Later" had not started yet.
    assert {v.collaboration.title: v.reason for v in verdicts} == {
        "Submitted": "not_started",
        "Later": "not_started",
    }
    verdicts = _verdicts(cluster_a, cluster_a.start_date + 100 * DAY, ("Later",))
    assert [v.reason for v in verdicts] == ["counted"]


def test_a_stopped_project_that_had_started_still_counts(cluster_a):
    c = _collaboration([cluster_a])
    _parties(c, _companies(1, 3))
    _start(c, cluster_a.start_date + DAY)
    services.change_stage(
        ACTOR, c, Stage.STOPPED, on=cluster_a.start_date + 2 * DAY, reason="finance"
    )
    assert selectors.cluster_kpi3(cluster_a, cluster_a.end_date).value == 1


def test_an_intercluster_project_counts_for_each_cluster_and_once_in_the_programme(db):
    clusters = list(Cluster.objects.filter(code__in=["EUKA", "BOUWIND", "BIM"]))
    latest_start = max(c.start_date for c in clusters)
    c = _collaboration(clusters, title="Drones op de bouwwerf")
    _parties(c, _companies(1, 3))
    _start(c, latest_start + DAY)
    until = min(x.end_date for x in clusters)
    result = selectors.programme_kpi3(clusters, until)
    assert [k.value for k in result.per_cluster] == [1, 1, 1]
    assert result.sum_over_clusters == 3
    assert result.distinct == 1
    assert result.double_counted == 2
    assert result.distinct_by_year == {(latest_start + DAY).year: 1}


# Typology ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"), [(0, "single"), (1, "single"), (2, "bilateral"), (3, "multilateral")]
)
def test_scale_follows_the_number_of_companies(n, expected):
    assert selectors.scale(n) == expected


def test_derived_flags_follow_parties_and_clusters(cluster_a, cluster_b):
    c = _collaboration([cluster_a, cluster_b])
    federation = organisation(7901, name="Federatie", kind=Organisation.Kind.FEDERATION)
    _parties(c, [*_companies(1, 3), federation])
    derived = selectors.with_derived(
        Collaboration.objects.filter(clusters=cluster_a, title="Drone pilot")
    ).get()
    # n_clusters is not fooled by the filter on one cluster.
    assert derived.n_clusters == 2
    assert derived.n_companies == 3 and not derived.has_knowledge
    counts = selectors.breakdowns([derived])
    assert counts["scale"]["multilateral"] == 1 and counts["intercluster"][True] == 1


def test_choices_are_read_in_dutch_english_or_as_codes(db):
    assert parse_choice("stage", "Gestart") == "started"
    assert parse_choice("stage", "started") == "started"
    assert parse_choice("purpose", "testing and validation (pilot, demo, living lab)") == "testing"
    assert parse_choice("instrument", "COOCK") == "coock"
    assert parse_choice("stop_reason", "gebrek aan financiering") == "finance"
    with pytest.raises(ValueError, match="is not one of"):
        parse_choice("nature", "vaag")


# Lifecycle --------------------------------------------------------------------------


def test_forward_steps_may_skip_and_the_history_is_kept(cluster_a):
    c = _collaboration([cluster_a])
    services.change_stage(ACTOR, c, Stage.SUBMITTED, on=datetime.date(2017, 2, 1))
    services.change_stage(ACTOR, c, Stage.STARTED, on=datetime.date(2017, 6, 1))
    c.refresh_from_db()
    assert c.stage == Stage.STARTED
    assert c.start_date == datetime.date(2017, 6, 1)  # filled from the step
    assert list(c.stage_changes.values_list("stage", flat=True)) == [
        "idea",
        "submitted",
        "started",
    ]


def test_going_back_needs_a_note(cluster_a):
    c = _collaboration([cluster_a])
    services.change_stage(ACTOR, c, Stage.DEFINED, on=datetime.date(2017, 2, 1))
    with pytest.raises(lifecycle.TransitionError, match="needs a note"):
        services.change_stage(ACTOR, c, Stage.EXPLORING, on=datetime.date(2017, 3, 1))
    services.change_stage(
        ACTOR, c, Stage.EXPLORING, on=datetime.date(2017, 3, 1), note="partner stepped out"
    )
    assert c.stage_changes.last().note == "partner stepped out"


def test_a_stop_needs_its_reason_and_reopening_a_note(cluster_a):
    c = _collaboration([cluster_a])
    with pytest.raises(lifecycle.TransitionError, match="why the collaboration stopped"):
        services.change_stage(ACTOR, c, Stage.STOPPED, on=datetime.date(2017, 2, 1))
    services.change_stage(
        ACTOR, c, Stage.STOPPED, on=datetime.date(2017, 2, 1), reason="commitment"
    )
    c.refresh_from_db()
    assert c.stop_reason == "commitment"
    with pytest.raises(lifecycle.TransitionError, match="needs a note"):
        services.change_stage(ACTOR, c, Stage.EXPLORING, on=datetime.date(2017, 3, 1))
    services.change_stage(
        ACTOR, c, Stage.EXPLORING, on=datetime.date(2017, 3, 1), note="new lead partner"
    )
    c.refresh_from_db()
    assert c.stop_reason == "" and c.stage == Stage.EXPLORING


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (datetime.date(2014, 12, 1), "history runs forward"),
        (datetime.date.today() + DAY, "future"),
        (None, "needs its date"),
    ],
)
def test_dates_of_steps_are_checked(cluster_a, on, message):
    c = _collaboration([cluster_a])
    with pytest.raises(lifecycle.TransitionError, match=message):
        services.change_stage(ACTOR, c, Stage.EXPLORING, on=on)
    assert c.stage_changes.count() == 1


def test_started_without_a_start_date_is_refused_by_the_record(cluster_a):
    c = _collaboration([cluster_a])
    c.stage = Stage.STARTED
    with pytest.raises(Exception, match="start date"):
        c.full_clean()


def test_a_refused_step_writes_nothing(cluster_a):
    c = _collaboration([cluster_a])
    entries = AuditEntry.objects.count()
    with pytest.raises(lifecycle.TransitionError):
        services.change_stage(ACTOR, c, Stage.STOPPED, on=datetime.date(2017, 2, 1))
    assert AuditEntry.objects.count() == entries
    c.refresh_from_db()
    assert c.stage == Stage.IDEA


# The 2020 intercluster projects (Table 10) -------------------------------------------


def test_table_10_is_loaded_and_gives_the_reports_comparisons(db):
    from clustermonitor.programmes.models import Programme

    overview = selectors.intercluster_overview(Programme.objects.get())
    # 15 applications, also the bike project: one cluster and Victoris, no cluster.
    assert len(overview.projects) == overview.applications == 15
    bike = Collaboration.objects.get(title__startswith="Mass Customization")
    assert "Victoris" in bike.description and bike.clusters.count() == 1
    # The report: 18 involvements of hosted IBNs against 8 of independent ones, and 5 of
    # the 15 applications are IBN–SPC projects.
    assert overview.involvements == {"gevestigd": 18, "zelfstandig": 8}
    assert overview.ibn_spc_applications == 5
    assert overview.published["intercluster.involvements.gevestigd"].value == 18
    assert [(c.year, c.matchmaking_by_agency) for c in overview.calls] == [
        (2017, True),
        (2018, False),
    ]


def test_involvements_per_cluster_match_table_7_but_for_two_known_differences(db):
    """Table 7's intercluster column and Table 10 disagree for two IBNs inside the report
    (docs/reference-data.md); every other cluster matches."""
    from clustermonitor.programmes.models import Programme

    overview = selectors.intercluster_overview(Programme.objects.get())
    differences = {
        c.code: (n, reported)
        for c, n, reported in overview.per_cluster
        if reported is not None and n != reported
    }
    assert differences == {"BOUWIND": (2, 3), "DIGMAN": (4, 3)}
