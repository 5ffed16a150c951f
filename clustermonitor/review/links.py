"""The links the call's page (programmes) shows to the screening and jury: handed over to
core.pagelinks in ReviewConfig.ready(), so that programmes imports nothing of review."""

from django.urls import reverse
from django.utils.translation import gettext as _

from clustermonitor.accounts import access


def call_links(user, call) -> list[dict]:
    if not user.has_perm(access.REVIEW_MANAGE):
        return []
    return [
        {"label": _("Screening and jury"), "url": reverse("review:call", args=[call.pk])},
        {"label": _("Ranking"), "url": reverse("review:ranking", args=[call.pk])},
    ]
