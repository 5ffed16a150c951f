from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "clustermonitor.activities"
    label = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from clustermonitor.activities import import_kinds

        import_kinds.register_kinds()

        from clustermonitor.activities import segments

        segments.register_segments()
