"""The grant cycle's figures (issue 19): the automatic eligibility checks of a submitted
application and the jury's ranking. Pure functions on plain data (no Django): the review
app hands in the application's answers (the shape of grants.contract), the cluster type's
rules and the reviewers' scores.

Eligibility (docs/user-guide.md, "Screening"):

- **co-financing**: each year of the plan, the co-financing (member fees and other own
  income: everything but the subsidy) is at least the type's share of that year's budget;
  a year below it names the amount missing;
- **subsidy caps**: the subsidy of each year is at most the type's maximum annual subsidy,
  and the amount requested at most that maximum times the term;
- **term**: between one year and the type's maximum duration;
- **members in other clusters**: the share of the committed members that are members of
  another cluster running on the day of the screening is at most the criterion's limit
  (every such member is listed);
- **cluster manager**: a named cluster manager with an e-mail address;
- **steering group**: companies hold more than half of the seats.

Amounts are compared in whole cents (Decimal), so no float noise decides a check.

Ranking: a reviewer's weighted total of an application is Σ weight × score / Σ weight ×
max score, as a percentage (0–100); the application's total is the mean over the
reviewers who submitted, its spread the largest minus the smallest reviewer total (in
percentage points). Flags: below the call's threshold, a criterion whose mean score is
below that criterion's threshold, a spread above the call's limit. Rows are sorted by
mean total (highest first), then by key; figures rounded to one decimal on output.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
#: An amount this large is no amount (and would not fit the database's money fields).
LARGEST = Decimal("1e12")


@dataclass(frozen=True)
class Outcome:
    passed: bool
    reasons: tuple[str, ...] = ()
    #: What the check found worth listing (members in other clusters, years short).
    details: tuple[dict, ...] = ()


def amount(value) -> Decimal | None:
    """A plan's amount ("125000.00", a number) in cents, or None when it is none."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(" ", ""))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or abs(number) >= LARGEST:
        return None
    return number.quantize(CENT)


def _euro(value: Decimal) -> str:
    text = f"{value:,.2f}"
    return "EUR " + text.replace(",", " ").replace(".", ",")


def rows_of(value) -> list[Mapping]:
    """The mappings of a list in the answers (anything else in it is ignored: the shape is
    grants.contract's, but a check never fails on a stray value)."""
    if not isinstance(value, list | tuple):
        return []
    return [row for row in value if isinstance(row, Mapping)]


def _percent(share: Decimal) -> str:
    return f"{(share * 100).normalize():f} %"


# -- Eligibility ----------------------------------------------------------------------


def check_cofinancing(plan: Iterable[Mapping], share: Decimal, texts=None) -> Outcome:
    """Each year's co-financing (member fees + other) against `share` of its budget."""
    t = texts or TEXTS
    rows = rows_of(plan)
    if not rows:
        return Outcome(False, (t["no_plan"],))
    reasons, details = [], []
    for row in sorted(rows, key=lambda r: str(r.get("year", ""))):
        year = row.get("year", "?")
        budget = amount(row.get("budget"))
        fees, other = amount(row.get("member_fees")), amount(row.get("other"))
        if budget is None or budget <= 0:
            reasons.append(t["no_budget"].format(year=year))
            continue
        own = (fees or Decimal(0)) + (other or Decimal(0))
        required = (budget * Decimal(share)).quantize(CENT)
        if own < required:
            missing = required - own
            reasons.append(
                t["cofinancing_short"].format(
                    year=year,
                    own=_euro(own),
                    budget=_euro(budget),
                    share=_percent(Decimal(share)),
                    missing=_euro(missing),
                )
            )
            details.append({"year": year, "missing": str(missing)})
    return Outcome(not reasons, tuple(reasons), tuple(details))


def check_subsidy(
    plan: Iterable[Mapping],
    requested,
    term_years,
    max_annual: Decimal,
    texts=None,
) -> Outcome:
    """Each year's subsidy at most `max_annual`; the request at most `max_annual` × term."""
    t = texts or TEXTS
    reasons = []
    for row in sorted(rows_of(plan), key=lambda r: str(r.get("year", ""))):
        subsidy = amount(row.get("subsidy"))
        if subsidy is not None and subsidy > max_annual:
            reasons.append(
                t["year_over_cap"].format(
                    year=row.get("year", "?"), subsidy=_euro(subsidy), cap=_euro(max_annual)
                )
            )
    asked = amount(requested)
    if asked is None:
        reasons.append(t["no_request"])
    else:
        years = term_years if isinstance(term_years, int) and term_years > 0 else 1
        cap = (Decimal(max_annual) * years).quantize(CENT)
        if asked > cap:
            reasons.append(
                t["request_over_cap"].format(
                    asked=_euro(asked), cap=_euro(cap), years=years, over=_euro(asked - cap)
                )
            )
    return Outcome(not reasons, tuple(reasons))


def check_term(term_years, max_years: int, texts=None) -> Outcome:
    t = texts or TEXTS
    if not isinstance(term_years, int) or isinstance(term_years, bool) or term_years < 1:
        return Outcome(False, (t["no_term"],))
    if term_years > max_years:
        return Outcome(False, (t["term_too_long"].format(years=term_years, max=max_years),))
    return Outcome(True)


