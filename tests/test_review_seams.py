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


# -- the status flows only through grants and review ----------


def test_the_programmes_form_does_not_change_an_online_application(web, db):
    from clustermonitor.programmes.models import Application

    call = h.new_call()
    application = h.application(call)  # submitted online, a version
    answer = web("programme_manager").post(
        reverse("programmes:application-edit", args=[application.pk]),
        {
            "applicant": application.applicant,
            "title": application.title,
            "status": "funded",
            "funded_amount": "300000",
        },
    )
    assert answer.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.funded_amount is None


def test_the_programmes_form_offers_no_draft(db):
    from clustermonitor.programmes.forms import ApplicationForm

    form = ApplicationForm(call=h.new_call())
    assert "draft" not in [value for value, _label in form.fields["status"].choices]


def test_no_agreement_from_an_online_application_funded_without_the_jury(db):
    from decimal import Decimal

    from clustermonitor.agreements import services as agreements
    from clustermonitor.review.models import Decision
    from tests import agreement_helpers

    application = agreement_helpers.funded_application()
    Decision.objects.filter(application=application).delete()
    with pytest.raises(agreements.AgreementError, match="jury has not decided"):
        agreements.proposal(application)
    Decision.objects.create(
        application=application,
        outcome="funded",
        funded_amount=Decimal("1"),
        motivation="x",
        meeting_date=application.decided_at.date(),
    )
    with pytest.raises(agreements.AgreementError, match="differs from the jury"):
        agreements.proposal(application)


# -- a submitted version is immutable, and its hash verifiable ----------


def test_a_submitted_version_refuses_a_bulk_update(db):
    from clustermonitor.grants.models import ApplicationVersion

    application = h.application(h.new_call())
    version = application.versions.get()
    with pytest.raises(ValueError, match="immutable"):
        ApplicationVersion.objects.filter(pk=version.pk).update(data={"title": "anders"})
    with pytest.raises(ValueError, match="immutable"):
        application.versions.update(sha256="0" * 64)
    version.data = {"title": "anders"}
    with pytest.raises(ValueError, match="immutable"):
        version.save()
    version.refresh_from_db()
    assert version.data["title"] == h.DATA["title"]


def test_the_hash_is_recomputed_from_the_stored_answers_and_the_files_bytes(db, settings, tmp_path):
    import hashlib

    from clustermonitor.grants import contract
    from clustermonitor.grants.selectors import attachments_of_version

    application, attachment = _in_review_with_a_file(settings, tmp_path)
    version = application.versions.get()
    files = attachments_of_version(version)
    assert files == [attachment]
    # From the bytes on disk, not from the stored hashes.
    hashes = []
    for stored in files:
        with stored.file.open("rb") as handle:
            hashes.append(hashlib.sha256(handle.read()).hexdigest())
    assert version.sha256 == contract.digest(version.data, hashes)
    # One changed byte in the answers or a file changes it.
    changed = dict(version.data, title=version.data["title"] + " ")
    assert version.sha256 != contract.digest(changed, hashes)
    assert version.sha256 != contract.digest(version.data, [hashlib.sha256(PDF + b" ").hexdigest()])


# -- known on D: a withdrawn draft was never received; screened out is decided then ----------


def test_a_draft_withdrawn_is_no_application_the_call_received(db):
    from clustermonitor.grants import selectors as grants_selectors
    from clustermonitor.programmes import selectors as programme_selectors
    from clustermonitor.programmes.models import Application

    setup = open_call()
    application = draft_for(setup)
    grants.withdraw(_actor(), application)
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert list(grants_selectors.received(setup.call)) == []
    assert grants_selectors.call_counts(setup.call)["received"] == 0
    figures = programme_selectors.application_figures(setup.call.programme)
    assert figures.get(setup.call.pk, {}).get("received", 0) == 0
    # The agency does not read it either.
    from clustermonitor.accounts import access

    manager = User.objects.get(username="programme_manager")
    assert not access.readable_applications(manager, Application.objects).filter(pk=application.pk)


def test_screened_out_is_a_decision_known_from_the_screening(db):
    import datetime

    from django.utils import timezone

    from clustermonitor.core import known_agreements
    from clustermonitor.programmes.models import Application

    call = h.new_call()
    call.closes_on = datetime.date(2020, 1, 1)
    call.save()
    criterion = review.add_criterion(
        h.ACTOR, EligibilityCriterion(call=call, kind="manual", text="Past in het beleid")
    )
    application = h.application(call, account=User.objects.get(username="applicant"))
    review.screen(h.ACTOR, application, {criterion.pk: (False, "Past niet")})
    application.refresh_from_db()
    assert application.status == "ineligible" and application.decided_at is not None
    decided = known_agreements.applications_decided(
        Application.objects.filter(pk=application.pk),
        timezone.localdate() - datetime.timedelta(days=1),
    )
    assert not decided.exists()
    assert known_agreements.applications_decided(
        Application.objects.filter(pk=application.pk), timezone.localdate()
    ).exists()


