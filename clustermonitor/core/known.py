"""Known on D: which records a figure "as of" a date may use (docs/definitions.md).

A report, page, API answer or export as of D uses only what was known on D. Each record
kind has the date on which it became true; this module is the one place that turns that
rule into query filters. Selectors call it; chapters and pages never filter by date
themselves.

- a cluster (and with it its targets and reported figures): from its agreement's start;
- a membership: from its start date, once its cluster's agreement has started;
- a payment: from its payment date (``paid_on``); before it the contribution is unpaid;
- a year's firm figures (annual accounts): filed within 7 months of the year end, so the
  figures of year Y are known from 1 August of Y + 1;
- annual accounts (one filing at the Central Balance Sheet Office): from their deposit
  date (``filed_on``; where an extract does not give it, the firm figures' rule above);
  a later filing of the same year replaces it from its own deposit;
- an activity: from its date; a collaboration: from its first step, its stage from the
  steps taken by then;
- a reported figure: from its source date (approval, publication), for a period ended;
  a published figure: from its source date;
- a survey wave and its responses: once the wave closed;
- exit plans, criteria sets, assessments: from the day filed, accepted, published, made;
- a row with no business date (targets, cluster and organisation attributes): from the
  time the audit log recorded its write (:func:`audit_log_on`).

docs/definitions.md ("Known on D") has the table of every record kind.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

#: A contribution's status once paid (members.Contribution.Status.PAID; this module sits
#: below the apps whose records it dates and names their fields, not their models).
PAID = "paid"

#: Annual accounts of a year ending 31/12/Y are known from this day and month of Y + 1.
FIRM_FIGURES_KNOWN_FROM = (8, 1)


def end_of(on: datetime.date) -> datetime.datetime:
    """The last moment of ``on`` in Belgian time: a time stamp (a submission, an
    approval, the audit log's write) is known on ``on`` when it is before this."""
    from django.utils import timezone

    return timezone.make_aware(
        datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time.min)
    ) - datetime.timedelta(microseconds=1)


def clusters(queryset: QuerySet, on: datetime.date, prefix: str = "") -> QuerySet:
    """Clusters whose agreement started on or before ``on`` (``prefix``: the path to the
    cluster, e.g. ``"cluster__"``)."""
    return queryset.filter(**{f"{prefix}start_date__lte": on})


def cluster_started(cluster, on: datetime.date) -> bool:
    """:func:`clusters` for one cluster already read."""
    return cluster.start_date <= on


def memberships(queryset: QuerySet, on: datetime.date, prefix: str = "") -> QuerySet:
    """Memberships that started on or before ``on``, of a cluster whose agreement had
    started by then (``prefix``: the path to the membership, e.g. ``"membership__"`` for
    contributions)."""
    return queryset.filter(
        **{f"{prefix}start_date__lte": on, f"{prefix}cluster__start_date__lte": on}
    )


