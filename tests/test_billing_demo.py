"""The demo's invoices (issue 18; clustermonitor/demodata/invoices.py): on the demo's
present, EUKA2 and BIM2 have billing settings and this year's invoices, each a valid
Peppol document — and no contribution, figure or the 2020 report changes."""

import datetime

import pytest

from clustermonitor.billing import invoicing, peppol
from clustermonitor.billing.models import Invoice
from clustermonitor.demodata import invoices, live
from clustermonitor.reports import render
from clustermonitor.reports.build import build_document
from tests import demo_copies, report_2020
from tests.test_demo_live import REPORT_DATE, TODAY, _fingerprint

pytestmark = pytest.mark.usefixtures("english")


def test_the_demo_invoices_change_no_figure(calibrated_demo, db, tmp_path_factory):
    # The report on the calibrated demo, as another test may have built it already
    # (tests/report_2020.py); the one after the loads below is built here.
    before_report = report_2020.html(REPORT_DATE, demo_copies.shared_folder(tmp_path_factory))
    live.load_live(TODAY)
    before = _fingerprint()
    counts = invoices.load(TODAY)
    assert counts["issued"] > 5
    assert _fingerprint() == before  # no contribution changed status or amount
    issued = Invoice.objects.filter(cluster__code__in=["EUKA2", "BIM2"], status="issued")
    assert issued.count() == counts["issued"]
    for cluster_code in ("EUKA2", "BIM2"):
        sequences = sorted(
            issued.filter(cluster__code=cluster_code).values_list("sequence", flat=True)
        )
        assert sequences == list(range(1, len(sequences) + 1))
    sample = issued.order_by("pk").first()
    assert peppol.validate(invoicing.ubl_document(sample)).is_valid
    exempt = issued.filter(cluster__code="BIM2").first()
    assert exempt.vat_total == 0 and peppol.validate(invoicing.ubl_document(exempt)).is_valid
    # Overdue: reminders are due, and nothing was sent while loading.
    assert any(invoicing.reminder_due(i, TODAY) for i in issued)
    assert not issued.filter(sent_on__isnull=False).exists()
    assert render.render_html(build_document(as_of=REPORT_DATE)) == before_report
    assert invoices.load(TODAY) == {"issued": 0, "drafts": 0}
    assert issued.first().due_on < TODAY - datetime.timedelta(days=7)
