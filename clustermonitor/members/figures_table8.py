"""The programme's Table 8 (co-financing per cluster and year) and its Lorenz chart,
kept by their data (core.memo): the Table 8 page renders them, the background task
(members.tasks) computes them."""

import datetime

from django.utils import translation

from clustermonitor.analysis import cofinancing
from clustermonitor.core.memo import memo
from clustermonitor.core.pagecache import records_version
from clustermonitor.members import figures
from clustermonitor.programmes.models import Cluster, Programme


def table8_frames(clusters, lang: str):
    """The co-financing frames of `clusters`, every year (the fees of the programme)."""
    return figures.cofinancing_frames(clusters, None, lang)


def table8_inputs(programme, lang: str) -> tuple:
    """What the programme's Table 8 is computed from: the version of the records (one
    query of index look-ups, none between writes with a shared cache)."""
    return (programme.pk if programme else None, lang, records_version())


def table8_data(programme, lang: str) -> dict:
    """The programme's Table 8 of every year and the fees behind its chart, by year: the
    expensive part of the page (every fee of the programme)."""
    clusters = list(Cluster.objects.filter(programme=programme).select_related("cluster_type"))
    _rows, fees, table, _ledger = table8_frames(clusters, lang)
    return {
        "years": sorted(set(table["year"])) or [datetime.date.today().year],
        "table": table,
        "amounts": {year: year_amounts(fees, year) for year in sorted(set(fees["year"]))},
    }


def keep_table8(programme_id: int, lang: str, year: int | None) -> None:
    """Compute and keep the programme's Table 8 (the background task of the Table 8 page:
    the same inputs, so the same key, as the page computes), and the chart of `year`
    (the latest when None) that the page asks for next."""
    programme = Programme.objects.get(pk=programme_id)
    with translation.override(lang):
        data = memo(
            "table8",
            lambda: table8_inputs(programme, lang),
            lambda: table8_data(programme, lang),
        )
        amounts = data["amounts"].get(year if year is not None else data["years"][-1])
        if amounts:
            lorenz(amounts, lang)


def year_amounts(fees, year: int) -> dict[str, list]:
    year_fees = fees[fees["year"] == year]
    return {c: g["amount"].tolist() for c, g in year_fees.groupby("cluster")}


def lorenz(amounts, lang: str) -> str:
    return memo("lorenz", (amounts, lang), lambda: cofinancing.lorenz_chart(amounts, lang))


def keep_table8_chart(programme_id: int, year: int, lang: str) -> None:
    """Compute and keep the programme's Table 8 chart of `year` (the background task of
    the Table 8 page's chart: the same amounts, so the same key, as the page computes)."""
    keep_table8(programme_id, lang, year)
