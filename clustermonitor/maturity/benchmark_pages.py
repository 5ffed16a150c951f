"""What the benchmark pages and downloads show (issue 21), worked out once for the page
and its .xlsx: the programme's distribution of every indicator beside the published
reference quartiles (agency: every cluster's value), and one cluster's values against
the programme's quartiles and the references — anonymised: no other cluster's value, a
distribution over fewer than five clusters suppressed."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from clustermonitor.analysis import benchmark as b
from clustermonitor.maturity import benchmark_references
from clustermonitor.maturity.indicators import indicators_on


def _version() -> tuple:
    """The records every indicator reads (core.memo.data_version: any audited write or
    row added changes it)."""
    from django.apps import apps

    from clustermonitor.core import memo

    return memo.data_version(
        *(
            apps.get_model(label)
            for label in (
                "programmes.Cluster",
                "members.Membership",
                "members.Contribution",
                "registry.Organisation",
                "registry.FirmFigures",
                "activities.Activity",
                "activities.Participation",
                "collaborations.Collaboration",
                "collaborations.StageChange",
                "maturity.StaffAssignment",
                "maturity.Training",
                "maturity.Answer",
            )
        )
    )


def all_indicators(programme, on: datetime.date):
    """indicators_on for every cluster of the programme, kept by the records' version,
    the day and the language (the sources are worded in it) where results are kept
    (core.memo; off in tests)."""
    from clustermonitor.core import i18n, memo

    return memo.memo(
        "benchmark",
        lambda: (programme.pk, on.isoformat(), i18n.lang(), _version()),
        lambda: indicators_on(programme, on),
    )


def _reference(reference) -> dict | None:
    if reference is None:
        return None
    return {
        "source": reference.source,
        "published_on": reference.published_on,
        "q1": float(reference.q1),
        "median": float(reference.median),
        "q3": float(reference.q3),
        "n": reference.n,
    }


def programme_benchmark(programme, on: datetime.date) -> dict:
    """The agency's view: per indicator the distribution over all clusters (not
    suppressed: the agency sees every value), the reference, and every cluster's value."""
    bench = all_indicators(programme, on)
    references = benchmark_references.known_on(programme, on)
    distributions = bench.distributions(suppress=False)
    rows = []
    for indicator in b.INDICATORS:
        rows.append(
            {
                "indicator": indicator,
                "distribution": distributions[indicator.key],
                "unknown": sum(1 for c in bench.clusters if not bench.of(c)[indicator.key].known),
                "reference": _reference(references.get(indicator.key)),
            }
        )
    clusters = [
        {"cluster": c, "values": [bench.of(c)[i.key] for i in b.INDICATORS]} for c in bench.clusters
    ]
    return {"on": on, "rows": rows, "clusters": clusters, "n_clusters": len(bench.clusters)}


def cluster_benchmark(cluster, on: datetime.date) -> dict:
    """A cluster's own values against the programme's quartiles (suppressed under five
    clusters) and the reference quartiles: never another cluster's value."""
    bench = all_indicators(cluster.programme, on)
    references = benchmark_references.known_on(cluster.programme, on)
    own = bench.of(cluster)
    rows = []
    for indicator in b.INDICATORS:
        values = [bench.of(c)[indicator.key] for c in bench.clusters]
        value = own.get(indicator.key) or b.unknown(_("the cluster's agreement had not started"))
        reference = _reference(references.get(indicator.key))
        rows.append(
            {
                "indicator": indicator,
                "value": value,
                # No minimum or maximum: each is another cluster's value.
                "distribution": {
                    k: v for k, v in b.distribution(values).items() if k not in ("min", "max")
                },
                "position": b.position(value, values),
                "reference": reference,
                "reference_quartile": b.quartile_of(
                    value, *(reference[k] if reference else None for k in ("q1", "median", "q3"))
                ),
            }
        )
    return {"on": on, "rows": rows, "started": bool(own)}
