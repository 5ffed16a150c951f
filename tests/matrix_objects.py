"""The objects the permission matrix asks for: one of each kind, built on the shared
session world the first time a route needs it and found again afterwards."""

import datetime

from clustermonitor.programmes.models import Application, Call, Target
from tests.conftest import CLUSTER_A


def target():
    from clustermonitor.programmes.models import Cluster

    cluster = Cluster.objects.get(code=CLUSTER_A)
    kpi = cluster.programme.kpis.get(code="KPI1")
    return Target.objects.get_or_create(
        cluster=cluster,
        kpi=kpi,
        due_date=Target.default_due_date(cluster),
        defaults={"value": 150},
    )[0]


def application():
    call = Call.objects.get(number=1)
    return Application.objects.get_or_create(
        call=call, applicant="Test vzw", defaults={"title": "Test", "status": "submitted"}
    )[0]


def membership():
    from clustermonitor.members.models import Contact, Membership
    from clustermonitor.programmes.models import Cluster
    from clustermonitor.registry.models import Organisation

    org, _ = Organisation.objects.get_or_create(
        enterprise_number="0200065765", defaults={"name": "Matrix NV"}
    )
    membership, _ = Membership.objects.get_or_create(
        organisation=org,
        cluster=Cluster.objects.get(code=CLUSTER_A),
        defaults={"start_date": "2017-01-01"},
    )
    Contact.objects.get_or_create(membership=membership, name="Piet")
    return membership


def figures():
    from clustermonitor.registry.models import FirmFigures

    organisation = membership().organisation
    return FirmFigures.objects.get_or_create(
        organisation=organisation, year=2018, defaults={"employees": 12, "source": "test"}
    )[0]


def contribution():
    from clustermonitor.members.models import Contribution

    return Contribution.objects.get_or_create(
        membership=membership(), year=2018, defaults={"amount": 500}
    )[0]


def activity():
    from clustermonitor.activities.models import Activity
    from clustermonitor.programmes.models import Cluster

    activity = Activity.objects.filter(title="Matrix workshop").first()
    if activity is None:
        activity = Activity.objects.create(
            title="Matrix workshop", kind="workshop", date="2018-05-01"
        )
        activity.clusters.add(Cluster.objects.get(code=CLUSTER_A))
    return activity


def participation():
    return activity().participations.get_or_create(name="Piet", needs_review=True)[0]


def contact():
    return membership().contacts.get()


def batch():
    from django.core.files.base import ContentFile

    from clustermonitor.core.imports.models import ImportBatch
    from clustermonitor.programmes.models import Cluster

    batch = ImportBatch.objects.filter(original_name="matrix.csv").first()
    if batch is None:
        batch = ImportBatch(
            cluster=Cluster.objects.get(code=CLUSTER_A),
            original_name="matrix.csv",
            sha256="x",
            reference_date="2019-01-01",
            mapping={"name": "naam"},
        )
        batch.file.save("matrix.csv", ContentFile(b"naam\nA\n"), save=False)
        batch.save()
    return batch


def collaboration():
    from clustermonitor.collaborations.models import Collaboration, Link
    from clustermonitor.programmes.models import Cluster

    cluster = Cluster.objects.get(code=CLUSTER_A)
    collaboration = Collaboration.objects.filter(title="Matrix pilot").first()
    if collaboration is None:
        collaboration = Collaboration.objects.create(
            programme=cluster.programme, title="Matrix pilot"
        )
        collaboration.clusters.add(cluster)
        collaboration.parties.create(organisation=membership().organisation)
        Link.objects.create(collaboration=collaboration, title="Plan", url="https://example.org")
    return collaboration


def report():
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from clustermonitor.core import audit
    from clustermonitor.monitoring import services
    from clustermonitor.monitoring.models import Attachment, ProgressReport, ReportVersion
    from clustermonitor.programmes.models import Cluster

    cluster = Cluster.objects.get(code=CLUSTER_A)
    services.create_periods(audit.Actor.system("matrix"), cluster)
    report = ProgressReport.objects.get(period__cluster=cluster, period__number=1)
    if not report.versions.exists():
        version = ReportVersion.objects.create(
            report=report, number=1, sections={}, figures={}, submitted_at=timezone.now()
        )
        attachment = Attachment(report=report, version=version, title="Notulen", sha256="x")
        attachment.file.save("notulen.txt", ContentFile(b"notulen"), save=False)
        attachment.save()
    return report


def criteria_set(status="published"):
    from clustermonitor.maturity.models import CriteriaSet, Criterion

    if status == "published":
        return CriteriaSet.objects.filter(status="published").order_by("pk").first()
    draft = CriteriaSet.objects.filter(name="Matrix draft").first()
    if draft is None:
        from clustermonitor.programmes.models import Programme

        draft = CriteriaSet.objects.create(
            programme=Programme.objects.get(), name="Matrix draft", status="draft"
        )
        Criterion.objects.create(criteria_set=draft, order=1, text="Website", kind="evidence")
    return draft


