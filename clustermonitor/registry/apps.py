from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "clustermonitor.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self):
        from clustermonitor.registry import import_kinds

        import_kinds.register_kinds()
