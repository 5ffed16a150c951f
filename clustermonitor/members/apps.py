from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "clustermonitor.members"
    label = "members"
    verbose_name = _("Members")

    def ready(self):
        from clustermonitor.members import import_kinds

        import_kinds.register_kinds()

        from clustermonitor.members import segments

        segments.register_segments()
