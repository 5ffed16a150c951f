from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    """Economic impact (issue 20): the companies' annual accounts from the National Bank's
    Central Balance Sheet Office, and the estimate of what membership changes in their
    growth against comparable companies (analysis/impact.py)."""

    name = "clustermonitor.impact"
    label = "impact"
    verbose_name = _("Economic impact")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from clustermonitor.impact import import_kinds, tiles
        from clustermonitor.monitoring import inbox

        import_kinds.register_kinds()
        inbox.register_tiles(tiles.tiles)
