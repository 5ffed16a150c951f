"""The seams between the grant cycle's three parts (issue 19, the review after the merge):
the jury reads the attachments of the applications assigned to them (and nothing else),
the application's status flows only through grants and review, an agreement rests on the
review's decision, and a submitted version cannot be changed by a bulk update."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clustermonitor.accounts.models import User
from clustermonitor.core import audit
from clustermonitor.grants import services as grants
from clustermonitor.review import services as review
from clustermonitor.review.models import EligibilityCriterion
from tests import review_helpers as h
from tests.grants_helpers import draft_for, open_call

pytestmark = pytest.mark.usefixtures("english")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _actor(username="applicant"):
    return audit.Actor(User.objects.get(username=username), "tests")


def _in_review_with_a_file(settings, tmp_path):
    """An online application with a file in its submitted version, screened eligible."""
    settings.MEDIA_ROOT = tmp_path
    setup = open_call()
    application = draft_for(setup)
    attachment = grants.add_attachment(
        _actor(), application, SimpleUploadedFile("begroting.pdf", PDF, "application/pdf")
    )
    grants.submit(_actor(), application, notify=False)
    criterion = review.add_criterion(
        h.ACTOR, EligibilityCriterion(call=setup.call, kind="manual", text="Past in het beleid")
    )
    review.screen(h.ACTOR, application, {criterion.pk: (True, "")})
    application.refresh_from_db()
    assert application.status == "in_review"
    return application, attachment


def test_a_reviewer_downloads_the_files_of_their_assignment_once_declared(web, settings, tmp_path):
    application, attachment = _in_review_with_a_file(settings, tmp_path)
    url = reverse("grants:attachment", args=[attachment.pk])
    reviewer = User.objects.get(username="reviewer")
    assignment = review.assign(h.ACTOR, application, reviewer)
    client = web("reviewer")
    # Before the declaration of conflicts of interest: not yet.
    assert client.get(url).status_code == 404
    review.declare(audit.Actor(reviewer), assignment, conflict=False)
    answer = client.get(url)
    assert answer.status_code == 200 and b"".join(answer.streaming_content) == PDF
    page = client.get(reverse("review:assignment", args=[assignment.pk])).content.decode()
    assert url in page
    # Another reviewer, not on this application's jury: nothing.
    h.reviewer("other", password="x-Secret-123456")
    other = User.objects.get(username="other")
    other_client = web("anonymous")
    other_client.force_login(other)
    assert other_client.get(url).status_code == 404


def test_a_reviewer_with_a_conflict_or_removed_downloads_nothing(web, settings, tmp_path):
    application, attachment = _in_review_with_a_file(settings, tmp_path)
    url = reverse("grants:attachment", args=[attachment.pk])
    reviewer = User.objects.get(username="reviewer")
    assignment = review.assign(h.ACTOR, application, reviewer)
    review.declare(audit.Actor(reviewer), assignment, conflict=True, note="Mijn werkgever")
    assert web("reviewer").get(url).status_code == 404


def test_a_reviewer_gets_no_file_outside_the_latest_version(web, settings, tmp_path):
    from clustermonitor.grants.models import Attachment

    application, attachment = _in_review_with_a_file(settings, tmp_path)
    reviewer = User.objects.get(username="reviewer")
    assignment = review.assign(h.ACTOR, application, reviewer)
    review.declare(audit.Actor(reviewer), assignment, conflict=False)
    # A file of the application that no submitted version holds (left in the draft).
    loose = Attachment.objects.create(
        application=application,
        name="los.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_at=attachment.uploaded_at,
        file=attachment.file.name,
    )
    assert web("reviewer").get(reverse("grants:attachment", args=[loose.pk])).status_code == 404
