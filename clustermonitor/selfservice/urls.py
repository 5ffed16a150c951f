from django.urls import path

from clustermonitor.selfservice import views, views_manager

app_name = "selfservice"

urlpatterns = [
    # The member company's own pages ("Mijn organisatie").
    path("my-organisation/", views.home, name="home"),
    path("my-organisation/contacts/new/", views.contact_create, name="contact-create"),
    path("my-organisation/contacts/<int:pk>/", views.contact_edit, name="contact-edit"),
    path("my-organisation/contacts/<int:pk>/delete/", views.contact_delete, name="contact-delete"),
    path("my-organisation/profile/", views.profile_edit, name="profile-edit"),
    path("my-organisation/fellow-members/", views.directory, name="directory"),
    path("my-organisation/personal-data/", views.personal_data, name="personal-data"),
    path(
        "my-organisation/personal-data/download/",
        views.personal_data_download,
        name="personal-data-download",
    ),
    # Offers and requests.
    path("offers/", views.board, name="board"),
    path("offers/new/", views.posting_create, name="posting-create"),
    path("offers/<int:pk>/", views.posting_detail, name="posting-detail"),
    path("offers/<int:pk>/close/", views.posting_close, name="posting-close"),
    path("offers/interests/<int:pk>/accept/", views.interest_accept, name="interest-accept"),
    # The cluster manager's side.
    path("clusters/<str:code>/self-service/", views_manager.cluster_page, name="cluster"),
    path("clusters/<str:code>/self-service/matching/", views_manager.matching, name="matching"),
    path("self-service/contacts/<int:pk>/invite/", views_manager.invite, name="invite"),
    path(
        "self-service/erasure-requests/<int:pk>/carry-out/",
        views_manager.erasure_carry_out,
        name="erasure-carry-out",
    ),
]
