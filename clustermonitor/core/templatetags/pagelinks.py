"""{% load pagelinks %}{% page_links "call" call as links %}: the links the apps above a
page registered for it (core.pagelinks), for the user viewing it."""

from django import template

from clustermonitor.core import pagelinks

register = template.Library()


@register.simple_tag(takes_context=True)
def page_links(context, page, obj):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return pagelinks.links(page, user, obj)