def check_duplicates(
    members: Iterable[Mapping], elsewhere: Mapping[str, list[str]], limit: Decimal, texts=None
) -> Outcome:
    """`elsewhere`: enterprise number → codes of the other running clusters it is a member
    of. Passed when their share of the members is at most `limit`; each one is listed."""
    t = texts or TEXTS
    numbers = []
    for member in rows_of(members):
        number = str(member.get("enterprise_number") or "").replace(".", "").replace(" ", "")
        if number and number not in numbers:
            numbers.append(number)
    if not numbers:
        return Outcome(False, (t["no_members"],))
    found = [
        {"enterprise_number": n, "clusters": sorted(elsewhere[n])}
        for n in numbers
        if elsewhere.get(n)
    ]
    share = Decimal(len(found)) / Decimal(len(numbers))
    reasons = [
        t["member_elsewhere"].format(
            number=d["enterprise_number"], clusters=", ".join(d["clusters"])
        )
        for d in found
    ]
    passed = share <= Decimal(limit)
    if not passed:
        reasons.insert(
            0,
            t["too_many_elsewhere"].format(
                n=len(found), total=len(numbers), limit=_percent(Decimal(limit))
            ),
        )
    return Outcome(passed, tuple(reasons), tuple(found))


def check_cluster_manager(manager: Mapping | None, texts=None) -> Outcome:
    t = texts or TEXTS
    manager = manager if isinstance(manager, Mapping) else {}
    if not str(manager.get("name") or "").strip():
        return Outcome(False, (t["no_manager"],))
    if not str(manager.get("email") or "").strip():
        return Outcome(False, (t["no_manager_email"],))
    return Outcome(True)


def check_steering_group(group: Iterable[Mapping], texts=None) -> Outcome:
    t = texts or TEXTS
    seats = rows_of(group)
    if not seats:
        return Outcome(False, (t["no_steering_group"],))
    companies = sum(1 for s in seats if s.get("kind") == "company")
    if companies * 2 <= len(seats):
        return Outcome(False, (t["companies_minority"].format(n=companies, total=len(seats)),))
    return Outcome(True)


#: The reasons in English; the review app hands in its translated texts.
TEXTS = {
    "no_plan": "There is no co-financing plan.",
    "no_budget": "Year {year}: no budget.",
    "cofinancing_short": (
        "Year {year}: co-financing {own} of a budget of {budget} is below {share}: "
        "{missing} missing."
    ),
    "year_over_cap": "Year {year}: a subsidy of {subsidy} is above the maximum of {cap} a year.",
    "no_request": "There is no requested amount.",
    "request_over_cap": (
        "The requested {asked} is above {cap} ({years} years at the annual maximum): "
        "{over} too much."
    ),
    "no_term": "There is no term.",
    "term_too_long": "A term of {years} years is longer than the maximum of {max}.",
    "no_members": "No members are committed.",
    "member_elsewhere": "{number} is a member of {clusters}.",
    "too_many_elsewhere": (
        "{n} of {total} members are already members of another running cluster (at most "
        "{limit} allowed)."
    ),
    "no_manager": "No cluster manager is named.",
    "no_manager_email": "The cluster manager has no e-mail address.",
    "no_steering_group": "There is no steering group.",
    "companies_minority": "Companies hold {n} of {total} seats of the steering group: no majority.",
}


# -- Ranking ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RubricItem:
    key: object
    weight: Decimal
    max_score: int
    threshold: Decimal | None = None  # the least mean score this criterion should reach


@dataclass
class Ranked:
    key: object
    reviewers: int
    totals: dict = field(default_factory=dict)  # reviewer → weighted total (%)
    mean: float | None = None
    spread: float | None = None
    criterion_means: dict = field(default_factory=dict)  # criterion key → mean score
    below_threshold: bool = False
    criteria_below: tuple = ()
    wide_spread: bool = False
    rank: int | None = None


def weighted_total(items: list[RubricItem], scores: Mapping) -> float | None:
    """One reviewer's weighted total (0–100 %) from their scores (criterion key → score);
    None when a criterion is unscored."""
    if not items:
        return None
    top = sum(Decimal(i.weight) * i.max_score for i in items)
    if top <= 0 or any(scores.get(i.key) is None for i in items):
        return None
    got = sum(Decimal(i.weight) * Decimal(scores[i.key]) for i in items)
    return float(got * 100 / top)


def rank(
    items: list[RubricItem],
    scores: Mapping[object, Mapping[object, Mapping]],
    *,
    threshold: Decimal | None = None,
    spread_limit: Decimal | None = None,
) -> list[Ranked]:
    """`scores`: application key → reviewer → criterion key → score (submitted only).
    The applications ranked by their mean weighted total; those without any complete
    scoring follow, unranked."""
    rows = []
    for key, by_reviewer in scores.items():
        totals = {}
        for reviewer, given in by_reviewer.items():
            total = weighted_total(items, given)
            if total is not None:
                totals[reviewer] = total
        row = Ranked(key=key, reviewers=len(totals), totals=totals)
        if totals:
            values = list(totals.values())
            row.mean = sum(values) / len(values)
            row.spread = max(values) - min(values)
            for item in items:
                given = [float(s[item.key]) for r, s in by_reviewer.items() if r in totals]
                row.criterion_means[item.key] = sum(given) / len(given)
            row.below_threshold = threshold is not None and row.mean < float(threshold)
            row.criteria_below = tuple(
                i.key
                for i in items
                if i.threshold is not None and row.criterion_means[i.key] < float(i.threshold)
            )
            row.wide_spread = spread_limit is not None and row.spread > float(spread_limit)
        rows.append(row)
    rows.sort(key=lambda r: (r.mean is None, -(r.mean or 0), str(r.key)))
    position = 0
    for row in rows:
        if row.mean is not None:
            position += 1
            row.rank = position
    return rows


def rounded(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value + 0.0, places)
