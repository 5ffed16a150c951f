from django.urls import path

from clustermonitor.collaborations import views, views_analysis, views_network

app_name = "collaborations"

urlpatterns = [
    path(
        "clusters/<str:code>/collaborations/",
        views.collaboration_list,
        name="collaboration-list",
    ),
    path(
        "clusters/<str:code>/collaborations/new/",
        views.collaboration_create,
        name="collaboration-create",
    ),
    path(
        "clusters/<str:code>/collaborations/import/",
        views.collaboration_import,
        name="collaboration-import",
    ),
    path("clusters/<str:code>/kpi3/", views_analysis.kpi3_cluster, name="kpi3-cluster"),
    path("clusters/<str:code>/network/", views_network.cluster_network, name="cluster-network"),
    path(
        "clusters/<str:code>/partner-clusters/",
        views_network.matchmaking_view,
        name="matchmaking",
    ),
    path("collaborations/", views_analysis.programme_overview, name="programme"),
    path("collaborations/<int:pk>/", views.collaboration_detail, name="collaboration-detail"),
    path("collaborations/<int:pk>/edit/", views.collaboration_edit, name="collaboration-edit"),
    path("collaborations/<int:pk>/stage/", views.stage_change, name="stage-change"),
    path("collaborations/<int:pk>/parties/", views.party_add, name="party-add"),
    path("collaborations/<int:pk>/links/", views.link_add, name="link-add"),
    path("parties/<int:pk>/delete/", views.party_delete, name="party-delete"),
    path("links/<int:pk>/delete/", views.link_delete, name="link-delete"),
    path("intercluster/", views_analysis.intercluster_overview, name="intercluster"),
    path("network/", views_network.programme_network, name="network"),
]
