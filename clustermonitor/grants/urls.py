from django.urls import path

from clustermonitor.grants import views

app_name = "grants"

urlpatterns = [
    # The agency.
    path("calls/<int:pk>/online/", views.call_setup, name="call-setup"),
    path("calls/<int:pk>/received/", views.received, name="received"),
    # The applicant (and the agency reading what a call received), below "My
    # applications": the applicant's menu page and breadcrumb.
    path("my-applications/", views.mine, name="mine"),
    path("my-applications/<int:pk>/", views.application_detail, name="application"),
    path("my-applications/<int:pk>/form/", views.form_page, name="form"),
    path("my-applications/<int:pk>/attachments/", views.attachment_add, name="attachment-add"),
    path("my-applications/<int:pk>/submit/", views.submit, name="submit"),
    path("my-applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("my-applications/versions/<int:pk>/", views.version_detail, name="acknowledgement"),
    path("my-applications/files/<int:pk>/", views.attachment_file, name="attachment"),
    path(
        "my-applications/files/<int:pk>/remove/",
        views.attachment_remove,
        name="attachment-remove",
    ),
]
