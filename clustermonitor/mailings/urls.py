from django.urls import path

from clustermonitor.mailings import views, views_public

app_name = "mailings"

urlpatterns = [
    path("clusters/<str:code>/mailings/", views.mailing_list, name="mailing-list"),
    path("clusters/<str:code>/mailings/new/", views.mailing_new, name="mailing-new"),
    path("clusters/<str:code>/mailings/consents/", views.consent_list, name="consent-list"),
    path(
        "clusters/<str:code>/mailings/suppressions/add/",
        views.suppression_add,
        name="suppression-add",
    ),
    path("clusters/<str:code>/mailings/<int:pk>/", views.mailing_detail, name="mailing-detail"),
    path("clusters/<str:code>/mailings/<int:pk>/edit/", views.mailing_edit, name="mailing-edit"),
    path(
        "clusters/<str:code>/mailings/<int:pk>/progress/",
        views.mailing_progress,
        name="mailing-progress",
    ),
    path(
        "clusters/<str:code>/mailings/<int:pk>/test/",
        views.mailing_test_send,
        name="mailing-test-send",
    ),
    path("clusters/<str:code>/mailings/<int:pk>/send/", views.mailing_send, name="mailing-send"),
    path("u/<str:token>/", views_public.unsubscribe, name="unsubscribe"),
]
