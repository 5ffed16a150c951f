"""The open figures in the public read API (`/api/public/figures`, no authentication;
docs/portal.md "Open figures", docs/api.md): the list, and one figure's rows as of a
day, with its licence (CC BY 4.0) and how it is suppressed. The same figures as the page
/portal/figures/ and its downloads (portal/figures.py); no answer names an organisation.
"""

import datetime
from typing import Literal

from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict

from clustermonitor.api.params import IsoDate, date_query
from clustermonitor.core import i18n
from clustermonitor.portal import figures

router = Router(tags=["public"], auth=None)

FigureName = Literal[figures.NAMES]  # type: ignore[valid-type]
AS_OF = date_query("the figures as known on this day, at most today; today by default")
NAME = Path(..., description="the figure, as GET /api/public/figures lists it")
LANG = Query(None, description="language of the titles and labels (else Accept-Language, else nl)")


class LicenceOut(Schema):
    name: str
    url: str
    attribution: str


class SuppressionOut(Schema):
    min_organisations: int
    suppressed: str
    hidden: str
    note: str


class ColumnOut(Schema):
    key: str
    label: str


class FigureSummaryOut(Schema):
    name: str
    title: str
    description: str
    url: str
    csv: str
    json_download: str


class FigureListOut(Schema):
    as_of: datetime.date
    language: Literal["nl", "en"]
    licence: LicenceOut
    suppression: SuppressionOut
    figures: list[FigureSummaryOut]


EXAMPLE = {
    "name": "reach-sizes",
    "title": "Member companies by size",
    "description": "The programme's member companies by size class, each company once.",
    "as_of": "2026-12-06",
    "language": "en",
    "licence": {
        "name": figures.LICENCE_NAME,
        "url": figures.LICENCE_URL,
        "attribution": "Source: VLAIO, Flemish cluster policy, open figures of the cluster "
        "programme (clustermonitor)",
    },
    "suppression": {
        "min_organisations": figures.MIN_CELL,
        "suppressed": figures.SUPPRESSED,
        "hidden": figures.HIDDEN,
        "note": "Every count resting on fewer than 5 organisations is shown as < 5; …",
    },
    "columns": [
        {"key": "size_class", "label": "size class"},
        {"key": "label", "label": "label"},
        {"key": "companies", "label": "companies"},
    ],
    "rows": [
        {"size_class": "micro", "label": "micro (< 10)", "companies": 412},
        {"size_class": "small", "label": "small (10–49)", "companies": 230},
        {"size_class": "medium", "label": "medium (50–249)", "companies": 118},
        {"size_class": "large", "label": "large (≥ 250)", "companies": "…"},
        {"size_class": "unknown", "label": "size unknown", "companies": "< 5"},
        {"size_class": "total", "label": "Total", "companies": 822},
    ],
}


class FigureOut(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})

    name: str
    title: str
    description: str
    as_of: datetime.date
    language: Literal["nl", "en"]
    licence: LicenceOut
    suppression: SuppressionOut
    columns: list[ColumnOut]
    #: A cell: a count, a text (a code or label), "< 5", "…", or null (no value).
    rows: list[dict[str, int | float | str | None]]


def _prepare(request, response: HttpResponse, as_of, lang) -> tuple[datetime.date, str]:
    today = datetime.date.today()
    if as_of is not None and as_of > today:
        raise HttpError(422, "as_of is after today: no figure is known yet")
    language = i18n.supported(lang or translation.get_language_from_request(request))
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    response["Content-Language"] = language
    response["Link"] = f'<{figures.LICENCE_URL}>; rel="license"'
    response["Access-Control-Allow-Origin"] = "*"
    return as_of or today, language


def _suppression() -> dict:
    return {
        "min_organisations": figures.MIN_CELL,
        "suppressed": figures.SUPPRESSED,
        "hidden": figures.HIDDEN,
        "note": figures.suppression_note(),
    }


@router.get("/public/figures", response=FigureListOut)
def public_figures(
    request,
    response: HttpResponse,
    as_of: IsoDate | None = AS_OF,
    lang: Literal["nl", "en"] | None = LANG,
):
    """The open figures (docs/portal.md): each with its title, what it counts, and where
    to read it (this API) or download it (CSV with its CSV-on-the-Web metadata, JSON).
    Under CC BY 4.0; no authentication."""
    on, language = _prepare(request, response, as_of, lang)
    query = f"?lang={language}&as_of={on:%Y-%m-%d}"
    with translation.override(language):
        return {
            "as_of": on,
            "language": language,
            "licence": figures.licence(),
            "suppression": _suppression(),
            "figures": [
                {
                    "name": name,
                    "title": str(title),
                    "description": str(description),
                    "url": reverse("api:public_figure", args=[name]) + query,
                    "csv": reverse("portal:figure-csv", args=[name]) + query,
                    "json_download": reverse("portal:figure-json", args=[name]) + query,
                }
                for name, (title, description) in figures.FIGURES.items()
            ],
        }


@router.get("/public/figures/{name}", response=FigureOut)
def public_figure(
    request,
    response: HttpResponse,
    name: FigureName = NAME,
    as_of: IsoDate | None = AS_OF,
    lang: Literal["nl", "en"] | None = LANG,
):
    """One open figure as of `as_of` (today by default): what was known on that day,
    computed as the agency's pages compute it, every cell resting on fewer than five
    organisations given as "< 5" and the cell hidden beside it as "…" (`suppression`).
    `rows` in a fixed order, keyed by `columns`. Under CC BY 4.0 (`licence`: name the
    source as `attribution` says)."""
    on, language = _prepare(request, response, as_of, lang)
    with translation.override(language):
        return figures.as_json(figures.figure(name, on))
