from django.urls import path

from clustermonitor.registrations import views, views_public

app_name = "registrations"

urlpatterns = [
    # Public (no login): the form, the page after it, the cancellation link.
    path("portal/events/<int:pk>/register/", views_public.register, name="register"),
    path("portal/events/<int:pk>/registered/", views_public.registered, name="registered"),
    path("portal/registration/<str:token>/cancel/", views_public.cancel, name="cancel"),
    # The workspace: an activity's registration.
    path("activities/<int:pk>/registrations/", views.event_detail, name="event-detail"),
    path(
        "activities/<int:pk>/registrations/settings/",
        views.settings_edit,
        name="settings-edit",
    ),
    path(
        "activities/<int:pk>/registrations/questions/add/",
        views.question_add,
        name="question-add",
    ),
    path(
        "registration-questions/<int:pk>/delete/",
        views.question_delete,
        name="question-delete",
    ),
    path(
        "activities/<int:pk>/registrations/download/",
        views.event_download,
        name="event-download",
    ),
    path(
        "registrations/<int:pk>/cancel/",
        views.registration_cancel,
        name="registration-cancel",
    ),
    # On the day (a phone).
    path("activities/<int:pk>/check-in/", views.check_in, name="check-in"),
    path("activities/<int:pk>/check-in/scan/", views.check_in_scan, name="check-in-scan"),
    path(
        "activities/<int:pk>/check-in/walk-in/",
        views.check_in_walk_in,
        name="check-in-walk-in",
    ),
    path(
        "registrations/<int:pk>/check-in/",
        views.check_in_registration,
        name="check-in-registration",
    ),
]
