"""The reach figures (issue 3): the programme's or a cluster's members by size, age,
memberships, NACE section and municipality, on a reference date, and their charts. Rows
and values only: the reach pages render them, the report's reach chapter reads them."""

import datetime
from collections.abc import Callable
from functools import partial

import pandas as pd

from clustermonitor.analysis import charts, reach
from clustermonitor.core.memo import memo
from clustermonitor.members.reach import REACH_COLUMNS


def reach_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=REACH_COLUMNS)
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    for column in ("employees", "turnover", "balance_total", "latitude", "longitude"):
        frame[column] = pd.to_numeric(frame[column])
    return frame


def member_counts(frame: pd.DataFrame, cluster: str | None = None) -> dict:
    """The programme's or one cluster's memberships, member companies and member
    organisations (each counted once)."""
    own = frame if cluster is None else frame[frame["cluster"] == cluster]
    companies = own["kind"] == "company"
    return {
        # Every count names what it counts: companies and their memberships apart from
        # the memberships of all organisations (knowledge institutions, federations, ...).
        "n_memberships": len(own),
        "n_company_memberships": int(companies.sum()),
        "n_companies": int(own.loc[companies, "organisation_id"].nunique()),
        "n_organisations": int(own["organisation_id"].nunique()),
    }


def analyse(frame: pd.DataFrame, on: datetime.date, cluster: str | None = None) -> dict:
    """All figures for the programme, or for one cluster's members (`cluster`); the frame
    holds the whole programme so that a cluster's members' other memberships count."""
    reference = pd.Timestamp(on)
    return {
        **member_counts(frame, cluster),
        "sizes": reach.size_classes(frame, cluster=cluster),
        "sme": reach.sme_share(frame, cluster=cluster),
        "ages": reach.age_classes(frame, reference, cluster=cluster),
        "age": reach.age_summary(frame, reference, cluster=cluster),
        "memberships": reach.memberships_per_organisation(frame, cluster=cluster),
        "nace": reach.nace_sections(frame, cluster=cluster),
        "municipalities": reach.by_municipality(frame, cluster=cluster),
    }


def drawers(result: dict, lang: str) -> dict[str, Callable[[], str]]:
    """The page's five charts, each as a function that draws it (SVG text: our own
    matplotlib output, text drawn as paths): the report draws a chart only when it is
    rendered."""
    return {
        "sizes": partial(charts.bar_chart, result["sizes"], "size_class", "share", lang=lang),
        "ages": partial(charts.bar_chart, result["ages"], "age_class", "share", lang=lang),
        "memberships": partial(
            charts.stacked_bar_chart, result["memberships"], "memberships", lang=lang
        ),
        "nace": partial(
            charts.bar_chart,
            result["nace"],
            "nace_section",
            "n",
            lang=lang,
            labels=charts.nace_labels(lang),
            horizontal=True,
        ),
        "map": partial(charts.map_chart, result["municipalities"], lang=lang),
    }


def figures(result: dict, lang: str) -> dict:
    """The page's five charts, drawn."""
    return {name: draw() for name, draw in drawers(result, lang).items()}


def kept_figures(result: dict, lang: str) -> dict:
    """`figures`, kept by the figures' data: five charts, a map among them, take longer
    to draw than all the queries and tables of the page."""
    data = {k: v.to_dict("split") if isinstance(v, pd.DataFrame) else v for k, v in result.items()}
    return memo("reach-figures", (data, lang), lambda: figures(result, lang))
