"""Routes of the survey's analysis part (included by surveys/urls.py, namespace "surveys")."""

from django.urls import path

from clustermonitor.surveys import views_analysis

urlpatterns = [
    path("surveys/waves/<int:pk>/results/", views_analysis.wave_results, name="wave-results"),
    path(
        "surveys/waves/<int:pk>/results/identities.xlsx",
        views_analysis.raw_identities,
        name="wave-raw-identities",
    ),
    path(
        "surveys/waves/<int:pk>/results/answers.xlsx",
        views_analysis.raw_answers,
        name="wave-raw-answers",
    ),
    path(
        "clusters/<str:code>/survey/results/",
        views_analysis.cluster_results,
        name="cluster-results",
    ),
]
