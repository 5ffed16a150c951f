"""{{ moment|bmoment }}: a moment in Belgian time to the second (a call's opening and
closing, a submission), "07/12/2026 17:00:00"."""

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def bmoment(value) -> str:
    if not value:
        return "–"
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M:%S")
