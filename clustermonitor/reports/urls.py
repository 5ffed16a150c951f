from django.urls import path

from clustermonitor.reports import views

app_name = "reports"

urlpatterns = [
    path("evaluation/", views.run_list, name="runs"),
    path("evaluation/<int:pk>/", views.run_detail, name="run-detail"),
    path("evaluation/<int:pk>/retry/", views.run_retry, name="run-retry"),
    path("evaluation/<int:pk>/<str:fmt>/", views.run_file, name="run-file"),
]
