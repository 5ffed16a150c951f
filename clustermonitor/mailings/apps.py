from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingsConfig(AppConfig):
    name = "clustermonitor.mailings"
    label = "mailings"
    verbose_name = _("Mailings")

    def ready(self):
        from clustermonitor.core.panels import (
            Eraser,
            PersonalData,
            register_eraser,
            register_personal_data,
        )
        from clustermonitor.mailings import selfservice

        # Member self-service: "download my data" and what an erasure does to the
        # consents, suppressions, deliveries and bounces of the person's address.
        register_personal_data(PersonalData("mailings", selfservice.personal_data, 60))
        register_eraser(Eraser("mailings", selfservice.erase_person, 60))
