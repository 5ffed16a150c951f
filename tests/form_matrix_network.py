"""The form-field matrix's entries for a cluster's network: activities, collaborations,
members and their imports (tests/test_form_field_matrix.py)."""

from django.urls import reverse

from clustermonitor.activities.models import Activity, Participation
from clustermonitor.collaborations.models import Collaboration
from clustermonitor.core.imports.models import ImportBatch
from clustermonitor.members.models import Contribution, Membership
from clustermonitor.prospects.models import Prospect
from clustermonitor.registry.models import Organisation
from tests.factories import dotted, enterprise_number
from tests.form_matrix import (
    COLLABORATION_FIXED,
    ENUM,
    MANAGERS,
    NoIds,
    Probe,
    Probed,
    _activity_data,
    _attendees,
    _clusters_of,
    _joint_activity,
    _joint_collaboration,
    _open_contribution,
)

NETWORK = {
    # -- activities --
    "clustermonitor.activities.forms.ActivityForm": Probed(
        probes=(
            # Creating an activity for the other cluster only.
            Probe(
                field="clusters",
                page=lambda w: reverse("activities:activity-create", args=[w.own.cluster.code]),
                post=lambda w: reverse("activities:activity-create", args=[w.own.cluster.code]),
                data=lambda w: _activity_data(w, [w.other.cluster], "Overgenomen"),
                state=lambda w: Activity.objects.filter(clusters=w.other.cluster).count(),
                hostile=lambda w: w.other.cluster,
                offered=True,  # as a partner, next to one's own cluster
            ),
            # Stripping the partner from a joint activity.
            Probe(
                field="clusters",
                page=lambda w: reverse("activities:activity-edit", args=[w.joint_activity.pk]),
                post=lambda w: reverse("activities:activity-edit", args=[w.joint_activity.pk]),
                data=lambda w: _activity_data(w, [w.own.cluster], w.joint_activity.title),
                state=lambda w: _clusters_of(w.joint_activity),
                hostile=lambda w: w.other.cluster,
                offered=True,
            ),
            # Moving one's own activity to the other cluster.
            Probe(
                field="clusters",
                post=lambda w: reverse("activities:activity-edit", args=[w.own.activity.pk]),
                data=lambda w: _activity_data(w, [w.other.cluster], w.own.activity.title),
                state=lambda w: _clusters_of(w.own.activity),
                hostile=lambda w: w.other.cluster,
            ),
        ),
        fixed={"kind": ENUM},
    ),
    "clustermonitor.activities.forms.ParticipantForm": Probed(
        probes=(
            Probe(
                field="organisation",
                page=_joint_activity,
                post=_joint_activity,
                data=lambda w: {"organisation": w.other.member.pk, "name": "Piet"},
                state=lambda w: w.joint_activity.participations.count(),
                hostile=lambda w: w.other.member,
            ),
        )
    ),
    "clustermonitor.activities.forms.ReviewForm": Probed(
        probes=(
            Probe(
                field="organisation",
                page=_joint_activity,
                context="review_form",
                post=lambda w: reverse(
                    "activities:participation-review", args=[w.joint_waiting.pk]
                ),
                data=lambda w: {"organisation": w.other.member.pk},
                state=lambda w: (
                    Participation.objects.filter(pk=w.joint_waiting.pk)
                    .values_list("organisation", "needs_review")
                    .get()
                ),
                hostile=lambda w: w.other.member,
            ),
        )
    ),
    "clustermonitor.activities.forms.AttendeeUploadForm": Probed(
        probes=(
            # The activity is the URL's: a hidden id naming the other's is ignored.
            Probe(
                field="activity",
                page=lambda w: reverse("activities:attendee-import", args=[w.own.activity.pk]),
                post=lambda w: reverse("activities:attendee-import", args=[w.own.activity.pk]),
                data=lambda w: {"activity": w.other.activity.pk},
                files=_attendees,
                state=lambda w: None,
                hostile=lambda w: w.other.activity,
                holds=lambda w: (
                    not ImportBatch.objects.filter(
                        kind="attendees", options__activity=w.other.activity.pk
                    ).exists()
                    and ImportBatch.objects.filter(
                        kind="attendees", options__activity=w.own.activity.pk
                    ).exists()
                ),
            ),
        ),
        fixed={},
    ),
    # -- collaborations --
    "clustermonitor.collaborations.forms.CollaborationForm": Probed(
        probes=(
            Probe(
                field="clusters",
                page=lambda w: reverse(
                    "collaborations:collaboration-edit", args=[w.joint_collaboration.pk]
                ),
                post=lambda w: reverse(
                    "collaborations:collaboration-edit", args=[w.joint_collaboration.pk]
                ),
                data=lambda w: {"title": "Gezamenlijk project", "clusters": [w.own.cluster.pk]},
                state=lambda w: _clusters_of(w.joint_collaboration),
                hostile=lambda w: w.other.cluster,
                offered=True,
            ),
            Probe(
                field="clusters",
                post=lambda w: reverse(
                    "collaborations:collaboration-edit", args=[w.own.collaboration.pk]
                ),
                data=lambda w: {
                    "title": w.own.collaboration.title,
                    "clusters": [w.other.cluster.pk],
                },
                state=lambda w: _clusters_of(w.own.collaboration),
                hostile=lambda w: w.other.cluster,
            ),
        ),
        fixed=COLLABORATION_FIXED,
    ),
    "clustermonitor.collaborations.forms.NewCollaborationForm": Probed(
        probes=(
            # Naming only the other cluster: the page's own cluster stays one of them.
            Probe(
                field="clusters",
                page=lambda w: reverse(
                    "collaborations:collaboration-create", args=[w.own.cluster.code]
                ),
                post=lambda w: reverse(
                    "collaborations:collaboration-create", args=[w.own.cluster.code]
                ),
                data=lambda w: {
                    "title": "Overgenomen project",
                    "clusters": [w.other.cluster.pk],
                    "stage": "idea",
                    "stage_date": "2018-01-10",
                },
                state=lambda w: None,
                hostile=lambda w: w.other.cluster,
                offered=True,
                holds=lambda w: (
                    not Collaboration.objects.filter(title="Overgenomen project")
                    .exclude(clusters=w.own.cluster)
                    .exists()
                ),
            ),
        ),
        fixed={**COLLABORATION_FIXED, "stage": ENUM},
    ),
    "clustermonitor.collaborations.forms.PartyForm": Probed(
        probes=(
            Probe(
                field="organisation",
                page=_joint_collaboration,
                context="party_form",
                post=lambda w: reverse("collaborations:party-add", args=[w.joint_collaboration.pk]),
                data=lambda w: {"organisation": w.other.member.pk, "role": "partner"},
                state=lambda w: w.joint_collaboration.parties.count(),
                hostile=lambda w: w.other.member,
            ),
            Probe(
                field="enterprise_number",
                page=_joint_collaboration,
                context="party_form",
                post=lambda w: reverse("collaborations:party-add", args=[w.own.collaboration.pk]),
                data=lambda w: {
                    "enterprise_number": dotted(w.other.member.enterprise_number),
                    "role": "partner",
                },
                state=lambda w: w.own.collaboration.parties.count(),
                hostile=lambda w: w.other.member,
            ),
            # A typed name makes no organisation for a cluster manager: the number is
            # refused as any other they may not name, nothing is created.
            Probe(
                field="enterprise_number",
                post=lambda w: reverse("collaborations:party-add", args=[w.own.collaboration.pk]),
                data=lambda w: {
                    "enterprise_number": dotted(w.other.member.enterprise_number),
                    "name": "Nieuwe Universiteit",
                    "kind": "knowledge",
                    "role": "knowledge",
                },
                state=lambda w: (
                    w.own.collaboration.parties.count(),
                    Organisation.objects.count(),
                ),
                hostile=lambda w: w.other.member,
            ),
        ),
        fixed={"role": ENUM, "kind": ENUM},
    ),
    # -- members --
    "clustermonitor.members.forms.EndMembershipsForm": Probed(
        probes=(
            Probe(
                field="memberships",
                page=lambda w: reverse("members:import-detail", args=[w.own.batch.pk]),
                context="end_form",
                post=lambda w: reverse("members:import-end-missing", args=[w.own.batch.pk]),
                data=lambda w: {
                    "end_date": "2019-01-01",
                    "memberships": [w.other.membership.pk],
                    "confirmed": "yes",
                },
                state=lambda w: Membership.objects.filter(end_date__isnull=False).count(),
                hostile=lambda w: w.other.membership,
            ),
        )
    ),
    "clustermonitor.members.forms.ContributionForm": Probed(
        probes=(
            Probe(
                field="payer_number",
                page=lambda w: reverse("members:contribution-create", args=[w.own.membership.pk]),
                post=lambda w: reverse("members:contribution-create", args=[w.own.membership.pk]),
                data=lambda w: {
                    "year": 2019,
                    "amount": "100",
                    "status": "expected",
                    "payer_number": dotted(w.other.member.enterprise_number),
                },
                state=lambda w: Contribution.objects.count(),
                hostile=lambda w: w.other.member,
            ),
        ),
        fixed={"status": ENUM},
    ),
    "clustermonitor.members.forms.BulkPayForm": Probed(
        probes=(
            Probe(
                field="contributions",
                post=lambda w: reverse("members:contributions-pay-bulk", args=[w.own.cluster.code]),
                data=lambda w: {
                    "contributions": [_open_contribution(w.other).pk],
                    "paid_on": "2019-03-01",
                    "confirmed": "on",
                },
                state=lambda w: Contribution.objects.filter(status="paid").count(),
                hostile=lambda w: _open_contribution(w.other),
            ),
        ),
    ),
    "clustermonitor.members.forms.UploadForm": NoIds("a file and its options"),
    "clustermonitor.core.imports.forms.ImportUploadForm": NoIds("a file"),
    "clustermonitor.core.imports.forms.MappingForm": NoIds(
        "its choices are the column headers of the user's own file (the batch is checked "
        "in the URL)"
    ),
    # -- event registration (issue 18) --
    "clustermonitor.registrations.forms.SettingsForm": NoIds(
        "dates, places and a text; the activity is the URL's (accounts/access_registrations.py)"
    ),
    "clustermonitor.registrations.forms.QuestionForm": NoIds(
        "a question's text and choices; the activity is the URL's",
        fixed={"kind": ENUM},
    ),
    "clustermonitor.registrations.forms.RegisterForm": NoIds(
        "the public registration form: the activity is the URL's (a public one with "
        "registration); the questions' choices are the event's own texts",
        fixed={
            "enterprise_number": "the registrant's own company number: kept with the "
            "registration; the page answers the same whether or not the registry knows it",
        },
    ),
    "clustermonitor.registrations.forms.WalkInForm": NoIds(
        "someone at the door of the URL's activity",
        fixed={
            "enterprise_number": "the company of the person at the door, matched in the "
            "registry by number as an attendee list's number is (activities' attendee "
            "import); the visit counts for the organisers only if it is their member on "
            "the day",
        },
    ),
    "clustermonitor.registrations.forms.ScanForm": NoIds(
        "a ticket's secret token read by the camera; checked against the URL's activity"
    ),
    "clustermonitor.registry.forms.OrganisationForm": NoIds(
        "the organisation is the URL's",
        fixed={
            "kind": ENUM,
            "no_number_reason": ENUM,
            "enterprise_number": "the organisation's own number, not a reference",
        },
    ),
    "clustermonitor.members.forms.NewMemberForm": NoIds(
        "adds a member to the URL's cluster",
        fixed={
            "kind": ENUM,
            "no_number_reason": ENUM,
            "enterprise_number": "the new member's own number: joining makes it visible",
        },
    ),
    "clustermonitor.members.forms.MembershipForm": NoIds("dates and a note"),
    "clustermonitor.members.forms.ContactForm": NoIds("a contact person's details"),
    "clustermonitor.registry.forms.FirmFiguresForm": NoIds("figures of the URL's organisation"),
    "clustermonitor.members.forms.FeeScheduleForm": NoIds("amounts per size class"),
    "clustermonitor.billing.forms.BillingSettingsForm": NoIds(
        "the URL's cluster's own legal details and bank account",
        fixed={
            "vat_regime": ENUM,
            "enterprise_number": "the cluster's own number as seller, not a reference",
        },
    ),
    "clustermonitor.members.forms.FinderForm": NoIds(
        "the public finder's texts (a number, a NACE code, a postcode, keywords)",
        fixed={
            "enterprise_number": "any company's own number, looked up for its NACE code "
            "and postcode only: the answer names no organisation and no membership "
            "(tests/test_finder_demo.py)"
        },
    ),
    "clustermonitor.members.import_kinds.ContributionUploadForm": NoIds("a file and a year"),
    "clustermonitor.collaborations.forms.StageForm": NoIds(
        "a stage and a reason", fixed={"stage": ENUM, "reason": ENUM}
    ),
    "clustermonitor.collaborations.forms.LinkForm": NoIds("a title and a URL"),
    "clustermonitor.collaborations.forms.CollaborationUploadForm": NoIds("a file"),
    # -- prospects (issue 18) --
    "clustermonitor.prospects.forms.ProspectForm": Probed(
        probes=(
            # The owner is one of the people who act for the URL's cluster.
            Probe(
                field="owner",
                page=lambda w: _new_prospect(w),
                post=lambda w: _new_prospect(w),
                data=lambda w: _prospect_data(w, owner=_other_manager(w).pk),
                state=lambda w: Prospect.objects.count(),
                hostile=lambda w: _other_manager(w),
            ),
            # The other cluster's member's number with no name: the registry is searched
            # only where the user may look (access.organisations_for), so its name is
            # neither filled in nor shown, and nothing is written.
            Probe(
                field="enterprise_number",
                post=lambda w: _new_prospect(w),
                data=lambda w: _prospect_data(
                    w, enterprise_number=dotted(w.other.member.enterprise_number), company_name=""
                ),
                state=lambda w: Prospect.objects.count(),
                hostile=lambda w: w.other.member,
            ),
        ),
        fixed={"stage": ENUM, "source": ENUM},
    ),
    "clustermonitor.prospects.forms.MoveForm": NoIds(
        "a stage, a reason, a day and a message; the prospect is the URL's (access.prospect_for)",
        fixed={"stage": ENUM, "lost_reason": ENUM},
    ),
    "clustermonitor.prospects.forms.FeeForm": NoIds(
        "an amount; the prospect is the URL's (access.prospect_for)"
    ),
    "clustermonitor.prospects.forms.PipelineFilter": NoIds(
        "the pipeline's filters (GET) on the URL's cluster",
        fixed={
            "stage": ENUM,
            "due": "overdue, due or within a week",
            "owner": "the people who act for the URL's cluster (access.prospect_owners); "
            "another id is left out of the filter (tests/test_prospects_web.py)",
        },
    ),
    "clustermonitor.prospects.import_kinds.ProspectUploadForm": NoIds("a file"),
}


def _new_prospect(w) -> str:
    return reverse("prospects:prospect-create", args=[w.own.cluster.code])


def _other_manager(w):
    from clustermonitor.accounts.models import User

    return User.objects.get(username=MANAGERS[w.other.cluster.code])


def _prospect_data(w, **changes) -> dict:
    return {
        "enterprise_number": dotted(enterprise_number(8800)),
        "company_name": "Vooruitzicht NV",
        "stage": "new",
        "source": "referral",
        "owner": "",
        "contact_name": "Vera",
        "contact_email": "",
        "contact_phone": "",
        "next_step": "",
        "next_step_date": "",
        "note": "",
    } | changes
