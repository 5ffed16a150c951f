"""Invitations of a wave: generated from the member registry, sent, reminded, exported
for a mail merge; and the response tracking (invited / started / completed).

One invitation per member company per cluster of the wave: a company in two IBNs is
invited twice and answers about each ("IBN X" is filled in with that cluster's name).
A member is a company (`Organisation.kind == company`) whose membership is active on
the wave's opening day. Its e-mail is that of the membership's first contact person
(in the order they were entered) that has one; without one the invitation has no
e-mail and is listed as such (the mail-merge export still carries its link).

A manager wave (`Wave.is_manager_wave`, the cluster-manager questionnaire) invites
instead each active user who manages one of the wave's clusters (a cluster-manager role
assignment), with that user's e-mail, the cluster and no organisation; a manager without
an e-mail address is left out (the invitation is recognised by its address).

Each invitation keeps a snapshot of the respondent's profile, so that later registry
changes do not move old results: cluster code, call number, embedding, and the size
class from the latest headcount in the registry up to the wave's year (small < 50,
medium_large ≥ 50, unknown).
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import connection, transaction
from django.db.models import Count, F, Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from clustermonitor.accounts.models import Role, RoleAssignment
from clustermonitor.core import audit
from clustermonitor.core.exporters import Sheet
from clustermonitor.core.models import AuditEntry
from clustermonitor.members.models import Contact, Membership
from clustermonitor.registry.models import FirmFigures, Organisation
from clustermonitor.surveys import tokens
from clustermonitor.surveys.models import Invitation, ReminderRun, Response, Wave

SMALL_BELOW = 50  # employees: small < 50 ≤ medium_large (the 2020 survey's KO / (M)GO)

#: Never copied into the audit log.
HIDDEN_FIELDS = ("token_hash", "nonce")


# -- Profile -------------------------------------------------------------------------


def size_of(employees) -> str:
    if employees is None:
        return "unknown"
    return "small" if Decimal(str(employees)) < SMALL_BELOW else "medium_large"


def _number(value):
    if value is None:
        return None
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def headcounts(organisation_ids, year: int) -> dict[int, object]:
    """Each organisation's latest headcount in the registry up to `year` (one query)."""
    latest = {}
    for org_id, employees in (
        FirmFigures.objects.filter(
            organisation_id__in=list(organisation_ids), year__lte=year, employees__isnull=False
        )
        .order_by("year")
        .values_list("organisation_id", "employees")
    ):
        latest[org_id] = employees
    return latest


def profile_for(cluster, employees=None) -> dict:
    """The profile snapshot of a respondent of `cluster` with this headcount."""
    return {
        "cluster": cluster.code,
        "call": str(cluster.call.number) if cluster.call_id else "",
        "embedding": cluster.embedding or "",
        "size": size_of(employees),
        "employees": _number(employees),
    }


# -- Generation ----------------------------------------------------------------------


def wave_clusters(wave: Wave, codes=None):
    clusters = wave.clusters.select_related("call").order_by("code")
    if codes:
        clusters = clusters.filter(code__in=list(codes))
    return clusters


def _member_companies(wave: Wave):
    return (
        Membership.objects.filter(
            cluster__in=wave.clusters.all(), organisation__kind=Organisation.Kind.COMPANY
        )
        .active_on(wave.opens_on)
        .select_related("organisation", "cluster__call")
        .prefetch_related(Prefetch("contacts", queryset=Contact.objects.order_by("pk")))
        .order_by("cluster__code", "organisation__name", "pk")
    )


