"""Reads of the self-service pages: what one member company sees (always narrowed to that
company by accounts.access first), the board of offers and requests, what is kept about
one signed-in person ("download my data")."""

import datetime

from django.db.models import Count, Prefetch, Q

from clustermonitor.accounts import access
from clustermonitor.accounts.models import User
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.core.panels import personal_data_sources
from clustermonitor.members.models import Contact, Membership
from clustermonitor.selfservice.models import (
    ClusterMatching,
    CompetenceProfile,
    ErasureRequest,
    Interest,
    MemberAccount,
    Posting,
    Technology,
    Visibility,
)


def own_clusters(organisation, on: datetime.date) -> set[int]:
    return access.clusters_of_member(organisation, Membership.objects, on)


def cross_clusters(cluster_ids: set[int]) -> set[int]:
    """Those of `cluster_ids` that allow cross-cluster matching."""
    return set(
        ClusterMatching.objects.filter(
            cluster_id__in=cluster_ids, allow_cross_cluster=True
        ).values_list("cluster_id", flat=True)
    )


def _with_details(postings):
    return (
        postings.select_related("organisation", "cluster")
        .prefetch_related(Prefetch("technologies", queryset=Technology.objects.order_by("key")))
        .annotate(n_interests=Count("interests", distinct=True))
    )


def board(organisation, on: datetime.date, *, kind: str = "", technology: str = ""):
    """The open offers and requests `organisation` sees, newest first, its own included."""
    clusters = own_clusters(organisation, on)
    seen = access.postings_seen_by_member(Posting.objects.all(), clusters, cross_clusters(clusters))
    postings = Posting.objects.filter(
        Q(pk__in=seen.values("pk"), status=Posting.Status.OPEN) | Q(organisation=organisation)
    )
    if kind:
        postings = postings.filter(kind=kind)
    if technology:
        postings = postings.filter(technologies__key=technology)
    return _with_details(postings).order_by("-created_at", "-pk")


def posting_for_member(organisation, pk, on: datetime.date) -> Posting:
    """An offer or request `organisation` may see (its own, or one on its board; an
    answered one stays visible to the company that answered it); 404 otherwise."""
    from django.http import Http404

    clusters = own_clusters(organisation, on)
    seen = access.postings_seen_by_member(Posting.objects.all(), clusters, cross_clusters(clusters))
    posting = (
        Posting.objects.select_related("organisation", "cluster")
        .filter(pk=pk)
        .filter(
            Q(organisation=organisation)
            | Q(pk__in=seen.filter(status=Posting.Status.OPEN).values("pk"))
            | Q(interests__organisation=organisation)
        )
        .distinct()
        .first()
    )
    if posting is None:
        raise Http404
    return posting


def interest_clusters(organisation, posting: Posting, on: datetime.date):
    """The clusters through which `organisation` may answer `posting`: the posting's own
    cluster when it is a member of it, else its clusters that allow cross-cluster
    matching (ordered by code)."""
    from clustermonitor.programmes.models import Cluster

    clusters = own_clusters(organisation, on)
    if posting.cluster_id in clusters:
        return Cluster.objects.filter(pk=posting.cluster_id)
    return Cluster.objects.filter(pk__in=cross_clusters(clusters)).order_by("code")


def fellow_profiles(organisation, on: datetime.date):
    """Competence profiles fellow members published: of organisations with an active
    membership in one of `organisation`'s clusters, visibility "members", not its own."""
    clusters = own_clusters(organisation, on)
    fellows = Membership.objects.filter(cluster_id__in=clusters).active_on(on)
    return (
        CompetenceProfile.objects.filter(
            visibility=Visibility.MEMBERS, organisation__in=fellows.values("organisation")
        )
        .exclude(organisation=organisation)
        .select_related("organisation")
        .prefetch_related(Prefetch("technologies", queryset=Technology.objects.order_by("key")))
        .order_by("organisation__name", "pk")
    )


def memberships(organisation):
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("cluster")
        .order_by("cluster__code", "start_date")
    )


def contacts(organisation):
    return (
        Contact.objects.filter(membership__organisation=organisation)
        .select_related("membership__cluster")
        .order_by("membership__cluster__code", "name", "pk")
    )


# -- The cluster manager's page -------------------------------------------------------


