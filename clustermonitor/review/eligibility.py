"""The automatic eligibility checks of an application (issue 19): what the pure checks of
analysis.grant_review need, read from the records (the cluster type's rules, the members'
memberships of other running clusters), and their reasons in the user's language."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from clustermonitor.analysis import grant_review as checks
from clustermonitor.review.models import CheckKind

#: Members in other running clusters: the largest share allowed when the criterion says
#: none.
DEFAULT_DUPLICATE_LIMIT = Decimal("0.5")


def texts() -> dict[str, str]:
    """analysis.grant_review's reasons, translated (their placeholders kept)."""
    return {
        "no_plan": _("There is no co-financing plan."),
        "no_budget": _("Year {year}: no budget."),
        "cofinancing_short": _(
            "Year {year}: co-financing {own} of a budget of {budget} is below {share}: "
            "{missing} missing."
        ),
        "year_over_cap": _(
            "Year {year}: a subsidy of {subsidy} is above the maximum of {cap} a year."
        ),
        "no_request": _("There is no requested amount."),
        "request_over_cap": _(
            "The requested {asked} is above {cap} ({years} years at the annual maximum): "
            "{over} too much."
        ),
        "no_term": _("There is no term."),
        "term_too_long": _("A term of {years} years is longer than the maximum of {max}."),
        "no_members": _("No members are committed."),
        "member_elsewhere": _("{number} is a member of {clusters}."),
        "too_many_elsewhere": _(
            "{n} of {total} members are already members of another running cluster (at "
            "most {limit} allowed)."
        ),
        "no_manager": _("No cluster manager is named."),
        "no_manager_email": _("The cluster manager has no e-mail address."),
        "no_steering_group": _("There is no steering group."),
        "companies_minority": _(
            "Companies hold {n} of {total} seats of the steering group: no majority."
        ),
    }


def _number(value) -> str:
    return str(value or "").replace(".", "").replace(" ", "")


def memberships_elsewhere(numbers: list[str], on: datetime.date) -> dict[str, list[str]]:
    """Enterprise number → codes of the clusters running on `on` that it is a member of
    on that day (the registry's memberships)."""
    from clustermonitor.members.models import Membership

    wanted = sorted({_number(n) for n in numbers if _number(n)})
    if not wanted:
        return {}
    rows = (
        Membership.objects.active_on(on)
        .filter(
            organisation__enterprise_number__in=wanted,
            cluster__start_date__lte=on,
            cluster__end_date__gte=on,
        )
        .values_list("organisation__enterprise_number", "cluster__code")
        .order_by("organisation__enterprise_number", "cluster__code")
    )
    found: dict[str, list[str]] = {}
    for number, code in rows:
        found.setdefault(number, [])
        if code not in found[number]:
            found[number].append(code)
    return found


def evaluate(criterion, data: dict, cluster_type, on: datetime.date) -> checks.Outcome:
    """The outcome of one automatic criterion on a submitted version's `data`."""
    t = texts()
    data = data if isinstance(data, dict) else {}
    kind = criterion.kind
    if kind == CheckKind.COFINANCING:
        return checks.check_cofinancing(data.get("cofinancing"), cluster_type.cofinancing_share, t)
    if kind == CheckKind.SUBSIDY:
        return checks.check_subsidy(
            data.get("cofinancing"),
            data.get("requested_amount"),
            data.get("term_years"),
            cluster_type.max_annual_subsidy,
            t,
        )
    if kind == CheckKind.TERM:
        return checks.check_term(data.get("term_years"), cluster_type.max_years, t)
    if kind == CheckKind.DUPLICATES:
        members = checks.rows_of(data.get("members"))
        elsewhere = memberships_elsewhere([m.get("enterprise_number") for m in members], on)
        limit = criterion.limit if criterion.limit is not None else DEFAULT_DUPLICATE_LIMIT
        return checks.check_duplicates(members, elsewhere, limit, t)
    if kind == CheckKind.MANAGER:
        return checks.check_cluster_manager(data.get("cluster_manager"), t)
    if kind == CheckKind.STEERING:
        return checks.check_steering_group(data.get("steering_group"), t)
    raise ValueError(kind)