def _cluster_managers(wave: Wave):
    """The role assignments of the active users who manage one of the wave's clusters."""
    return (
        RoleAssignment.objects.filter(
            role=Role.CLUSTER_MANAGER, cluster__in=wave.clusters.all(), user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user", "cluster__call")
        .order_by("cluster__code", "user__email", "pk")
    )


def _manager_plan(wave: Wave):
    """`_plan` for a manager wave: (role assignment, e-mail) per new invitation, keyed by
    the address and the cluster; nothing to fill in (no invitation lacks an address)."""
    existing = {
        (i.email.lower(), i.cluster_id) for i in wave.invitations.only("email", "cluster_id")
    }
    new, seen, already = [], set(), 0
    for assignment in _cluster_managers(wave):
        key = (assignment.user.email.lower(), assignment.cluster_id)
        if key in seen:
            continue
        seen.add(key)
        if key in existing:
            already += 1
            continue
        new.append((assignment, assignment.user.email))
    return new, [], already


def _first_email(membership) -> str:
    return next((c.email for c in membership.contacts.all() if c.email), "")


def _audit_created(actor: audit.Actor, invitations, note: str) -> None:
    """One audit entry per new invitation, written in one go (the link's hash left out)."""
    content_type = ContentType.objects.get_for_model(Invitation)
    user = actor.user if getattr(actor.user, "pk", None) else None
    entries = []
    for invitation in invitations:
        after = audit.snapshot(invitation)
        for name in HIDDEN_FIELDS:
            after.pop(name, None)
        entries.append(
            AuditEntry(
                actor=user,
                via=actor.via,
                action=AuditEntry.Action.CREATE,
                content_type=content_type,
                object_id=str(invitation.pk),
                object_repr=f"{_who(invitation)} ({invitation.cluster.code})"[:200],
                after=after,
                note=note[:300],
            )
        )
    AuditEntry.objects.bulk_create(entries, batch_size=500)


def _who(invitation: Invitation) -> str:
    """The organisation's name, or a manager wave's invitation's e-mail address."""
    return invitation.organisation.name if invitation.organisation_id else invitation.email


def _refuse_if_closed(wave: Wave, what: str) -> None:
    if wave.is_closed(timezone.localdate()):
        raise ValidationError(
            _("The wave closed on %(day)s: %(what)s is no longer possible.")
            % {"day": wave.closes_on.strftime("%d/%m/%Y"), "what": what}
        )


def _plan(wave: Wave):
    """What generating does now: the memberships that get a new invitation (with the
    address they get), the existing invitations whose missing address the registry now
    has, and how many already have one. Reads only."""
    if wave.is_manager_wave:
        return _manager_plan(wave)
    existing = {
        (i.organisation_id, i.cluster_id): i
        for i in wave.invitations.only("pk", "organisation_id", "cluster_id", "email")
    }
    new, fill, seen, already = [], [], set(), 0
    for membership in _member_companies(wave):
        key = (membership.organisation_id, membership.cluster_id)
        if key in seen:
            continue
        seen.add(key)
        email = _first_email(membership)
        if key in existing:
            already += 1
            if not existing[key].email and email:
                fill.append((existing[key], email))
            continue
        new.append((membership, email))
    return new, fill, already


def preview(wave: Wave) -> dict[str, int]:
    """The counts the confirmation of "Generate invitations" shows; writes nothing:
    new invitations, their clusters, the new ones without an e-mail address, those
    already there and the addresses that will be filled in."""
    new, fill, already = _plan(wave)
    return {
        "created": len(new),
        "clusters": len({m.cluster_id for m, _email in new}),
        "no_email": sum(1 for _m, email in new if not email),
        "existing": already,
        "email_filled": len(fill),
    }


@transaction.atomic
def generate(actor: audit.Actor, wave: Wave) -> dict[str, int]:
    """Create the invitations of the wave's member companies that have none yet.

    Idempotent: re-running adds only new members (and fills in an e-mail address that
    was missing and is now in the registry; an address is never changed)."""
    wave = (
        Wave.objects.select_for_update(of=("self",)).select_related("questionnaire").get(pk=wave.pk)
    )
    _refuse_if_closed(wave, _("generating invitations"))
    planned, fill, already = _plan(wave)
    counts = Counter(created=0, existing=already, no_email=0, email_filled=0)
    for invitation, email in fill:
        Invitation.objects.filter(pk=invitation.pk).update(email=email)
        audit.record(
            actor,
            AuditEntry.Action.UPDATE,
            invitation,
            before={"email": ""},
            after={"email": email},
            note=_("e-mail from the member registry"),
        )
        counts["email_filled"] += 1
    new = []
    if wave.is_manager_wave:
        for assignment, email in planned:
            new.append(
                Invitation(
                    wave=wave,
                    cluster=assignment.cluster,
                    email=email,
                    nonce=tokens.new_nonce(),
                    token_hash=tokens.placeholder_hash(),
                    profile=profile_for(assignment.cluster),
                )
            )
        planned = []
    staff = headcounts({m.organisation_id for m, _email in planned}, wave.opens_on.year)
    for membership, email in planned:
        new.append(
            Invitation(
                wave=wave,
                membership=membership,
                organisation=membership.organisation,
                cluster=membership.cluster,
                email=email,
                nonce=tokens.new_nonce(),
                token_hash=tokens.placeholder_hash(),
                profile=profile_for(membership.cluster, staff.get(membership.organisation_id)),
            )
        )
        counts["no_email"] += not email
    if new:
        created = insert_with_tokens(wave, new)
        note = (
            _("generated from the clusters' managers")
            if wave.is_manager_wave
            else _("generated from the member registry")
        )
        _audit_created(actor, created, note=note)
        counts["created"] = len(created)
    return dict(counts)


# -- Mailings ------------------------------------------------------------------------


def _message(invitation: Invitation, kind: str) -> tuple:
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "cluster": invitation.cluster,
        "wave": invitation.wave,
        "link": tokens.link_for(invitation),
        "reminder": kind == ReminderRun.Kind.REMINDER,
        "site": settings.SITE_URL,
    }
    suffix = "_reminder" if kind == ReminderRun.Kind.REMINDER else ""
    subject = render_to_string(f"surveys/invitation_email{suffix}_subject.txt", context)
    prefix = "manager_" if invitation.wave.is_manager_wave else ""
    body = render_to_string(f"surveys/{prefix}invitation_email{suffix}.txt", context)
    return (" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def _send_on_commit(messages: list[tuple]) -> None:
    """One connection for the whole batch, once the transaction has committed."""
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages))


