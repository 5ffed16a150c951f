from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "clustermonitor.portal"
    label = "portal"
    verbose_name = _("Public portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from clustermonitor.core.panels import (
            Eraser,
            PersonalData,
            register_eraser,
            register_personal_data,
        )
        from clustermonitor.monitoring import inbox
        from clustermonitor.portal.inbox import join_requests
        from clustermonitor.portal.services_join import (
            PIPELINE_HOOK,
            erase_person,
            personal_data,
        )
        from clustermonitor.prospects import services as prospects

        inbox.register(join_requests)
        prospects.register(PIPELINE_HOOK)
        # "Download my data" (member self-service): the join requests with their address.
        register_personal_data(PersonalData("join_requests", personal_data, 50))
        register_eraser(Eraser("join_requests", erase_person, 50))
