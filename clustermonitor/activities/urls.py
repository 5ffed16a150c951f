from django.urls import path

from clustermonitor.activities import views

app_name = "activities"

urlpatterns = [
    path("clusters/<str:code>/activities/", views.activity_list, name="activity-list"),
    path("clusters/<str:code>/activities/new/", views.activity_create, name="activity-create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity-edit"),
    path("activities/<int:pk>/attendees/import/", views.attendee_import, name="attendee-import"),
    path(
        "participations/<int:pk>/review/", views.participation_review, name="participation-review"
    ),
    path(
        "participations/<int:pk>/delete/", views.participation_delete, name="participation-delete"
    ),
]
