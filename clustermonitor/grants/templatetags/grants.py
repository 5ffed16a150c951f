"""{{ moment|bmoment }}: a moment in Belgian time to the second (a call's opening and
closing, a submission), "07/12/2026 17:00:00". {{ amount|plan_money }}: an amount of a
submitted application (a string in grants.contract's shape) shown as money when it is
one, else as the text the applicant gave (never an error)."""

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