def _log(actor: audit.Actor, wave: Wave, kind: str, clusters, count: int) -> ReminderRun:
    run = ReminderRun(
        wave=wave,
        kind=kind,
        sent_by=actor.user if getattr(actor.user, "pk", None) else None,
        clusters=sorted(clusters or []),
        count=count,
    )
    audit.save(actor, run, validate=False)
    return run


def _selected(wave: Wave, clusters):
    invitations = wave.invitations.select_related("organisation", "cluster", "wave__questionnaire")
    if clusters:
        invitations = invitations.filter(cluster__code__in=list(clusters))
    return invitations


def to_send(wave: Wave, clusters=None):
    """Invitations not sent yet that have an e-mail (what `send` e-mails)."""
    return _selected(wave, clusters).filter(sent_at__isnull=True).exclude(email="")


def unsent(wave: Wave, clusters=None):
    """Invitations not sent yet, with or without an e-mail (what `mark_sent` records)."""
    return _selected(wave, clusters).filter(sent_at__isnull=True)


@transaction.atomic
def send(actor: audit.Actor, wave: Wave, clusters=None) -> int:
    """E-mail the invitations not sent yet (of `clusters`' codes, default all), after the
    transaction commits; logged as one mailing."""
    _refuse_if_closed(wave, _("sending invitations"))
    invitations = list(to_send(wave, clusters).order_by("pk"))
    if not invitations:
        return 0
    messages = [_message(i, ReminderRun.Kind.INVITATION) for i in invitations]
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(sent_at=timezone.now())
    _send_on_commit(messages)
    _log(actor, wave, ReminderRun.Kind.INVITATION, clusters, len(messages))
    return len(messages)


def to_remind(wave: Wave, clusters=None):
    """Invitations sent and not completed (started or not) that have an e-mail."""
    return (
        _selected(wave, clusters)
        .filter(sent_at__isnull=False)
        .exclude(email="")
        .exclude(response__completed_at__isnull=False)
    )


