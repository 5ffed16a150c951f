from django.urls import path

from clustermonitor.members import views

app_name = "members"

urlpatterns = [
    path("clusters/<str:code>/members/", views.member_list, name="member-list"),
    path("clusters/<str:code>/members.xlsx", views.member_list_xlsx, name="member-list-xlsx"),
    path("clusters/<str:code>/members/new/", views.member_add, name="member-add"),
    path("clusters/<str:code>/members/lookup/", views.member_lookup, name="member-lookup"),
    path("clusters/<str:code>/members/import/", views.import_upload, name="import-upload"),
    path("memberships/<int:pk>/", views.membership_detail, name="membership-detail"),
    path("memberships/<int:pk>/edit/", views.membership_edit, name="membership-edit"),
    path("memberships/<int:pk>/contacts/new/", views.contact_create, name="contact-create"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact-edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact-delete"),
    path("imports/members/<int:pk>/", views.import_detail, name="import-detail"),
    path("imports/members/<int:pk>/commit/", views.import_commit, name="import-commit"),
    path("imports/members/<int:pk>/rejected.xlsx", views.import_rejected, name="import-rejected"),
    path(
        "imports/members/<int:pk>/end-missing/", views.import_end_missing, name="import-end-missing"
    ),
]
