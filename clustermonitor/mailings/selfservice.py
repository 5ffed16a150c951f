"""What member self-service gathers and erases of the mailings (core.panels): in "download
my data", the signed-in person's consents, suppression entries, the mailings sent to
their address and the bounces recorded for it (found by their e-mail address, normalised
as the mailings store it); on an erasure request, services.erase_address (what it keeps
and why: its docstring, docs/user-guide.md). Handed to core.panels in the app's
`ready()`."""

from clustermonitor.core import audit
from clustermonitor.mailings import services
from clustermonitor.mailings.models import Bounce, Consent, Delivery, Suppression, normalise


def _day(value):
    return value.isoformat() if value else None


def personal_data(user) -> dict:
    address = normalise(user.email)
    if not address:
        return {"consents": [], "suppressions": [], "deliveries": [], "bounces": []}
    return {
        "consents": [
            {
                "cluster": c.cluster.code,
                "email": c.email,
                "purpose": c.purpose,
                "lawful_basis": c.basis,
                "given_on": _day(c.given_on),
                "source": c.source,
                "language": c.language,
                "withdrawn_on": _day(c.withdrawn_on),
                "withdrawn_through": c.withdrawal_source,
            }
            for c in Consent.objects.filter(email=address)
            .select_related("cluster")
            .order_by("cluster__code", "purpose", "pk")
        ],
        "suppressions": [
            {
                "cluster": s.cluster.code if s.cluster_id else None,  # None: every cluster
                "email": s.email,
                "reason": s.reason,
                "since": _day(s.since),
                "note": s.note,
            }
            for s in Suppression.objects.filter(email=address)
            .select_related("cluster")
            .order_by("since", "pk")
        ],
        "deliveries": [
            {
                "cluster": d.mailing.cluster.code,
                "mailing": d.mailing.subject_nl,
                "email": d.email,
                "language": d.language,
                "status": d.status,
                "sent_at": _day(d.sent_at),
            }
            for d in Delivery.objects.filter(email=address)
            .select_related("mailing__cluster")
            .order_by("mailing__created_at", "pk")
        ],
        "bounces": [
            {
                "email": b.email,
                "kind": b.kind,
                "status": b.status,
                "diagnostic": b.diagnostic,
                "received_at": _day(b.received_at),
            }
            for b in Bounce.objects.filter(email=address).order_by("received_at", "pk")
        ],
    }


def erase_person(actor: audit.Actor, user, email: str) -> int:
    return services.erase_address(actor, email)