@transaction.atomic
def remind(actor: audit.Actor, wave: Wave, clusters=None) -> int:
    """Remind everyone invited who has not completed (of `clusters`, default all)."""
    _refuse_if_closed(wave, _("sending reminders"))
    invitations = list(to_remind(wave, clusters).order_by("pk"))
    if not invitations:
        return 0
    messages = [_message(i, ReminderRun.Kind.REMINDER) for i in invitations]
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(
        reminders=F("reminders") + 1, last_reminded_at=timezone.now()
    )
    _send_on_commit(messages)
    _log(actor, wave, ReminderRun.Kind.REMINDER, clusters, len(messages))
    return len(messages)


@transaction.atomic
def mark_sent(actor: audit.Actor, wave: Wave, clusters=None) -> int:
    """Record that the invitations not sent yet went out by a mail merge (so reminders
    reach them too); logged as an invitation mailing."""
    count = unsent(wave, clusters).update(sent_at=timezone.now())
    if count:
        _log(actor, wave, ReminderRun.Kind.INVITATION, clusters, count)
    return count


def open_links(wave: Wave) -> int:
    """The invitations whose link still leads to a questionnaire not completed: what
    closing the wave stops."""
    return wave.invitations.exclude(response__completed_at__isnull=False).count()


def close(actor: audit.Actor, wave: Wave, today: datetime.date | None = None) -> bool:
    """Close the wave now: its last day becomes yesterday (the day it opened, when it
    opened today), so the links stop working at once. Returns whether it changed."""
    today = today or timezone.localdate()
    if wave.is_closed(today):
        return False
    if wave.opens_on > today:
        raise ValidationError(
            _("This wave has not opened yet: change its dates instead of closing it.")
        )
    wave.closes_on = max(wave.opens_on, today - datetime.timedelta(days=1))
    # A wave that opened today keeps that day as its last one, and closed_at closes it
    # at once (Wave.is_open), so its links stop working now, not tomorrow.
    wave.closed_at = timezone.now()
    return audit.save(actor, wave, note=_("closed"))


MAIL_MERGE_HEADERS = (
    "organisation",
    "enterprise_number",
    "cluster",
    "cluster_name",
    "email",
    "link",
)


def mail_merge_rows(wave: Wave, clusters=None):
    """One row per invitation for a mail merge: organisation, enterprise number, cluster
    code and name, e-mail (may be empty), personal link."""
    invitations = _selected(wave, clusters).order_by("cluster__code", "organisation__name", "pk")
    for invitation in invitations:
        organisation = invitation.organisation
        yield [
            _who(invitation),
            organisation.enterprise_number_display
            if organisation and organisation.enterprise_number
            else "",
            invitation.cluster.code,
            invitation.cluster.name,
            invitation.email,
            tokens.link_for(invitation),
        ]


def without_email(wave: Wave):
    return (
        wave.invitations.filter(email="")
        .select_related("organisation", "cluster")
        .order_by("cluster__code", "organisation__name")
    )


# -- Response tracking ---------------------------------------------------------------


@dataclass
class TrackingRow:
    code: str
    name: str
    invited: int = 0
    started: int = 0
    completed: int = 0
    cluster: object = None

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def started_rate(self) -> float | None:
        return self._rate(self.started, self.invited)

    @property
    def completed_rate(self) -> float | None:
        return self._rate(self.completed, self.invited)


#: A response counts as started once any answer is saved (or it is complete).
STARTED = Q(completed_at__isnull=False) | ~Q(answers={})


def tracking_headers() -> list[str]:
    """The columns of a tracking table (`tracking`'s rows), in the current language."""
    return [
        _("Cluster"),
        _("Name"),
        _("Invited"),
        pgettext("survey", "Started"),
        _("Started (%)"),
        _("Completed"),
        _("Completed (%)"),
    ]


