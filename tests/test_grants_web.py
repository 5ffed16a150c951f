"""The online application from the call's set-up to the acknowledgement (issue 19):
Belgian time to the second, the account with the first save, drafts page by page,
attachments, submit and resubmit, a late submission refused with the closing time,
withdraw; who sees what."""

import datetime
import re
import zoneinfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clustermonitor.accounts.models import Role, User
from clustermonitor.core import audit
from clustermonitor.grants import contract, selectors, services
from clustermonitor.grants.models import ApplicationVersion, CallSetup
from clustermonitor.programmes.models import Application
from tests.grants_helpers import ANSWERS, draft_for, open_call

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _actor(username="applicant"):
    return audit.Actor(User.objects.get(username=username), "tests")


# -- the call's set-up ----------------------------------------------------------------------


def test_the_programme_manager_sets_up_a_call_in_belgian_time(web):
    setup = open_call()
    call, questionnaire = setup.call, setup.questionnaire
    setup.delete()
    page = web("programme_manager").post(
        reverse("grants:call-setup", args=[call.pk]),
        {
            "opens_at": "2027-03-01T09:00:00",
            "closes_at": "2027-07-01T17:00:00",  # summer time: 15:00 UTC
            "questionnaire": questionnaire.pk,
            "conditions": "Voorwaarden",
            "conditions_en": "Conditions",
            "published": "on",
        },
    )
    assert page.status_code == 302
    saved = CallSetup.objects.get(call=call)
    assert saved.opens_at == datetime.datetime(2027, 3, 1, 8, 0, tzinfo=datetime.UTC)
    assert saved.closes_at == datetime.datetime(2027, 7, 1, 15, 0, tzinfo=datetime.UTC)
    shown = web("programme_manager").get(reverse("grants:call-setup", args=[call.pk]))
    assert 'value="2027-07-01T17:00:00"' in shown.content.decode()
    assert audit.history(saved).exists()


def test_a_closing_before_the_opening_and_a_form_of_another_programme_are_refused(web):
    setup = open_call()
    page = web("programme_manager").post(
        reverse("grants:call-setup", args=[setup.call.pk]),
        {"opens_at": "2027-03-01T09:00:00", "closes_at": "2027-03-01T09:00:00", "published": "on"},
    )
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert "closes_at" in errors and "published" in errors


def test_an_hour_that_does_not_exist_in_brussels_is_refused(web):
    setup = open_call()
    page = web("programme_manager").post(
        reverse("grants:call-setup", args=[setup.call.pk]),
        {
            "opens_at": "2027-03-28T02:30:00",  # the clocks jump from 02:00 to 03:00
            "closes_at": "2027-05-01T17:00:00",
            "questionnaire": setup.questionnaire_id,
        },
    )
    assert page.status_code == 200 and "opens_at" in page.context["form"].errors


# -- the portal ----------


def test_the_portal_lists_only_open_published_calls(web):
    now = timezone.now()
    shown = open_call()
    hidden = open_call(published=False)
    later = open_call(opens=now + datetime.timedelta(hours=1))
    closed = open_call(closes=now - datetime.timedelta(seconds=1))
    page = web("anonymous").get(reverse("portal:calls"))
    html = page.content.decode()
    assert f'id="call-{shown.call_id}"' in html
    for setup in (hidden, later, closed):
        assert f'id="call-{setup.call_id}"' not in html
        assert web("anonymous").get(reverse("portal:call", args=[setup.call_id])).status_code == 404
    detail = web("anonymous").get(reverse("portal:call", args=[shown.call_id]))
    assert "Conditions: a named cluster manager." in detail.content.decode()


def test_the_first_save_makes_the_account_and_the_draft_and_mails_the_link(web):
    setup = open_call()
    page = web("anonymous").post(
        reverse("portal:call", args=[setup.call_id]),
        {
            "first_name": "Ann",
            "last_name": "Aanvrager",
            "email": "ann@example.org",
            "organisation": "H2 Haven vzw",
            "title": "Waterstof",
        },
    )
    assert page.status_code == 302 and page.url == reverse("portal:call-started")
    user = User.objects.get(email="ann@example.org")
    assert user.role_set == {Role.APPLICANT} and not user.has_usable_password()
    application = Application.objects.get(applicant_account=user)
    assert application.status == Application.Status.DRAFT and application.submitted_at is None
    assert application.draft.answers == {"title": "Waterstof", "applicant": "H2 Haven vzw"}
    assert len(mail.outbox) == 1 and "/accounts/password/reset/" in mail.outbox[0].body


