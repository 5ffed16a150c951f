from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "clustermonitor.registrations"
    label = "registrations"
    verbose_name = _("Event registration")

    def ready(self):
        # The permissions of registration and check-in (accounts/access_registrations.py).
        from clustermonitor.accounts import access_registrations  # noqa: F401
        from clustermonitor.core.panels import (
            Eraser,
            Panel,
            PersonalData,
            register,
            register_eraser,
            register_personal_data,
        )
        from clustermonitor.registrations import selfservice

        # Member self-service: the company's registrations, "download my data", erasure.
        register(
            Panel(
                "registrations",
                _("Registrations for events to come"),
                "registrations/panel.html",
                selfservice.company_registrations,
                55,
            )
        )
        register_personal_data(PersonalData("registrations", selfservice.personal_data, 55))
        register_eraser(Eraser("registrations", selfservice.erase_person, 55))