def tracking(wave: Wave, codes=None) -> tuple[list[TrackingRow], TrackingRow]:
    """Invited / started / completed per cluster of the wave (of `codes`) and overall.

    A response counts for the cluster of its invitation, or, imported without one, for
    the cluster in its profile. Three queries whatever the number of invitations."""
    clusters = list(wave_clusters(wave, codes))
    rows = {c.code: TrackingRow(code=c.code, name=c.name, cluster=c) for c in clusters}
    code_of = {c.pk: c.code for c in clusters}
    invited = (
        wave.invitations.filter(cluster__in=[c.pk for c in clusters])
        .values("cluster_id")
        .annotate(n=Count("pk"))
    )
    for item in invited:
        rows[code_of[item["cluster_id"]]].invited = item["n"]
    responses = (
        Response.objects.filter(wave=wave)
        .filter(STARTED)
        .values("invitation__cluster_id", "profile__cluster")
        .annotate(started=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False)))
    )
    for item in responses:
        code = code_of.get(item["invitation__cluster_id"]) or item["profile__cluster"]
        if code in rows:
            rows[code].started += item["started"]
            rows[code].completed += item["completed"]
    ordered = [rows[c.code] for c in clusters]
    total = TrackingRow(
        code="",
        name=_("All clusters"),
        invited=sum(r.invited for r in ordered),
        started=sum(r.started for r in ordered),
        completed=sum(r.completed for r in ordered),
    )
    return ordered, total


def slowest_first(rows: list[TrackingRow]) -> list[TrackingRow]:
    """Clusters by response rate, lowest first (those without invitations last)."""
    return sorted(rows, key=lambda r: (r.started_rate is None, r.started_rate or 0, r.code))


def mailing_counts(wave: Wave) -> dict[str, dict]:
    """Per cluster code: invitations with an e-mail not sent yet, and to remind."""
    result = defaultdict(lambda: {"unsent": 0, "to_remind": 0})
    unsent = (
        wave.invitations.filter(sent_at__isnull=True)
        .exclude(email="")
        .values("cluster__code")
        .annotate(n=Count("pk"))
    )
    for item in unsent:
        result[item["cluster__code"]]["unsent"] = item["n"]
    for item in to_remind(wave).values("cluster__code").annotate(n=Count("pk")):
        result[item["cluster__code"]]["to_remind"] = item["n"]
    return result


def insert_with_tokens(wave, rows: list[Invitation], batch_size: int = 500) -> list[Invitation]:
    """Write new invitations (each with a nonce and a placeholder hash) and then their
    token hashes, which derive from the ids the insert gives (tokens.assign)."""
    created = Invitation.objects.bulk_create(rows, batch_size=batch_size)
    if any(i.pk is None for i in created):  # a database that returns no ids
        by_hash = dict(
            Invitation.objects.filter(
                wave=wave, token_hash__startswith=tokens.PLACEHOLDER_PREFIX
            ).values_list("token_hash", "pk")
        )
        for invitation in created:
            invitation.pk = by_hash[invitation.token_hash]
    for invitation in created:
        tokens.assign(invitation)
    table, quote = Invitation._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:  # bulk_update's CASE takes ten times as long
        cursor.executemany(
            f"UPDATE {quote(table)} SET {quote('token_hash')} = %s WHERE {quote('id')} = %s",
            [(invitation.token_hash, invitation.pk) for invitation in created],
        )
    return created


def _mail_merge_headers() -> list[str]:
    """The mail-merge columns in the interface language (the .xlsx); the .csv keeps the
    fixed field names of MAIL_MERGE_HEADERS."""
    return [
        _("Organisation"),
        _("Enterprise number"),
        _("Cluster"),
        _("Cluster name"),
        _("E-mail"),
        _("Link"),
    ]


def mail_merge_sheet(wave: Wave) -> Sheet:
    """The wave's invitations for a mail merge, as the .xlsx download."""
    return Sheet(_("Invitations"), _mail_merge_headers(), list(mail_merge_rows(wave)))


def tracking_sheet(rows, total) -> Sheet:
    """The response per cluster (tracking()) and its total as the .xlsx download."""
    headers = tracking_headers()
    data = [
        [
            r.code,
            r.name,
            r.invited,
            r.started,
            r.started_rate,
            r.completed,
            r.completed_rate,
        ]
        for r in [*rows, total]
    ]
    return Sheet(_("Response"), headers, data, number_formats={4: "0.0%", 6: "0.0%"})
