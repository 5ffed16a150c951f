"""Builders for the agreements' tests (issue 19, part C): a funded application with its
submitted version (the shape of grants.contract), an approved progress report."""

import datetime
from decimal import Decimal

from django.utils import timezone

from clustermonitor.core import audit
from clustermonitor.grants.contract import digest
from clustermonitor.grants.models import ApplicationVersion
from clustermonitor.programmes.models import Application, Call
from clustermonitor.review.models import Decision

ACTOR = audit.Actor.system("tests")
START = datetime.date(2024, 1, 1)


def version_data(**changes) -> dict:
    data = {
        "title": "Circulaire textiel",
        "applicant": "Textiel Kring vzw",
        "applicant_enterprise_number": "0403.170.701",
        "cluster_name": "Circulaire Textielcluster",
        "domain": "circulaire economie",
        "keywords": ["textiel", "recyclage"],
        "start_date": START.isoformat(),
        "term_years": 3,
        "requested_amount": "450000.00",
        "cofinancing": [
            {
                "year": 1,
                "budget": "300000",
                "subsidy": "150000",
                "member_fees": "150000",
                "other": "0",
            },
            {
                "year": 2,
                "budget": "300000",
                "subsidy": "150000",
                "member_fees": "140000",
                "other": "10000",
            },
            {
                "year": 3,
                "budget": "300000",
                "subsidy": "150000",
                "member_fees": "150000",
                "other": "0",
            },
        ],
        "targets": [
            {"kpi": "KPI1", "value": "60", "due_date": "2026-12-31"},
            {"kpi": "KPI3", "value": "12", "due_date": "2026-12-31"},
        ],
    }
    data.update(changes)
    return data


def funded_application(
    *, amount=Decimal("420000.00"), data=None, applicant="Textiel Kring vzw"
) -> Application:
    """A funded application of IBN call 2 with one submitted version."""
    call = Call.objects.get(cluster_type__code="IBN", number=2)
    submitted = timezone.make_aware(datetime.datetime(2023, 9, 1, 12, 0))
    application = Application.objects.create(
        call=call,
        applicant=applicant,
        title="Circulaire textiel",
        requested_amount=Decimal("450000.00"),
        status=Application.Status.FUNDED,
        funded_amount=amount,
        submitted_at=submitted,
        decided_at=submitted + datetime.timedelta(days=75),
    )
    data = data if data is not None else version_data()
    ApplicationVersion.objects.create(
        application=application, number=1, submitted_at=submitted, data=data, sha256=digest(data)
    )
    # The jury's decision it rests on (review): an online application is funded only so.
    Decision.objects.create(
        application=application,
        outcome=Decision.Outcome.FUNDED,
        funded_amount=amount,
        motivation="Sterk consortium.",
        meeting_date=application.decided_at.date(),
        decided_at=application.decided_at,
    )
    return application


def approve_report(cluster, year: int, at: datetime.datetime) -> None:
    """The progress report of ``year`` submitted and approved at ``at`` (its version)."""
    from clustermonitor.monitoring.models import ProgressReport, ReportVersion, State

    report = ProgressReport.objects.get(period__cluster=cluster, period__number=year)
    ReportVersion.objects.create(
        report=report,
        number=report.versions.count() + 1,
        sections={},
        figures={},
        submitted_at=at - datetime.timedelta(days=10),
        approved_at=at,
    )
    ProgressReport.objects.filter(pk=report.pk).update(state=State.APPROVED)


def moment(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
