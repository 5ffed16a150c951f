from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "clustermonitor.registrations"
    label = "registrations"
    verbose_name = _("Event registration")

    def ready(self):
        # The permissions of registration and check-in (accounts/access_registrations.py).
        from clustermonitor.accounts import access_registrations  # noqa: F401
