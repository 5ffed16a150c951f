from django.urls import path

from clustermonitor.programmes import views

app_name = "programmes"

urlpatterns = [
    path("portfolio/", views.portfolio, name="portfolio"),
    path("portfolio.xlsx", views.portfolio_xlsx, name="portfolio-xlsx"),
    path("clusters/new/", views.cluster_create, name="cluster-create"),
    path("clusters/<str:code>/", views.cluster_detail, name="cluster-detail"),
    path("clusters/<str:code>/edit/", views.cluster_edit, name="cluster-edit"),
    path("clusters/<str:code>/targets/", views.target_list, name="target-list"),
    path("clusters/<str:code>/targets/new/", views.target_create, name="target-create"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target-edit"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target-delete"),
    path("calls/", views.call_list, name="call-list"),
    path("calls/new/", views.call_create, name="call-create"),
    path("calls/<int:pk>/", views.call_detail, name="call-detail"),
    path("calls/<int:pk>/edit/", views.call_edit, name="call-edit"),
    path("calls/<int:pk>/applications/new/", views.application_create, name="application-create"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path("programmes/", views.programme_list, name="programme-list"),
    path("programmes/new/", views.programme_create, name="programme-create"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme-detail"),
    path("programmes/<slug:slug>/edit/", views.programme_edit, name="programme-edit"),
    path(
        "programmes/<slug:slug>/types/new/", views.cluster_type_create, name="cluster-type-create"
    ),
    path("cluster-types/<int:pk>/edit/", views.cluster_type_edit, name="cluster-type-edit"),
    path("programmes/<slug:slug>/kpis/new/", views.kpi_create, name="kpi-create"),
    path("kpis/<int:pk>/edit/", views.kpi_edit, name="kpi-edit"),
]
