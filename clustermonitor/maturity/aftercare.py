"""Exit and aftercare (issue 21): a cluster's status after its term and the yearly light
follow-up.

- **Aftercare**: once the term has ended (the agreement's end date is past), the
  programme manager records what became of the cluster: continued on its own funds,
  integrated into a spearhead cluster (which SPC), merged (with which cluster of the
  programme), or stopped — and since when.
- **FollowUp**: one per cluster and year after the term — members, fees and activities —
  either reported by the cluster's manager or counted from the records known at the
  year's end (:func:`count_from_records`), kept with its source.

Every write audited (core.audit).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import gettext as _

from clustermonitor.activities.models import Activity
from clustermonitor.core import audit, known
from clustermonitor.maturity.models import SPC_CODE
from clustermonitor.maturity.models_ladder import Aftercare, FollowUp, LabelAward
from clustermonitor.maturity.services import MaturityError
from clustermonitor.members.models import Contribution, Membership
from clustermonitor.programmes.models import Cluster

Status = Aftercare.Status


def term_ended(cluster, today: datetime.date) -> bool:
    return cluster.end_date < today


def follow_up_years(cluster, today: datetime.date) -> list[int]:
    """The years a follow-up is due for: each full calendar year after the term's end
    year that has ended by `today`."""
    return list(range(cluster.end_date.year + 1, today.year))


def into_choices(cluster, status: str):
    """The clusters `into` may name: an SPC of the programme for an integration, any
    other cluster of the programme for a merger."""
    others = Cluster.objects.filter(programme_id=cluster.programme_id).exclude(pk=cluster.pk)
    if status == Status.INTEGRATED_SPC:
        return others.filter(cluster_type__code=SPC_CODE)
    return others


def save_aftercare(actor: audit.Actor, aftercare: Aftercare, today: datetime.date) -> Aftercare:
    """Record the cluster's status after its term; the rules:

    - only once the term has ended, and not from a day before its end;
    - an integration names an SPC of the programme, a merger another cluster of the
      programme; the other statuses name none."""
    cluster = aftercare.cluster
    if not term_ended(cluster, today):
        raise MaturityError(_("The status after the term is recorded once the term has ended."))
    if aftercare.since is None or aftercare.since <= cluster.end_date:
        raise MaturityError(_("The status applies from a day after the term's end."))
    if aftercare.since > today:
        raise MaturityError(_("The status applies from a day that has come."))
    if aftercare.status in (Status.INTEGRATED_SPC, Status.MERGED):
        if (
            aftercare.into_id is None
            or not into_choices(cluster, aftercare.status).filter(pk=aftercare.into_id).exists()
        ):
            raise MaturityError(
                _("Choose the spearhead cluster it joined.")
                if aftercare.status == Status.INTEGRATED_SPC
                else _("Choose the cluster it merged with.")
            )
    else:
        aftercare.into = None
    audit.save(actor, aftercare)
    return aftercare


def _check_year(cluster, year: int, today: datetime.date) -> None:
    if year not in follow_up_years(cluster, today):
        raise MaturityError(
            _("A follow-up is for a full year after the term's end (%(first)s to %(last)s).")
            % {"first": cluster.end_date.year + 1, "last": today.year - 1}
        )


def report_follow_up(actor: audit.Actor, follow_up: FollowUp, today: datetime.date) -> FollowUp:
    """A follow-up reported by the cluster (its manager or the programme manager)."""
    _check_year(follow_up.cluster, follow_up.year, today)
    for name in ("members", "activities", "fees"):
        value = getattr(follow_up, name)
        if value is not None and value < 0:
            raise MaturityError(_("Figures are not negative."))
    follow_up.source = FollowUp.Source.REPORTED
    follow_up.reported_on = today
    audit.save(actor, follow_up)
    return follow_up


@dataclass(frozen=True)
class Counted:
    members: int
    fees: object  # Decimal
    activities: int


def counted(cluster, year: int) -> Counted:
    """What the records known on 31/12 of `year` say (core.known): the members whose
    membership runs on 31/12, the contributions paid in the year and the activities held
    in it."""
    end = datetime.date(year, 12, 31)
    start = datetime.date(year, 1, 1)
    members = known.active_memberships(Membership.objects.filter(cluster=cluster), end).count()
    fees = (
        known.paid(Contribution.objects.filter(membership__cluster=cluster), end)
        .filter(paid_on__gte=start)
        .aggregate(total=Sum("amount"))["total"]
    )
    activities = (
        known.activities(Activity.objects.filter(clusters=cluster), end)
        .filter(date__gte=start)
        .count()
    )
    return Counted(members, fees or 0, activities)


def count_from_records(actor: audit.Actor, cluster, year: int, today: datetime.date) -> FollowUp:
    """Count the year's follow-up from the records (replaces what was there)."""
    _check_year(cluster, year, today)
    figures = counted(cluster, year)
    follow_up = FollowUp.objects.filter(cluster=cluster, year=year).first() or FollowUp(
        cluster=cluster, year=year
    )
    follow_up.members = figures.members
    follow_up.fees = figures.fees
    follow_up.activities = figures.activities
    follow_up.source = FollowUp.Source.COUNTED
    follow_up.reported_on = today
    audit.save(actor, follow_up)
    return follow_up


# -- Selectors -------------------------------------------------------------------------


def labels_of(cluster) -> list[LabelAward]:
    """The cluster's label awards with their labels (and the rules for use after the
    term)."""
    return list(LabelAward.objects.filter(cluster=cluster).select_related("label"))


@dataclass
class Row:
    cluster: Cluster
    aftercare: Aftercare | None
    last_year: int | None
    missing: list[int]


def overview(programme_clusters, today: datetime.date) -> list[Row]:
    """Every cluster whose term has ended: its status, the last follow-up's year and the
    years with none. Three queries whatever the number of clusters."""
    clusters = list(
        programme_clusters.filter(end_date__lt=today)
        .select_related("cluster_type")
        .order_by("end_date", "code")
    )
    aftercare = {
        a.cluster_id: a
        for a in Aftercare.objects.filter(cluster__in=clusters).select_related("into")
    }
    years: dict[int, set[int]] = {}
    for cluster_id, year in FollowUp.objects.filter(cluster__in=clusters).values_list(
        "cluster_id", "year"
    ):
        years.setdefault(cluster_id, set()).add(year)
    return [
        Row(
            c,
            aftercare.get(c.pk),
            max(years.get(c.pk, set()), default=None),
            [y for y in follow_up_years(c, today) if y not in years.get(c.pk, set())],
        )
        for c in clusters
    ]
