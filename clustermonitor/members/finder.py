"""The finder's data (docs/finder.md): the company as the visitor gives it (enterprise
number, NACE code and postcode, keywords) and every running cluster in aggregates of
its members, for analysis/finder.py to rank. Shared by the page and the public API.

Nothing here returns a member's name, nor whether a company is a member: the company is
described by its NACE code and place only, the clusters by counts. Three queries for
the clusters whatever the number of members (the clusters, members per NACE code,
members per place), grouped in the database.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clustermonitor.analysis import finder as ranking
from clustermonitor.core import known, memo
from clustermonitor.members.models import Membership
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry import enterprise
from clustermonitor.registry.models import NaceCode, Organisation, Postcode

#: Longest keyword text taken (the rest is cut off): a search box, not a document.
MAX_QUERY = 200
#: The most keywords (tokens) a search uses.
MAX_KEYWORDS = 20


class FinderError(ValueError):
    """Input the finder cannot use: `errors` (parameter, why) for each input, `field`
    and `message` the first parameter and every reason in one text."""

    def __init__(self, field_name: str, message, errors: list | None = None):
        self.field, self.message = field_name, message
        self.errors = errors or [(field_name, message)]
        super().__init__(f"{field_name}: {message}")

    @classmethod
    def of(cls, errors: list["FinderError"]) -> "FinderError":
        pairs = [pair for error in errors for pair in error.errors]
        return cls(pairs[0][0], " ".join(str(message) for _, message in pairs), pairs)


@dataclass
class Search:
    """The company as found: what the ranking gets, and what the page may show of it."""

    company: ranking.Company
    enterprise_number: str = ""
    nace: str = ""  # with dots, 28.99
    nace_label: str = ""
    postcode: str = ""
    municipality: str = ""
    located_by: str = ""  # "postcode", "municipality" (the postcode has no point) or ""
    keywords: list[str] = field(default_factory=list)


@dataclass
class Result:
    code: str
    name: str
    type: str
    domain: str
    score: float
    factors: dict[str, float]
    reasons: list[ranking.Reason]

    @property
    def reasons_text(self) -> list[str]:
        return [reason_text(r) for r in self.reasons]


def reason_text(reason: ranking.Reason) -> str:
    """A reason in words, in the active language."""
    params = {"count": reason.count, "value": reason.value}
    if reason.kind == "nace_class":
        text = ngettext(
            "%(count)d member in NACE %(value)s",
            "%(count)d members in NACE %(value)s",
            reason.count,
        )
    elif reason.kind == "nace_division":
        text = ngettext(
            "%(count)d member in NACE division %(value)s",
            "%(count)d members in NACE division %(value)s",
            reason.count,
        )
    elif reason.kind == "near":
        text = ngettext(
            "%(count)d member within %(value)s km",
            "%(count)d members within %(value)s km",
            reason.count,
        )
    else:
        text = str(_("works on %(value)s"))
    return text % params


# -- The company ------------------------------------------------------------------------


def nace_code(text: str) -> NaceCode:
    """The NACE-BEL 2008 code typed as 28.99, 2899, 28.990 or 28 (division to subclass)."""
    digits = "".join(c for c in text if c not in ". ")
    found = None
    if digits.isascii() and digits.isdigit() and 2 <= len(digits) <= 7:
        found = NaceCode.objects.filter(version=2008, code=digits).first()
    if found is None:
        raise FinderError("nace", _("%(code)s is not a NACE-BEL 2008 code.") % {"code": text})
    return found


def place(postcode: str) -> tuple[tuple[float, float] | None, str, str]:
    """(point, municipality, located_by) of a Belgian postcode. A postcode without a
    point of its own (four have none) gets the mean of its municipality's other
    postcodes' points."""
    rows = list(
        Postcode.objects.filter(code=postcode)
        .select_related("municipality")
        .order_by("-primary", "pk")
    )
    if not rows:
        raise FinderError("postcode", _("%(code)s is not a Belgian postcode.") % {"code": postcode})
    first = rows[0]
    name = first.municipality.name_nl
    if first.latitude is not None:
        return (float(first.latitude), float(first.longitude)), name, "postcode"
    points = Postcode.objects.filter(
        municipality=first.municipality, latitude__isnull=False
    ).values_list("latitude", "longitude")
    if not points:
        return None, name, ""
    lat = sum(float(p[0]) for p in points) / len(points)
    lon = sum(float(p[1]) for p in points) / len(points)
    return (lat, lon), name, "municipality"


def _normalised_postcode(text: str) -> str:
    code = text.strip().upper().removeprefix("B-").removeprefix("B").strip()
    if not (len(code) == 4 and code.isascii() and code.isdigit()):
        raise FinderError("postcode", _("%(code)s is not a Belgian postcode.") % {"code": text})
    return code


def by_enterprise_number(text: str) -> tuple[str, str]:
    """(NACE 2008 code, postcode) of an enterprise: the registry's, else the KBO
    lookup's (docs/kbo.md). Raises FinderError for an invalid number, or one of which
    neither knows an activity or a postcode."""
    try:
        number = enterprise.normalise(text)
    except enterprise.InvalidEnterpriseNumber as exc:
        raise FinderError(
            "enterprise_number",
            _("%(number)s is not a valid enterprise number: %(reason)s.")
            % {"number": text, "reason": _(exc.reason)},
        ) from None
    org = (
        Organisation.objects.filter(enterprise_number=number)
        .values("nace_2008__code", "postcode", "country")
        .first()
    )
    nace, postcode = "", ""
    if org is not None:
        nace = org["nace_2008__code"] or ""
        postcode = org["postcode"] if org["country"] == "BE" else ""
    if not nace or not postcode:
        from clustermonitor.registry import kbo

        hit = next(iter(kbo.search_lookup(number, limit=1)), None)
        if hit is not None:
            nace = nace or (hit.get("nace_2008") or "").replace(".", "")
            postcode = postcode or (hit.get("postcode") or "")
    if not nace and not postcode:
        # The same words whether the registry holds the number or not: the answer does
        # not tell who is in the registry.
        raise FinderError(
            "enterprise_number",
            _(
                "Enterprise number %(number)s is not known to us; "
                "give a NACE code and a postcode instead."
            )
            % {"number": enterprise.display(number)},
        )
    return nace, postcode


