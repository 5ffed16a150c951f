"""The demo's screening and jury (clustermonitor/demodata/review.py): the current call's
criteria and rubric, what exists screened and scored by the two demo reviewers, the same
records on a second run; and no application at all is fine."""

import pytest

from clustermonitor.demodata import review as demo
from clustermonitor.review.models import Assignment, EligibilityCriterion, Rubric, Score
from tests import review_helpers as h


@pytest.fixture
def jury(db):
    return [h.reviewer(name) for name in demo.REVIEWERS]


def test_without_applications_the_call_gets_its_criteria_and_rubric(jury):
    call = h.new_call(90)
    summary = demo.load()
    assert summary["call"] == call.pk and summary["screened"] == 0
    assert EligibilityCriterion.objects.filter(call=call).count() == 7
    assert call.rubric_criteria.count() == 4
    assert demo.load() == {"written": 0}


def test_the_applications_are_screened_assigned_and_scored(jury):
    call = h.new_call(91)
    apps = [h.application(call, name) for name in ("A vzw", "B vzw", "C vzw", "D vzw")]
    summary = demo.load(seed=3)
    assert summary["screened"] == 3
    for app in apps:
        app.refresh_from_db()
    assert [a.status for a in apps] == ["in_review"] * 3 + ["submitted"]
    states = {
        (a.application.applicant, a.reviewer.username): a.state
        for a in Assignment.objects.select_related("application", "reviewer")
    }
    assert states == {
        ("A vzw", "reviewer.jan"): "submitted",
        ("A vzw", "reviewer.lies"): "submitted",
        ("B vzw", "reviewer.jan"): "submitted",
        ("B vzw", "reviewer.lies"): "scoring",
        ("C vzw", "reviewer.jan"): "submitted",
        ("C vzw", "reviewer.lies"): "pending",
    }
    first = sorted(Score.objects.values_list("assignment__application__applicant", "score"))
    assert Rubric.objects.get(call=call).threshold == 60
    assert demo.load(seed=3) == {"written": 0}
    assert sorted(Score.objects.values_list("assignment__application__applicant", "score")) == first
