"""The permission matrix (tests/matrix_routes.py): a cluster's invoices (issue 18), read
and changed as its contributions are; a member company's own invoice PDF and Peppol UBL
document answer only the member contact whose account acts for that company (the
matrix's invoice is of it)."""

from django.urls import reverse

from tests import matrix_objects as objects
from tests.conftest import CLUSTER_A
from tests.matrix_rows import MEMBER_SELF, MEMBERS_A, MEMBERS_A_CHANGE, POST_ONLY


def _invoice(name):
    return lambda: reverse(f"billing:{name}", args=[objects.invoice().pk])


def _my_invoice(name="my-invoice-pdf"):
    def url():
        objects.member_account()
        return reverse(f"billing:{name}", args=[objects.invoice().pk])

    return url


ROUTES = {
    "billing:invoice-list": (lambda: reverse("billing:invoice-list", args=[CLUSTER_A]), MEMBERS_A),
    "billing:invoices-generate": (
        lambda: reverse("billing:invoices-generate", args=[CLUSTER_A]),
        POST_ONLY,
    ),
    "billing:invoices-remind": (
        lambda: reverse("billing:invoices-remind", args=[CLUSTER_A]),
        POST_ONLY,
    ),
    "billing:settings": (lambda: reverse("billing:settings", args=[CLUSTER_A]), MEMBERS_A_CHANGE),
    "billing:invoice-detail": (_invoice("invoice-detail"), MEMBERS_A),
    "billing:invoice-pdf": (_invoice("invoice-pdf"), MEMBERS_A),
    "billing:invoice-ubl": (_invoice("invoice-ubl"), MEMBERS_A),
    "billing:invoice-issue": (_invoice("invoice-issue"), POST_ONLY),
    "billing:invoice-cancel": (_invoice("invoice-cancel"), POST_ONLY),
    "billing:invoice-credit": (_invoice("invoice-credit"), POST_ONLY),
    "billing:invoice-send": (_invoice("invoice-send"), POST_ONLY),
    "billing:invoice-remind": (_invoice("invoice-remind"), POST_ONLY),
    "billing:my-invoice-pdf": (_my_invoice(), MEMBER_SELF),
    "billing:my-invoice-ubl": (_my_invoice("my-invoice-ubl"), MEMBER_SELF),
}
