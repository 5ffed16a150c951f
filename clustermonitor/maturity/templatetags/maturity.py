"""Showing criteria and their outcomes: thresholds and values the Belgian way, with
decimals only where there are any (0,5 FTE; 20 companies)."""

from decimal import Decimal

from django import template

from clustermonitor.core.templatetags.format import format_number
from clustermonitor.maturity import criteria

register = template.Library()


@register.filter
def measure(value) -> str:
    if value is None or value == "":
        return format_number(None)
    value = Decimal(value)
    return format_number(value, 0 if value == value.to_integral_value() else 2)


@register.filter
def rule(criterion) -> str:
    """`private_companies ≥ 20` for a computed criterion, '' for an evidence one."""
    if not criterion.is_computed:
        return ""
    return f"{criterion.metric} {criterion.get_operator_display()} {measure(criterion.threshold)}"


@register.filter
def outcome_label(outcome: str) -> str:
    return str(criteria.OUTCOME_LABELS.get(outcome, outcome))


@register.filter
def outcome_class(outcome: str) -> str:
    """CSS classes of the stylesheet: green pass, red fail, grey unknown."""
    return {
        criteria.PASS: "status status-paid",
        criteria.FAIL: "status danger",
    }.get(outcome, "status status-expected")
