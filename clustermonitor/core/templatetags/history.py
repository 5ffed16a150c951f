from django import template
from django.urls import reverse

from clustermonitor.core.audit import AUDITED_MODELS

register = template.Library()


@register.simple_tag
def history_url(instance) -> str:
    """The audit history page of an object, or '' when it has none."""
    name = instance._meta.model_name
    if name not in AUDITED_MODELS:
        return ""
    return reverse("core:object-history", args=[name, instance.pk])
