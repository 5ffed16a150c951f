"""The demo's online applications (issue 19; clustermonitor/demodata/grants.py): the current
call open on the portal with submitted applications in the contract's shape and a draft,
the same records for the same day."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse

from clustermonitor.demodata import grants as demo_grants
from clustermonitor.demodata import live
from clustermonitor.grants import contract, mapping, selectors
from clustermonitor.grants.models import ApplicationVersion, CallSetup
from clustermonitor.programmes.models import Application

pytestmark = pytest.mark.usefixtures("english")
TODAY = datetime.date(2026, 12, 6)


def _fingerprint() -> list:
    return sorted(
        (v.application.applicant, v.number, v.submitted_at.isoformat(), v.sha256)
        for v in ApplicationVersion.objects.select_related("application")
    )


def test_the_current_call_receives_applications_online(calibrated_demo, db, client_for):
    live.load_live(TODAY)
    assert demo_grants.load(TODAY, password="demo")["written"] > 10
    setup = CallSetup.objects.get()
    assert setup.published and setup.questionnaire is not None
    assert setup.opens_at.date() <= TODAY < setup.closes_at.date()
    applications = Application.objects.filter(call=setup.call)
    statuses = sorted(applications.values_list("status", flat=True))
    assert statuses == ["draft"] + ["submitted"] * 5
    for application in applications.exclude(status="draft"):
        version = selectors.latest_version(application)
        data, problems = mapping.to_contract(application.draft.answers)
        assert problems == [] and version.data["members"] == data["members"]
        assert version.sha256 == contract.digest(version.data, [])
        assert application.submitted_at <= version.submitted_at
    assert ApplicationVersion.objects.filter(number=2).count() == 1
    flagged = [
        a
        for a in applications.exclude(status="draft")
        if any(
            f.kind == "cofinancing"
            for f in mapping.flags(
                selectors.latest_version(a).data, setup.call.cluster_type.cofinancing_share
            )
        )
    ]
    assert len(flagged) == 1
    page = client_for("anonymous").get(reverse("portal:calls"))
    assert f'id="call-{setup.call_id}"' in page.content.decode()
    assert demo_grants.load(TODAY) == {"written": 0}


def test_a_given_day_always_gives_the_same_applications(calibrated_demo, db):
    found = []
    for _ in range(2):
        with transaction.atomic():
            live.load_live(TODAY)
            demo_grants.load(TODAY)
            found.append(_fingerprint())
            transaction.set_rollback(True)
    assert found[0] == found[1] and len(found[0]) == 6