def running_memberships(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """Memberships running on ``on``: started by then and not ended before it (the
    member lists and the API's ``active_on``, which list a cluster's own records)."""
    return queryset.filter(start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )


def active_memberships(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """Memberships known on ``on`` (:func:`memberships`: also their cluster had started)
    and running on it: the members every figure as of ``on`` counts."""
    return running_memberships(memberships(queryset, on), on)


def paid(queryset: QuerySet, on: datetime.date, prefix: str = "") -> QuerySet:
    """Contributions paid on or before ``on``; one paid later was unpaid on ``on``."""
    return queryset.filter(Q(**{f"{prefix}status": PAID}) & Q(**{f"{prefix}paid_on__lte": on}))


def status_on(contribution: dict, on: datetime.date) -> str:
    """A contribution's status as it was on ``on`` (a dict with ``status``,
    ``invoiced_on`` and ``paid_on``): paid after it, it was invoiced (or expected, when
    not invoiced by then either); invoiced after it, it was expected."""
    status, invoiced, paid = (
        contribution["status"],
        contribution["invoiced_on"],
        contribution["paid_on"],
    )
    if status == PAID and paid is not None and paid > on:
        status = "invoiced"
    if status == "invoiced" and invoiced is not None and invoiced > on:
        status = "expected"
    if status == "invoiced" and invoiced is None and paid is not None and paid > on:
        status = "expected"  # paid later, with no invoice date: only asked on `on`
    return status


def reported(figure, on: datetime.date) -> bool:
    """Whether a reported figure was known on ``on``: given on or before it (its source
    date: the approval of a progress report, the evaluation's publication) for a period
    that had ended by then."""
    return figure.source_date <= on and (figure.period_end is None or figure.period_end <= on)


def reported_figures(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """:func:`reported` as a query filter."""
    return queryset.filter(source_date__lte=on).filter(
        Q(period_end__isnull=True) | Q(period_end__lte=on)
    )


def published(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """Published figures that had appeared by ``on`` (their source date)."""
    return queryset.filter(source_date__lte=on)


def activities(queryset: QuerySet, on: datetime.date, prefix: str = "") -> QuerySet:
    """Activities held (begun) on or before ``on``, with their participations (``prefix``:
    the path to the activity, e.g. ``"activity__"`` for participations)."""
    return queryset.filter(**{f"{prefix}date__lte": on})


def stage_changes(queryset: QuerySet, on: datetime.date, prefix: str = "") -> QuerySet:
    """A collaboration's steps taken on or before ``on``."""
    return queryset.filter(**{f"{prefix}date__lte": on})


def collaborations(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """Collaborations that existed on ``on``: their first step was taken by then."""
    from django.db.models import Exists, OuterRef

    steps = queryset.model._meta.get_field("stage_changes")
    return queryset.filter(
        Exists(
            stage_changes(
                steps.related_model.objects.filter(**{steps.field.name: OuterRef("pk")}), on
            )
        )
    )


def waves(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """Survey waves whose results were known on ``on``: closed by then (their last day,
    or "close now"). A response is submitted while its wave is open, so a closed wave's
    responses are all known."""
    return queryset.filter(Q(closes_on__lte=on) | Q(closed_at__lte=end_of(on)))


def exit_plans_filed(queryset: QuerySet, on: datetime.date, prefix: str = "") -> QuerySet:
    """Exit plans filed on or before ``on``."""
    return queryset.filter(**{f"{prefix}filed_on__lte": on})


def filed(plan, on: datetime.date) -> bool:
    """Whether an exit plan had been filed by ``on``."""
    return plan is not None and plan.filed_on is not None and plan.filed_on <= on


def accepted(plan, on: datetime.date) -> bool:
    """Whether an exit plan had been accepted by ``on``."""
    return plan is not None and plan.accepted_on is not None and plan.accepted_on <= on


def assessments(queryset: QuerySet, on: datetime.date) -> QuerySet:
    """Assessments made on or before ``on``."""
    return queryset.filter(assessed_on__lte=on)


def criteria_published(criteria_set, on: datetime.date) -> bool:
    """Whether a criteria set had been published by ``on``."""
    return criteria_set.published_on is not None and criteria_set.published_on <= on


#: Writes that enter records of the past — the reference data, the demo, a restored
#: backup — date nothing: what they write carries its own dates or is known from the start.
LOADERS = frozenset({"load-reference", "demo-data", "demo", "restore"})


def audit_log_on(on: datetime.date, wanted: dict) -> dict:
    """The audit-log rule for rows with no business date (docs/definitions.md): a row is
    known from the time the audit log recorded its creation, a change from the time it
    recorded the change. ``wanted`` maps a model to the primary keys asked about; the
    answer maps it to ``(created, before)``: the rows created after ``on``, and for the
    others changed after it the values before the first of those changes (attname →
    value as the log keeps them). Writes by a loader (:data:`LOADERS`) are not counted;
    rows the log has no entry for are known from the start. One query, also for no rows
    (a page takes the same number of queries whatever it shows); none as of today, which
    nothing is written after yet."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from clustermonitor.core.models import AuditEntry

    if end_of(on) >= timezone.now():
        return {model: (set(), {}) for model in wanted}
    types = ContentType.objects.get_for_models(*wanted, for_concrete_models=True)
    ids = {types[model].pk: {str(pk) for pk in pks} for model, pks in wanted.items()}
    found = {types[model].pk: (set(), {}) for model in wanted}
    entries = (
        AuditEntry.objects.filter(
            content_type__in=sorted(ids),
            at__gt=end_of(on),
            action__in=[AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE],
        )
        .exclude(via__in=LOADERS)
        .order_by("at", "id")
        .values_list("content_type_id", "object_id", "action", "before")
    )
    many = set().union(*ids.values()) if ids else set()
    if len(many) > 100:  # many rows (organisations): ask for theirs only
        entries = entries.filter(object_id__in=sorted(many))
    for type_id, object_id, action, values in entries:
        if object_id not in ids[type_id]:
            continue
        created, before = found[type_id]
        pk = int(object_id) if object_id.isdigit() else object_id
        if pk in created or pk in before:
            continue  # the first write after the day tells
        if action == AuditEntry.Action.CREATE:
            created.add(pk)
        else:
            before[pk] = values or {}
    return {model: found[types[model].pk] for model in wanted}


def as_on_groups(groups, on: datetime.date) -> list[list]:
    """Rows with no business date as they were on ``on`` (:func:`audit_log_on`), for
    several kinds in one query. ``groups``: ``(model, instances, fields, dated)``; for each
    the rows kept — those created after ``on`` left out, unless ``dated`` (the rows have
    a business date that says when they are known, a cluster's start: only their changes
    are read from the log) — with ``fields`` of those changed after it set back to their
    earlier values (in place)."""
    groups = [(model, list(rows), fields, dated) for model, rows, fields, dated in groups]
    log = audit_log_on(on, {model: [r.pk for r in rows] for model, rows, _f, _d in groups})
    out = []
    for model, rows, fields, dated in groups:
        created, before = log[model]
        kept = rows if dated else [r for r in rows if r.pk not in created]
        for instance in kept:
            values = before.get(instance.pk)
            if not values:
                continue
            for name in fields:
                field = model._meta.get_field(name)
                if field.attname not in values:
                    continue
                setattr(instance, field.attname, field.to_python(values[field.attname]))
                if field.is_relation and field.is_cached(instance):
                    field.delete_cached_value(instance)
        out.append(kept)
    return out


def as_on(model, instances, on: datetime.date, fields, *, dated: bool = False) -> list:
    """:func:`as_on_groups` for one kind of row."""
    return as_on_groups([(model, instances, fields, dated)], on)[0]


#: What of a target the audit-log rule sets back. A target has no date of its own: it is
#: part of its cluster's agreement and known with it (also when entered later, as the
#: agreement's); a change to it is known from the time the audit log recorded it.
TARGET_FIELDS = ("value", "baseline", "due_date")


def targets(targets_of_clusters, on: datetime.date) -> list:
    """Targets as they were on ``on`` (:func:`as_on`)."""
    targets_of_clusters = list(targets_of_clusters)
    if not targets_of_clusters:
        return []
    model = type(targets_of_clusters[0])
    return as_on(model, targets_of_clusters, on, TARGET_FIELDS, dated=True)


#: What of a cluster the audit-log rule sets back: the attributes with no date of their
#: own (an agreement extended later ended, on D, on its earlier end date).
CLUSTER_FIELDS = ("end_date", "embedding", "subsidy", "call", "future_path", "future_note")


def cluster_attributes(clusters, on: datetime.date) -> list:
    """Clusters (known on ``on`` by their start) with the attributes they had on ``on``
    (:func:`as_on`, in place)."""
    clusters = list(clusters)
    if not clusters:
        return []
    return as_on(type(clusters[0]), clusters, on, CLUSTER_FIELDS, dated=True)


def clusters_and_targets(clusters, on: datetime.date) -> list:
    """:func:`cluster_attributes` and :func:`targets` in one query: the clusters (their
    targets prefetched), each with ``known_targets``, the targets known on ``on``."""
    clusters = list(clusters)
    if not clusters:
        return []
    cluster_model = type(clusters[0])
    target_model = cluster_model._meta.get_field("targets").related_model
    clusters, kept = as_on_groups(
        [
            (cluster_model, clusters, CLUSTER_FIELDS, True),
            (target_model, [t for c in clusters for t in c.targets.all()], TARGET_FIELDS, True),
        ],
        on,
    )
    by_cluster = {c.pk: [] for c in clusters}
    for target in kept:
        by_cluster[target.cluster_id].append(target)
    for cluster in clusters:
        cluster.known_targets = by_cluster[cluster.pk]
    return clusters


def firm_figures_year(on: datetime.date) -> int:
    """The latest year whose firm figures are known on ``on``.

    >>> firm_figures_year(datetime.date(2020, 1, 31)), firm_figures_year(datetime.date(2020, 8, 1))
    (2018, 2019)
    """
    month, day = FIRM_FIGURES_KNOWN_FROM
    return on.year - 1 if on >= datetime.date(on.year, month, day) else on.year - 2


def firm_figures_known_from(period_end: datetime.date) -> datetime.date:
    """The day from which a year's firm figures are known when their deposit date is not
    given: FIRM_FIGURES_KNOWN_FROM of the year after the year the financial year ended
    (the rule of :func:`firm_figures_year`).

    >>> firm_figures_known_from(datetime.date(2019, 12, 31))
    datetime.date(2020, 8, 1)
    """
    month, day = FIRM_FIGURES_KNOWN_FROM
    return datetime.date(period_end.year + 1, month, day)


def annual_accounts(queryset: QuerySet, on: datetime.date, prefix: str = "") -> QuerySet:
    """Annual accounts filings known on ``on``: deposited on or before it (``filed_on``,
    the deposit date; a corrected filing is known from its own deposit)."""
    return queryset.filter(**{f"{prefix}filed_on__lte": on})


def level_decisions(queryset: QuerySet, on: datetime.date, prefix: str = "") -> QuerySet:
    """Level decisions (issue 21) known on ``on``: decided on or before it and effective
    on or before it. A decision taken later — even one effective earlier — is not known."""
    return queryset.filter(**{f"{prefix}decided_on__lte": on, f"{prefix}effective_from__lte": on})


def label_awards(queryset: QuerySet, on: datetime.date, prefix: str = "") -> QuerySet:
    """Label awards known on ``on``: awarded on or before it (valid or since expired)."""
    return queryset.filter(**{f"{prefix}awarded_on__lte": on})


def answer_checked(answer, on: datetime.date) -> bool:
    """Whether an evidence answer's check (accepted or rejected) was known on ``on``."""
    return answer is not None and answer.checked_on is not None and answer.checked_on <= on
