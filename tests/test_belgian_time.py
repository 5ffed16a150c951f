"""Times that users see are in Belgian time (Europe/Brussels), issue 14: the database
keeps UTC, the audit log showed 04:46 when it was 05:46 in Brussels, and a progress
report's history showed a raw "2026-12-06T04:50:45+00:00"."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from clustermonitor.core.models import AuditEntry
from clustermonitor.core.templatetags.format import format_date, format_value

UTC = datetime.UTC
WINTER = datetime.datetime(2026, 12, 6, 4, 46, tzinfo=UTC)  # 05:46 in Brussels (CET)
SUMMER = datetime.datetime(2026, 7, 6, 4, 46, tzinfo=UTC)  # 06:46 in Brussels (CEST)


def test_a_moment_is_shown_in_belgian_time():
    assert format_date(WINTER) == "06/12/2026 05:46"
    assert format_date(SUMMER) == "06/07/2026 06:46"


def test_a_moment_kept_as_iso_text_is_shown_in_belgian_time():
    assert format_value("2026-12-06T04:50:45+00:00") == "06/12/2026 05:50"
    assert format_value("2026-12-06") == "2026-12-06"  # a date stays as it is
    assert format_value("not a time at all T") == "not a time at all T"


@pytest.mark.django_db
def test_the_audit_log_page_shows_belgian_time(web):
    entry = AuditEntry.objects.create(
        via="tz-test",
        action="update",
        content_type=ContentType.objects.get_for_model(AuditEntry),
        object_id="1",
        object_repr="version 1",
        before={"submitted_at": None},
        after={"submitted_at": "2026-12-06T04:50:45+00:00"},
    )
    AuditEntry.objects.filter(pk=entry.pk).update(at=WINTER)
    page = web("programme_manager").get(reverse("core:audit-log"), {"via": "tz-test"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "06/12/2026 05:46" in html and "04:46" not in html
    assert "06/12/2026 05:50" in html and "2026-12-06T04:50:45" not in html


def test_a_frozen_progress_report_shows_its_moment_in_belgian_time():
    """The finding: beside "submitted 05:50" the figures said "frozen
    2026-12-06T04:50:45+00:00" (the snapshot keeps the moment as ISO text in UTC)."""
    from django.template.loader import render_to_string

    figures = {"until": datetime.date(2026, 12, 6), "computed_at": "2026-12-06T04:50:45+00:00"}
    html = render_to_string("monitoring/_figures.html", {"figures": figures, "live": False})
    assert "06/12/2026 05:50" in html and "T04:50:45" not in html


def test_an_exported_moment_is_belgian_wall_clock_time():
    import io

    from openpyxl import load_workbook

    from clustermonitor.core.exporters import Sheet, workbook_bytes

    data = workbook_bytes([Sheet("t", ["sent"], [[WINTER]])])
    cell = load_workbook(io.BytesIO(data))["t"]["A2"].value
    assert cell == datetime.datetime(2026, 12, 6, 5, 46)
