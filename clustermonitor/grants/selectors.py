"""Reads of calls' set-ups and online applications, for grants' pages and for the review
and agreement parts (issue 19): `latest_version` and the template
grants/_version.html show what an applicant submitted."""

from __future__ import annotations

import datetime

from django.db.models import Count, Max, Prefetch

from clustermonitor.core import known_agreements
from clustermonitor.grants.models import ApplicationVersion, Attachment, CallSetup
from clustermonitor.programmes.models import Application

Status = Application.Status


def latest_version(application: Application) -> ApplicationVersion | None:
    """The last submitted version of `application` (None for a draft never submitted)."""
    return (
        ApplicationVersion.objects.filter(application=application)
        .order_by("-number")
        .select_related("submitted_by")
        .first()
    )


def versions(application: Application) -> list[ApplicationVersion]:
    return list(
        ApplicationVersion.objects.filter(application=application)
        .order_by("number")
        .select_related("submitted_by")
    )


def open_calls(now: datetime.datetime):
    """The published set-ups of calls open at `now` (opens_at ≤ now < closes_at),
    closing first first."""
    return (
        CallSetup.objects.filter(published=True, opens_at__lte=now, closes_at__gt=now)
        .exclude(questionnaire=None)
        .select_related("call__cluster_type", "call__programme")
        .order_by("closes_at", "call__number", "pk")
    )


def open_call(now: datetime.datetime, pk) -> CallSetup | None:
    """The published set-up of the open call `pk` (the call's id), else None."""
    return open_calls(now).filter(call_id=pk).first()


def received(call):
    """The applications `call` received (never drafts), with their number of versions."""
    return (
        Application.objects.filter(call=call, status__in=Application.RECEIVED)
        .exclude(known_agreements.never_submitted())
        .annotate(version_count=Count("versions"), last_version=Max("versions__number"))
        .select_related("applicant_account")
        .order_by("submitted_at", "pk")
    )


def call_counts(call) -> dict:
    """Drafts in progress and applications received (the drafts only as a number)."""
    applications = Application.objects.filter(call=call)
    return {
        "drafts": applications.filter(status=Status.DRAFT).count(),
        "received": known_agreements.applications_received(applications).count(),
    }


def mine(applications):
    """An applicant's applications (the caller's access.own_applications), newest first,
    with their call's set-up and last version."""
    return (
        applications.select_related("call__cluster_type", "call__setup")
        .prefetch_related(
            Prefetch("versions", queryset=ApplicationVersion.objects.order_by("number"))
        )
        .order_by("-pk")
    )


def attachments_of_version(version: ApplicationVersion) -> list[Attachment]:
    """The attachments a version holds (by their hashes in the version's data)."""
    wanted = [a.get("sha256") for a in version.data.get("attachments", [])]
    found = {
        a.sha256: a
        for a in Attachment.objects.filter(application=version.application_id, sha256__in=wanted)
    }
    return [found[h] for h in wanted if h in found]


def overlap(data: dict, top: int = 5) -> list:
    """The running clusters the public finder ranks for this application (its keywords
    and domain, and the applicant's enterprise number for sector and place): what the
    applicant and the jury see of its position against existing clusters. [] when the
    finder cannot use the input."""
    from clustermonitor.members import finder

    words = " ".join([*(data.get("keywords") or []), data.get("domain") or ""]).strip()
    number = data.get("applicant_enterprise_number") or ""
    if not (words or number):
        return []
    try:
        search = finder.search(enterprise_number=number, q=words)
    except finder.FinderError:
        try:
            search = finder.search(q=words) if words else None
        except finder.FinderError:
            search = None
    if search is None:
        return []
    return finder.find(search, top=top)
