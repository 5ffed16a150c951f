"""The permission matrix (tests/matrix_routes.py): a cluster's mailings, its consents and
suppression list, and the public one-click unsubscribe."""

from django.urls import reverse

from tests.conftest import CLUSTER_A
from tests.matrix_rows import LOGIN, POST_ONLY, PUBLIC, row

# Mailings hold personal data, as contacts: the agency and A's manager read them;
# evaluators, other clusters' managers and member contacts get 404. Only A's manager
# writes and sends (the agency sees that it exists: 403).
MAILINGS_A = row(LOGIN, 200, 200, 404, 200, 404, 404)
MAILINGS_A_SEND = row(LOGIN, 403, 403, 404, 200, 404, 404)


def mailing():
    """A draft of cluster A, with one delivery (whose unsubscribe link the matrix opens)."""
    from clustermonitor.mailings.models import Delivery, Mailing
    from clustermonitor.programmes.models import Cluster

    found, _ = Mailing.objects.get_or_create(
        cluster=Cluster.objects.get(code=CLUSTER_A),
        subject_nl="Matrix",
        defaults={"segment": "members", "body_nl": "Tekst"},
    )
    Delivery.objects.get_or_create(
        mailing=found, email="matrix@example.org", defaults={"status": "sent"}
    )
    return found


def _mailing_url(name):
    return lambda: reverse(f"mailings:{name}", args=[CLUSTER_A, mailing().pk])


def _unsubscribe():
    from clustermonitor.mailings import services

    return reverse("mailings:unsubscribe", args=[services.token_for(mailing().deliveries.get().pk)])


ROUTES = {
    "mailings:mailing-list": (
        lambda: reverse("mailings:mailing-list", args=[CLUSTER_A]),
        MAILINGS_A,
    ),
    "mailings:mailing-new": (
        lambda: reverse("mailings:mailing-new", args=[CLUSTER_A]),
        MAILINGS_A_SEND,
    ),
    "mailings:consent-list": (
        lambda: reverse("mailings:consent-list", args=[CLUSTER_A]),
        MAILINGS_A,
    ),
    "mailings:suppression-add": (
        lambda: reverse("mailings:suppression-add", args=[CLUSTER_A]),
        POST_ONLY,
    ),
    "mailings:mailing-detail": (_mailing_url("mailing-detail"), MAILINGS_A),
    "mailings:mailing-edit": (_mailing_url("mailing-edit"), MAILINGS_A_SEND),
    "mailings:mailing-progress": (_mailing_url("mailing-progress"), MAILINGS_A),
    "mailings:mailing-test-send": (_mailing_url("mailing-test-send"), POST_ONLY),
    "mailings:mailing-send": (_mailing_url("mailing-send"), POST_ONLY),
    "mailings:unsubscribe": (_unsubscribe, PUBLIC),
}
