"""{{ moment|bmoment }}: a moment in Belgian time to the second (a call's opening and
closing, a submission), "07/12/2026 17:00:00". {{ amount|plan_money }}: an amount of a
submitted application (a string in grants.contract's shape) shown as money when it is
one, else as the text the applicant gave (never an error). {% finder_overlap version as
overlap %}: the running clusters the public finder ranks for a submitted version
(grants.selectors.overlap), what the applicant, the agency and the jury see of its
position against existing clusters."""

from django import template
from django.utils import timezone

from clustermonitor.analysis.grant_review import amount
from clustermonitor.core.templatetags.format import format_money

register = template.Library()


@register.filter
def bmoment(value) -> str:
    if not value:
        return "–"
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M:%S")


@register.filter
def plan_money(value) -> str:
    number = amount(value)
    if number is None:
        return str(value) if value not in (None, "") else "–"
    return format_money(number)


@register.simple_tag
def finder_overlap(version) -> list:
    from clustermonitor.grants import selectors

    return selectors.overlap(version.data or {}) if version is not None else []
