from django.urls import path

from clustermonitor.accountmanagement import views

# Included in the "programmes" URL namespace (clustermonitor/urls.py): the names stay
# "programmes:account", "programmes:attention-point-edit", ...
urlpatterns = [
    # Issue 6: account management.
    path("clusters/<str:code>/account/", views.account, name="account"),
    path(
        "clusters/<str:code>/account/attention-points/new/",
        views.attention_point_create,
        name="attention-point-create",
    ),
    path(
        "attention-points/<int:pk>/edit/",
        views.attention_point_edit,
        name="attention-point-edit",
    ),
    path(
        "attention-points/<int:pk>/close/",
        views.attention_point_close,
        name="attention-point-close",
    ),
    path(
        "attention-points/<int:pk>/reopen/",
        views.attention_point_reopen,
        name="attention-point-reopen",
    ),
    path(
        "clusters/<str:code>/account/steering-meetings/new/",
        views.steering_meeting_create,
        name="steering-meeting-create",
    ),
    path(
        "steering-meetings/<int:pk>/edit/",
        views.steering_meeting_edit,
        name="steering-meeting-edit",
    ),
    path(
        "steering-meetings/<int:pk>/delete/",
        views.steering_meeting_delete,
        name="steering-meeting-delete",
    ),
    path("learning-sessions/", views.learning_session_list, name="learning-session-list"),
    path(
        "learning-sessions/new/",
        views.learning_session_create,
        name="learning-session-create",
    ),
    path(
        "learning-sessions/<int:pk>/",
        views.learning_session_detail,
        name="learning-session-detail",
    ),
    path(
        "learning-sessions/<int:pk>/edit/",
        views.learning_session_edit,
        name="learning-session-edit",
    ),
    path(
        "learning-sessions/<int:pk>/delete/",
        views.learning_session_delete,
        name="learning-session-delete",
    ),
    path("my-attention-points/", views.my_attention_points, name="my-attention-points"),
]
