from django.urls import path

from clustermonitor.registry import views

app_name = "registry"

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("organisations/<int:pk>/figures/new/", views.figures_create, name="figures-create"),
    path("figures/<int:pk>/edit/", views.figures_edit, name="figures-edit"),
    path("data-quality/", views.quality_programme, name="quality"),
    path("kbo/", views.kbo_imports, name="kbo-imports"),
    path("kbo/<int:pk>/", views.kbo_import_detail, name="kbo-import-detail"),
]
