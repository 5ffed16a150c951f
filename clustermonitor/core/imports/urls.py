from django.urls import path

from clustermonitor.core.imports import views

app_name = "imports"

#: The wizard's steps after the upload (each app has its own upload page).
urlpatterns = [
    path("imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/<int:pk>/commit/", views.import_commit, name="import-commit"),
    path("imports/<int:pk>/rejected.xlsx", views.import_rejected, name="import-rejected"),
]
