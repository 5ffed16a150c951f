"""The permission matrix for form fields (issue 13): the route matrix checks the ids in a
URL, this one the ids in a form's body.

Every Form class of clustermonitor is found by walking its modules and must have an
entry in FORMS (a new form without one fails `test_every_form_is_in_the_matrix`):

- `Probed`: a cluster manager reaches it. Each field that carries another record's id
  (a model choice, an enterprise number, a hidden id) has a Probe that feeds it the other
  cluster's object — BIM's while logged in as EUKA's manager, and EUKA's as BIM's — and
  checks that it is not offered on the page and not accepted (nothing written, a form
  error, never a 500). Every other choice field of the live form is named in `fixed`
  with why its choices carry no other cluster's records.
- `ProgrammeOnly`: only people who read the whole programme reach it; both cluster
  managers posting the other cluster's ids to each of its routes get 403 or 404.
- `NoIds`: a cluster manager reaches it but its choices are fixed (`fixed` says which
  and why) and it has no model choice.

QUERY_STRINGS does the same for ids and searches in a query string (the member lookup,
the read API's filters).
"""

import datetime
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django import forms
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import clustermonitor
from clustermonitor.activities.models import Activity, Participation
from clustermonitor.collaborations.models import Collaboration
from clustermonitor.core.imports.models import ImportBatch
from clustermonitor.members.models import Contribution, Membership
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry.models import Organisation
from tests.conftest import CLUSTER_A, CLUSTER_B
from tests.factories import dotted, membership, organisation
from tests.matrix_routes import MATRIX

pytestmark = pytest.mark.usefixtures("english")

MANAGERS = {CLUSTER_A: "cluster_manager_a", CLUSTER_B: "cluster_manager_b"}


# The two sides of the world ------------------------------------------------------------


@dataclass
class Side:
    cluster: Cluster
    member: object  # an organisation, member since 2010
    membership: Membership
    activity: Activity  # this cluster's only
    collaboration: Collaboration  # this cluster's only
    batch: ImportBatch  # a committed member import whose missing member may be ended


@dataclass
class World:
    own: Side
    other: Side
    joint_activity: Activity
    joint_collaboration: Collaboration
    joint_waiting: Participation  # a participant of the joint activity waiting for review

    @property
    def persona(self) -> str:
        return MANAGERS[self.own.cluster.code]


def _side(cluster: Cluster, i: int) -> Side:
    member = organisation(i, name=f"Geheim lid van {cluster.code} NV")
    member_ship = membership(member, cluster, start=datetime.date(2010, 1, 1))
    activity = Activity.objects.create(
        title=f"Workshop {cluster.code}", kind="workshop", date=datetime.date(2018, 5, 1)
    )
    activity.clusters.set([cluster])
    collaboration = Collaboration.objects.create(
        programme=cluster.programme, title=f"Project {cluster.code}"
    )
    collaboration.clusters.set([cluster])
    batch = ImportBatch(
        cluster=cluster,
        kind="members",
        original_name="leden.csv",
        sha256="x",
        reference_date=datetime.date(2019, 1, 1),
        mapping={"name": "naam"},
        state=ImportBatch.State.COMMITTED,
        report={"missing": [member_ship.pk]},
    )
    batch.file.save("leden.csv", ContentFile(b"naam\nA\n"), save=False)
    batch.save()
    return Side(cluster, member, member_ship, activity, collaboration, batch)


@pytest.fixture(params=[(CLUSTER_A, CLUSTER_B), (CLUSTER_B, CLUSTER_A)], ids=["A-B", "B-A"])
def world(request, db) -> World:
    a, b = (Cluster.objects.get(code=code) for code in (CLUSTER_A, CLUSTER_B))
    sides = {CLUSTER_A: _side(a, 701), CLUSTER_B: _side(b, 702)}
    joint_activity = Activity.objects.create(
        title="Gezamenlijke workshop", kind="workshop", date=datetime.date(2018, 6, 1)
    )
    joint_activity.clusters.set([a, b])
    joint_collaboration = Collaboration.objects.create(
        programme=a.programme, title="Gezamenlijk project"
    )
    joint_collaboration.clusters.set([a, b])
    joint_waiting = joint_activity.participations.create(name="Bert", needs_review=True)
    own, other = request.param
    return World(sides[own], sides[other], joint_activity, joint_collaboration, joint_waiting)


