"""The form-field matrix's entries for member self-service (issue 18;
tests/test_form_field_matrix.py). A member contact reaches these forms for its own
company only: each field that can carry an id is fed another company's record (a
membership, a cluster of which the company is no member) and must be neither offered
nor accepted (`MemberProbed`, run as the member-contact persona)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.urls import reverse

from clustermonitor.accounts.models import User
from clustermonitor.members.models import Contact
from clustermonitor.programmes.models import Cluster
from clustermonitor.selfservice.models import Interest, MemberAccount, Posting
from tests.conftest import CLUSTER_A, CLUSTER_B
from tests.factories import membership, organisation
from tests.form_matrix import ENUM, NoIds


@dataclass(frozen=True)
class MemberProbe:
    """POST `data` to `post` as the member contact (its company a member of A only): the
    `hostile` record is not offered on `page` and nothing `state` reads changes."""

    field: str
    page: Callable
    post: Callable
    data: Callable
    state: Callable
    hostile: Callable


@dataclass(frozen=True)
class MemberProbed:
    probes: tuple[MemberProbe, ...]
    fixed: dict[str, str] = field(default_factory=dict)


def member_world():
    """The member-contact persona's company (a member of A), a fellow member of A with an
    open request, and a secret member of B with its membership."""
    a, b = Cluster.objects.get(code=CLUSTER_A), Cluster.objects.get(code=CLUSTER_B)
    own = organisation(711, name="Eigen bedrijf NV")
    own_membership = membership(own, a, start=datetime.date(2010, 1, 1))
    fellow = organisation(712, name="Collega NV")
    membership(fellow, a, start=datetime.date(2010, 1, 1))
    secret = organisation(713, name="Geheim lid van BIM NV")
    secret_membership = membership(secret, b, start=datetime.date(2010, 1, 1))
    user = User.objects.get(username="member_contact")
    MemberAccount.objects.update_or_create(user=user, defaults={"organisation": own})
    request = Posting.objects.create(
        organisation=fellow, cluster=a, kind="request", title="Gezocht", description="?"
    )
    return SimpleNamespace(
        own=own,
        own_membership=own_membership,
        secret=secret,
        secret_membership=secret_membership,
        a=a,
        b=b,
        request=request,
    )


_posting_data = lambda w: {  # noqa: E731
    "kind": "offer",
    "cluster": w.b.pk,
    "title": "Overgenomen",
    "description": "d",
    "reach": "cluster",
}

SELF_SERVICE = {
    "clustermonitor.selfservice.forms.MemberContactForm": MemberProbed(
        probes=(
            MemberProbe(
                field="membership",
                page=lambda w: reverse("selfservice:contact-create"),
                post=lambda w: reverse("selfservice:contact-create"),
                data=lambda w: {"membership": w.secret_membership.pk, "name": "Indringer"},
                state=lambda w: Contact.objects.filter(membership=w.secret_membership).count(),
                hostile=lambda w: w.secret_membership,
            ),
        )
    ),
    "clustermonitor.selfservice.forms.PostingForm": MemberProbed(
        probes=(
            MemberProbe(
                field="cluster",
                page=lambda w: reverse("selfservice:posting-create"),
                post=lambda w: reverse("selfservice:posting-create"),
                data=_posting_data,
                state=lambda w: Posting.objects.filter(cluster=w.b).count(),
                hostile=lambda w: w.b,
            ),
        ),
        fixed={"kind": ENUM, "reach": ENUM},
    ),
    "clustermonitor.selfservice.forms.InterestForm": MemberProbed(
        probes=(
            MemberProbe(
                field="cluster",
                page=lambda w: reverse("selfservice:posting-detail", args=[w.request.pk]),
                post=lambda w: reverse("selfservice:posting-detail", args=[w.request.pk]),
                data=lambda w: {"cluster": w.b.pk, "message": "Via BIM"},
                state=lambda w: Interest.objects.count(),
                hostile=lambda w: w.b,
            ),
        )
    ),
    "clustermonitor.selfservice.forms.CompetenceProfileForm": NoIds(
        "the profile is the member account's own company's (access.member_account)",
        fixed={"visibility": ENUM},
    ),
    "clustermonitor.selfservice.forms.MatchingForm": NoIds(
        "a yes/no; the cluster is the URL's (access.self_service_cluster)"
    ),
}
