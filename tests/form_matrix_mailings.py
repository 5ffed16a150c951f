"""The form-field matrix's entries for the mailings (tests/test_form_field_matrix.py)."""

from types import SimpleNamespace

from django.urls import reverse

from clustermonitor.mailings.models import Mailing
from tests.form_matrix import ENUM, NoIds, Probe, Probed, World


def _new(w: World) -> str:
    return reverse("mailings:mailing-new", args=[w.own.cluster.code])


def _attendees_of(activity) -> SimpleNamespace:
    """The segment choice that names an activity's attendees (its value, as `pk`)."""
    return SimpleNamespace(pk=f"attendees:{activity.pk}")


MAILINGS = {
    "clustermonitor.mailings.forms.MailingForm": Probed(
        probes=(
            # A mailing to the attendees of the other cluster's activity.
            Probe(
                field="segment",
                page=_new,
                post=_new,
                data=lambda w: {
                    "segment": _attendees_of(w.other.activity).pk,
                    "subject_nl": "Overgenomen",
                    "body_nl": "Tekst",
                },
                state=lambda w: Mailing.objects.count(),
                hostile=lambda w: _attendees_of(w.other.activity),
            ),
        ),
    ),
    "clustermonitor.mailings.forms.TestSendForm": NoIds(
        "the language of the test; the mailing is the URL's (access.mailing_for)",
        fixed={"language": "Dutch or English"},
    ),
    "clustermonitor.mailings.forms.ConsentForm": NoIds(
        "an address and its lawful basis for the URL's cluster",
        fixed={"basis": ENUM, "language": "Dutch or English"},
    ),
    "clustermonitor.mailings.forms.SuppressionForm": NoIds(
        "an address suppressed for the URL's cluster"
    ),
}