def test_an_address_with_an_account_gets_the_same_answer_and_no_draft(web):
    setup = open_call()
    User.objects.filter(username="applicant").update(email="known@example.org")
    page = web("anonymous").post(
        reverse("portal:call", args=[setup.call_id]),
        {
            "first_name": "X",
            "last_name": "Y",
            "email": "KNOWN@example.org",
            "organisation": "Z",
            "title": "T",
        },
    )
    assert page.status_code == 302 and page.url == reverse("portal:call-started")
    assert not Application.objects.filter(call=setup.call).exists()
    assert len(mail.outbox) == 1 and "already have an account" in mail.outbox[0].body


def test_a_logged_in_applicant_starts_another_draft(web):
    setup = open_call()
    page = web("applicant").post(
        reverse("portal:call", args=[setup.call_id]), {"organisation": "Org", "title": "Two"}
    )
    application = Application.objects.get(call=setup.call, title="Two")
    assert page.url == reverse("grants:form", args=[application.pk])


# -- the form page by page, and submitting ----------


def _post_page(client, application, page, data, action="next"):
    draft = services.draft_of(application)
    body = {"page": page, "revision": services.revision(draft), "action": action, **data}
    body["shown"] = [k for k in data]
    return client.post(reverse("grants:form", args=[application.pk]), body)


def test_an_applicant_fills_in_the_form_and_submits(web, django_capture_on_commit_callbacks):
    User.objects.filter(username="applicant").update(email="applicant@example.org")
    setup = open_call()
    application = draft_for(setup, answers={})
    client = web("applicant")
    definition = setup.questionnaire.definition
    pages = {g["name"]: g["questions"] for g in definition["groups"]}
    for page, names in pages.items():
        data = {n: str(ANSWERS[n]) for n in names if n in ANSWERS}
        answer = _post_page(client, application, page, data)
        assert answer.status_code == 302, (page, answer.context and answer.context["error_summary"])
    assert answer.url == reverse("grants:application", args=[application.pk])
    overview = client.get(answer.url)
    assert overview.context["check"].ready, overview.context["check"].problems
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("grants:submit", args=[application.pk]))
    version = ApplicationVersion.objects.get(application=application)
    assert done.url == reverse("grants:acknowledgement", args=[version.pk])
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.submitted_at == version.submitted_at
    assert application.requested_amount == 450000
    assert version.sha256 == contract.digest(version.data, [])
    assert version.data["members"][0]["enterprise_number"] == "0200.065.765"
    acknowledgement = client.get(done.url).content.decode()
    assert version.sha256 in acknowledgement
    assert version.sha256 in mail.outbox[-1].body
    assert selectors.latest_version(application) == version


def test_a_required_answer_missing_keeps_the_page(web):
    setup = open_call()
    application = draft_for(setup, answers={})
    page = _post_page(web("applicant"), application, "p_manager", {"manager_name": ""})
    assert page.status_code == 200 and "manager_name" in str(page.context["error_summary"])


def test_resubmission_before_closing_makes_a_new_version(web):
    setup = open_call()
    application = draft_for(setup)
    first = services.submit(_actor(), application)
    draft = application.draft
    draft.answers = {**draft.answers, "title": "Waterstof, herzien"}
    draft.save()
    second = services.submit(_actor(), application)
    application.refresh_from_db()
    assert (first.number, second.number) == (1, 2) and first.sha256 != second.sha256
    assert application.submitted_at == first.submitted_at
    assert application.title == "Waterstof, herzien"
    first.refresh_from_db()
    assert first.data["title"] == "Waterstof in de haven"  # the first version stays


def test_a_submission_at_the_closing_second_is_refused_with_the_time(web):
    closes = datetime.datetime(2031, 6, 30, 17, 0, 0, tzinfo=BRUSSELS)
    setup = open_call(closes=closes)
    application = draft_for(setup)
    one_second_before = closes - datetime.timedelta(seconds=1)
    with pytest.raises(services.Late) as late:
        services.submit(_actor(), application, now=closes)
    assert "30/06/2031 17:00:00" in late.value.message
    assert not application.versions.exists()
    version = services.submit(_actor(), application, now=one_second_before)
    assert version.submitted_at == one_second_before


