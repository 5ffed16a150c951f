"""The profile's workflow (draft → submitted → published, or back to draft) and the
programme's public page, every write audited. The views check who may do what
(accounts.access); these check the state."""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from clustermonitor.core import audit
from clustermonitor.portal.models import (
    CONTACT_FIELDS,
    LINK_FIELDS,
    TEXT_FIELDS,
    ClusterProfile,
    ProfilePublication,
    ProgrammePage,
)


class WorkflowError(Exception):
    """The profile is not in a state that allows this step (the message says why)."""


def profile_of(cluster) -> ClusterProfile:
    """The cluster's working copy; a new, unsaved one when there is none yet."""
    return ClusterProfile.objects.filter(cluster=cluster).first() or ClusterProfile(cluster=cluster)


@transaction.atomic
def save_draft(actor: audit.Actor, profile: ClusterProfile) -> bool:
    """Save the edited working copy (a form's instance). A published profile that is
    changed becomes a draft again; its publication stays public until the next one."""
    if profile.state == ClusterProfile.State.SUBMITTED:
        raise WorkflowError(_("The profile waits for the programme manager: it cannot change."))
    if profile.pk and profile.state == ClusterProfile.State.PUBLISHED:
        stored = ClusterProfile.objects.get(pk=profile.pk)
        if stored.public_data() != profile.public_data() or _flags(stored) != _flags(profile):
            profile.state = ClusterProfile.State.DRAFT
    return audit.save(actor, profile, note="profile edited")


def _flags(profile) -> dict:
    return {name: getattr(profile, f"{name}_public") for name in CONTACT_FIELDS}


@transaction.atomic
def submit(actor: audit.Actor, profile: ClusterProfile) -> None:
    if profile.pk is None or profile.state != ClusterProfile.State.DRAFT:
        raise WorkflowError(_("Only a draft can be submitted."))
    if not profile.description.strip():
        raise WorkflowError(_("Write the description (Dutch) before submitting."))
    profile.state = ClusterProfile.State.SUBMITTED
    profile.submitted_at = timezone.now()
    audit.save(actor, profile, note="profile submitted")


@transaction.atomic
def publish(actor: audit.Actor, profile: ClusterProfile) -> ProfilePublication:
    """Publish the submitted working copy: a new, immutable publication of only the
    published fields, which the public pages show from now on."""
    if profile.state != ClusterProfile.State.SUBMITTED:
        raise WorkflowError(_("Only a submitted profile can be published."))
    publication = ProfilePublication(
        cluster=profile.cluster,
        data=profile.public_data(),
        published_at=timezone.now(),
        published_by=actor.user if getattr(actor.user, "pk", None) else None,
    )
    audit.save(actor, publication, note="profile published")
    profile.publication = publication
    profile.state = ClusterProfile.State.PUBLISHED
    profile.return_comment = ""
    audit.save(actor, profile, note="profile published")
    return publication


@transaction.atomic
def return_to_draft(actor: audit.Actor, profile: ClusterProfile, comment: str) -> None:
    """Send the submitted profile back to its cluster manager with a comment; what was
    published before stays public."""
    if profile.state != ClusterProfile.State.SUBMITTED:
        raise WorkflowError(_("Only a submitted profile can be returned."))
    profile.state = ClusterProfile.State.DRAFT
    profile.return_comment = comment
    audit.save(actor, profile, note="profile returned")


#: The fields of a publication in the order the diff lists them, with their labels.
def diff_fields() -> list[tuple[str, str]]:
    meta = ClusterProfile._meta
    names = [n for name in TEXT_FIELDS for n in (name, f"{name}_en")]
    names += [*LINK_FIELDS, *CONTACT_FIELDS]
    return [(name, meta.get_field(name).verbose_name) for name in names]


def diff(published: dict | None, proposed: dict) -> list[dict]:
    """Field by field (both languages): what is public now and what publishing the
    working copy would show, and whether it changes."""
    published = published or {}
    rows = []
    for name, label in diff_fields():
        before, after = published.get(name, ""), proposed.get(name, "")
        rows.append({"name": name, "label": label, "before": before, "after": after,
                     "changed": before != after})  # fmt: skip
    return rows


# The programme's public page ------------------------------------------------------------

#: The front page's texts before the programme manager writes their own (the texts the
#: front page had in its template), in English; Dutch from the catalogue.
DEFAULT_TEXTS = {
    "introduction": gettext_noop(
        "A cluster brings companies, research centres and other organisations together "
        "around a shared domain, to innovate together and to grow. The agency supports "
        "clusters for a limited number of years; their members co-finance them."
    ),
    "how_to_apply": gettext_noop(
        "A cluster is funded in answer to a call for one cluster type. Read the call's "
        "rules, prepare the proposal with the organisations that will be its members and "
        "submit it to the agency before the call closes. The agency's contact answers "
        "questions before you submit."
    ),
}


def default_page(programme) -> ProgrammePage:
    """The page as it is before the programme manager first saves it (unsaved): today's
    texts in Dutch and English, the agency as the contact."""
    values = {}
    for name, text in DEFAULT_TEXTS.items():
        with translation.override("nl"):
            values[name] = gettext(text)
        values[f"{name}_en"] = text
    return ProgrammePage(programme=programme, contact_name=programme.agency, **values)


def programme_page(programme) -> ProgrammePage:
    """The programme's page: the saved one, or the defaults."""
    return ProgrammePage.objects.filter(programme=programme).first() or default_page(programme)


def save_programme_page(actor: audit.Actor, page: ProgrammePage) -> bool:
    """Save the page the programme manager edited (a form's instance), audited."""
    return audit.save(actor, page, note="programme page edited")
