"""The public read API (`/api/public/...`, no authentication): the finder (docs/finder.md).

No answer contains a member's name or says whether a company is a member: clusters come
with counts of members, the company with its NACE code and place only.
"""

from typing import Literal

from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict

from clustermonitor.analysis import finder as ranking
from clustermonitor.core import i18n
from clustermonitor.members import finder

router = Router(tags=["public"], auth=None)


class ReasonOut(Schema):
    kind: Literal["nace_class", "nace_division", "near", "keywords"]
    count: int
    value: str
    text: str


class ClusterMatchOut(Schema):
    code: str
    name: str
    type: str
    domain: str
    score: float
    factors: dict[str, float]
    reasons: list[ReasonOut]


class FinderQueryOut(Schema):
    enterprise_number: str
    nace: str
    nace_label: str
    postcode: str
    municipality: str
    located_by: Literal["postcode", "municipality", ""]
    keywords: list[str]


EXAMPLE = {
    "language": "en",
    "query": {
        "enterprise_number": "",
        "nace": "28.99",
        "nace_label": "Manufacture of other special-purpose machinery n.e.c.",
        "postcode": "3000",
        "municipality": "Leuven",
        "located_by": "postcode",
        "keywords": ["drones"],
    },
    "weights": ranking.WEIGHTS,
    "results": [
        {
            "code": "EUKA",
            "name": "EUKA",
            "type": "IBN",
            "domain": "drones",
            "score": 0.8123,
            "factors": {"sector": 0.7, "proximity": 0.6, "keywords": 1.0},
            "reasons": [
                {"kind": "keywords", "count": 1, "value": "drones", "text": "works on drones"},
                {
                    "kind": "nace_class",
                    "count": 14,
                    "value": "28.99",
                    "text": "14 members in NACE 28.99",
                },
                {"kind": "near", "count": 3, "value": "20", "text": "3 members within 20 km"},
            ],
        }
    ],
}


class FinderOut(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})

    language: Literal["nl", "en"]
    query: FinderQueryOut
    weights: dict[str, float]
    results: list[ClusterMatchOut]


def _language(request, lang: str | None) -> str:
    if lang:
        return i18n.supported(lang)
    return i18n.supported(translation.get_language_from_request(request))


@router.get("/public/finder", response=FinderOut)
def public_finder(
    request,
    response: HttpResponse,
    enterprise_number: str = Query(
        "", max_length=40, description="Belgian enterprise number, any notation (0412.345.678)"
    ),
    nace: str = Query("", max_length=20, description="NACE-BEL 2008 code, 28.99 or 2899 or 28"),
    postcode: str = Query("", max_length=20, description="Belgian postcode, 3000"),
    q: str = Query("", max_length=1000, description="keywords, free text (the first 200 chars)"),
    lang: Literal["nl", "en"] | None = Query(
        None, description="language of the reasons and errors (else Accept-Language, else nl)"
    ),
):
    """The running clusters that fit a company, best first, with the score, its factors
    and the reasons in words (docs/finder.md). Give an enterprise number (looked up in
    the registry and the KBO lookup), or a NACE code and/or a postcode, or keywords, or
    a combination. No authentication. An invalid enterprise number, an unknown NACE code
    or postcode, or no input at all is answered with 422 and the reason in `detail`, in
    the requested language."""
    language = _language(request, lang)
    # The same URL answers in another language for another Accept-Language (or cookie).
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    response["Content-Language"] = language
    with translation.override(language):
        try:
            found = finder.search(
                enterprise_number=enterprise_number, nace=nace, postcode=postcode, q=q
            )
        except finder.FinderError as error:
            raise HttpError(422, str(error.message)) from None
        results = finder.find(found)
        return {
            "language": language,
            "query": {
                "enterprise_number": found.enterprise_number,
                "nace": found.nace,
                "nace_label": found.nace_label,
                "postcode": found.postcode,
                "municipality": found.municipality,
                "located_by": found.located_by,
                "keywords": found.keywords,
            },
            "weights": ranking.WEIGHTS,
            "results": [
                {
                    "code": r.code,
                    "name": r.name,
                    "type": r.type,
                    "domain": r.domain,
                    "score": r.score,
                    "factors": r.factors,
                    "reasons": [
                        {
                            "kind": reason.kind,
                            "count": reason.count,
                            "value": reason.value,
                            "text": finder.reason_text(reason),
                        }
                        for reason in r.reasons
                    ],
                }
                for r in results
            ],
        }
