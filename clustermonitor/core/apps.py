from django.apps import AppConfig, apps


class CoreConfig(AppConfig):
    name = "clustermonitor.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django.core import signals
        from django.db.backends.signals import connection_created
        from django.db.models import fields
        from django.utils.translation import gettext_lazy as _

        from clustermonitor.core import sharedcache, uniqueness

        # Every committed write starts a new generation of the records (shared cache).
        connection_created.connect(sharedcache.install, dispatch_uid="sharedcache-writes")
        signals.request_started.connect(sharedcache.request_started, dispatch_uid="sharedcache")
        signals.request_finished.connect(sharedcache.request_finished, dispatch_uid="sharedcache")
        # The empty choice of every select (model choices and choice fields alike): ours,
        # in the catalogue, instead of Django's "- Select an option -" (Django has no
        # Dutch for it).
        fields.BLANK_CHOICE_LABEL = _("— choose —")
        # A repeated combination of fields says so in proper words (core/uniqueness.py).
        uniqueness.install(
            model for model in apps.get_models() if model.__module__.startswith("clustermonitor.")
        )
