"""Copies of the programme's IBNs for `clustermonitor generate --scale N`: copy n of EUKA
is EUKA-n, with the same agreement, Table 7 figures and targets, so that the generators
calibrate it as they do the original. One audit entry covers the whole run."""

from __future__ import annotations

from clustermonitor.programmes.models import Cluster, ReportedFigure, Target


def clone_clusters(specs, number: int) -> list[Cluster]:
    """Create copy `number` of each cluster in `specs` (the originals' specs) with its
    reported figures and targets; returns the copies (existing ones are left alone)."""
    originals = {c.code: c for c in Cluster.objects.filter(code__in=[s.code for s in specs])}
    existing = set(
        Cluster.objects.filter(code__in=[f"{s.code}-{number}" for s in specs]).values_list(
            "code", flat=True
        )
    )
    copies = []
    for spec in specs:
        code = f"{spec.code}-{number}"
        if code in existing or spec.code not in originals:
            continue
        original = originals[spec.code]
        copy = Cluster(
            **{
                f.attname: getattr(original, f.attname)
                for f in Cluster._meta.concrete_fields
                if not f.primary_key and f.attname != "account_manager_id"
            }
        )
        copy.code, copy.name = code, f"{original.name} ({number})"
        copies.append(copy)
    Cluster.objects.bulk_create(copies)
    by_original = {c.code.rsplit("-", 1)[0]: c for c in copies}
    figures = [
        ReportedFigure(
            metric=f.metric,
            value=f.value,
            cluster=by_original[f.cluster.code],
            basis=f.basis,
            period_end=f.period_end,
            source=f.source,
            source_date=f.source_date,
        )
        for f in ReportedFigure.objects.filter(cluster__code__in=list(by_original)).select_related(
            "cluster"
        )
    ]
    ReportedFigure.objects.bulk_create(figures)
    targets = [
        Target(
            cluster=by_original[t.cluster.code],
            kpi_id=t.kpi_id,
            due_date=t.due_date,
            baseline=t.baseline,
            value=t.value,
            note=t.note,
        )
        for t in Target.objects.filter(cluster__code__in=list(by_original)).select_related(
            "cluster"
        )
    ]
    Target.objects.bulk_create(targets)
    return copies
