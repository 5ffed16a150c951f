"""Member self-service wired to the apps below it (issue 18): the company's invoices and
credit notes on "Mijn organisatie" with their PDF and Peppol UBL document (only its own,
never a draft, never a document that fails validation), and the
mailings' records of the person in "download my data" and in an erasure request (what is
removed, what is kept to honour the opt-out)."""

import datetime
import json

import pytest
from django.test import TestCase
from django.urls import reverse

from clustermonitor.billing import invoicing
from clustermonitor.billing.models import Invoice
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.mailings import services as mailing_services
from clustermonitor.mailings.models import Bounce, Consent, Delivery, Mailing, Suppression
from clustermonitor.members.models import Contact, Contribution
from clustermonitor.selfservice.models import ErasureRequest
from tests.billing_helpers import billing_settings, member_with_fee
from tests.test_selfservice import member_client

pytestmark = pytest.mark.django_db

ACTOR = audit.Actor.system("tests")
ISSUED_ON = datetime.date(2026, 2, 2)


# -- Invoices on the member's home page ----------------------------------------------------


@pytest.fixture
def invoices(cluster_a):
    """Company 1 of A: an invoice issued (2025), one credited by a credit note (2026) and
    a draft (2024); company 2 of A: an issued invoice."""
    billing_settings(cluster_a)
    own = member_with_fee(701, cluster_a, year=2025)
    other = member_with_fee(702, cluster_a, year=2025)
    member_with_fee_of(own, 2026)
    member_with_fee_of(own, 2024)
    by_org = {i.organisation_id: i for i in invoicing.generate(ACTOR, cluster_a, 2025)}
    issued = invoicing.issue(ACTOR, by_org[own.membership.organisation_id], ISSUED_ON)
    theirs = invoicing.issue(ACTOR, by_org[other.membership.organisation_id], ISSUED_ON)
    (to_credit,) = invoicing.generate(ACTOR, cluster_a, 2026)
    to_credit = invoicing.issue(ACTOR, to_credit, ISSUED_ON)
    credit_note = invoicing.credit(ACTOR, to_credit, ISSUED_ON)
    (draft,) = invoicing.generate(ACTOR, cluster_a, 2024)
    return {
        "org": own.membership.organisation,
        "issued": issued,
        "credited": Invoice.objects.get(pk=to_credit.pk),
        "credit_note": credit_note,
        "draft": draft,
        "theirs": theirs,
    }


def member_with_fee_of(contribution, year):
    """A second expected contribution of the same membership."""
    return Contribution.objects.create(
        membership=contribution.membership, year=year, amount=contribution.amount
    )


def test_the_home_page_lists_the_companys_own_issued_invoices(invoices):
    client, _user = member_client(invoices["org"], "boekhouding-701")
    page = client.get(reverse("selfservice:home")).content.decode()
    assert 'id="panel-invoices"' in page
    issued, credit_note = invoices["issued"], invoices["credit_note"]
    for invoice in (issued, invoices["credited"], credit_note):
        assert invoice.number in page
        assert reverse("billing:my-invoice-pdf", args=[invoice.pk]) in page
    assert issued.reference_display in page and issued.due_on.strftime("%d/%m/%Y") in page
    assert "1.210,00" in page or "1,210.00" in page  # 1,000 + 21 % VAT
    assert "credit note" in page
    # Never a draft, never another company's.
    assert reverse("billing:my-invoice-pdf", args=[invoices["draft"].pk]) not in page
    assert invoices["theirs"].number not in page


def test_the_member_downloads_its_own_peppol_ubl_and_gets_404_for_any_other(invoices):
    from lxml import etree

    client, _user = member_client(invoices["org"], "boekhouding-701")
    issued = invoices["issued"]
    url = reverse("billing:my-invoice-ubl", args=[issued.pk])
    assert url in client.get(reverse("selfservice:home")).content.decode()
    entries = AuditEntry.objects.count()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"] == f'attachment; filename="{issued.number}.xml"'
    assert response.content == invoicing.ubl_document(issued)  # the document the cluster sends
    root = etree.fromstring(response.content)
    assert etree.QName(root).localname == "Invoice"
    assert issued.number.encode() in response.content
    assert AuditEntry.objects.count() == entries  # a download writes nothing
    credit = client.get(reverse("billing:my-invoice-ubl", args=[invoices["credit_note"].pk]))
    assert etree.QName(etree.fromstring(credit.content)).localname == "CreditNote"
    for pk in (invoices["theirs"].pk, invoices["draft"].pk, 999_999):
        assert client.get(reverse("billing:my-invoice-ubl", args=[pk])).status_code == 404