def cluster_page(cluster):
    members = Membership.objects.filter(cluster=cluster, end_date__isnull=True)
    invitable = (
        Contact.objects.filter(membership__in=members)
        .exclude(email="")
        .select_related("membership__organisation")
        .order_by("membership__organisation__name", "name", "pk")
    )
    accounts = (
        MemberAccount.objects.filter(organisation__memberships__in=members)
        .select_related("user", "organisation")
        .distinct()
        .order_by("organisation__name", "pk")
    )
    postings = _with_details(Posting.objects.filter(cluster=cluster)).order_by("-created_at", "-pk")
    proposals = (
        Interest.objects.filter(status=Interest.Status.ACCEPTED, collaboration__isnull=False)
        .filter(Q(posting__cluster=cluster) | Q(cluster=cluster))
        .select_related("posting__organisation", "organisation", "collaboration")
        .order_by("-pk")
    )
    erasures = (
        ErasureRequest.objects.filter(organisation__memberships__cluster=cluster)
        .select_related("organisation", "handled_by")
        .distinct()
        .order_by("status", "-requested_at", "-pk")
    )
    setting = ClusterMatching.objects.filter(cluster=cluster).first()
    return {
        "invitable": invitable,
        "accounts": accounts,
        "postings": postings,
        "proposals": proposals,
        "erasures": erasures,
        "allow_cross_cluster": bool(setting and setting.allow_cross_cluster),
    }


# -- What is kept about one person ("download my data") ---------------------------------


def _entry(entry: AuditEntry, user) -> dict:
    return {
        "at": entry.at.isoformat(),
        "action": entry.action,
        "record": entry.content_type.model,
        "record_id": entry.object_id,
        "record_name": entry.object_repr,
        "by_you": entry.actor_id == user.pk,
        "through": entry.via,
        "before": entry.before,
        "after": entry.after,
        "note": entry.note,
    }


def personal_data(user) -> dict:
    """Everything kept about `user`, as JSON-ready data with sorted keys and rows: the
    account, the self-service link, the contact-person records with their e-mail address
    (and the attendance linked to them), what they posted and answered, their erasure
    requests, the audit entries about them or by them (personal fields as the log holds
    them: pseudonyms), and what other apps registered (core.panels)."""
    email = user.email.strip()
    contacts_ = list(
        Contact.objects.filter(email__iexact=email)
        .select_related("membership__cluster", "membership__organisation")
        .prefetch_related("participations__activity")
        .order_by("pk")
        if email
        else []
    )
    account = MemberAccount.objects.filter(user=user).select_related("organisation").first()
    from django.contrib.contenttypes.models import ContentType

    user_type = ContentType.objects.get_for_model(User)
    contact_type = ContentType.objects.get_for_model(Contact)
    about = Q(content_type=user_type, object_id=str(user.pk)) | Q(actor=user)
    if contacts_:
        about |= Q(content_type=contact_type, object_id__in=[str(c.pk) for c in contacts_])
    if email:
        # Deleted contact records of theirs: found by the pseudonym of their address.
        about |= Q(content_type=contact_type, before__email=audit.pseudonym(email))
    entries = AuditEntry.objects.filter(about).select_related("content_type").order_by("at", "pk")
    data = {
        "account": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "roles": sorted(user.role_assignments.values_list("role", flat=True)),
        },
        "organisation": (
            {
                "name": account.organisation.name,
                "enterprise_number": account.organisation.enterprise_number,
                "invited_at": account.invited_at.isoformat(),
            }
            if account
            else None
        ),
        "contact_records": [
            {
                "cluster": c.membership.cluster.code,
                "organisation": c.membership.organisation.name,
                "name": c.name,
                "role": c.role,
                "email": c.email,
                "phone": c.phone,
                "attended": sorted(
                    (
                        {"activity": p.activity.title, "date": p.activity.date.isoformat()}
                        for p in c.participations.all()
                    ),
                    key=lambda row: (row["date"], row["activity"]),
                ),
            }
            for c in contacts_
        ],
        "posted": [
            {"kind": p.kind, "title": p.title, "created_at": p.created_at.isoformat()}
            for p in Posting.objects.filter(created_by=user).order_by("created_at", "pk")
        ],
        "answered": [
            {"posting": i.posting.title, "message": i.message, "sent_at": i.created_at.isoformat()}
            for i in Interest.objects.filter(created_by=user)
            .select_related("posting")
            .order_by("created_at", "pk")
        ],
        "erasure_requests": [
            {"asked_at": r.requested_at.isoformat(), "status": r.status}
            for r in ErasureRequest.objects.filter(user=user).order_by("requested_at", "pk")
        ],
        "audit_log": [_entry(e, user) for e in entries],
    }
    for source in personal_data_sources():
        data[source.key] = source.gather(user)
    return data
