"""Reads of event registration for the pages and the export: a fixed number of queries
whatever the number of registrations (tests/test_registrations.py measures it)."""

from django.db.models import Count, Q

from clustermonitor.registrations.models import Registration, RegistrationSettings

Status = Registration.Status


def counts(activity) -> dict:
    """Registered, waiting, cancelled and checked in, in one query."""
    return Registration.objects.filter(activity=activity).aggregate(
        registered=Count("pk", filter=Q(status=Status.REGISTERED)),
        waitlisted=Count("pk", filter=Q(status=Status.WAITLISTED)),
        cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )


def is_full(settings: RegistrationSettings) -> bool:
    if settings.capacity is None:
        return False
    taken = Registration.objects.filter(
        activity_id=settings.activity_id, status=Status.REGISTERED
    ).count()
    return taken >= settings.capacity


def with_status(activity, status: str):
    """The registrations of one status, in the order they came (the waiting list's
    order), each with its organisation: for one page of the registrations page."""
    return (
        Registration.objects.filter(activity=activity, status=status)
        .select_related("organisation")
        .order_by("created_at", "pk")
    )


def registrations(activity):
    """Every registration of the activity, places first, then the waiting list in its
    order, then the cancelled; each with its organisation."""
    order = {Status.REGISTERED: 0, Status.WAITLISTED: 1, Status.CANCELLED: 2}
    rows = list(
        Registration.objects.filter(activity=activity)
        .select_related("organisation")
        .order_by("created_at", "pk")
    )
    return sorted(rows, key=lambda r: order[r.status])


def search(activity, text: str, limit: int = 20):
    """Live registrations whose name or company contains `text` (the check-in page)."""
    text = (text or "").strip()
    if not text:
        return []
    return list(
        Registration.objects.filter(activity=activity)
        .exclude(status=Status.CANCELLED)
        .filter(
            Q(name__icontains=text)
            | Q(company_name__icontains=text)
            | Q(organisation__name__icontains=text)
        )
        .select_related("organisation")
        .order_by("name", "pk")[:limit]
    )


def export_rows(activity, questions) -> tuple[list[str], list[list]]:
    """The registrations as a table: the fixed columns, then one per question."""
    from django.utils.translation import gettext as _

    headers = [
        _("Name"),
        _("E-mail address"),
        _("Company or organisation"),
        _("Enterprise number"),
        _("Registry organisation"),
        _("Status"),
        _("Registered through"),
        _("Registered at"),
        _("Checked in at"),
    ] + [q.label for q in questions]
    rows = []
    for r in registrations(activity):
        rows.append(
            [
                r.name,
                r.email,
                r.company_name,
                r.enterprise_number,
                r.organisation.name if r.organisation_id else "",
                str(r.get_status_display()),
                str(r.get_source_display()),
                _moment(r.created_at),
                _moment(r.checked_in_at),
            ]
            + [(r.answers.get(str(q.pk)) or {}).get("answer", "") for q in questions]
        )
    return headers, rows


def _moment(value) -> str:
    """Belgian local time to the minute (the same text in the csv and the xlsx)."""
    if value is None:
        return ""
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
