from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "clustermonitor.portal"
    label = "portal"
    verbose_name = _("Public portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from clustermonitor.monitoring import inbox
        from clustermonitor.portal.inbox import join_requests
        from clustermonitor.portal.services_join import PIPELINE_HOOK
        from clustermonitor.prospects import services as prospects

        inbox.register(join_requests)
        prospects.register(PIPELINE_HOOK)
