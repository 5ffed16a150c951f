"""The economic-impact estimate in the API (issue 20): the same document as the command
line's JSON and the page's download (impact.figures), for the programme or for the
companies that entered through one cluster. Who may read it: as on the pages
(accounts/access_impact.py) — a cluster's estimate its manager too, the programme's the
agency and evaluators; everyone else gets 404."""

import datetime
from typing import Literal

from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from clustermonitor.accounts import access
from clustermonitor.analysis import impact as estimator
from clustermonitor.api.params import IsoDate, date_query
from clustermonitor.impact import figures
from clustermonitor.programmes.models import Cluster
from clustermonitor.programmes.selectors import current_programme

router = Router(tags=["economic impact"])

ON = date_query("as known on; today by default")
METHOD = Query(estimator.DEFAULT_METHOD)

Outcome = Literal[tuple(estimator.OUTCOMES)]  # type: ignore[valid-type]
Method = Literal[tuple(estimator.METHODS)]  # type: ignore[valid-type]


class EventPointOut(Schema):
    e: int
    att: float | None
    se: float | None = None
    ci: list[float] | None
    n_treated: int | None = None


class ImpactOut(Schema):
    outcome: str
    method: str
    as_of: datetime.date
    clusters: list[str]
    att: float | None
    se: float | None
    ci: list[float] | None
    n_treated: int | None
    n_control: int | None
    pretrend_p: float | None
    event_study: list[EventPointOut]
    twfe: dict | None
    suppressed: bool
    reason: str | None
    conditional: dict | None
    splits: dict
    firms: dict
    left_out: dict
    intensity: list[dict]


def _estimate(outcome, on, method, clusters, programme):
    today = timezone.localdate()
    on = on or today
    if on > today:
        raise HttpError(422, f"{on} is in the future (today is {today}): no forecasts.")
    return figures.result(programme, on, outcome, method=method, clusters=clusters)


@router.get("/impact/{outcome}", response=ImpactOut)
def programme_impact(
    request,
    outcome: Outcome,
    on: IsoDate = ON,
    method: Method = METHOD,
):
    """The programme's estimate of membership's effect on `outcome`, as known on `on`
    (docs/impact.md): agency staff and evaluators."""
    access.require_impact_reader(request.user)
    programme = current_programme(None)
    if programme is None:
        raise HttpError(404, "Not Found")
    return _estimate(outcome, on, method, None, programme)


@router.get("/clusters/{code}/impact/{outcome}", response=ImpactOut)
def cluster_impact(
    request,
    code: str,
    outcome: Outcome,
    on: IsoDate = ON,
    method: Method = METHOD,
):
    """The estimate for the companies that entered the programme through cluster `code`:
    its manager too; nothing rests on fewer than ten firms on either side."""
    cluster = access.impact_cluster(request.user, Cluster.objects, code)
    return _estimate(outcome, on, method, [cluster], cluster.programme)
