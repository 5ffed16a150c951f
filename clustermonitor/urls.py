from django.urls import include, path
from django.views.i18n import set_language

from clustermonitor.urls_api import api

urlpatterns = [
    path("", include("clustermonitor.programmes.urls")),
    path("", include("clustermonitor.core.imports.urls")),
    path("", include("clustermonitor.members.urls")),
    path("", include("clustermonitor.registry.urls")),
    path("", include("clustermonitor.activities.urls")),
    path("", include("clustermonitor.collaborations.urls")),
    path("", include("clustermonitor.monitoring.urls")),
    path("", include("clustermonitor.surveys.urls")),
    path("", include("clustermonitor.reports.urls")),
    path("accounts/", include("clustermonitor.accounts.urls")),
    path("", include("clustermonitor.core.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", api.urls),
]

# A database still locked after the busy timeout (SQLite) answers 503 + Retry-After.
handler500 = "clustermonitor.core.middleware.server_error"
