"""The cluster management team (issue 21): staff records, their services and selectors.

A **StaffMember** of a cluster's management organisation has **StaffAssignment**s (a
role and an FTE for a period) and **Training**s followed. The rules, the same for every
page, command and loader:

- an assignment's FTE lies between 0 and 2 and it ends on or after its start;
- a person's FTE summed over their assignments never exceeds 1.5 on any day
  (:data:`MAX_PERSON_FTE`): an assignment that would make it so is refused, naming the
  days;
- every write is audited (core.audit); the person's name is personal data, which the audit
  log keeps as a keyed pseudonym (`StaffMember.AUDIT_PERSONAL_FIELDS`).

:func:`team_on` is the selector the benchmark's management indicators read: a batched
look at many clusters' teams on one day, in a constant number of queries.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from clustermonitor.core import audit
from clustermonitor.maturity.models_ladder import StaffAssignment, StaffMember, Training
from clustermonitor.maturity.services import MaturityError

#: The most a person works for the cluster on one day, over all their assignments.
MAX_PERSON_FTE = Decimal("1.5")
#: Trainings counted by :func:`team_on`: those completed in this many months up to D.
TRAINING_MONTHS = 12


# -- Services --------------------------------------------------------------------------


def _bdate(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def overloaded_days(
    assignments, candidate: StaffAssignment
) -> list[tuple[datetime.date, datetime.date | None, Decimal]]:
    """The periods (first day, last day or None for open-ended, total FTE) in which the
    person's FTE with `candidate` added to their other `assignments` exceeds
    :data:`MAX_PERSON_FTE`. Pure: the caller reads the assignments."""
    periods = [a for a in assignments if a.pk is None or a.pk != candidate.pk] + [candidate]
    # Every day the total can change: a start, or the day after an end.
    edges = sorted(
        {a.start_date for a in periods}
        | {a.end_date + datetime.timedelta(days=1) for a in periods if a.end_date}
    )
    found = []
    for i, day in enumerate(edges):
        if day < candidate.start_date or (candidate.end_date and day > candidate.end_date):
            continue
        total = sum(
            (
                a.fte
                for a in periods
                if a.start_date <= day and (a.end_date is None or a.end_date >= day)
            ),
            Decimal(0),
        )
        if total > MAX_PERSON_FTE:
            last = edges[i + 1] - datetime.timedelta(days=1) if i + 1 < len(edges) else None
            if candidate.end_date and (last is None or last > candidate.end_date):
                last = candidate.end_date
            found.append((day, last, total))
    return found


@transaction.atomic
def save_assignment(actor: audit.Actor, assignment: StaffAssignment) -> StaffAssignment:
    """Save an assignment after the rules above; audited."""
    if assignment.fte is None or not (Decimal(0) <= Decimal(assignment.fte) <= Decimal(2)):
        raise MaturityError(_("An assignment's FTE lies between 0 and 2."))
    if assignment.end_date and assignment.end_date < assignment.start_date:
        raise MaturityError(_("An assignment ends on or after its start."))
    # Lock the person so two saves at once cannot together exceed the ceiling.
    StaffMember.objects.select_for_update().filter(pk=assignment.staff_id).first()
    others = list(StaffAssignment.objects.filter(staff_id=assignment.staff_id))
    over = overloaded_days(others, assignment)
    if over:
        days = "; ".join(
            (
                _("from %(first)s until %(last)s: %(fte)s FTE")
                if last
                else _("from %(first)s on: %(fte)s FTE")
            )
            % {"first": _bdate(first), "last": _bdate(last) if last else "", "fte": total}
            for first, last, total in over
        )
        raise MaturityError(
            _("A person works at most %(max)s FTE on any day; with this assignment: %(days)s.")
            % {"max": MAX_PERSON_FTE, "days": days}
        )
    audit.save(actor, assignment)
    return assignment


def end_assignment(
    actor: audit.Actor, assignment: StaffAssignment, on: datetime.date
) -> StaffAssignment:
    """End an assignment on `on` (its last day)."""
    assignment.end_date = on
    return save_assignment(actor, assignment)


def save_staff_member(actor: audit.Actor, member: StaffMember) -> StaffMember:
    audit.save(actor, member)
    return member


def add_training(actor: audit.Actor, training: Training) -> Training:
    audit.save(actor, training)
    return training


@transaction.atomic
def remove_staff_member(actor: audit.Actor, member: StaffMember) -> None:
    """Remove a person with their assignments and trainings, each deletion audited."""
    for assignment in member.assignments.all():
        audit.delete(actor, assignment)
    for training in member.trainings.all():
        audit.delete(actor, training)
    audit.delete(actor, member)


# -- Selectors -------------------------------------------------------------------------


@dataclass
class Person:
    pk: int
    name: str
    qualifications: str
    roles: list[str] = field(default_factory=list)  # role codes on D
    fte: Decimal = Decimal(0)  # on D, over the person's assignments


@dataclass
class Team:
    """A cluster's management team on one day (:func:`team_on`)."""

    cluster_id: int
    on: datetime.date
    fte_by_role: dict[str, Decimal] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    trainings: list[Training] = field(default_factory=list)  # the 12 months up to D

    @property
    def fte(self) -> Decimal:
        return sum(self.fte_by_role.values(), Decimal(0))

    @property
    def training_hours(self) -> Decimal:
        return sum((t.hours or Decimal(0) for t in self.trainings), Decimal(0))

    @property
    def known(self) -> bool:
        """Whether any staff record speaks for D: a team with no assignment on D is
        "unknown" for an indicator, never zero."""
        return bool(self.people)


