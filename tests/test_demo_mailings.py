"""The demo's newsletters (issue 18; clustermonitor/demodata/mailings.py): a sent newsletter
of a current cluster with its unsubscribe, bounce and consents; loading twice adds
nothing; no address in clear in the audit log."""

import datetime

import pytest

from clustermonitor.core.models import AuditEntry
from clustermonitor.demodata import live
from clustermonitor.demodata import mailings as demo_mailings
from clustermonitor.mailings.models import Bounce, Consent, Mailing, Suppression
from clustermonitor.members.models import Contact
from clustermonitor.programmes.models import Cluster
from tests.factories import membership, organisation

pytestmark = pytest.mark.usefixtures("english")

TODAY = datetime.date(2026, 12, 6)


def test_a_current_cluster_has_a_sent_newsletter(db):
    live.load_live(TODAY)
    # The calibrated demo gives EUKA2 the members of EUKA's first term; here, a few.
    euka2 = Cluster.objects.get(code="EUKA2")
    for i in range(5):
        ship = membership(organisation(9600 + i), euka2, start=TODAY - datetime.timedelta(400))
        Contact.objects.create(membership=ship, name=f"Lid {i}", email=f"lid{i}@euka2.example")
    summary = demo_mailings.load(TODAY)
    sent = Mailing.objects.get(cluster__code="EUKA2", status="sent")
    assert summary["recipients"] == sent.n_recipients >= 3
    assert sent.n_sent == sent.n_recipients - 1 and sent.n_failed == 1
    assert sent.deliveries.filter(status="sent").count() == sent.n_sent
    assert sent.finished_at.date() == TODAY - datetime.timedelta(days=21)
    assert Mailing.objects.filter(cluster__code="EUKA2", status="draft").count() == 1
    assert Bounce.objects.get().kind == "hard"
    assert set(Suppression.objects.values_list("reason", flat=True)) == {
        "hard_bounce",
        "unsubscribed",
    }
    withdrawn = Consent.objects.get(withdrawn_on__isnull=False)
    assert withdrawn.basis == "contract" and withdrawn.withdrawal_source == "web"
    assert Consent.objects.filter(basis="consent", email="prospect@drone-start.example").exists()
    assert demo_mailings.load(TODAY) == {"written": 0}
    addresses = set(sent.deliveries.values_list("email", flat=True))
    for entry in AuditEntry.objects.filter(content_type__app_label="mailings"):
        text = f"{entry.before} {entry.after} {entry.note} {entry.object_repr}"
        assert not any(address in text for address in addresses), text
