"""The pipeline as a mailing segment (issue 18): "prospects of the cluster" names the
cluster's open prospects with a contact e-mail; they are no member's contacts, so a
mailing reaches only those whose consent is recorded."""

import datetime

import pytest
from django.core import mail
from django.test import TestCase

from clustermonitor.core import audit, segments
from clustermonitor.mailings import services
from clustermonitor.mailings.models import Delivery, Mailing
from clustermonitor.prospects.models import Prospect, Stage
from tests.factories import enterprise_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ACTOR = audit.Actor.system("tests")
TODAY = datetime.date.today()


def _prospect(cluster, i, stage=Stage.NEW, email=None, name=""):
    return Prospect.objects.create(
        cluster=cluster,
        enterprise_number=enterprise_number(600 + i),
        company_name=f"Prospect {i} BV",
        stage=stage,
        contact_name=name or f"Persoon {i}",
        contact_email=f"p{i}@prospect{i}.example" if email is None else email,
    )


@pytest.fixture
def pipeline(cluster_a, cluster_b):
    return {
        "new": _prospect(cluster_a, 1, Stage.NEW),
        "contacted": _prospect(cluster_a, 2, Stage.CONTACTED),
        "meeting": _prospect(cluster_a, 3, Stage.MEETING),
        "joined": _prospect(cluster_a, 4, Stage.JOINED),
        "lost": _prospect(cluster_a, 5, Stage.LOST),
        "no_email": _prospect(cluster_a, 6, Stage.NEW, email=""),
        "other_cluster": _prospect(cluster_b, 7, Stage.NEW),
    }


def test_the_prospects_app_registers_its_segment(cluster_a):
    segment = segments.SEGMENTS["prospects"]
    assert str(segment.title) == "prospects of the cluster"
    assert ("prospects", "prospects of the cluster") in segments.options(cluster_a, TODAY)


def test_the_segment_names_the_open_prospects_with_an_address(pipeline, cluster_a):
    people = segments.people(cluster_a, "prospects", TODAY)
    assert [p.email for p in people] == [
        pipeline[k].contact_email for k in ("new", "contacted", "meeting")
    ]
    assert people[0].name == "Persoon 1"


def test_a_prospect_is_mailed_only_with_a_recorded_consent(pipeline, cluster_a, cluster_b):
    consented = pipeline["contacted"].contact_email
    services.record_consent(
        ACTOR,
        cluster_a,
        consented.upper(),
        basis="consent",
        given_on=TODAY,
        source="portal join request form",
    )
    # A consent for another cluster's newsletter is no consent for this one.
    services.record_consent(
        ACTOR,
        cluster_b,
        pipeline["new"].contact_email,
        basis="consent",
        given_on=TODAY,
        source="form",
    )
    mailing = Mailing.objects.create(
        cluster=cluster_a, segment="prospects", subject_nl="Word lid", body_nl="Hallo."
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.queue(ACTOR, mailing)
    mailing.refresh_from_db()
    assert (mailing.status, mailing.n_sent, mailing.n_no_consent) == ("sent", 1, 2)
    assert [m.to for m in mail.outbox] == [[consented]]
    statuses = dict(Delivery.objects.filter(mailing=mailing).values_list("email", "status"))
    assert statuses == {
        pipeline["new"].contact_email: "no_consent",
        consented: "sent",
        pipeline["meeting"].contact_email: "no_consent",
    }


def test_the_segment_reads_one_query_however_many_prospects(cluster_a, django_assert_num_queries):
    for i in range(20):
        _prospect(cluster_a, 100 + i)
    with django_assert_num_queries(1):
        assert len(segments.people(cluster_a, "prospects", TODAY)) == 20
