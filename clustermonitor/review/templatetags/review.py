"""{% load review %}: an amount of a submitted application (a string in grants.contract's
shape) shown as money when it is one, else as the text the applicant gave."""

from django import template

from clustermonitor.analysis.grant_review import amount
from clustermonitor.core.templatetags.format import format_money

register = template.Library()


@register.filter
def plan_money(value):
    number = amount(value)
    if number is None:
        return str(value) if value not in (None, "") else "–"
    return format_money(number)
