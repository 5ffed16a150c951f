from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "clustermonitor.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django.core import signals
        from django.db.backends.signals import connection_created

        from clustermonitor.core import sharedcache

        # Every committed write starts a new generation of the records (shared cache).
        connection_created.connect(sharedcache.install, dispatch_uid="sharedcache-writes")
        signals.request_started.connect(sharedcache.request_started, dispatch_uid="sharedcache")
        signals.request_finished.connect(sharedcache.request_finished, dispatch_uid="sharedcache")