def search(
    *, enterprise_number: str = "", nace: str = "", postcode: str = "", q: str = ""
) -> Search:
    """The company from the visitor's input (any combination; at least one given).
    Raises FinderError with a reason for every input it cannot use. A NACE code or
    postcode that the enterprise number brings and that our tables lack is left out."""
    enterprise_number, nace, postcode = (
        (enterprise_number or "").strip(),
        (nace or "").strip(),
        (postcode or "").strip(),
    )
    q = (q or "").strip()[:MAX_QUERY]
    if not (enterprise_number or nace or postcode or q):
        raise FinderError(
            "q", _("Give an enterprise number, a NACE code and a postcode, or keywords.")
        )
    errors: list[FinderError] = []
    number, found_nace, found_postcode = "", "", ""
    if enterprise_number:
        try:
            found_nace, found_postcode = by_enterprise_number(enterprise_number)
            number = enterprise.display(enterprise.normalise(enterprise_number))
        except FinderError as error:
            errors.append(error)
    code = None
    if nace or found_nace:
        try:
            code = nace_code(nace or found_nace)
        except FinderError as error:
            if nace:
                errors.append(error)
    point, municipality, located_by = None, "", ""
    given_postcode, postcode = postcode, ""
    if given_postcode or found_postcode:
        try:
            postcode = _normalised_postcode(given_postcode or found_postcode)
            point, municipality, located_by = place(postcode)
        except FinderError as error:
            postcode = ""
            if given_postcode:
                errors.append(error)
    if errors:
        raise FinderError.of(errors)
    words = ranking.tokens(q)[:MAX_KEYWORDS]
    return Search(
        company=ranking.Company(nace=code.code if code else "", point=point, keywords=tuple(words)),
        enterprise_number=number,
        nace=code.code_dot if code else "",
        nace_label=code.label if code else "",
        postcode=postcode,
        municipality=municipality,
        located_by=located_by,
        keywords=words,
    )


# -- The clusters -----------------------------------------------------------------------


def running_clusters(on: datetime.date):
    """Clusters whose agreement period includes `on`."""
    return Cluster.objects.filter(start_date__lte=on, end_date__gte=on).select_related(
        "cluster_type"
    )


def cluster_profiles(on: datetime.date) -> tuple[list[ranking.ClusterProfile], dict]:
    """Every cluster running on `on` in aggregates of its members active on `on`, and
    what the answer shows of each cluster by code (name, type, domain). Three queries."""
    clusters = {c.pk: c for c in running_clusters(on).order_by("code")}
    members = known.active_memberships(Membership.objects.all(), on).filter(cluster_id__in=clusters)
    nace: dict[int, dict[str, int]] = {pk: {} for pk in clusters}
    for row in (
        members.filter(organisation__nace_2008__isnull=False)
        .values("cluster_id", "organisation__nace_2008__code")
        .annotate(n=Count("organisation_id", distinct=True))
        .order_by()
    ):
        nace[row["cluster_id"]][row["organisation__nace_2008__code"]] = row["n"]
    places: dict[int, list] = {pk: [] for pk in clusters}
    for row in (
        members.filter(~Q(organisation__latitude=None), ~Q(organisation__longitude=None))
        .values("cluster_id", "organisation__latitude", "organisation__longitude")
        .annotate(n=Count("organisation_id", distinct=True))
        .order_by()
    ):
        places[row["cluster_id"]].append(
            (float(row["organisation__latitude"]), float(row["organisation__longitude"]), row["n"])
        )
    profiles = [
        ranking.ClusterProfile(
            code=c.code,
            nace=nace[pk],
            places=tuple(places[pk]),
            keywords=tuple([*c.keywords, *([c.domain] if c.domain else [])]),
        )
        for pk, c in clusters.items()
    ]
    shown = {
        c.code: {"name": c.name, "type": c.cluster_type.code, "domain": c.domain_label}
        for c in clusters.values()
    }
    return profiles, shown


def kept_cluster_profiles(on: datetime.date) -> tuple[list[ranking.ClusterProfile], dict]:
    """`cluster_profiles`, kept (core.memo) until a membership, an organisation or a
    cluster changes or the day does: one query of index look-ups instead of three
    grouped over every membership of the running clusters."""
    return memo.memo(
        "finder-clusters",
        lambda: (on.isoformat(), memo.data_version(Membership, Organisation, Cluster)),
        lambda: cluster_profiles(on),
    )


def find(found: Search, on: datetime.date | None = None, top: int | None = None) -> list[Result]:
    """The running clusters for the company, best first."""
    on = on or datetime.date.today()
    profiles, shown = kept_cluster_profiles(on)
    return [
        Result(
            code=m.code,
            **shown[m.code],
            score=round(m.score, 4),
            factors={k: round(v, 4) for k, v in m.factors.items()},
            reasons=m.reasons,
        )
        for m in ranking.rank(found.company, profiles, top=top)
    ]
