"""The sheets of the benchmark downloads (issue 21): the programme's distributions and
every cluster's values (agency), and one cluster's values against the quartiles
(anonymised, as its page)."""

from django.utils.translation import gettext as _

from clustermonitor.core import i18n
from clustermonitor.core.exporters import Sheet

QUARTILES = ("n", "min", "q1", "median", "q3", "max")


def _label(indicator) -> str:
    return indicator.label(i18n.lang())


def _source(value) -> str:
    if value.source == "unknown":
        return "; ".join(value.missing)
    return value.basis


def _distribution(distribution: dict) -> list:
    if distribution.get("suppressed"):
        return [_("< 5") if distribution.get("n") else 0, None, None, None, None, None]
    return [distribution.get(k) for k in QUARTILES]


def _quartiles(distribution: dict) -> list:
    """n and the quartiles, without the minimum and maximum (another cluster's value)."""
    n, _min, q1, median, q3, _max = _distribution(distribution)
    return [n, q1, median, q3]


def _reference(reference) -> list:
    if not reference:
        return [None, None, None, None, None]
    return [
        reference["source"],
        reference["published_on"],
        reference["q1"],
        reference["median"],
        reference["q3"],
    ]


def _reference_headers() -> list[str]:
    return [
        _("reference source"),
        _("published on"),
        _("reference Q1"),
        _("reference median"),
        _("reference Q3"),
    ]


def programme_sheets(found: dict) -> list[Sheet]:
    headers = [
        _("indicator"),
        _("key"),
        _("unit"),
        _("clusters"),
        _("minimum"),
        _("first quartile"),
        _("median"),
        _("third quartile"),
        _("maximum"),
        _("unknown"),
        *_reference_headers(),
    ]
    rows = [
        [
            _label(r["indicator"]),
            r["indicator"].key,
            r["indicator"].unit,
            *_distribution(r["distribution"]),
            r["unknown"],
            *_reference(r["reference"]),
        ]
        for r in found["rows"]
    ]
    indicators = [r["indicator"] for r in found["rows"]]
    values = [
        [c["cluster"].code, c["cluster"].name, *(v.value for v in c["values"])]
        for c in found["clusters"]
    ]
    sources = [
        [c["cluster"].code, ind.key, v.source, _source(v)]
        for c in found["clusters"]
        for ind, v in zip(indicators, c["values"], strict=True)
    ]
    return [
        Sheet(_("Distribution"), headers, rows),
        Sheet(_("Clusters"), [_("cluster"), _("name"), *(i.key for i in indicators)], values),
        Sheet(_("Sources"), [_("cluster"), _("indicator"), _("source"), _("basis")], sources),
    ]


def cluster_sheets(cluster, found: dict) -> list[Sheet]:
    headers = [
        _("indicator"),
        _("key"),
        _("unit"),
        _("value"),
        _("source"),
        _("basis or what is missing"),
        _("quartile in the programme"),
        _("percentile in the programme"),
        _("clusters"),
        _("first quartile"),
        _("median"),
        _("third quartile"),
        *_reference_headers(),
        _("quartile against the reference"),
    ]
    rows = [
        [
            _label(r["indicator"]),
            r["indicator"].key,
            r["indicator"].unit,
            r["value"].value,
            r["value"].source,
            _source(r["value"]),
            r["position"]["quartile"],
            r["position"]["percentile"],
            *_quartiles(r["distribution"]),
            *_reference(r["reference"]),
            r["reference_quartile"],
        ]
        for r in found["rows"]
    ]
    return [Sheet(cluster.code, headers, rows)]
