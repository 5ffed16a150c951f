from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_link(context, field: str, label: str) -> str:
    """A column header that sorts the portfolio by `field`, toggling the direction; it
    keeps the filters and, with htmx, replaces only the table."""
    request = context["request"]
    current = context.get("sort_param", "")
    params = request.GET.copy()
    descending = current == field
    params["sort"] = f"-{field}" if descending else field
    url = f"{reverse('programmes:portfolio')}?{params.urlencode()}"
    state = ""
    if current.lstrip("-") == field:
        state = "descending" if current.startswith("-") else "ascending"
    arrow = {"ascending": " ▲", "descending": " ▼"}.get(state, "")
    return format_html(
        '<a href="{}" hx-get="{}" hx-target="#portfolio-table" hx-push-url="true"'
        ' data-sort="{}"{}>{}{}</a>',
        url,
        url,
        field,
        format_html(' aria-sort="{}"', state) if state else "",
        label,
        arrow,
    )
