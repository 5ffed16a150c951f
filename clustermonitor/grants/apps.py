from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    """Calls with their conditions and the applications filled in online (issue 19)."""

    name = "clustermonitor.grants"
    label = "grants"
    verbose_name = _("Calls and applications")
    default_auto_field = "django.db.models.BigAutoField"