def assessment():
    from clustermonitor.core import audit
    from clustermonitor.maturity import services as services_maturity
    from clustermonitor.maturity.models import Assessment
    from clustermonitor.programmes.models import Cluster

    cluster = Cluster.objects.get(code=CLUSTER_A)
    found = Assessment.objects.filter(cluster=cluster).first()
    return found or services_maturity.assess(
        audit.Actor.system("matrix"), cluster, criteria_set(), datetime.date(2019, 1, 1)
    )


def answer():
    return assessment().answers.order_by("pk").first()


def attention_point():
    from clustermonitor.accountmanagement.models import AttentionPoint
    from clustermonitor.programmes.models import Cluster

    return AttentionPoint.objects.get_or_create(
        cluster=Cluster.objects.get(code=CLUSTER_A),
        title="Matrix point",
        defaults={"follow_up_on": datetime.date(2030, 1, 1)},
    )[0]


def steering_meeting():
    from clustermonitor.accountmanagement.models import SteeringGroupMeeting
    from clustermonitor.programmes.models import Cluster

    return SteeringGroupMeeting.objects.get_or_create(
        cluster=Cluster.objects.get(code=CLUSTER_A), date=datetime.date(2019, 3, 1)
    )[0]


def learning_session():
    from clustermonitor.accountmanagement.models import LearningSession
    from clustermonitor.programmes.models import Programme

    return LearningSession.objects.get_or_create(
        programme=Programme.objects.get(), date=datetime.date(2019, 5, 1), title="Matrix"
    )[0]


def wave():
    from clustermonitor.core import audit
    from clustermonitor.programmes.models import Cluster, Programme
    from clustermonitor.surveys.models import Invitation, Wave
    from clustermonitor.surveys.services_forms import load_default_questionnaire
    from clustermonitor.surveys.tokens import assign, new_nonce, placeholder_hash

    wave = Wave.objects.filter(name="Matrix wave").first()
    if wave is None:
        questionnaire = load_default_questionnaire(
            Programme.objects.get(), audit.Actor.system("matrix")
        )
        today = datetime.date.today()
        wave = Wave.objects.create(
            questionnaire=questionnaire,
            name="Matrix wave",
            opens_on=today - datetime.timedelta(days=1),
            closes_on=today + datetime.timedelta(days=30),
        )
        cluster = Cluster.objects.get(code=CLUSTER_A)
        wave.clusters.add(cluster)
        invitation = Invitation.objects.create(
            wave=wave,
            organisation=membership().organisation,
            cluster=cluster,
            token_hash=placeholder_hash(),
            nonce=new_nonce(),
        )
        assign(invitation)
        invitation.save()
    return wave


def survey_token():
    from clustermonitor.surveys.tokens import token_for

    return token_for(wave().invitations.get())


def survey_import_key():
    from clustermonitor.surveys.imports import store_upload

    return store_upload(
        wave(),
        b"id,submitdate,q2\n1,2020-01-10 10:00:00,3\n",
        "matrix.csv",
        {"source": "limesurvey", "cluster": CLUSTER_A, "uploaded_by": "matrix"},
    )


def kbo_import():
    from clustermonitor.registry.models import KboImport

    return KboImport.objects.get_or_create(source="matrix.zip", defaults={"kind": "full"})[0]


def programme_slug():
    return Call.objects.get(number=1).programme.slug


# route name → (how to build its URL, expected status per persona)


def report_run():
    """A finished report run with one (tiny) file on disk."""
    from clustermonitor.reports.models import ReportRun

    run = ReportRun.objects.filter(state="done").order_by("pk").first()
    if run is None:
        run = ReportRun.objects.create(
            as_of=datetime.date(2020, 1, 31),
            formats=["xlsx"],
            state="done",
            progress=100,
            files=["matrix.xlsx"],
        )
    run.folder.mkdir(parents=True, exist_ok=True)
    (run.folder / "matrix.xlsx").write_bytes(b"PK matrix")
    return run


