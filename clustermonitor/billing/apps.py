from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "clustermonitor.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from clustermonitor.billing import selfservice
        from clustermonitor.core.panels import Panel, register

        # Member self-service: the company's invoices and credit notes, with their PDF.
        register(
            Panel(
                "invoices",
                _("Invoices and credit notes"),
                "billing/selfservice_panel.html",
                selfservice.company_invoices,
                30,
            )
        )
