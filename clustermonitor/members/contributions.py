"""Writes and reads for contributions and fee schedules (issue 4), all audited."""

import datetime
from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum

from clustermonitor.core import audit
from clustermonitor.members.models import Contribution, FeeSchedule, Membership
from clustermonitor.registry.models import FirmFigures
from clustermonitor.registry.selectors import search_filter


def size_classes(organisation_ids, year: int) -> dict[int, str]:
    """Each organisation's size class from its latest headcount up to `year` (DESIGN §4)."""
    # pandas when a size class is asked for, not at start-up: the segments and the import
    # kinds registered by every process import this module.
    import pandas as pd

    from clustermonitor.analysis.reach import size_class

    latest: dict[int, Decimal | None] = {}
    for f in FirmFigures.objects.filter(
        organisation_id__in=organisation_ids, year__lte=year, employees__isnull=False
    ).order_by("year"):
        latest[f.organisation_id] = f.employees
    ids = list(organisation_ids)
    employees = pd.Series([float(latest[i]) if i in latest else None for i in ids], dtype=float)
    return dict(zip(ids, size_class(employees).tolist(), strict=True))


@transaction.atomic
def generate_expected(
    actor: audit.Actor | None, cluster, year: int, *, dry_run: bool = False
) -> dict[str, int]:
    """Create the expected contribution of every member active in `year` that has none,
    at its fee tier. Members whose size class has no tier (and no 'everyone else' tier)
    are counted as skipped, not guessed. With `dry_run` nothing is written: the counts
    say what would be (the confirmation's question)."""
    schedule = FeeSchedule.objects.filter(cluster=cluster, year=year).first()
    if schedule is None:
        return {"created": 0, "existing": 0, "skipped": 0, "no_schedule": 1}
    tiers = {t.size_class: t.amount for t in schedule.tiers.all()}
    memberships = list(
        Membership.objects.filter(cluster=cluster)
        .active_in_year(year)
        .annotate(has=Count("contributions", filter=Q(contributions__year=year)))
    )
    classes = size_classes({m.organisation_id for m in memberships}, year)
    counts = Counter()
    for membership in memberships:
        if membership.has:
            counts["existing"] += 1
            continue
        amount = tiers.get(classes[membership.organisation_id], tiers.get(""))
        if amount is None or amount <= 0:
            counts["skipped"] += 1
            continue
        if not dry_run:
            audit.save(
                actor,
                Contribution(membership=membership, year=year, amount=amount),
                note=f"fee schedule {year}",
            )
        counts["created"] += 1
    return {
        "created": counts["created"],
        "existing": counts["existing"],
        "skipped": counts["skipped"],
        "no_schedule": 0,
    }


@transaction.atomic
def save_schedule(
    actor: audit.Actor, cluster, year: int, amounts: dict[str, Decimal | None], note: str = ""
) -> FeeSchedule:
    schedule = FeeSchedule.objects.filter(cluster=cluster, year=year).first() or FeeSchedule(
        cluster=cluster, year=year
    )
    schedule.note = note
    audit.save(actor, schedule)
    existing = {t.size_class: t for t in schedule.tiers.all()}
    for size, amount in amounts.items():
        tier = existing.get(size)
        if amount is None:
            if tier is not None:
                audit.delete(actor, tier)
            continue
        tier = tier or schedule.tiers.model(schedule=schedule, size_class=size)
        tier.amount = amount
        audit.save(actor, tier)
    return schedule


def mark_paid(
    actor: audit.Actor, contribution: Contribution, paid_on: datetime.date, note="marked paid"
) -> None:
    contribution.status = Contribution.Status.PAID
    contribution.paid_on = paid_on
    audit.save(actor, contribution, note=note)


def save_contribution(actor: audit.Actor, form) -> Contribution:
    contribution = form.save(commit=False)
    audit.save(actor, contribution, validate=False)
    return contribution


#: The list's status filter: a contribution's status, or "none" (no contribution yet).
STATUS_FILTERS = (*Contribution.Status.values, "none")


def year_memberships(cluster, year: int, *, query: str = "", status: str = ""):
    """The memberships active in `year` of the contributions list, by name, optionally
    searched (name or enterprise number) and filtered on the year's contribution status
    ("none": without a contribution that year). A queryset: the list pages it."""
    memberships = (
        Membership.objects.filter(cluster=cluster)
        .active_in_year(year)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )
    if query.strip():
        memberships = memberships.filter(search_filter(query, prefix="organisation__"))
    of_year = Contribution.objects.filter(membership=OuterRef("pk"), year=year)
    if status == "none":
        memberships = memberships.filter(~Exists(of_year))
    elif status in Contribution.Status.values:
        memberships = memberships.filter(Exists(of_year.filter(status=status)))
    return memberships


def rows_of(memberships, year: int) -> list:
    """(membership, its contribution of `year` or None) for one page of memberships: one
    query for the contributions, whatever the page's length."""
    memberships = list(memberships)
    contributions = {
        c.membership_id: c
        for c in Contribution.objects.filter(membership__in=memberships, year=year).select_related(
            "payer"
        )
    }
    return [(m, contributions.get(m.pk)) for m in memberships]


def year_rows(cluster, year: int):
    """Every membership active in `year` with its contribution for that year (or None)."""
    return rows_of(year_memberships(cluster, year), year)


def payable(cluster, year: int | None = None):
    """The cluster's contributions that can still be marked paid (expected or invoiced)."""
    contributions = Contribution.objects.filter(
        membership__cluster=cluster,
        status__in=[Contribution.Status.EXPECTED, Contribution.Status.INVOICED],
    )
    if year is not None:
        contributions = contributions.filter(year=year)
    return contributions.select_related("membership__organisation").order_by(
        "membership__organisation__name", "pk"
    )


@transaction.atomic
@transaction.atomic
def mark_all_paid(actor: audit.Actor, contributions, paid_on: datetime.date) -> int:
    """Mark each of `contributions` paid on `paid_on`, each audited on its own; all or
    none."""
    n = 0
    for contribution in contributions:
        mark_paid(actor, contribution, paid_on, note="marked paid (bulk)")
        n += 1
    return n


def totals(cluster, year: int) -> dict[str, Decimal]:
    by_status = dict(
        Contribution.objects.filter(membership__cluster=cluster, year=year)
        .values_list("status")
        .annotate(total=Sum("amount"))
        .values_list("status", "total")
    )
    return {s: by_status.get(s) or Decimal(0) for s in Contribution.Status.values}
