"""The permission matrix (tests/matrix_routes.py): calls' online set-up, the open calls on
the portal and the online applications (issue 19). The applicant persona owns the
matrix's application (submitted, with a version and a file) and its draft."""

from django.urls import reverse

from tests import matrix_objects as objects
from tests.matrix_rows import EVERYONE, LOGIN, POST_ONLY, PROGRAMME_SETUP, PUBLIC, row

#: What a call received: the agency (the programme manager, account managers reading).
RECEIVED = row(LOGIN, 200, 200, 404, 404, 404, 404)
#: A submitted application: the agency and its applicant.
APPLICATION = row(LOGIN, 200, 200, 404, 404, 404, 404, applicant=200)
#: The applicant's own writes (the draft's form, withdraw): its applicant only.
OWN = row(LOGIN, 404, 404, 404, 404, 404, 404, applicant=200)

ROUTES = {
    "grants:call-setup": (
        lambda: reverse("grants:call-setup", args=[objects.grants_setup().call_id]),
        PROGRAMME_SETUP,
    ),
    "grants:received": (
        lambda: reverse("grants:received", args=[objects.grants_setup().call_id]),
        RECEIVED,
    ),
    "grants:mine": (lambda: reverse("grants:mine"), EVERYONE),
    "grants:application": (
        lambda: reverse("grants:application", args=[objects.grants_application().pk]),
        APPLICATION,
    ),
    "grants:form": (lambda: reverse("grants:form", args=[objects.grants_draft().pk]), OWN),
    "grants:withdraw": (
        lambda: reverse("grants:withdraw", args=[objects.grants_draft().pk]),
        OWN,
    ),
    "grants:attachment-add": (
        lambda: reverse("grants:attachment-add", args=[objects.grants_draft().pk]),
        POST_ONLY,
    ),
    "grants:submit": (
        lambda: reverse("grants:submit", args=[objects.grants_draft().pk]),
        POST_ONLY,
    ),
    "grants:acknowledgement": (
        lambda: reverse("grants:acknowledgement", args=[objects.grants_version().pk]),
        APPLICATION,
    ),
    "grants:attachment": (
        lambda: reverse("grants:attachment", args=[objects.grants_attachment().pk]),
        APPLICATION,
    ),
    "grants:attachment-remove": (
        lambda: reverse("grants:attachment-remove", args=[objects.grants_attachment().pk]),
        POST_ONLY,
    ),
    # The public portal's open calls (no login).
    "portal:calls": (lambda: reverse("portal:calls"), PUBLIC),
    "portal:call": (lambda: reverse("portal:call", args=[objects.grants_setup().call_id]), PUBLIC),
    "portal:call-started": (lambda: reverse("portal:call-started"), PUBLIC),
}
