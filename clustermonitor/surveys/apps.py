from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "clustermonitor.surveys"
    label = "surveys"
    verbose_name = _("Member survey")

    def ready(self):
        from clustermonitor.surveys import import_kinds

        import_kinds.register_kinds()
