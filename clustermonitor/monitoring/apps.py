from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "clustermonitor.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self):
        # The label-expiry warnings of maturity, which sits below monitoring and cannot
        # register them itself (monitoring/inbox_labels.py).
        from clustermonitor.monitoring import inbox
        from clustermonitor.monitoring.inbox_labels import label_expiry

        inbox.register(label_expiry)
