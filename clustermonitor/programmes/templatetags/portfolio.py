from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, field: str, label: str, css: str = "") -> str:
    """A <th> whose link sorts the portfolio by `field`, toggling the direction; it keeps
    the filters and, with htmx, replaces only the table. aria-sort says the state."""
    request = context["request"]
    current = context.get("sort_param", "")
    params = request.GET.copy()
    params["sort"] = f"-{field}" if current == field else field
    url = f"{reverse('programmes:portfolio')}?{params.urlencode()}"
    state = ""
    if current.lstrip("-") == field:
        state = "descending" if current.startswith("-") else "ascending"
    arrow = {"ascending": " ▲", "descending": " ▼"}.get(state, "")
    return format_html(
        '<th{}{}><a href="{}" hx-get="{}" hx-target="#portfolio-table" hx-push-url="true"'
        ' data-sort="{}">{}{}</a></th>',
        format_html(' class="{}"', css) if css else "",
        format_html(' aria-sort="{}"', state) if state else "",
        url,
        url,
        field,
        label,
        arrow,
    )
