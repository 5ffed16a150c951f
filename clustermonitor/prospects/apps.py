from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProspectsConfig(AppConfig):
    name = "clustermonitor.prospects"
    label = "prospects"
    verbose_name = _("Prospects")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from clustermonitor.monitoring import inbox as monitoring_inbox
        from clustermonitor.prospects import import_kinds, segments
        from clustermonitor.prospects.inbox import steps_due

        import_kinds.register_kinds()
        monitoring_inbox.register(steps_due)
        # Mailings: "prospects of the cluster" (the open ones with a contact e-mail).
        segments.register_segments()
