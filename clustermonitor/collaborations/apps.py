from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationsConfig(AppConfig):
    name = "clustermonitor.collaborations"
    label = "collaborations"
    verbose_name = _("Collaborations")

    def ready(self):
        from clustermonitor.collaborations import import_kinds

        import_kinds.register_kinds()
