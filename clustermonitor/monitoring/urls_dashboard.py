"""Routes of the programme dashboard and trajectories (included by monitoring/urls.py)."""

from django.urls import path

from clustermonitor.monitoring import views_dashboard, views_published

urlpatterns = [
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("trajectories/", views_dashboard.trajectories, name="trajectories"),
    path(
        "clusters/<str:code>/trajectories/",
        views_dashboard.trajectories_cluster,
        name="trajectories-cluster",
    ),
    path("published-vs-computed/", views_published.published_vs_computed, name="published"),
]
