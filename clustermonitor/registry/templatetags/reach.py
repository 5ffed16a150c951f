from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """{{ labels|get:code }}: a dict lookup with a variable key."""
    return mapping.get(key, key) if mapping else key
