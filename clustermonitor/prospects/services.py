"""Writes to a cluster's pipeline, all audited (core.audit): adding and editing a
prospect, moving it through its stages (each move a ProspectStep: who, when, from → to),
"lost" with a reason, "joined" starting the membership and proposing its fee, and
deleting one added by mistake.

The public portal sits above this app: its join requests become prospects
(`from_join_request`), and it learns of a prospect that joined or was lost through a hook
it registers (`register`), so that a join request answered from the pipeline is answered
as from its own page (accepted with the membership, or declined, the company told)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clustermonitor.core import audit
from clustermonitor.members import services as members
from clustermonitor.members.contributions import size_classes
from clustermonitor.members.models import Contribution, FeeSchedule
from clustermonitor.prospects.models import (
    OPEN_STAGES,
    LostReason,
    Prospect,
    ProspectStep,
    Source,
    Stage,
)
from clustermonitor.registry import partners
from clustermonitor.registry.models import Organisation


class WorkflowError(Exception):
    """The prospect is not in a state that allows this step (the message says why)."""


#: Apps above this one that follow the pipeline (the portal's join requests): each an
#: object with `joined(actor, prospect, membership)` and `lost(actor, prospect, message)`.
HOOKS: list = []


def register(hook) -> None:
    if hook not in HOOKS:
        HOOKS.append(hook)


# -- The company --------------------------------------------------------------------------


def look_up(number: str, organisations=None) -> tuple[str, Organisation | None, dict]:
    """Where the company of an enterprise number was found: ("registry", the registry's
    organisation, {}), else ("kbo", None, the KBO lookup's record; docs/kbo.md), else
    ("", None, {}). `organisations`: the part of the registry searched (for a person, what
    they may see: accounts.access.organisations_for; all by default)."""
    organisations = Organisation.objects.all() if organisations is None else organisations
    organisation = organisations.filter(enterprise_number=number).first()
    if organisation is not None:
        return "registry", organisation, {}
    from clustermonitor.registry import kbo

    for record in kbo.search_lookup(number, limit=1):
        if record["enterprise_number"] == number:
            found = {k: v for k, v in record.items() if v not in (None, "")}
            if isinstance(found.get("start_date"), datetime.date):
                found["start_date"] = found["start_date"].isoformat()
            return "kbo", None, found
    return "", None, {}


def _looked_up(prospect: Prospect, organisations=None) -> None:
    """The company looked up by its number (a KBO record the prospect brought along, from
    a join request, is kept when the lookup finds nothing now)."""
    found_in, organisation, company = look_up(prospect.enterprise_number, organisations)
    if found_in or not prospect.company:
        prospect.found_in, prospect.organisation, prospect.company = found_in, organisation, company
    if not prospect.company_name:
        if prospect.organisation is not None:
            prospect.company_name = prospect.organisation.name
        elif prospect.company.get("name"):
            prospect.company_name = prospect.company["name"][:300]


def _organisation_data(actor: audit.Actor, prospect: Prospect) -> dict:
    """What add_member gets: the registry's organisation (found again by number), else a
    new one from the KBO lookup's record, else from the name typed."""
    number = prospect.enterprise_number
    if not Organisation.objects.filter(enterprise_number=number).exists():
        _kind, _organisation, record = look_up(number)
        record = record or prospect.company
        if record:
            record = {**record, "enterprise_number": number}
            if record.get("start_date"):
                record["start_date"] = datetime.date.fromisoformat(record["start_date"])
            partners.organisation_for(actor, record, note=f"prospect {prospect.cluster.code}")
    return {
        "enterprise_number": number,
        "name": prospect.company_name,
        "kind": Organisation.Kind.COMPANY,
    }


# -- Adding and editing ---------------------------------------------------------------------


def _step(actor, prospect, before: str, note: str = "", at=None) -> ProspectStep:
    step = ProspectStep(
        prospect=prospect,
        from_stage=before,
        to_stage=prospect.stage,
        at=at or timezone.now(),
        by=actor.user if getattr(actor.user, "pk", None) else None,
        note=note[:300],
    )
    audit.save(actor, step, note=f"prospect {before or '–'} → {prospect.stage}")
    return step


@transaction.atomic
def create(
    actor: audit.Actor, prospect: Prospect, *, note: str = "", at=None, organisations=None
) -> Prospect:
    """Add a prospect (at its first stage, an open one), the company looked up by its
    enterprise number (in `organisations`, the part of the registry the person adding it
    may see, else the KBO lookup)."""
    if prospect.stage not in OPEN_STAGES:
        raise WorkflowError(_("A new prospect starts at an open stage."))
    _looked_up(prospect, organisations)
    if at is not None:
        prospect.created_at = at
    try:
        with transaction.atomic():  # a double submit: the second is refused, not a 500
            audit.save(actor, prospect, note="prospect added")
    except ValidationError as exc:  # the constraint checked, or another field refused
        raise WorkflowError(members.describe(exc)) from None
    except IntegrityError:  # the same company inserted at the same moment
        raise WorkflowError(_("This company is in the cluster's pipeline already.")) from None
    _step(actor, prospect, "", note, at=at)
    return prospect


@transaction.atomic
def update(actor: audit.Actor, prospect: Prospect, *, organisations=None) -> bool:
    """Save an edited prospect (its stage moves only through `move`); the company looked
    up again when its number changed."""
    stored = Prospect.objects.select_for_update().get(pk=prospect.pk)
    if stored.stage != prospect.stage:
        raise WorkflowError(_("Move the prospect to another stage with its own button."))
    if stored.enterprise_number != prospect.enterprise_number:
        if stored.stage == Stage.JOINED:
            raise WorkflowError(_("The company of a prospect that joined stays the same."))
        _looked_up(prospect, organisations)
    return audit.save(actor, prospect, note="prospect changed")


@transaction.atomic
def delete(actor: audit.Actor, prospect: Prospect) -> int:
    """Delete a prospect (added by mistake, or one the cluster no longer follows) with its
    steps, each deletion in the audit log (the contact person as a pseudonym). One that
    joined is kept: its membership started from it and the KPI 2 figure counts it.
    Returns how many steps went with it."""
    prospect = _locked(prospect)
    if prospect.stage == Stage.JOINED:
        raise WorkflowError(_("A prospect that joined is kept: its membership started from it."))
    steps = list(prospect.steps.order_by("at", "pk"))
    for step in steps:
        audit.delete(actor, step, note="deleted with its prospect")
    audit.delete(actor, prospect, note="prospect deleted")
    return len(steps)


# -- Moving through the stages -------------------------------------------------------------


def _locked(prospect: Prospect) -> Prospect:
    return Prospect.objects.select_for_update().select_related("cluster").get(pk=prospect.pk)


@transaction.atomic
def move(
    actor: audit.Actor, prospect: Prospect, stage: str, *, note: str = "", at=None
) -> Prospect:
    """Move a prospect to an open stage (also a lost one back into the pipeline). Joined
    and lost have their own steps (`join`, `lose`)."""
    prospect = _locked(prospect)
    if stage not in OPEN_STAGES:
        raise WorkflowError(_("Joined and lost have their own steps."))
    if prospect.stage == Stage.JOINED:
        raise WorkflowError(_("This company joined; its membership is kept with the members."))
    if prospect.stage == stage:
        raise WorkflowError(_("The prospect is at this stage already."))
    before = prospect.stage
    prospect.stage = stage
    prospect.lost_reason, prospect.lost_note = "", ""
    try:
        audit.save(actor, prospect, note=f"prospect moved to {stage}")
    except ValidationError as exc:
        raise WorkflowError(members.describe(exc)) from None
    _step(actor, prospect, before, note, at=at)
    return prospect


@transaction.atomic
def lose(
    actor: audit.Actor,
    prospect: Prospect,
    reason: str,
    *,
    note: str = "",
    message: str = "",
    hooks: bool = True,
    at=None,
) -> Prospect:
    """The prospect is lost, for `reason` (a LostReason) in a few words (`note`); a join
    request it came from is declined with `message` to the company (the portal's hook)."""
    prospect = _locked(prospect)
    if prospect.stage not in OPEN_STAGES:
        raise WorkflowError(_("Only an open prospect can be lost."))
    if reason not in LostReason.values:
        raise WorkflowError(_("Say why the prospect was lost."))
    before = prospect.stage
    prospect.stage = Stage.LOST
    prospect.lost_reason, prospect.lost_note = reason, note[:300]
    prospect.next_step_date = None
    audit.save(actor, prospect, note="prospect lost")
    _step(actor, prospect, before, note, at=at)
    if hooks:
        for hook in HOOKS:
            hook.lost(actor, prospect, message)
    return prospect


@transaction.atomic
def join(
    actor: audit.Actor,
    prospect: Prospect,
    start_date: datetime.date,
    *,
    note: str = "",
    at=None,
):
    """The prospect joins: its company's membership of the cluster starts on
    `start_date` (members.services.add_member: the registry's organisation with its
    number, else a new one from the KBO lookup's record or the name typed). Returns the
    membership; the fee is proposed on the prospect's page (`fee_proposal`)."""
    prospect = _locked(prospect)
    if prospect.stage not in OPEN_STAGES:
        raise WorkflowError(_("Only an open prospect can join."))
    try:
        membership = members.add_member(
            actor, prospect.cluster, _organisation_data(actor, prospect), start_date
        )
    except ValidationError as exc:
        raise WorkflowError(members.describe(exc)) from None
    before = prospect.stage
    prospect.stage = Stage.JOINED
    prospect.membership = membership
    prospect.organisation = membership.organisation
    prospect.found_in = prospect.found_in or "registry"
    prospect.next_step_date = None
    audit.save(actor, prospect, note="prospect joined")
    _step(actor, prospect, before, note, at=at)
    for hook in HOOKS:
        hook.joined(actor, prospect, membership)
    return membership


# -- The portal's join requests -------------------------------------------------------------


@transaction.atomic
def from_join_request(actor: audit.Actor, join) -> Prospect:
    """The prospect of a confirmed join request (portal.JoinRequest): made once, at
    stage new, source "portal join request", with the company as looked up."""
    prospect = Prospect.objects.filter(join_request_id=join.pk).first()
    if prospect is not None:
        return prospect
    prospect = Prospect(
        cluster=join.cluster,
        stage=Stage.NEW,
        source=Source.PORTAL,
        enterprise_number=join.enterprise_number,
        company_name=join.company_name,
        contact_name=join.contact_name,
        contact_email=join.email,
        note=join.message,
        company=join.company or {},
        found_in="kbo" if join.company else "",
        join_request_id=join.pk,
        next_step=_("Answer the join request"),
        next_step_date=timezone.localdate(join.confirmed_at) if join.confirmed_at else None,
    )
    # The same company already in the pipeline: the request joins that prospect.
    same = (
        Prospect.objects.select_for_update()
        .filter(
            cluster=join.cluster,
            enterprise_number=join.enterprise_number,
            stage__in=OPEN_STAGES,
            join_request_id__isnull=True,
        )
        .first()
    )
    if same is not None:
        same.join_request_id = join.pk
        same.next_step = prospect.next_step
        same.next_step_date = prospect.next_step_date
        audit.save(actor, same, note="join request joins the prospect")
        return same
    return create(actor, prospect, note=_("Asked to join on the public portal."))


# -- The fee ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeeProposal:
    year: int
    size_class: str
    amount: Decimal


def fee_proposal(prospect: Prospect) -> FeeProposal | None:
    """The fee a prospect that joined would pay in the year its membership starts: the
    cluster's fee schedule of that year at the company's size class (or the schedule's
    "everyone else"); None without a membership, a schedule or a fee for its class, or
    once that year's contribution exists."""
    membership = prospect.membership
    if membership is None or prospect.stage != Stage.JOINED:
        return None
    year = membership.start_date.year
    if Contribution.objects.filter(membership=membership, year=year).exists():
        return None
    schedule = FeeSchedule.objects.filter(cluster_id=prospect.cluster_id, year=year).first()
    if schedule is None:
        return None
    tiers = {t.size_class: t.amount for t in schedule.tiers.all()}
    size = size_classes({membership.organisation_id}, year)[membership.organisation_id]
    amount = tiers.get(size, tiers.get(""))
    if amount is None:
        return None
    return FeeProposal(year=year, size_class=size, amount=amount)


@transaction.atomic
def confirm_fee(actor: audit.Actor, prospect: Prospect, amount: Decimal) -> Contribution:
    """The manager confirms the proposed fee (the amount possibly changed): the member's
    expected contribution for the year its membership starts."""
    prospect = _locked(prospect)
    proposal = fee_proposal(prospect)
    if proposal is None:
        raise WorkflowError(_("There is no fee to propose (any more)."))
    contribution = Contribution(
        membership=prospect.membership,
        year=proposal.year,
        amount=amount,
        status=Contribution.Status.EXPECTED,
    )
    try:
        audit.save(actor, contribution, note="fee proposed by the prospects' pipeline")
    except ValidationError as exc:
        raise WorkflowError(members.describe(exc)) from None
    return contribution
