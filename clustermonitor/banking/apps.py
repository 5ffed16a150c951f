from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BankingConfig(AppConfig):
    name = "clustermonitor.banking"
    label = "banking"
    verbose_name = _("Bank statements")

    def ready(self):
        from clustermonitor.banking import import_kinds

        import_kinds.register_kinds()
