"""Worked examples of the live benchmarking indicators (maturity/indicators.py): each
indicator from a few records, unknown (not zero) without records, known on D, and a
constant number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clustermonitor.activities.models import Activity, Participation
from clustermonitor.analysis import benchmark as b
from clustermonitor.collaborations.models import Collaboration, Stage, StageChange
from clustermonitor.maturity.indicators import indicators_on
from clustermonitor.maturity.models_ladder import StaffAssignment, StaffMember, Training
from clustermonitor.members.models import Contribution
from clustermonitor.registry.models import FirmFigures, Municipality, Organisation
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

D = datetime.date(2019, 6, 30)


def values(cluster, on=D):
    return indicators_on(cluster.programme, on, [cluster]).of(cluster)


def _org(i, **kw):
    return factories.organisation(900 + i, **{"postcode": "", **kw})


@pytest.fixture
def world(cluster_a, cluster_b):
    """Cluster A on D: 4 members (2 companies — one an SME founded 2016, one large —,
    1 knowledge institution, 1 foreign other), one member that left in 2018 and one that
    joins after D."""
    cluster_a.start_date = datetime.date(2016, 1, 1)
    cluster_a.end_date = datetime.date(2021, 12, 31)
    cluster_a.subsidy = Decimal("600000")
    cluster_a.save()
    places = list(Municipality.objects.order_by("nis")[:1]) + list(
        Municipality.objects.exclude(province=Municipality.objects.order_by("nis")[0].province)
        .filter(province__isnull=False)
        .order_by("nis")[:1]
    )
    sme = _org(1, start_date=datetime.date(2016, 3, 1), municipality=places[0])
    large = _org(2, start_date=datetime.date(1990, 1, 1), municipality=places[1])
    uni = _org(3, kind=Organisation.Kind.KNOWLEDGE, municipality=places[0])
    foreign = _org(
        4, kind=Organisation.Kind.OTHER, enterprise_number=None, country="NL",
        no_number_reason=Organisation.NoNumber.FOREIGN,
    )  # fmt: skip
    left = _org(5)
    late = _org(6)
    FirmFigures.objects.create(organisation=sme, year=2017, employees=12)
    FirmFigures.objects.create(organisation=large, year=2017, employees=400)
    m = {
        "sme": factories.membership(sme, cluster_a, datetime.date(2017, 1, 1)),
        "large": factories.membership(large, cluster_a, datetime.date(2018, 9, 1)),
        "uni": factories.membership(uni, cluster_a, datetime.date(2017, 1, 1)),
        "foreign": factories.membership(foreign, cluster_a, datetime.date(2017, 1, 1)),
        "left": factories.membership(
            left, cluster_a, datetime.date(2017, 1, 1), datetime.date(2018, 12, 31)
        ),
        "late": factories.membership(late, cluster_a, datetime.date(2019, 9, 1)),
    }
    return {"cluster": cluster_a, "other": cluster_b, "m": m, "orgs": [sme, large, uni]}


def test_composition(world):
    v = values(world["cluster"])
    assert v["members"].value == 4
    assert v["companies"].value == 2
    assert v["sme_share"].value == 0.5  # 12 employees of 12 and 400
    assert v["research_share"].value == 0.25
    assert v["other_share"].value == 0.25
    assert v["startup_share"].value == 0.5  # founded 1/3/2016: 3 years old on D
    assert v["provinces"].value == 2
    assert v["international_share"].value == 0.25
    assert v["members"].source == b.COMPUTED and "memberships" in v["members"].basis


def test_growth_over_12_months(world):
    # on 30/6/2018: sme, uni, foreign, left (4); on D: sme, large, uni, foreign (4)
    assert values(world["cluster"])["member_growth"].value == 0
    # on 1/9/2019: + late; 1/9/2018: sme, uni, foreign, left, large (5): 5 - 5
    assert values(world["cluster"], datetime.date(2019, 9, 1))["member_growth"].value == 0
    assert values(world["cluster"], datetime.date(2019, 1, 1))["member_growth"].value == 0
    # 1/1/2019 members: sme, large, uni, foreign = 4; 1/1/2018: sme, uni, foreign, left = 4


def _activity(cluster, day, kind=Activity.Kind.WORKSHOP):
    a = Activity.objects.create(title=f"A {day}", kind=kind, date=day)
    a.clusters.add(cluster)
    return a


def test_activities_participants_and_active_share(world):
    cluster, (sme, large, _uni) = world["cluster"], world["orgs"]
    a1 = _activity(cluster, datetime.date(2019, 1, 10))
    a2 = _activity(cluster, datetime.date(2019, 3, 10), Activity.Kind.EVENT)
    old = _activity(cluster, datetime.date(2018, 6, 30))  # outside the window
    after = _activity(cluster, datetime.date(2019, 7, 1))  # after D
    for a in (a1, a2, old, after):
        Participation.objects.create(activity=a, organisation=sme)
    Participation.objects.create(activity=a1, organisation=large)
    Participation.objects.create(activity=a2, is_guest=True, name="Guest")
    bench = indicators_on(cluster.programme, D, [cluster])
    v = bench.of(cluster)
    assert v["activities"].value == 2
    assert bench.activity_kinds[cluster.pk] == {"workshop": 1, "event": 1}
    assert v["participants"].value == 4  # sme ×2, large, the guest
    assert v["active_share"].value == 0.25  # only the SME took part in 2 of 4 members


def _collaboration(cluster, title, *, started=None, first=None, others=()):
    c = Collaboration.objects.create(
        programme=cluster.programme, title=title, start_date=started, stage=Stage.STARTED
    )
    c.clusters.add(cluster, *others)
    StageChange.objects.create(collaboration=c, stage=Stage.IDEA, date=first)
    if started:
        StageChange.objects.create(collaboration=c, stage=Stage.STARTED, date=started)
    return c


def test_collaborations_and_intercluster(world):
    cluster, other = world["cluster"], world["other"]
    _collaboration(
        cluster, "one", first=datetime.date(2018, 1, 1), started=datetime.date(2018, 6, 1)
    )
    _collaboration(
        cluster, "two", first=datetime.date(2018, 1, 1), started=datetime.date(2019, 1, 1),
        others=[other],
    )  # fmt: skip
    _collaboration(cluster, "idea", first=datetime.date(2019, 1, 1))
    _collaboration(
        cluster, "later", first=datetime.date(2018, 1, 1), started=datetime.date(2019, 8, 1)
    )
    v = values(cluster)
    assert v["collaborations"].value == 2
    # intercluster only when the other cluster's agreement had started on D
    expected = 1 if other.start_date <= D else 0
    assert v["intercluster"].value == expected


def test_financing(world):
    cluster, m = world["cluster"], world["m"]
    Contribution.objects.create(
        membership=m["sme"], year=2018, amount=Decimal("500"), status="paid",
        paid_on=datetime.date(2018, 3, 1),
    )  # fmt: skip
    Contribution.objects.create(
        membership=m["uni"],
        year=2018,
        amount=Decimal("1000"),
        status="paid",
        paid_on=datetime.date(2019, 8, 1),
    )  # fmt: skip  (paid after D: unpaid on D)
    v = values(cluster)
    assert v["fees_paid"].value == 500
    # 600,000 over 2016-2021 (72 months): 100,000 a year
    assert v["public_subsidy"].value == 100000
    assert v["fee_share"].value == pytest.approx(500 / 100500)
    assert v["other_income"].source == b.UNKNOWN


def test_management_team(world):
    cluster = world["cluster"]
    anna = StaffMember.objects.create(cluster=cluster, name="Anna")
    bert = StaffMember.objects.create(cluster=cluster, name="Bert")
    StaffAssignment.objects.create(
        staff=anna, role="manager", start_date=datetime.date(2017, 1, 1), fte=Decimal("0.8")
    )
    StaffAssignment.objects.create(
        staff=bert, role="project", start_date=datetime.date(2018, 1, 1),
        end_date=datetime.date(2019, 6, 30), fte=Decimal("0.5"),
    )  # fmt: skip
    StaffAssignment.objects.create(
        staff=bert, role="community", start_date=datetime.date(2019, 7, 1), fte=Decimal("1")
    )
    Training.objects.create(staff=anna, title="ESCA", completed_on=datetime.date(2019, 2, 1))
    Training.objects.create(staff=anna, title="Old", completed_on=datetime.date(2017, 2, 1))
    v = values(cluster)
    assert v["staff_fte"].value == pytest.approx(1.3)
    assert v["staff_roles"].value == 2
    assert v["trainings"].value == 1


def test_unknown_not_zero(cluster_a):
    cluster_a.subsidy = None
    cluster_a.save()
    v = values(cluster_a)
    for key in (
        "members", "sme_share", "startup_share", "member_growth", "active_share", "activities",
        "collaborations", "fees_paid", "public_subsidy", "fee_share", "staff_fte", "trainings",
        "communication", "international_share",
    ):  # fmt: skip
        assert v[key].value is None, key
        assert v[key].source == b.UNKNOWN and v[key].missing, key
    assert set(v) == {i.key for i in b.INDICATORS}


def test_known_on_d_property(world):
    """Records dated after D change nothing as of D: delete them all, the same values."""
    cluster, m = world["cluster"], world["m"]
    staff = StaffMember.objects.create(cluster=cluster, name="Anna")
    StaffAssignment.objects.create(
        staff=staff, role="manager", start_date=datetime.date(2017, 1, 1), fte=Decimal("0.8")
    )
    later = [
        StaffAssignment.objects.create(
            staff=staff, role="other", start_date=datetime.date(2019, 7, 1), fte=1
        ),
        Training.objects.create(staff=staff, title="x", completed_on=datetime.date(2019, 7, 2)),
        _activity(cluster, datetime.date(2019, 7, 1)),
        _collaboration(
            cluster, "later", first=datetime.date(2019, 8, 1), started=datetime.date(2019, 9, 1)
        ),
        Contribution.objects.create(
            membership=m["sme"],
            year=2019,
            amount=Decimal("500"),
            status="paid",
            paid_on=datetime.date(2019, 8, 1),
        ),
    ]
    _activity(cluster, datetime.date(2019, 1, 1))
    before = values(cluster)
    for record in later:
        record.delete()
    m["late"].delete()
    assert values(cluster) == before


def test_constant_queries(world, cluster_b):
    programme = world["cluster"].programme
    with CaptureQueriesContext(connection) as one:
        indicators_on(programme, D, [world["cluster"]])
    with CaptureQueriesContext(connection) as all_:
        bench = indicators_on(programme, D)
    assert len(bench.clusters) > 1
    assert len(all_) == len(one)


def test_doctests():
    import doctest

    from clustermonitor.maturity import indicators

    assert doctest.testmod(indicators).failed == 0


def test_kept_results_follow_the_records(world, settings):
    """Where results are kept (core.memo), a new record changes the kept benchmark."""
    from django.core.cache import cache

    from clustermonitor.maturity.benchmark_pages import all_indicators

    settings.CLUSTERMONITOR_MEMO = True
    cache.clear()
    cluster = world["cluster"]
    assert all_indicators(cluster.programme, D).of(cluster)["members"].value == 4
    with CaptureQueriesContext(connection) as kept:
        assert all_indicators(cluster.programme, D).of(cluster)["members"].value == 4
    assert len(kept) == 1  # the records' version only
    factories.membership(_org(7), cluster, datetime.date(2018, 1, 1))
    assert all_indicators(cluster.programme, D).of(cluster)["members"].value == 5
