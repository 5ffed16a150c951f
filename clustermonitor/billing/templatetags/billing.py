from decimal import Decimal

from babel import numbers
from django import template

from clustermonitor.core.templatetags.format import current_locale

register = template.Library()


@register.filter
def cents(value) -> str:
    """An amount to the cent in the page's language (1.234,56 in Dutch)."""
    if value is None or value == "":
        return "–"
    return numbers.format_decimal(Decimal(str(value)), format="#,##0.00", locale=current_locale())
