from django.urls import path

from clustermonitor.prospects import views

app_name = "prospects"

urlpatterns = [
    path("clusters/<str:code>/prospects/", views.pipeline, name="pipeline"),
    path(
        "clusters/<str:code>/prospects/download/", views.pipeline_download, name="pipeline-download"
    ),
    path("clusters/<str:code>/prospects/new/", views.prospect_create, name="prospect-create"),
    path("clusters/<str:code>/prospects/import/", views.import_upload, name="import-upload"),
    path("prospects/<int:pk>/", views.prospect_detail, name="prospect-detail"),
    path("prospects/<int:pk>/edit/", views.prospect_edit, name="prospect-edit"),
    path("prospects/<int:pk>/move/", views.prospect_move, name="prospect-move"),
    path("prospects/<int:pk>/delete/", views.prospect_delete, name="prospect-delete"),
    path("prospects/<int:pk>/fee/", views.prospect_fee, name="prospect-fee"),
]