# -- an agreement or an amendment is not decided in the future ----------


def test_an_amendment_or_agreement_dated_in_the_future_is_refused(db):
    import datetime

    from django.utils import timezone

    from clustermonitor.agreements import services as agreements
    from clustermonitor.programmes.models import Cluster
    from tests import agreement_helpers

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    application = agreement_helpers.funded_application()
    with pytest.raises(agreements.AgreementError, match="in the future"):
        agreements.create_from_application(h.ACTOR, application, code="CIRFUT", signed_on=tomorrow)
    agreement = agreements.create_from_application(
        h.ACTOR, application, code="CIRTEX", signed_on=datetime.date(2023, 12, 1)
    )
    end = Cluster.objects.get(code="CIRTEX").end_date
    with pytest.raises(agreements.AgreementError, match="in the future"):
        agreements.amend(
            h.ACTOR,
            agreement,
            kind="extension",
            decided_on=tomorrow,
            effective_on=tomorrow,
            decision="Verlenging.",
            new_end_date=end + datetime.timedelta(days=180),
        )
    assert Cluster.objects.get(code="CIRTEX").end_date == end


def test_an_applicant_who_is_also_a_reviewer_is_not_on_their_own_jury(db):
    from clustermonitor.accounts import services as accounts
    from clustermonitor.accounts.models import Role

    call = h.new_call()
    h.criteria(call)
    applicant = User.objects.get(username="applicant")
    accounts.assign_role(h.ACTOR, applicant, Role.REVIEWER)
    applicant = User.objects.get(pk=applicant.pk)
    application = h.screened(call, account=applicant)
    with pytest.raises(review.ReviewError, match="own application"):
        review.assign(h.ACTOR, application, applicant)


def test_a_submitted_score_refuses_any_save(db):
    from clustermonitor.review.models import Score

    call = h.new_call()
    h.criteria(call)
    h.rubric(call)
    application = h.screened(call)
    assignment = h.scored(application, h.reviewer("jurylid"), (8, 6))
    score = Score.objects.filter(assignment=assignment).first()
    score.score = 0
    with pytest.raises(ValueError, match="submitted"):
        score.save()
    score.refresh_from_db()
    assert score.score in (8, 6)


def test_the_jury_and_the_agency_see_the_finders_overlap_with_existing_clusters(
    web, settings, tmp_path
):
    # The issue: "the position against existing clusters (the finder's overlap shown to
    # the applicant and the jury)". A hydrogen application meets the reference
    # portfolio's hydrogen network (Power to Gas) in the finder.
    from clustermonitor.grants import selectors

    application, _attachment = _in_review_with_a_file(settings, tmp_path)
    ranked = selectors.overlap(selectors.latest_version(application).data)
    assert ranked, "the finder ranks running clusters for the application's keywords"
    reviewer = User.objects.get(username="reviewer")
    assignment = review.assign(h.ACTOR, application, reviewer)
    client = web("reviewer")
    page = client.get(reverse("review:assignment", args=[assignment.pk])).content.decode()
    assert 'id="version-overlap"' not in page  # not before the declaration
    review.declare(audit.Actor(reviewer), assignment, conflict=False)
    page = client.get(reverse("review:assignment", args=[assignment.pk])).content.decode()
    assert 'id="version-overlap"' in page and f"({ranked[0].code})" in page
    agency = web("programme_manager").get(reverse("grants:application", args=[application.pk]))
    assert f"({ranked[0].code})" in agency.content.decode()


def test_a_withdrawal_is_known_from_its_moment(db):
    # Withdrawn after D: on D the call had a submitted application, not a withdrawn one.
    import datetime

    from django.utils import timezone

    from clustermonitor.programmes import selectors as programme_selectors

    setup = open_call()
    application = draft_for(setup)
    grants.submit(_actor(), application, notify=False)
    later = timezone.now() + datetime.timedelta(days=3)
    grants.withdraw(_actor(), application, now=later)
    application.refresh_from_db()
    assert application.withdrawn_at == later
    today, after = timezone.localdate(), timezone.localdate(later)
    programme = setup.call.programme
    on_d = programme_selectors.application_figures(programme, today)[setup.call.pk]
    assert (on_d["received"], on_d["withdrawn"]) == (1, 0)
    on_after = programme_selectors.application_figures(programme, after)[setup.call.pk]
    assert (on_after["received"], on_after["withdrawn"]) == (1, 1)