def published_profile():
    """Cluster A's public profile, published once (with a logo), and its working copy."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from clustermonitor.core import audit
    from clustermonitor.portal import services
    from clustermonitor.portal.forms import ProfileForm
    from clustermonitor.portal.models import ClusterProfile
    from clustermonitor.programmes.models import Cluster
    from tests.factories import png

    profile = ClusterProfile.objects.filter(cluster__code=CLUSTER_A).first()
    if profile is not None and profile.publication_id:
        return profile
    form = ProfileForm(
        {"description": "Een testprofiel.", "description_en": "A test profile."},
        {"logo": SimpleUploadedFile("logo.png", png(), content_type="image/png")},
        instance=services.profile_of(Cluster.objects.get(code=CLUSTER_A)),
    )
    assert form.is_valid(), form.errors
    actor = audit.Actor.system("tests")
    services.save_draft(actor, form.instance)
    services.submit(actor, form.instance)
    services.publish(actor, form.instance)
    return form.instance


def joinable_profile():
    """A running cluster's published profile (SIM): the one a visitor may ask to join."""
    from clustermonitor.core import audit
    from clustermonitor.portal import services
    from clustermonitor.portal.forms import ProfileForm
    from clustermonitor.portal.models import ClusterProfile
    from clustermonitor.programmes.models import Cluster

    profile = ClusterProfile.objects.filter(cluster__code="SIM").first()
    if profile is not None and profile.publication_id:
        return profile
    form = ProfileForm(
        {"description": "Een lopende cluster."},
        instance=services.profile_of(Cluster.objects.get(code="SIM")),
    )
    assert form.is_valid(), form.errors
    actor = audit.Actor.system("tests")
    services.save_draft(actor, form.instance)
    services.submit(actor, form.instance)
    services.publish(actor, form.instance)
    return form.instance


def join_request():
    """A confirmed (open) join request for cluster A."""
    from django.utils import timezone

    from clustermonitor.portal.models import JoinRequest
    from clustermonitor.programmes.models import Cluster

    return JoinRequest.objects.get_or_create(
        cluster=Cluster.objects.get(code=CLUSTER_A),
        enterprise_number="0412345678",
        defaults={
            "company_name": "Aanvrager NV",
            "contact_name": "Anna Aanvrager",
            "email": "anna@aanvrager.example",
            "consent_text": "Akkoord.",
            "state": JoinRequest.State.OPEN,
            "confirmed_at": timezone.now(),
        },
    )[0]


def prospect():
    """An open prospect of cluster A, with a contact person and a next step."""
    import datetime

    from clustermonitor.core import audit
    from clustermonitor.programmes.models import Cluster
    from clustermonitor.prospects import services
    from clustermonitor.prospects.models import Prospect

    found = Prospect.objects.filter(enterprise_number="0412345713").first()
    if found is None:
        found = services.create(
            audit.Actor.system("tests"),
            Prospect(
                cluster=Cluster.objects.get(code=CLUSTER_A),
                enterprise_number="0412345713",
                company_name="Matrix Prospect NV",
                contact_name="Piet Prospect",
                contact_email="piet@prospect.example",
                next_step="Call",
                next_step_date=datetime.date.today(),
            ),
        )
    return found


def public_event():
    """A public activity of cluster A to come (its profile published): the public
    calendar and A's feed have something to show."""
    import datetime

    from clustermonitor.activities.models import Activity
    from clustermonitor.programmes.models import Cluster

    published_profile()
    activity = Activity.objects.filter(title="Matrix open day").first()
    if activity is None:
        activity = Activity.objects.create(
            title="Matrix open day",
            kind="event",
            date=datetime.date.today() + datetime.timedelta(days=10),
            location="Gent",
            description="An open day.",
            public=True,
        )
        activity.clusters.add(Cluster.objects.get(code=CLUSTER_A))
    return activity


def mapped_profile():
    """SIM's published profile with five members in Leuven: a map with one circle."""
    import datetime

    from clustermonitor.members.models import Membership
    from tests.factories import membership, organisation

    profile = joinable_profile()
    cluster = profile.cluster
    if Membership.objects.filter(cluster=cluster, organisation__postcode="3000").count() < 5:
        for i in range(5):
            org = organisation(7700 + i, name=f"Kaart {i} NV", postcode="3000")
            org.locate()
            org.save()
            membership(org, cluster, start=datetime.date(2020, 1, 1))
    return profile


def member_account():
    """The member-contact persona's self-service account, for the matrix's member of A."""
    from clustermonitor.accounts.models import User
    from clustermonitor.selfservice.models import MemberAccount

    user = User.objects.get(username="member_contact")
    return MemberAccount.objects.get_or_create(
        user=user, defaults={"organisation": membership().organisation}
    )[0]


def posting():
    """An offer of the member-contact persona's company, in cluster A."""
    from clustermonitor.selfservice.models import Posting

    account = member_account()
    return Posting.objects.get_or_create(
        organisation=account.organisation,
        title="Matrix offer",
        defaults={
            "cluster": membership().cluster,
            "kind": "offer",
            "description": "Testterrein",
        },
    )[0]


