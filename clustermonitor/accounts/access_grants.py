"""Who may see and do what with calls' set-ups and online applications (issue 19), kept
apart from access.py by concern and re-exported by it. Like access.py, it imports none of
the apps whose records it guards: the callers give the querysets.

- A call's set-up (opening and closing moment, conditions, form, publication) is the
  programme manager's; the rest of the agency and evaluators see that it exists (403),
  everyone else gets 404.
- The applications a call received (never drafts) and their versions: the agency — the
  programme manager, and account managers read-only. Everyone else 404.
- An applicant sees and changes only their own applications (the application's
  `applicant_account`); anyone else's id in a URL or a form body is a 404, whatever the
  role.
"""

import rules
from django.http import Http404
from django.shortcuts import get_object_or_404

from clustermonitor.accounts.access import _has, is_agency, is_programme_manager
from clustermonitor.accounts.models import Role
from clustermonitor.core.permissions import check

#: What access.py makes available as its own rules.
__all__ = [
    "GRANTS_APPLY",
    "GRANTS_RECEIVED",
    "GRANTS_SETUP",
    "application_for",
    "attachment_for",
    "own_application",
    "own_applications",
    "readable_applications",
    "received_call_for",
    "require_call_setup_editor",
    "version_for",
]

GRANTS_APPLY = "grants.apply"
GRANTS_SETUP = "grants.change_call_setup"
GRANTS_RECEIVED = "grants.view_received_applications"
is_applicant = _has(Role.APPLICANT)
is_reviewer = _has(Role.REVIEWER)
rules.add_perm(GRANTS_APPLY, is_applicant)
rules.add_perm(GRANTS_SETUP, is_programme_manager)
rules.add_perm(GRANTS_RECEIVED, is_agency)

#: The status of an application the call has not received yet (programmes.Application).
DRAFT = "draft"
#: A reviewer's declaration of no conflict of interest (review.Declaration.NONE).
NO_CONFLICT = "none"


def require_call_setup_editor(user) -> None:
    check(user, GRANTS_SETUP, visible="programmes.view_portfolio")


def received_call_for(user, calls, pk):
    """The call `pk` of `calls` whose received applications `user` may see (404
    otherwise)."""
    call = get_object_or_404(calls.select_related("programme", "cluster_type"), pk=pk)
    check(user, GRANTS_RECEIVED)
    return call


def own_applications(user, applications):
    """The applications of `applications` that are `user`'s own (as their applicant)."""
    if not (user and user.is_authenticated):
        return applications.none()
    return applications.filter(applicant_account=user)


def own_application(user, applications, pk):
    """`user`'s own application `pk` (404 for anyone else's, and for every other id)."""
    return get_object_or_404(own_applications(user, applications), pk=pk)


def readable_applications(user, applications):
    """What `user` may read: their own (drafts included), and for the agency every
    application a call received (never a draft, nor a draft withdrawn before it was
    submitted: core.known_agreements.never_submitted)."""
    if not (user and user.is_authenticated):
        return applications.none()
    if user.has_perm(GRANTS_RECEIVED):
        from django.db.models import Q

        received = ~Q(status=DRAFT) & ~(
            Q(submitted_at__isnull=True) & Q(applicant_account__isnull=False)
        )
        return applications.filter(received | Q(applicant_account=user))
    return own_applications(user, applications)


def application_for(user, applications, pk):
    return get_object_or_404(readable_applications(user, applications), pk=pk)


def version_for(user, versions, applications, pk):
    """The version `pk` of `versions` whose application `user` may read (of
    `applications`, the caller's Application.objects); 404 otherwise."""
    version = get_object_or_404(versions.select_related("application"), pk=pk)
    if not readable_applications(user, applications).filter(pk=version.application_id).exists():
        raise Http404
    return version


def _reviewed_by(user, applications):
    """The applications of `applications` that `user` reviews: an active assignment of
    theirs (review.Assignment, followed by its relation name `assignments`: grants sits
    below review) with no conflict of interest declared (the jury reads the application
    only then)."""
    if not is_reviewer(user):
        return applications.none()
    return applications.filter(
        assignments__reviewer=user,
        assignments__active=True,
        assignments__declaration=NO_CONFLICT,
    )


def _in_latest_version(attachment) -> bool:
    """Whether the attachment is one of the files of its application's latest submitted
    version (what the jury reads), not a file of a draft or of an earlier version only."""
    latest = attachment.application.versions.order_by("-number").first()
    if latest is None:
        return False
    return attachment.sha256 in {
        a.get("sha256") for a in (latest.data or {}).get("attachments") or []
    }


def attachment_for(user, attachments, applications, pk, *, own: bool = False):
    """The attachment `pk` whose application `user` may read (`own`: may change, as its
    applicant); 404 otherwise. A reviewer downloads the files of the latest submitted
    version of an application assigned to them, once they declared no conflict of
    interest, and nothing else."""
    attachment = get_object_or_404(attachments.select_related("application"), pk=pk)
    if own:
        allowed = own_applications(user, applications)
    else:
        allowed = readable_applications(user, applications)
    if allowed.filter(pk=attachment.application_id).exists():
        return attachment
    if (
        not own
        and _reviewed_by(user, applications).filter(pk=attachment.application_id).exists()
        and _in_latest_version(attachment)
    ):
        return attachment
    raise Http404