def test_a_peppol_document_that_fails_validation_is_not_handed_to_the_member(invoices, monkeypatch):
    from clustermonitor.billing import peppol

    failed = peppol.Report(
        findings=(peppol.Finding(rule="BR-CO-15", flag="fatal", location="/", message="total"),)
    )
    monkeypatch.setattr(invoicing.peppol, "validate", lambda document: failed)
    client, _user = member_client(invoices["org"], "boekhouding-701")
    issued = invoices["issued"]
    findings = Invoice.objects.get(pk=issued.pk).findings
    response = client.get(reverse("billing:my-invoice-ubl", args=[issued.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("selfservice:home")
    assert b"<?xml" not in response.content
    assert "is not available yet" in response.content.decode() or (
        "nog niet beschikbaar" in response.content.decode()
    )
    assert Invoice.objects.get(pk=issued.pk).findings == findings


def test_the_member_downloads_its_own_pdf_and_gets_404_for_any_other(invoices, web):
    client, _user = member_client(invoices["org"], "boekhouding-701")
    response = client.get(reverse("billing:my-invoice-pdf", args=[invoices["issued"].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert invoices["issued"].number in response["Content-Disposition"]
    own_credit = reverse("billing:my-invoice-pdf", args=[invoices["credit_note"].pk])
    assert client.get(own_credit).status_code == 200
    # Another company's invoice, a draft of its own, an id that does not exist: 404.
    for pk in (invoices["theirs"].pk, invoices["draft"].pk, 999_999):
        assert client.get(reverse("billing:my-invoice-pdf", args=[pk])).status_code == 404
    # The other company's own contact gets its invoice, not the first company's.
    theirs, _ = member_client(invoices["theirs"].organisation, "boekhouding-702")
    url = reverse("billing:my-invoice-pdf", args=[invoices["theirs"].pk])
    assert theirs.get(url).status_code == 200
    assert (
        theirs.get(reverse("billing:my-invoice-pdf", args=[invoices["issued"].pk])).status_code
        == 404
    )
    # The cluster's manager reads invoices on the cluster's pages, not through this route.
    assert web("cluster_manager_a").get(url).status_code == 404


def test_a_company_without_invoices_says_so(cluster_a):
    from tests.factories import membership, organisation

    org = organisation(703)
    membership(org, cluster_a)
    client, _user = member_client(org, "lid-703")
    page = client.get(reverse("selfservice:home")).content.decode()
    assert "No invoices for your company yet." in page


# -- Mailings in "download my data" and an erasure request ------------------------------


EMAIL = "an.peeters@bedrijf-een.example"


@pytest.fixture
def subscribed(cluster_a, cluster_b):
    """A member contact of A with this address; a newsletter of A sent to it, a consent in
    B (in another case), a soft bounce and someone else's consent."""
    from tests.factories import membership, organisation

    org = organisation(704)
    ship = membership(org, cluster_a)
    Contact.objects.create(membership=ship, name="An Peeters", email=EMAIL)
    client, user = member_client(org, "lid-704")
    user.email = EMAIL
    user.save()
    mailing = Mailing.objects.create(
        cluster=cluster_a, segment="members", subject_nl="Nieuwsbrief", body_nl="Hallo."
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert mailing_services.queue(ACTOR, mailing)
    mailing_services.record_consent(
        ACTOR,
        cluster_b,
        EMAIL.upper(),
        basis="consent",
        given_on=datetime.date(2025, 3, 1),
        source="event registration form",
        language="en",
    )
    mailing_services.record_consent(
        ACTOR,
        cluster_b,
        "someone@else.example",
        basis="consent",
        given_on=datetime.date(2025, 3, 1),
        source="form",
    )
    mailing_services.record_bounce(
        EMAIL, kind="soft", status="4.2.2", diagnostic=f"mailbox full: {EMAIL}", fingerprint="f1"
    )
    return client, user, mailing


def test_download_my_data_holds_the_persons_mailing_records(subscribed, cluster_b):
    client, _user, _mailing = subscribed
    mailing_services.suppress(ACTOR, None, EMAIL, Suppression.Reason.COMPLAINT, note="spam")
    data = json.loads(client.get(reverse("selfservice:personal-data-download")).content)
    mine = data["mailings"]
    (consent,) = mine["consents"]
    assert consent["cluster"] == cluster_b.code and consent["email"] == EMAIL
    assert consent["lawful_basis"] == "consent" and consent["given_on"] == "2025-03-01"
    assert consent["source"] == "event registration form" and consent["withdrawn_on"] is None
    (suppression,) = mine["suppressions"]
    assert suppression["cluster"] is None and suppression["reason"] == "complaint"
    (delivery,) = mine["deliveries"]
    assert delivery["mailing"] == "Nieuwsbrief" and delivery["status"] == "sent"
    (bounce,) = mine["bounces"]
    assert bounce["kind"] == "soft"
    assert "someone@else.example" not in json.dumps(data)
    page = client.get(reverse("selfservice:personal-data")).content.decode()
    assert "newsletter consents" in page


def test_erasure_keeps_the_opt_out_and_removes_the_rest(subscribed, cluster_a, cluster_b, web):
    client, _user, mailing = subscribed
    page = client.get(reverse("selfservice:personal-data")).content.decode()
    assert "GDPR art. 21.3" in page
    client.post(reverse("selfservice:personal-data"), {"confirmed": "yes"})
    erasure = ErasureRequest.objects.get()
    carry = reverse("selfservice:erasure-carry-out", args=[erasure.pk])
    web("cluster_manager_a").post(carry, {"confirmed": "yes"})
    erasure.refresh_from_db()
    assert erasure.status == ErasureRequest.Status.DONE
    # A's suppression, B's consent withdrawn (and kept with B's suppression), the
    # delivery's and the bounce's address.
    assert erasure.outcome["mailings"] == 5
    # Kept: the consent with its withdrawal, as proof; the suppression in both clusters.
    consent = Consent.objects.get(cluster=cluster_b, email=EMAIL)
    assert consent.given_on == datetime.date(2025, 3, 1) and consent.withdrawn_on is not None
    assert consent.withdrawal_source == "erasure request" and consent.language == ""
    assert set(Suppression.objects.filter(email=EMAIL).values_list("cluster__code", flat=True)) == {
        cluster_a.code,
        cluster_b.code,
    }
    # Removed: the address on the delivery (its mailing's counts stay) and on the bounce.
    assert not Delivery.objects.filter(email=EMAIL).exists()
    assert Delivery.objects.get(mailing=mailing).email.endswith("@example.invalid")
    assert Mailing.objects.get(pk=mailing.pk).n_sent == 1
    bounce = Bounce.objects.get(fingerprint="f1")
    assert EMAIL not in bounce.email and bounce.diagnostic == ""
    # Someone else's consent is untouched; the log holds digests, never the address.
    assert Consent.objects.get(email="someone@else.example").withdrawn_on is None
    text = " ".join(
        f"{e.note} {json.dumps(e.before)} {json.dumps(e.after)}" for e in AuditEntry.objects.all()
    )
    assert EMAIL not in text
    # The opt-out holds: a new mailing of A to its members (were the contact typed in
    # again) and of B to a consented list do not reach the address.
    from tests.factories import membership, organisation

    again = membership(organisation(705), cluster_a)
    Contact.objects.create(membership=again, name="An", email=EMAIL)
    second = Mailing.objects.create(
        cluster=cluster_a, segment="members", subject_nl="Tweede", body_nl="Hallo."
    )
    plan = {r.email: r.status for r in mailing_services.plan(second, datetime.date.today())}
    assert plan[EMAIL] == "suppressed"


def test_erasing_an_address_without_mailing_records_changes_nothing(db):
    assert mailing_services.erase_address(ACTOR, "nobody@nowhere.example") == 0
    assert mailing_services.erase_address(ACTOR, "") == 0
