"""The public calendar (issue 17, docs/portal.md "Events and calendar feeds"): the
activities a cluster manager marked public, of the clusters whose profile is published,
as a page and as iCalendar feeds.

Only what an activity says of itself is shown (title, kind, dates, location,
description) and, of its organisers, only the clusters with a published profile; never
who takes part. A feed is the same bytes for the same records: its events are sorted
explicitly and each event's DTSTAMP comes from the records (the latest audited change of
the activity, else its first day), never from the clock.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

from babel import dates as babel_dates
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Max, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _

from clustermonitor.activities.models import Activity
from clustermonitor.core.models import AuditEntry
from clustermonitor.core.templatetags.format import current_locale
from clustermonitor.programmes.models import Cluster

#: How many upcoming events a cluster's public profile lists.
ON_PROFILE = 5


def published_clusters():
    return Cluster.objects.filter(profile__publication__isnull=False)


def public_activities(cluster=None):
    """The public activities organised by a cluster with a published profile (by
    `cluster` when given), each with `organisers`: its published clusters, by name."""
    organised = Activity.clusters.through.objects.filter(
        activity_id=OuterRef("pk"), cluster__profile__publication__isnull=False
    )
    if cluster is not None:
        organised = organised.filter(cluster=cluster)
    # With its registration settings (registrations), for the "Register" link.
    return (
        Activity.objects.filter(Exists(organised), public=True)
        .select_related("registration_settings")
        .prefetch_related(
            Prefetch(
                "clusters",
                queryset=published_clusters().order_by("name", "code"),
                to_attr="organisers",
            )
        )
    )


def _upcoming(today: datetime.date) -> Q:
    """Not over yet: an activity of several days that runs today is still to come."""
    return Q(end_date__gte=today) | Q(end_date__isnull=True, date__gte=today)


def calendar(today: datetime.date, filters: dict):
    """The public activities the page lists: upcoming (from today, soonest first), past
    (most recent first) or those of one month (`month`, any date in it), narrowed to a
    cluster's code and a kind."""
    activities = public_activities()
    if filters.get("cluster"):
        activities = activities.filter(clusters__code=filters["cluster"])
    if filters.get("kind"):
        activities = activities.filter(kind=filters["kind"])
    month = filters.get("month")
    if month:
        first = month.replace(day=1)
        after = (first + datetime.timedelta(days=32)).replace(day=1)
        return activities.filter(
            Q(date__lt=after) & (Q(end_date__gte=first) | Q(date__gte=first))
        ).order_by("date", "title", "pk")
    if filters.get("when") == "past":
        return activities.exclude(_upcoming(today)).order_by("-date", "title", "pk")
    return activities.filter(_upcoming(today)).order_by("date", "title", "pk")


def upcoming_of(cluster, today: datetime.date) -> list:
    """The next few public activities of a cluster (its public profile)."""
    return list(
        public_activities(cluster)
        .filter(_upcoming(today))
        .order_by("date", "title", "pk")[:ON_PROFILE]
    )


def month_label(day: datetime.date) -> str:
    """ "december 2026" / "December 2026": a month heading in the reader's language."""
    return babel_dates.format_date(day, "LLLL yyyy", locale=current_locale())


@dataclass
class Month:
    label: str
    activities: list


def by_month(activities) -> list[Month]:
    """The activities (in the order given) under a heading per month of their first day."""
    months: list[Month] = []
    for activity in activities:
        label = month_label(activity.date)
        if not months or months[-1].label != label:
            months.append(Month(label, []))
        months[-1].activities.append(activity)
    return months


def cluster_choices() -> list[tuple[str, str]]:
    return list(published_clusters().order_by("name", "code").values_list("code", "name"))


# The feeds -----------------------------------------------------------------------------


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "clustermonitor"


def uid(activity) -> str:
    """Stable across requests, processes and edits: the activity's id and the site."""
    return f"activity-{activity.pk}@{_host()}"


def _stamps(activities) -> dict[int, datetime.datetime]:
    """Per activity, its latest audited change (UTC, whole seconds)."""
    content_type = ContentType.objects.get_for_model(Activity)
    rows = (
        AuditEntry.objects.filter(
            content_type=content_type, object_id__in=[str(a.pk) for a in activities]
        )
        .values("object_id")
        .annotate(last=Max("at"))
    )
    return {
        int(row["object_id"]): row["last"].astimezone(datetime.UTC).replace(microsecond=0)
        for row in rows
    }


def _first_day(activity) -> datetime.datetime:
    return datetime.datetime.combine(activity.date, datetime.time(), tzinfo=datetime.UTC)


def feed(activities, name: str, link) -> bytes:
    """An iCalendar (RFC 5545) of these activities as all-day events (an activity has
    dates, no hours). `link(activity)` is the address of the activity on the public page.
    """
    import icalendar  # with the first feed, not the module (the portal's URLs)

    activities = sorted(activities, key=lambda a: (a.date, a.title, a.pk))
    stamps = _stamps(activities)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//clustermonitor//public events//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    for activity in activities:
        event = icalendar.Event()
        event.add("uid", uid(activity))
        event.add("dtstamp", stamps.get(activity.pk) or _first_day(activity))
        event.add("dtstart", activity.date)
        event.add("dtend", activity.last_day + datetime.timedelta(days=1))
        event.add("summary", activity.title)
        event.add("categories", [str(activity.get_kind_display())])
        if activity.location:
            event.add("location", activity.location)
        organisers = ", ".join(c.name for c in activity.organisers)
        text = _("Organised by %(clusters)s.") % {"clusters": organisers}
        if activity.description:
            text = f"{activity.description}\n\n{text}"
        event.add("description", text)
        event.add("url", link(activity))
        cal.add_component(event)
    return cal.to_ical()
