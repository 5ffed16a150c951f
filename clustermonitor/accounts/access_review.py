"""Who may see and do what in the grant cycle's screening and jury (issue 19), kept apart
from access.py by concern and named there like every other rule. Like access.py, it
imports none of the apps whose records it guards: the caller hands in the records.

- The programme manager sets up a call's eligibility criteria and rubric, screens
  applications, assigns the jury, reads the ranking and records the jury's decision. The
  rest of the agency and evaluators see that these pages exist (403); everyone else 404.
- A reviewer sees only the applications assigned to them (an active assignment), and
  never another reviewer's scores before they have submitted their own.
"""

import rules
from django.http import Http404

from clustermonitor.accounts.access import _has, is_programme_manager
from clustermonitor.accounts.models import Role
from clustermonitor.core.permissions import check

#: What access.py makes available as its own rules.
__all__ = [
    "MY_ASSIGNMENTS",
    "REVIEW_MANAGE",
    "assignments_of",
    "is_reviewer",
    "may_see_other_scores",
    "my_assignment_for",
    "require_review_manager",
    "require_reviewer",
    "review_application_for",
    "review_assignment_for_manager",
    "review_call_for",
    "reviewers_for",
]

is_reviewer = _has(Role.REVIEWER)

REVIEW_MANAGE = "review.manage_review"
REVIEW_SEEN = "programmes.view_applications"  # who sees that the pages exist
MY_ASSIGNMENTS = "review.view_my_assignments"
rules.add_perm(REVIEW_MANAGE, is_programme_manager)
rules.add_perm(MY_ASSIGNMENTS, is_reviewer)


def require_review_manager(user) -> None:
    """The programme manager's screening and jury pages: 403 for who reads the programme,
    404 for everyone else."""
    check(user, REVIEW_MANAGE, visible=REVIEW_SEEN)


def review_call_for(user, calls, pk):
    """The call `pk` of `calls` (Call.objects) whose screening and jury `user` runs."""
    require_review_manager(user)
    call = calls.select_related("programme", "cluster_type").filter(pk=pk).first()
    if call is None:
        raise Http404
    return call


def review_application_for(user, applications, pk):
    """The application `pk` of `applications` (Application.objects) for the programme
    manager's screening and decision."""
    require_review_manager(user)
    application = (
        applications.select_related("call__cluster_type", "call__programme", "applicant_account")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    return application


def review_assignment_for_manager(user, assignments, pk):
    require_review_manager(user)
    assignment = assignments.select_related("application__call", "reviewer").filter(pk=pk).first()
    if assignment is None:
        raise Http404
    return assignment


def require_reviewer(user) -> None:
    """A reviewer's own pages: 404 for everyone else (they learn nothing)."""
    check(user, MY_ASSIGNMENTS)


def assignments_of(user, assignments):
    """The active assignments of `assignments` (Assignment.objects) that are `user`'s."""
    if not is_reviewer(user):
        return assignments.none()
    return assignments.filter(reviewer=user, active=True)


def my_assignment_for(user, assignments, pk):
    """The assignment `pk` when it is `user`'s own and active; 404 otherwise (another
    reviewer's, a removed one, anyone who is no reviewer)."""
    require_reviewer(user)
    assignment = (
        assignments_of(user, assignments)
        .select_related("application__call__cluster_type", "reviewer")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise Http404
    return assignment


def may_see_other_scores(user, assignment) -> bool:
    """Another reviewer's scores of the same application: for the programme manager, and
    for a reviewer only once their own scores are submitted."""
    if is_programme_manager(user):
        return True
    return bool(
        assignment is not None
        and assignment.reviewer_id == getattr(user, "pk", None)
        and assignment.submitted_at is not None
    )


def reviewers_for(user, users):
    """The people the programme manager may put on a jury: active accounts with the
    reviewer role (choices of the assignment form)."""
    if not is_programme_manager(user):
        return users.none()
    return (
        users.filter(is_active=True, role_assignments__role=Role.REVIEWER)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