# What a probe does ---------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """Feed `field` of a form the other cluster's `hostile` id: on `page` (context key
    `context`) it is not offered, and POSTing `data` to `post` changes nothing `state`
    reads (or, where given, `holds` says what must hold afterwards)."""

    field: str
    post: Callable[[World], str]
    data: Callable[[World], dict]
    state: Callable[[World], object]
    hostile: Callable[[World], object]
    page: Callable[[World], str] | None = None
    context: str = "form"
    #: The other cluster itself may be offered: a partner of a joint record.
    offered: bool = False
    holds: Callable[[World], bool] | None = None
    files: Callable[[], dict] | None = None


@dataclass(frozen=True)
class Probed:
    probes: tuple[Probe, ...]
    #: Choice fields whose choices hold no other cluster's records, and why.
    fixed: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProgrammeOnly:
    routes: tuple[str, ...]
    fields: tuple[str, ...] = ()  # its fields that take records' ids


@dataclass(frozen=True)
class Base:
    """A base class no view shows by itself; its subclasses have their own entries."""

    reason: str


@dataclass(frozen=True)
class NoIds:
    reason: str
    fixed: dict[str, str] = field(default_factory=dict)


ENUM = "fixed choices of the model (an enumeration)"


def _activity_data(w: World, clusters, title) -> dict:
    return {
        "title": title,
        "kind": "event",
        "date": "2018-06-01",
        "location": "Gent",
        "clusters": [c.pk for c in clusters],
    }


def _clusters_of(record) -> set[str]:
    return {c.code for c in record.clusters.all()}


def _attendees() -> dict:
    return {"file": SimpleUploadedFile("aanwezigen.csv", b"Naam;Bedrijf\nPiet;X\n")}


_joint_activity = lambda w: reverse("activities:activity-detail", args=[w.joint_activity.pk])  # noqa: E731
_joint_collaboration = lambda w: reverse(  # noqa: E731
    "collaborations:collaboration-detail", args=[w.joint_collaboration.pk]
)


def _open_contribution(side: Side) -> Contribution:
    return Contribution.objects.get_or_create(
        membership=side.membership, year=2019, defaults={"amount": 100}
    )[0]


COLLABORATION_FIXED = {
    "nature": ENUM,
    "value_chain": ENUM,
    "purpose": ENUM,
    "instrument": ENUM,
    "decision": ENUM,
    "intercluster_call": "the programme's intercluster calls: public, of no one cluster",
}

FORMS = {
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
    # -- portal --
    "clustermonitor.portal.forms.ProfileForm": NoIds(
        "the profile is the URL's cluster's (access.profile_cluster); no field names a record"
    ),
    "clustermonitor.portal.forms.DirectoryFilter": NoIds(
        "the public directory's filters: what anyone may see",
        fixed={
            "type": "the programme's cluster types: public",
            "province": "Belgium's provinces: reference data",
            "nace": "the NACE sections: reference data",
        },
    ),
    "clustermonitor.portal.forms.EventFilter": NoIds(
        "the public calendar's filters: what anyone may see",
        fixed={
            "cluster": "the codes of the clusters with a published profile: public",
            "kind": ENUM,
            "when": "upcoming or past",
        },
    ),
    "clustermonitor.portal.forms.ReturnForm": ProgrammeOnly(("portal:profile-return",)),
    "clustermonitor.portal.forms.JoinForm": NoIds(
        "the public join form: the cluster is the URL's (a published, running profile)",
        fixed={
            "enterprise_number": "the asking company's own number, looked up only once the "
            "e-mail address is confirmed and shown only to the cluster's managers and the "
            "agency: the answer says nothing of the registry",
            "source": "where the visitor came from (profile or finder); anything else is 'profile'",
        },
    ),
    "clustermonitor.portal.forms.AcceptForm": NoIds(
        "a start date; the join request is the URL's (access.join_request_for)"
    ),
    "clustermonitor.portal.forms.DeclineForm": NoIds(
        "a message; the join request is the URL's (access.join_request_for)"
    ),
    "clustermonitor.portal.forms.ProgrammePageForm": ProgrammeOnly(("portal:programme-page-edit",)),
    "clustermonitor.core.imports.forms.ImportUploadForm": NoIds("a file"),
    "clustermonitor.core.imports.forms.MappingForm": NoIds(
        "its choices are the column headers of the user's own file (the batch is checked "
        "in the URL)"
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
    # -- progress reports, exit plans, criteria --
    "clustermonitor.monitoring.forms.ReportForm": NoIds("texts and numbers per KPI"),
    "clustermonitor.monitoring.forms.CommentForm": NoIds("a comment"),
    "clustermonitor.monitoring.forms.AttachmentForm": NoIds("a title and a file"),
    "clustermonitor.maturity.forms.ExitPlanForm": NoIds(
        "an exit plan of the URL's cluster",
        fixed={
            "path": ENUM,
            "spc": "the programme's SPC clusters: the cluster list is public",
        },
    ),
    "clustermonitor.maturity.forms.EvidenceForm": NoIds("a text"),
    "clustermonitor.accounts.forms.ApiTokenForm": NoIds("a token's name"),
    "clustermonitor.accounts.forms.CodeForm": NoIds("a code from the authenticator app"),
    "clustermonitor.accounts.reset.PasswordResetForm": NoIds("an e-mail address"),
    # -- programme readers and set-up only --
    "clustermonitor.accounts.forms.UserCreateForm": ProgrammeOnly(
        ("accounts:user-create",), ("cluster",)
    ),
    "clustermonitor.accounts.forms.RoleForm": ProgrammeOnly(
        ("accounts:user-detail",), ("cluster",)
    ),
    "clustermonitor.programmes.forms.ParentBoundForm": Base("the parent is set by the view"),
    "clustermonitor.programmes.forms.ProgrammeForm": ProgrammeOnly(
        ("programmes:programme-create", "programmes:programme-edit")
    ),
    "clustermonitor.programmes.forms.ClusterTypeForm": ProgrammeOnly(
        ("programmes:cluster-type-create", "programmes:cluster-type-edit"), ("kpis",)
    ),
    "clustermonitor.programmes.forms.KPIForm": ProgrammeOnly(
        ("programmes:kpi-create", "programmes:kpi-edit")
    ),
    "clustermonitor.programmes.forms.CallForm": ProgrammeOnly(
        ("programmes:call-create", "programmes:call-edit"), ("cluster_type",)
    ),
    "clustermonitor.programmes.forms.ApplicationForm": ProgrammeOnly(
        ("programmes:application-create", "programmes:application-edit"), ("cluster",)
    ),
    "clustermonitor.programmes.forms.ClusterForm": ProgrammeOnly(
        ("programmes:cluster-create", "programmes:cluster-edit"),
        ("cluster_type", "call", "account_manager"),
    ),
    "clustermonitor.programmes.forms.TargetForm": ProgrammeOnly(
        ("programmes:target-create", "programmes:target-edit"), ("kpi",)
    ),
    "clustermonitor.maturity.forms.CriteriaSetForm": ProgrammeOnly(
        ("programmes:criteria-set-create", "programmes:criteria-set-edit")
    ),
    "clustermonitor.maturity.forms.CriterionForm": ProgrammeOnly(
        ("programmes:criterion-create", "programmes:criterion-edit")
    ),
    "clustermonitor.maturity.forms.CheckForm": ProgrammeOnly(("programmes:answer-check",)),
    "clustermonitor.maturity.forms.ReturnForm": ProgrammeOnly(("programmes:exit-plan-return",)),
    "clustermonitor.accountmanagement.forms.AttentionPointForm": ProgrammeOnly(
        ("programmes:attention-point-create", "programmes:attention-point-edit"), ("owner",)
    ),
    "clustermonitor.accountmanagement.forms.ReopenForm": ProgrammeOnly(
        ("programmes:attention-point-reopen",)
    ),
    "clustermonitor.accountmanagement.forms.SteeringMeetingForm": ProgrammeOnly(
        ("programmes:steering-meeting-create", "programmes:steering-meeting-edit"),
        ("attended_by",),
    ),
    "clustermonitor.accountmanagement.forms.LearningSessionForm": ProgrammeOnly(
        ("programmes:learning-session-create", "programmes:learning-session-edit"),
        ("attendees",),
    ),
    "clustermonitor.monitoring.forms.PeriodForm": ProgrammeOnly(("monitoring:period-create",)),
    "clustermonitor.registry.forms.KboImportForm": ProgrammeOnly(("registry:kbo-imports",)),
    "clustermonitor.reports.forms.ReportForm": ProgrammeOnly(("reports:runs",), ("clusters",)),
    "clustermonitor.surveys.views_forms.UploadForm": ProgrammeOnly(
        ("surveys:questionnaire-upload",), ("programme",)
    ),
    "clustermonitor.surveys.forms_waves.WaveForm": ProgrammeOnly(
        ("surveys:wave-create", "surveys:wave-edit"), ("questionnaire", "clusters")
    ),
    "clustermonitor.surveys.forms_waves.ClustersForm": ProgrammeOnly(
        ("surveys:wave-send", "surveys:wave-remind"), ("clusters",)
    ),
    "clustermonitor.surveys.forms_waves.ResponseUploadForm": ProgrammeOnly(
        ("surveys:response-import",), ("cluster",)
    ),
}


# Discovery -------------------------------------------------------------------------------


def discovered_forms() -> dict[str, type]:
    """Every Form class defined in a module of clustermonitor."""
    found = {}
    for info in pkgutil.walk_packages(clustermonitor.__path__, "clustermonitor."):
        if info.name.endswith("__main__") or ".migrations" in info.name:
            continue
        module = importlib.import_module(info.name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == info.name:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


FOUND = discovered_forms()


def _carries_ids(name: str, form_field) -> bool:
    """A field whose value may name a record: a choice (model or not), a hidden input, or
    a typed enterprise number."""
    return (
        isinstance(form_field, forms.ChoiceField | forms.ModelChoiceField)
        or isinstance(form_field.widget, forms.HiddenInput)
        or name.endswith(("enterprise_number", "payer_number", "_id"))
    )


def test_every_form_is_in_the_matrix():
    for name, entry in FORMS.items():
        if isinstance(entry, Base) and name in FOUND:
            assert any(
                issubclass(form, FOUND[name]) and form is not FOUND[name] for form in FOUND.values()
            )
    missing = sorted(set(FOUND) - set(FORMS))
    gone = sorted(set(FORMS) - set(FOUND))
    assert not missing, f"forms without an entry in FORMS: {missing}"
    assert not gone, f"entries in FORMS for forms that are gone: {gone}"
    assert len(FOUND) >= 50


def test_every_multiple_choice_of_records_refuses_ids_the_database_cannot_hold():
    from clustermonitor.core.fields import RecordsField

    plain = [
        f"{name}.{field_name}"
        for name, form_class in FOUND.items()
        for field_name, form_field in form_class.base_fields.items()
        if isinstance(form_field, forms.ModelMultipleChoiceField)
        and not isinstance(form_field, RecordsField)
    ]
    assert not plain, f"use core.fields.RecordsField (a 500 on SQLite otherwise): {plain}"


@pytest.mark.parametrize("name", sorted(n for n, e in FORMS.items() if isinstance(e, NoIds)))
def test_a_form_without_ids_has_only_fixed_choices(name):
    entry, form_class = FORMS[name], FOUND[name]
    for field_name, form_field in form_class.base_fields.items():
        assert not isinstance(form_field, forms.ModelChoiceField) or field_name in entry.fixed, (
            f"{name}.{field_name} chooses records: probe it"
        )
        if _carries_ids(field_name, form_field) and field_name != "reference_date":
            assert field_name in entry.fixed, f"{name}.{field_name}: probe it or say why fixed"


@pytest.mark.parametrize(
    "name", sorted(n for n, e in FORMS.items() if isinstance(e, ProgrammeOnly))
)
def test_a_programme_form_names_its_record_fields(name):
    entry, form_class = FORMS[name], FOUND[name]
    models = {n for n, f in form_class.base_fields.items() if isinstance(f, forms.ModelChoiceField)}
    assert models <= set(entry.fields), f"{name}: list its model choices in `fields`"


# The probes --------------------------------------------------------------------------------


PROBES = [
    pytest.param(name, i, id=f"{name.rsplit('.', 1)[1]}.{probe.field}-{i}")
    for name, entry in FORMS.items()
    if isinstance(entry, Probed)
    for i, probe in enumerate(entry.probes)
]


def _offered(form_field, hostile) -> bool:
    if isinstance(form_field, forms.ModelChoiceField):
        return form_field.queryset.filter(pk=hostile.pk).exists()
    if isinstance(form_field, forms.ChoiceField):
        return str(hostile.pk) in {str(v) for v, _label in form_field.choices}
    return False


@pytest.mark.parametrize(("name", "index"), PROBES)
def test_the_other_clusters_id_is_neither_offered_nor_accepted(web, world, name, index):
    entry = FORMS[name]
    probe = entry.probes[index]
    client = web(world.persona)
    hostile = probe.hostile(world)
    secret = world.other.member.name
    if probe.page is not None:
        page = client.get(probe.page(world))
        assert page.status_code == 200
        form = page.context[probe.context]
        assert type(form) is FOUND[name]
        assert _offered(form.fields[probe.field], hostile) == probe.offered
        assert secret not in page.content.decode()
        # Every field of the live form that may carry an id is probed or fixed.
        probed = {p.field for p in entry.probes}
        for field_name, form_field in form.fields.items():
            if _carries_ids(field_name, form_field) and field_name != "reference_date":
                assert field_name in probed | set(entry.fixed), (
                    f"{name}.{field_name}: probe it or say why its choices are fixed"
                )
    before = probe.state(world)
    data = probe.data(world)
    if probe.files:
        data = {**data, **probe.files()}
    response = client.post(probe.post(world), data, follow=True)
    assert response.status_code == 200
    assert secret not in response.content.decode()
    assert probe.state(world) == before
    if probe.holds is not None:
        assert probe.holds(world)
    form = (response.context or {}).get(probe.context)
    if form is not None and form.is_bound and type(form) is FOUND[name]:
        assert form.errors, "refused without saying why"
    # Junk where an id belongs is refused too, never a 500 (on PostgreSQL neither).
    for junk in ("x", "99999999999999999999", "-1"):
        value = [junk] if isinstance(data[probe.field], list) else junk
        response = client.post(probe.post(world), {**data, probe.field: value}, follow=True)
        assert response.status_code == 200, junk
    assert probe.state(world) == before


@pytest.mark.parametrize(
    ("name", "route"),
    [
        pytest.param(name, route, id=f"{name.rsplit('.', 1)[1]}-{route}")
        for name, entry in FORMS.items()
        if isinstance(entry, ProgrammeOnly)
        for route in entry.routes
    ],
)
def test_a_programme_form_is_closed_to_cluster_managers(web, name, route):
    url_for, statuses = MATRIX[route]
    url = url_for()
    for code, persona in MANAGERS.items():
        assert statuses[persona] in (403, 404, 405), f"{route} is open to {persona}"
        other = Cluster.objects.exclude(code=code).get(code__in=[CLUSTER_A, CLUSTER_B])
        data = {f: other.pk for f in FORMS[name].fields}
        assert web(persona).post(url, data).status_code in (403, 404)


# Ids in a query string -------------------------------------------------------------------


def _api(world: World, client, path: str, params: dict):
    from clustermonitor.accounts import services as account_services
    from clustermonitor.accounts.models import User
    from clustermonitor.core import audit

    user = User.objects.get(username=world.persona)
    key = account_services.create_token(audit.Actor(user, "test"), user, "matrix")[1]
    response = client.get(path, params, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    return response.json()


def _all_own(world: World, records: list) -> bool:
    return bool(records) and all(world.own.cluster.code in r["clusters"] for r in records)


QUERY_STRINGS = {
    # The member lookup searches the registry as the user may see it.
    "members:member-lookup": lambda w, c: (
        w.other.member
        not in c.get(
            reverse("members:member-lookup", args=[w.own.cluster.code]),
            {"q": w.other.member.name},
        ).context["registry"]
    ),
    # The read API filters by cluster within what the caller may see.
    # (a joint record is the caller's too: it comes with their own cluster among its own)
    "api:list_activities": lambda w, c: _all_own(
        w, _api(w, c, reverse("api:list_activities"), {"cluster": w.other.cluster.code})
    ),
    "api:list_memberships": lambda w, c: (
        not _api(w, c, reverse("api:list_memberships"), {"cluster": w.other.cluster.code})
    ),
    "api:list_collaborations": lambda w, c: _all_own(
        w, _api(w, c, reverse("api:list_collaborations"), {"cluster": w.other.cluster.code})
    ),
    "api:list_organisations": lambda w, c: (
        not _api(w, c, reverse("api:list_organisations"), {"q": w.other.member.name})
    ),
}


@pytest.mark.parametrize("route", sorted(QUERY_STRINGS))
def test_the_other_clusters_id_in_a_query_string_finds_nothing(web, world, route):
    assert QUERY_STRINGS[route](world, web(world.persona))
