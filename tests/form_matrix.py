"""The form-field matrix's parts (tests/test_form_field_matrix.py): the two sides of
the world a probe runs in, what a probe does, and the helpers the entries share. The
entries are in tests/form_matrix_network.py, tests/form_matrix_public.py and
tests/form_matrix_programme.py."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clustermonitor.activities.models import Activity, Participation
from clustermonitor.collaborations.models import Collaboration
from clustermonitor.core.imports.models import ImportBatch
from clustermonitor.members.models import Contribution, Membership
from clustermonitor.programmes.models import Cluster
from tests.conftest import CLUSTER_A, CLUSTER_B
from tests.factories import membership, organisation

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