def test_the_web_refuses_a_late_submission_and_shows_the_closing_time(web):
    setup = open_call()
    application = draft_for(setup)
    closes = timezone.now() - datetime.timedelta(seconds=1)
    CallSetup.objects.filter(pk=setup.pk).update(closes_at=closes)
    client = web("applicant")
    answer = client.post(reverse("grants:submit", args=[application.pk]), follow=True)
    shown = timezone.localtime(closes).strftime("%d/%m/%Y %H:%M:%S")
    assert f"The call closed on {shown} (Belgian time)" in answer.content.decode()
    assert not application.versions.exists()
    assert client.get(reverse("grants:form", args=[application.pk])).status_code == 302


def test_the_overview_flags_the_co_financing_missing_and_names_a_bad_member(web):
    setup = open_call()
    answers = {
        **ANSWERS,
        "cofinancing": "2027; 300000; 200000; 90000; 10000",
        "members": "0200.065.765; A\n0200.065.766; B",
    }
    application = draft_for(setup, answers=answers)
    page = web("applicant").get(reverse("grants:application", args=[application.pk]))
    html = page.content.decode()
    assert "2027: member fees and other contributions are 100000.00, 50000.00 short" in html
    assert "Members, line 2, enterprise number: 0200.065.766: bad checksum" in html
    with pytest.raises(services.Refused):
        services.submit(_actor(), application)


def test_a_member_without_a_name_gets_the_registry_name():
    from clustermonitor.registry.models import Organisation

    setup = open_call()
    Organisation.objects.update_or_create(
        enterprise_number="0203201340", defaults={"name": "Gekend NV"}
    )
    application = draft_for(setup)
    version = services.submit(_actor(), application)
    assert version.data["members"][1] == {"enterprise_number": "0203.201.340", "name": "Gekend NV"}


# -- attachments ----------


