from django.urls import path

from clustermonitor.grants import views

app_name = "grants"

urlpatterns = [
    # The agency.
    path("calls/<int:pk>/online/", views.call_setup, name="call-setup"),
    path("calls/<int:pk>/received/", views.received, name="received"),
    # The applicant (and the agency reading what a call received).
    path("my-applications/", views.mine, name="mine"),
    path("applications/<int:pk>/online/", views.application_detail, name="application"),
    path("applications/<int:pk>/form/", views.form_page, name="form"),
    path("applications/<int:pk>/attachments/", views.attachment_add, name="attachment-add"),
    path("applications/<int:pk>/submit/", views.submit, name="submit"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("application-versions/<int:pk>/", views.version_detail, name="acknowledgement"),
    path("application-files/<int:pk>/", views.attachment_file, name="attachment"),
    path("application-files/<int:pk>/remove/", views.attachment_remove, name="attachment-remove"),
]
