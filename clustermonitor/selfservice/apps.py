from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfserviceConfig(AppConfig):
    name = "clustermonitor.selfservice"
    label = "selfservice"
    verbose_name = _("Member self-service")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from clustermonitor.monitoring import inbox
        from clustermonitor.selfservice import panels
        from clustermonitor.selfservice.inbox import erasure_requests

        panels.register_all()
        inbox.register(erasure_requests)