def test_an_attachment_is_kept_with_its_hash_in_the_version(web, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    setup = open_call()
    application = draft_for(setup)
    client = web("applicant")
    answer = client.post(
        reverse("grants:attachment-add", args=[application.pk]),
        {"file": SimpleUploadedFile("begroting.pdf", PDF, "application/pdf")},
    )
    assert answer.status_code == 302
    attachment = application.attachments.get()
    assert attachment.sha256 == __import__("hashlib").sha256(PDF).hexdigest()
    version = services.submit(_actor(), application)
    assert version.sha256 == contract.digest(version.data, [attachment.sha256])
    assert version.data["attachments"] == [
        {"name": "begroting.pdf", "sha256": attachment.sha256, "size": len(PDF)}
    ]
    download = client.get(reverse("grants:attachment", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert (
        web("applicant", own_session=True)
        .get(reverse("grants:attachment", args=[attachment.pk]))
        .status_code
        == 200
    )
    assert (
        web("reviewer").get(reverse("grants:attachment", args=[attachment.pk])).status_code == 404
    )


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 100, "is not the .pdf file"),
        ("script.exe", b"MZ\x90\x00", "only PDF"),
        ("leeg.pdf", b"", "empty"),
        ("vals.docx", b"PK\x03\x04garbage", "is not the .docx file"),
        ("foto.png", PDF, "is not the .png file"),
    ],
)
def test_a_hostile_attachment_is_refused_and_nothing_kept(
    web, settings, tmp_path, name, content, reason
):
    settings.MEDIA_ROOT = tmp_path
    setup = open_call()
    application = draft_for(setup)
    answer = web("applicant").post(
        reverse("grants:attachment-add", args=[application.pk]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert reason in answer.content.decode()
    assert not application.attachments.exists()


def test_an_attachment_over_the_size_limit_is_refused(web, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.GRANTS_ATTACHMENT_MAX_BYTES = 1024
    setup = open_call()
    application = draft_for(setup)
    answer = web("applicant").post(
        reverse("grants:attachment-add", args=[application.pk]),
        {"file": SimpleUploadedFile("groot.pdf", PDF + b"0" * 2000)},
        follow=True,
    )
    assert "is larger than" in answer.content.decode()
    assert not application.attachments.exists()


# -- withdraw and access ----------


def test_the_applicant_withdraws_after_a_confirmation(web):
    setup = open_call()
    application = draft_for(setup)
    services.submit(_actor(), application)
    client = web("applicant")
    asked = client.post(reverse("grants:withdraw", args=[application.pk]))
    assert asked.status_code == 200
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    client.post(reverse("grants:withdraw", args=[application.pk]), {"confirmed": "yes"})
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    with pytest.raises(services.Refused):
        services.submit(_actor(), application)


def test_another_applicant_gets_404_on_every_page_of_an_application(web):
    setup = open_call()
    application = draft_for(setup)
    version = services.submit(_actor(), application)
    other = User.objects.create(username="other.applicant", email="o@example.org")
    from clustermonitor.accounts import services as account_services

    account_services.assign_role(audit.Actor.system("tests"), other, Role.APPLICANT)
    client = web("anonymous")
    client.force_login(other)
    for name in ("grants:application", "grants:form", "grants:withdraw"):
        assert client.get(reverse(name, args=[application.pk])).status_code == 404
    assert client.post(reverse("grants:submit", args=[application.pk])).status_code == 404
    assert client.get(reverse("grants:acknowledgement", args=[version.pk])).status_code == 404
    assert client.get(reverse("grants:mine")).context["applications"].count() == 0


def test_the_agency_sees_received_applications_never_drafts(web):
    setup = open_call()
    submitted = draft_for(setup)
    services.submit(_actor(), submitted)
    draft = draft_for(setup)
    for persona in ("programme_manager", "account_manager"):
        page = web(persona).get(reverse("grants:received", args=[setup.call_id]))
        assert list(page.context["applications"]) == [submitted]
        assert (
            web(persona).get(reverse("grants:application", args=[submitted.pk])).status_code == 200
        )
        assert web(persona).get(reverse("grants:application", args=[draft.pk])).status_code == 404
    assert (
        web("account_manager").get(reverse("grants:call-setup", args=[setup.call_id])).status_code
        == 403
    )
    assert web("evaluator").get(reverse("grants:received", args=[setup.call_id])).status_code == 404


def test_an_applicant_lands_on_my_applications(web):
    answer = web("applicant").get(reverse("programmes:home"))
    assert answer.status_code == 302 and answer.url == reverse("grants:mine")


def test_a_version_is_not_rewritten_by_a_later_save():
    setup = open_call()
    application = draft_for(setup)
    version = services.submit(_actor(), application)
    frozen = dict(version.data)
    draft = application.draft
    draft.answers = {**draft.answers, "roadmap": "Anders"}
    draft.save()
    version.refresh_from_db()
    assert version.data == frozen and version.sha256 == contract.digest(frozen, [])
    assert re.fullmatch(r"[0-9a-f]{64}", version.sha256)


def test_a_form_of_another_programme_is_neither_offered_nor_accepted(web):
    from clustermonitor.programmes.models import Programme
    from clustermonitor.surveys.models import Questionnaire

    setup = open_call()
    other = Programme.objects.create(name="Ander programma", slug="ander")
    foreign = Questionnaire.objects.create(
        programme=other, title="Vreemd", version="1", sha256="x", definition={}
    )
    client = web("programme_manager")
    url = reverse("grants:call-setup", args=[setup.call_id])
    assert f'value="{foreign.pk}"' not in client.get(url).content.decode()
    page = client.post(
        url,
        {
            "opens_at": "2027-03-01T09:00:00",
            "closes_at": "2027-05-01T17:00:00",
            "questionnaire": foreign.pk,
        },
    )
    assert page.status_code == 200 and "questionnaire" in page.context["form"].errors
    setup.refresh_from_db()
    assert setup.questionnaire_id != foreign.pk


def test_my_applications_lists_the_drafts_and_the_last_versions(web):
    setup = open_call()
    submitted = draft_for(setup)
    services.submit(_actor(), submitted)
    services.submit(_actor(), submitted)
    draft = draft_for(setup)
    page = web("applicant").get(reverse("grants:mine"))
    html = page.content.decode()
    assert list(page.context["applications"]) == [draft, submitted]
    assert "version 2" in html and "version 1" not in html


def test_the_overview_links_to_the_first_required_answer_missing(web):
    setup = open_call()
    answers = {k: v for k, v in ANSWERS.items() if k != "manager_name"}
    application = draft_for(setup, answers=answers)
    page = web("applicant").get(reverse("grants:application", args=[application.pk]))
    html = page.content.decode()
    assert not page.context["check"].ready
    assert "?page=p_manager" in html and page.context["gap_label"] == "Name"


def test_a_submitted_version_cannot_be_saved_again():
    setup = open_call()
    version = services.submit(_actor(), draft_for(setup), notify=False)
    version.data = {**version.data, "title": "Herschreven"}
    with pytest.raises(ValueError):
        version.save()
    version.refresh_from_db()
    assert version.data["title"] == "Waterstof in de haven"
