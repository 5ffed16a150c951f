"""Routes of the survey's forms part (included by surveys/urls.py, namespace "surveys"):
the questionnaires, and the public web questionnaire behind a personal link."""

from django.urls import path

from clustermonitor.surveys import views_forms, views_respond

urlpatterns = [
    path("surveys/questionnaires/", views_forms.questionnaire_list, name="questionnaire-list"),
    path(
        "surveys/questionnaires/upload/",
        views_forms.questionnaire_upload,
        name="questionnaire-upload",
    ),
    path(
        "surveys/questionnaires/<int:pk>/",
        views_forms.questionnaire_detail,
        name="questionnaire-detail",
    ),
    path(
        "surveys/questionnaires/<int:pk>/xlsform/",
        views_forms.questionnaire_xlsform,
        name="questionnaire-xlsform",
    ),
    path("s/<str:token>/", views_respond.respond, name="respond"),
]
