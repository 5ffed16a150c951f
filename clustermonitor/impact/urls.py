from django.urls import path

from clustermonitor.impact import views

app_name = "impact"

urlpatterns = [
    path("impact/", views.programme_impact, name="programme"),
    path("clusters/<str:code>/impact/", views.cluster_impact, name="cluster"),
]
