from django.urls import path

from clustermonitor.core import views

app_name = "core"

urlpatterns = [
    path("audit/", views.audit_log, name="audit-log"),
    path("audit/<str:model>/<int:pk>/", views.object_history, name="object-history"),
    path("healthz", views.healthz, name="healthz"),
]
