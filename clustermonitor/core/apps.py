from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "clustermonitor.core"
    label = "core"
    verbose_name = "Core"
