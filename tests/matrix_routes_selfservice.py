"""The permission matrix (tests/matrix_routes.py): member self-service and offers and
requests (issue 18). A member company's pages answer only the member contact whose
account acts for that company; a cluster's self-service page follows its join requests
(the agency and its own manager), except that evaluators never see it."""

from django.urls import reverse

from tests import matrix_objects as objects
from tests.conftest import CLUSTER_A
from tests.matrix_rows import MEMBER_SELF, POST_ONLY, SELF_SERVICE_A


def _member(name, *args):
    """The URL of a member's page, with the persona's account linked first."""

    def build():
        objects.member_account()
        return reverse(name, args=[a() if callable(a) else a for a in args])

    return build


ROUTES = {
    "selfservice:home": (_member("selfservice:home"), MEMBER_SELF),
    "selfservice:contact-create": (_member("selfservice:contact-create"), MEMBER_SELF),
    "selfservice:contact-edit": (
        _member("selfservice:contact-edit", lambda: objects.contact().pk),
        MEMBER_SELF,
    ),
    "selfservice:contact-delete": (
        _member("selfservice:contact-delete", lambda: objects.contact().pk),
        POST_ONLY,
    ),
    "selfservice:profile-edit": (_member("selfservice:profile-edit"), MEMBER_SELF),
    "selfservice:directory": (_member("selfservice:directory"), MEMBER_SELF),
    "selfservice:personal-data": (_member("selfservice:personal-data"), MEMBER_SELF),
    "selfservice:personal-data-download": (
        _member("selfservice:personal-data-download"),
        MEMBER_SELF,
    ),
    "selfservice:board": (_member("selfservice:board"), MEMBER_SELF),
    "selfservice:posting-create": (_member("selfservice:posting-create"), MEMBER_SELF),
    "selfservice:posting-detail": (
        _member("selfservice:posting-detail", lambda: objects.posting().pk),
        MEMBER_SELF,
    ),
    "selfservice:posting-close": (
        _member("selfservice:posting-close", lambda: objects.posting().pk),
        POST_ONLY,
    ),
    "selfservice:interest-accept": (
        _member("selfservice:interest-accept", 1),
        POST_ONLY,
    ),
    "selfservice:cluster": (
        lambda: reverse("selfservice:cluster", args=[CLUSTER_A]),
        SELF_SERVICE_A,
    ),
    "selfservice:matching": (
        lambda: reverse("selfservice:matching", args=[CLUSTER_A]),
        POST_ONLY,
    ),
    "selfservice:invite": (
        lambda: reverse("selfservice:invite", args=[objects.contact().pk]),
        POST_ONLY,
    ),
    "selfservice:erasure-carry-out": (
        lambda: reverse("selfservice:erasure-carry-out", args=[1]),
        POST_ONLY,
    ),
}
