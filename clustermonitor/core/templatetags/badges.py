"""{% badge record "state" %} or {% badge "call" "open" %}: a state's badge, with its
words and its tone from core/badges.py (never a class picked in the template). An
optional last argument replaces the words (e.g. "starts 01/09/2026")."""

from django import template
from django.db import models
from django.utils import timezone

from clustermonitor.core import badges

register = template.Library()


@register.inclusion_tag("core/_badge.html")
def badge(subject, state, label=None):
    if isinstance(subject, models.Model):
        value, tone, default = badges.for_field(subject, state)
    else:
        value, tone, default = badges.for_state(subject, state)
    return {"value": value, "tone": tone, "label": label or default}


@register.filter
def call_state(call):
    """The call's state today ("open", "closing_soon", ...), or None without dates."""
    return badges.call_state(call, timezone.localdate())
