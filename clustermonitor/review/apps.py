from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """Eligibility screening, the jury's review and the decisions on applications
    (issue 19)."""

    name = "clustermonitor.review"
    label = "review"
    verbose_name = _("Screening and review")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from clustermonitor.accounts import access_review  # noqa: F401 - registers the rules
        from clustermonitor.core import pagelinks
        from clustermonitor.review.links import call_links

        pagelinks.register("call", "review", call_links, order=20)

        from clustermonitor.monitoring import inbox as monitoring_inbox
        from clustermonitor.review.inbox import items

        monitoring_inbox.register(items)