def invoice():
    """An issued invoice of cluster A (billing settings filled in) for the contribution."""
    from clustermonitor.billing import invoicing
    from clustermonitor.billing.models import BillingSettings, Invoice
    from clustermonitor.core import audit
    from clustermonitor.programmes.models import Cluster

    cluster = Cluster.objects.get(code=CLUSTER_A)
    existing = Invoice.objects.filter(cluster=cluster, kind="invoice").first()
    if existing is not None:
        return existing
    BillingSettings.objects.get_or_create(
        cluster=cluster,
        defaults={
            "legal_name": "EUKA vzw",
            "enterprise_number": "0403170701",
            "vat_number": "BE0403170701",
            "iban": "BE48001123456727",
            "bic": "GEBABEBB",
            "street": "Kunstlaan 1",
            "postcode": "1000",
            "city": "Brussel",
        },
    )
    contribution()
    actor = audit.Actor.system("matrix")
    [draft] = invoicing.generate(actor, cluster, 2018)
    return invoicing.issue(actor, draft, datetime.date(2018, 3, 1))


def registration_event():
    """A public activity of cluster A, a month ahead, with registration open, one
    question and one registration."""
    from clustermonitor.activities.models import Activity
    from clustermonitor.programmes.models import Cluster
    from clustermonitor.registrations.models import Question, RegistrationSettings

    activity = Activity.objects.filter(title="Matrix event with registration").first()
    if activity is None:
        activity = Activity.objects.create(
            title="Matrix event with registration",
            kind="event",
            date=datetime.date.today() + datetime.timedelta(days=30),
            public=True,
        )
        activity.clusters.add(Cluster.objects.get(code=CLUSTER_A))
        settings = RegistrationSettings.objects.create(activity=activity, capacity=50)
        Question.objects.create(settings=settings, label="Lunch?", kind="yes_no")
        activity.registrations.create(name="Piet", email="piet@example.org")
    return activity


def registration():
    return registration_event().registrations.get(email="piet@example.org")


def registration_question():
    return registration_event().registration_settings.questions.get()


# The grant cycle's online applications (issue 19): a call open now with the shipped form,
# a submitted application of the applicant persona with a version and an attachment, and
# a draft of theirs.
def grants_setup():
    from clustermonitor.grants.models import CallSetup

    found = CallSetup.objects.filter(call__name="Matrix-oproep").first()
    if found is not None:
        return found
    from tests.grants_helpers import open_call

    setup = open_call(number=77)
    setup.call.name = "Matrix-oproep"
    setup.call.save()
    return setup


def grants_application():
    from clustermonitor.accounts.models import User
    from clustermonitor.core import audit
    from clustermonitor.grants import services
    from tests.grants_helpers import draft_for

    setup = grants_setup()
    found = Application.objects.filter(call=setup.call, status="submitted").first()
    if found is not None:
        return found
    application = draft_for(setup)
    from django.core.files.uploadedfile import SimpleUploadedFile

    actor = audit.Actor(User.objects.get(username="applicant"), "matrix")
    services.add_attachment(
        actor, application, SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    services.submit(actor, application)
    application.refresh_from_db()
    return application


def grants_draft():
    setup = grants_setup()
    found = Application.objects.filter(call=setup.call, status="draft").first()
    if found is not None:
        return found
    from tests.grants_helpers import draft_for

    return draft_for(setup)


def grants_version():
    return grants_application().versions.order_by("number").first()


def grants_attachment():
    return grants_application().attachments.order_by("pk").first()


# The grant cycle's screening and jury (issue 19) ------------------------------------------


def review_call():
    """A call with its eligibility criteria and rubric; a submitted application (to
    screen), one in review that the reviewer persona and a second reviewer are assigned
    to (the persona declared no conflict), and one decided on (its letter)."""
    found = Call.objects.filter(name="Matrixoproep").first()
    if found is not None:
        return found
    from tests import review_helpers as h

    call = h.new_call(78)  # 77 is the online applications' call (grants_setup)
    call.name = "Matrixoproep"
    call.save()
    h.criteria(call)
    h.rubric(call)
    h.application(call, "Ingediend vzw")
    in_review = h.screened(call, "In beoordeling vzw")
    from clustermonitor.accounts.models import User

    second = h.reviewer("reviewer2")
    persona = User.objects.get(username="reviewer")
    assignment = services_review().assign(h.ACTOR, in_review, persona)
    services_review().declare(audit_actor(persona), assignment, conflict=False)
    services_review().assign(h.ACTOR, in_review, second)
    decided = h.screened(call, "Beslist vzw")
    h.scored(decided, h.reviewer("reviewer3"))
    h.scored(decided, second)
    h.decide(decided)
    return call


def services_review():
    from clustermonitor.review import services

    return services


def audit_actor(user):
    from clustermonitor.core import audit

    return audit.Actor(user)


def review_application(applicant="In beoordeling vzw"):
    review_call()
    return Application.objects.get(applicant=applicant, call__name="Matrixoproep")


def review_assignment(username="reviewer"):
    from clustermonitor.review.models import Assignment

    return Assignment.objects.get(application=review_application(), reviewer__username=username)
