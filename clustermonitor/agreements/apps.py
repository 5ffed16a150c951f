from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    """Agreements, their amendments and the subsidy's tranches and payments (issue 19)."""

    name = "clustermonitor.agreements"
    label = "agreements"
    verbose_name = _("Agreements and payments")
    default_auto_field = "django.db.models.BigAutoField"
