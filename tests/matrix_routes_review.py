"""The permission matrix (tests/matrix_routes.py): the grant cycle's screening and jury
(issue 19). The programme manager runs them; the rest of the agency and evaluators see
that the pages exist (403); everyone else, reviewers and applicants included, 404. A
reviewer's own pages answer only that reviewer, for their own active assignments."""

from django.urls import reverse

from tests import matrix_objects as objects
from tests.matrix_rows import LOGIN, POST_ONLY, PROGRAMME_SETUP, row

#: A reviewer's own pages: the reviewer persona (assigned in matrix_objects), no one else.
REVIEWER_OWN = row(LOGIN, 404, 404, 404, 404, 404, 404, reviewer=200, applicant=404)


def _call(name):
    return lambda: reverse(name, args=[objects.review_call().pk])


def _application(name, applicant="In beoordeling vzw"):
    return lambda: reverse(name, args=[objects.review_application(applicant).pk])


ROUTES = {
    "review:call": (_call("review:call"), PROGRAMME_SETUP),
    "review:criteria": (_call("review:criteria"), PROGRAMME_SETUP),
    "review:rubric": (_call("review:rubric"), PROGRAMME_SETUP),
    "review:jury": (_call("review:jury"), PROGRAMME_SETUP),
    "review:ranking": (_call("review:ranking"), PROGRAMME_SETUP),
    "review:invite": (_call("review:invite"), POST_ONLY),
    "review:screening": (_application("review:screening", "Ingediend vzw"), PROGRAMME_SETUP),
    "review:decision": (_application("review:decision"), PROGRAMME_SETUP),
    "review:letter": (_application("review:letter", "Beslist vzw"), PROGRAMME_SETUP),
    "review:criterion-delete": (
        lambda: reverse(
            "review:criterion-delete",
            args=[objects.review_call().eligibility_criteria.order_by("pk").first().pk],
        ),
        POST_ONLY,
    ),
    "review:rubric-criterion-delete": (
        lambda: reverse(
            "review:rubric-criterion-delete",
            args=[objects.review_call().rubric_criteria.order_by("pk").first().pk],
        ),
        POST_ONLY,
    ),
    "review:unassign": (
        lambda: reverse("review:unassign", args=[objects.review_assignment("reviewer2").pk]),
        POST_ONLY,
    ),
    "review:my-assignments": (lambda: reverse("review:my-assignments"), REVIEWER_OWN),
    "review:assignment": (
        lambda: reverse("review:assignment", args=[objects.review_assignment().pk]),
        REVIEWER_OWN,
    ),
    "review:declare": (
        lambda: reverse("review:declare", args=[objects.review_assignment().pk]),
        POST_ONLY,
    ),
    "review:score": (
        lambda: reverse("review:score", args=[objects.review_assignment().pk]),
        POST_ONLY,
    ),
}