def training_window(on: datetime.date) -> datetime.date:
    """The first day of the 12 months up to `on` (a year before, plus one day)."""
    try:
        start = on.replace(year=on.year - 1)
    except ValueError:  # 29 February
        start = on.replace(year=on.year - 1, day=28)
    return start + datetime.timedelta(days=1)


def team_on(clusters, on: datetime.date) -> dict[int, Team]:
    """Each cluster's management team as known on `on`, by cluster id.

    `clusters`: Cluster objects or ids. Per cluster: the FTE by role of the assignments
    running on `on` (started on or before it, not ended before it — an assignment that
    starts after `on` does not count), the people with an assignment on `on` (their roles,
    FTE and qualifications) and the trainings they completed in the 12 months up to `on`
    (of people on the team on `on`). Every cluster asked for has an entry (an empty team
    when nothing is recorded). Two queries, whatever the number of clusters."""
    ids = [getattr(c, "pk", c) for c in clusters]
    teams = {pk: Team(pk, on) for pk in ids}
    assignments = (
        StaffAssignment.objects.filter(staff__cluster_id__in=ids, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("staff")
        .order_by("staff__cluster_id", "staff__name", "staff_id", "start_date", "pk")
    )
    people: dict[int, Person] = {}
    by_role: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for a in assignments:
        cluster_id = a.staff.cluster_id
        by_role[cluster_id][a.role] += a.fte
        person = people.get(a.staff_id)
        if person is None:
            person = people[a.staff_id] = Person(a.staff_id, a.staff.name, a.staff.qualifications)
            teams[cluster_id].people.append(person)
        if a.role not in person.roles:
            person.roles.append(a.role)
        person.fte += a.fte
    for cluster_id, roles in by_role.items():
        teams[cluster_id].fte_by_role = dict(roles)
    if people:
        trainings = Training.objects.filter(
            staff_id__in=list(people), completed_on__gte=training_window(on), completed_on__lte=on
        ).select_related("staff")
        for t in trainings:
            teams[t.staff.cluster_id].trainings.append(t)
    return teams


def team_page(cluster) -> list[StaffMember]:
    """Every person of a cluster's team, with all their assignments and trainings (the
    Team page: past and future periods too)."""
    return list(
        StaffMember.objects.filter(cluster=cluster).prefetch_related("assignments", "trainings")
    )
